"""Identity grouping, fold assignment and the leakage check (unit level and the CLI)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from facecutout.cli import main
from facecutout.data.folds import leakage_problems
from facecutout.data.layout import HOLDOUT_FOLD, assign_folds
from facecutout.errors import InvalidInputError
from facecutout.preprocess.balance import balance_warnings, fold_shares
from facecutout.preprocess.config import PreprocessConfig
from facecutout.preprocess.identity import UnionFind, close_pairs, identity_groups
from facecutout.preprocess.sharding import parse_shard, shard_of
from facecutout.sources import FAKE, REAL, VideoRecord


def record(video: str, label: int = REAL, original: str | None = None, identities=()) -> VideoRecord:
    return VideoRecord(video, Path(f"{video}.mp4"), label, original or video, tuple(identities))


def test_union_find_joins_transitively() -> None:
    sets = UnionFind()
    sets.union("a", "b")
    sets.union("c", "d")
    assert sets.find("a") == sets.find("b") != sets.find("c")
    sets.union("b", "d")
    assert len({sets.find(item) for item in "abcd"}) == 1
    assert sets.find("e") == "e"


def test_ffpp_pairs_link_both_identities() -> None:
    records = [
        record("000", identities=["000"]),
        record("003", identities=["003"]),
        record("004", identities=["004"]),
        record("Deepfakes_000_003", FAKE, "000", ["000", "003"]),
    ]
    groups = identity_groups(records, {}, 0.6)
    assert groups["000"] == groups["003"] == groups["Deepfakes_000_003"] == "g_000"
    assert groups["004"] == "g_004"


def test_embeddings_link_originals_of_the_same_person() -> None:
    rng = np.random.default_rng(0)
    alice, bob = rng.normal(size=128), rng.normal(size=128)
    alice, bob = alice / np.linalg.norm(alice), bob / np.linalg.norm(bob)
    embeddings = {
        "v1": np.stack([alice]).astype(np.float32),
        "v2": np.stack([bob, alice + 0.01]).astype(np.float32),  # alice appears in v2 as a second person
        "v3": np.stack([bob + 0.02]).astype(np.float32),
        "v4": np.zeros((0, 128), np.float32),  # no face embedded
        "v5": np.stack([-alice]).astype(np.float32),
    }
    records = [record(name) for name in embeddings] + [record("f1", FAKE, "v1")]
    groups = identity_groups(records, embeddings, 0.6)
    assert groups["v1"] == groups["v2"] == groups["v3"] == groups["f1"]
    assert len({groups["v1"], groups["v4"], groups["v5"]}) == 3
    assert close_pairs(np.stack([alice, alice, bob]), 0.6, chunk=1) == [(0, 1)]


def test_folds_keep_groups_whole_and_balance_rows() -> None:
    sizes = {"g_a": 50, "g_b": 30, "g_c": 30, "g_d": 20, "g_e": 10, "g_t": 40}
    folds = assign_folds(sizes, 2, holdout=["g_t"])
    assert folds["g_t"] == HOLDOUT_FOLD
    load = [sum(size for group, size in sizes.items() if folds[group] == fold) for fold in (0, 1)]
    assert load == [70, 70]
    assert assign_folds(sizes, 2, holdout=["g_t"]) == folds  # deterministic


def test_leakage_problems_name_videos_originals_and_identities() -> None:
    clean = pd.DataFrame(
        {
            "video": ["a", "a", "fa", "b"],
            "original": ["a", "a", "a", "b"],
            "identity": ["g1", "g1", "g1", "g2"],
            "fold": [0, 0, 0, 1],
        }
    )
    assert leakage_problems(clean) == []
    leaky = clean.assign(
        fold=[0, 1, 0, 1]
    )  # frames of one video in two folds (the paper's frame-level folds)
    problems = leakage_problems(leaky)
    assert "video 'a' appears in folds 0, 1" in problems
    assert any(problem.startswith("original 'a'") for problem in problems)
    assert any(problem.startswith("identity 'g1'") for problem in problems)
    identity_only = clean.assign(identity=["g1", "g1", "g1", "g1"])
    assert leakage_problems(identity_only) == ["identity 'g1' appears in folds 0, 1"]


def test_check_leakage_command_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    header = "video,file,label,original,frame,fold,dataset,identity\n"
    clean = tmp_path / "clean.csv"
    clean.write_text(header + "a,0_0.png,0,a,0,0,x,g_a\nfa,0_0.png,1,a,0,0,x,g_a\nb,0_0.png,0,b,0,1,x,g_b\n")
    assert main(["check-leakage", str(clean)]) == 0
    assert "0 problem(s)" in capsys.readouterr().out
    leaky = tmp_path / "leaky.csv"
    leaky.write_text(header + "a,0_0.png,0,a,0,0,x,g_a\nfa,0_0.png,1,a,0,1,x,g_a\n")
    assert main(["check-leakage", str(leaky)]) == 1
    output = capsys.readouterr().out
    assert "LEAK: original 'a' appears in folds 0, 1" in output
    assert main(["check-leakage", str(tmp_path / "missing.csv")]) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("video,fold\na,0\n")
    assert main(["check-leakage", str(bad)]) == 2
    assert "original" in capsys.readouterr().err


def test_shards_and_config_validation() -> None:
    assert parse_shard("0/4") == (0, 4)
    for text in ("4/4", "-1/2", "a/b", "3"):
        with pytest.raises(InvalidInputError, match="shard"):
            parse_shard(text)
    videos = [f"video{index}" for index in range(200)]
    counts = np.bincount([shard_of(video, 4) for video in videos], minlength=4)
    assert counts.sum() == 200 and counts.min() > 25
    assert shard_of("abc", 7) == shard_of("abc", 7)
    with pytest.raises(InvalidInputError, match="landmarks"):
        PreprocessConfig(landmarks=("nope",))
    with pytest.raises(InvalidInputError, match="folds"):
        PreprocessConfig(folds=1)
    base = PreprocessConfig()
    changed = PreprocessConfig(margin=0.5)
    assert base.signature("faces") == changed.signature("faces")
    assert base.signature("crops") != changed.signature("crops")
    assert base.signature("diffs") != changed.signature("diffs")


def fold_table(folds: dict[str, int], fakes: set[str]) -> pd.DataFrame:
    """Two rows per video, in the CSV's columns that the balance reads."""
    rows = [(video, int(video in fakes), fold) for video, fold in folds.items() for _ in range(2)]
    return pd.DataFrame(rows, columns=["video", "label", "fold"])


def test_fold_shares_count_videos_and_fakes_per_fold() -> None:
    table = fold_table({"a": 0, "fa": 0, "b": 1, "fb": 1, "c": 1, "t": HOLDOUT_FOLD}, {"fa", "fb"})
    shares = fold_shares(table, 3)
    assert shares == {-1: (0.1667, 0.0), 0: (0.3333, 0.5), 1: (0.5, 0.5), 2: (0.0, 0.0)}


def test_balance_warnings_name_a_chained_group_and_unbalanced_folds() -> None:
    videos = [f"v{index}" for index in range(10)]
    even = {video: f"g_{video}" for video in videos}
    balanced = fold_table({video: index % 2 for index, video in enumerate(videos)}, {"v0", "v1"})
    assert balance_warnings(even, fold_shares(balanced, 2), 2, 0.6) == []
    # single linkage chained 6 of 10 videos into one group: more than a fold's fair share (1/2)
    chained = {video: "g_v0" if index < 6 else f"g_{video}" for index, video in enumerate(videos)}
    lopsided = fold_table({video: int(index >= 6) for index, video in enumerate(videos)}, {"v0", "v1"})
    warnings = balance_warnings(chained, fold_shares(lopsided, 2), 2, 0.6)
    assert warnings[0].startswith("identity group g_v0 holds 60% of the videos (6 of 10)")
    assert "--cluster-distance (now 0.6)" in warnings[0]
    # fold 1 holds 40% of the videos (mean 50%: within half of it) but none of the fakes
    assert warnings[1:] == [
        "fold 0 holds 100% of the fakes, the folds' mean is 50%",
        "fold 1 holds 0% of the fakes, the folds' mean is 50%",
    ]


def test_ray_options_need_ray_and_the_ray_executor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.mp4").write_bytes(b"")
    listing = tmp_path / "videos.csv"
    listing.write_text(f"video,label,original\n{tmp_path / 'a.mp4'},0,\n")
    argv = ["preprocess", "--source", "csv", "--root", str(listing), "--out", str(tmp_path / "out")]
    assert main([*argv, "--address", "head:6379"]) == 2
    assert "need --executor ray" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    assert main([*argv, "--executor", "ray", "--no-progress"]) == 2
    error = capsys.readouterr().err.strip()
    assert error == (
        "facecutout preprocess: error: executor: 'ray' needs Ray, which is an optional extra: "
        "pip install 'facecutout[ray]'"
    )
