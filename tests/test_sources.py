"""Dataset readers on small folders in each layout (the readers only list files: empty files do)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from facecutout.errors import DataError, InvalidInputError
from facecutout.sources import FAKE, REAL, read_source


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def reasons(listing) -> dict[str, str]:
    return {skip.item: skip.reason for skip in listing.skips}


def test_dfdc_reads_every_part_and_counts_bad_entries(tmp_path: Path) -> None:
    part0, part1 = tmp_path / "dfdc_train_part_0", tmp_path / "dfdc_train_part_1"
    for name in ("real_a.mp4", "fake_a.mp4", "orphan.mp4"):
        touch(part0 / name)
    touch(part1 / "fake_b.mp4")
    metadata0 = {
        "real_a.mp4": {"label": "REAL", "split": "train"},
        "fake_a.mp4": {"label": "FAKE", "original": "real_a.mp4"},
        "orphan.mp4": {"label": "FAKE", "original": "gone.mp4"},
        "absent.mp4": {"label": "REAL"},
        "nolabel.mp4": {"original": "real_a.mp4"},
    }
    (part0 / "metadata.json").write_text(json.dumps(metadata0))
    # a fake whose original lives in another part
    (part1 / "metadata.json").write_text(
        json.dumps({"fake_b.mp4": {"label": "FAKE", "original": "real_a.mp4"}})
    )
    touch(tmp_path / "dfdc_train_part_2" / "x.mp4")
    (tmp_path / "dfdc_train_part_2" / "metadata.json").write_text("{not json")
    listing = read_source("dfdc", tmp_path)
    assert [(r.video, r.label, r.original) for r in listing.records] == [
        ("fake_a", FAKE, "real_a"),
        ("fake_b", FAKE, "real_a"),
        ("real_a", REAL, "real_a"),
    ]
    assert listing.records[1].path == part1 / "fake_b.mp4"
    assert all(record.identities == () for record in listing.records)
    skipped = reasons(listing)
    assert skipped["orphan"] == "original_missing"
    assert skipped["absent"] == "file_missing"
    assert skipped["nolabel.mp4"] == "bad_metadata"
    assert "metadata_unreadable" in skipped.values()
    assert listing.fakes_of() == {"real_a": [listing.records[0], listing.records[1]]}


def test_dfdc_without_metadata_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="metadata.json"):
        read_source("dfdc", tmp_path)


def test_ffpp_pairs_methods_compression_and_splits(tmp_path: Path) -> None:
    originals = tmp_path / "original_sequences" / "youtube" / "c23" / "videos"
    for number in ("000", "003", "001"):
        touch(originals / f"{number}.mp4")
    for method in ("Deepfakes", "FaceSwap"):
        videos = tmp_path / "manipulated_sequences" / method / "c23" / "videos"
        touch(videos / "000_003.mp4")
        touch(videos / "003_000.mp4")
    touch(tmp_path / "manipulated_sequences" / "Deepfakes" / "c23" / "videos" / "001_999.mp4")
    touch(tmp_path / "manipulated_sequences" / "Deepfakes" / "c23" / "videos" / "weird.mp4")
    touch(tmp_path / "manipulated_sequences" / "Deepfakes" / "c40" / "videos" / "000_003.mp4")
    splits = tmp_path / "splits"
    splits.mkdir()
    (splits / "train.json").write_text(json.dumps([["000", "003"]]))
    (splits / "test.json").write_text(json.dumps([["001", "999"]]))

    listing = read_source("ffpp", tmp_path, methods=["Deepfakes"])
    by_id = {record.video: record for record in listing.records}
    assert sorted(by_id) == [
        "000",
        "001",
        "003",
        "Deepfakes_000_003",
        "Deepfakes_001_999",
        "Deepfakes_003_000",
    ]
    fake = by_id["Deepfakes_000_003"]
    assert (fake.label, fake.original, fake.identities, fake.split) == (FAKE, "000", ("000", "003"), "train")
    assert by_id["001"].split == "test" and by_id["Deepfakes_001_999"].split == "test"
    assert by_id["003"].identities == ("003",)
    assert reasons(listing) == {
        str(tmp_path / "manipulated_sequences/Deepfakes/c23/videos/weird.mp4"): "unrecognised_name"
    }

    both = read_source("ffpp", tmp_path)
    assert {"FaceSwap_000_003", "FaceSwap_003_000"} <= {record.video for record in both.records}
    with pytest.raises(DataError, match="NeuralTextures"):
        read_source("ffpp", tmp_path, methods=["NeuralTextures"])
    with pytest.raises(DataError, match="c40"):
        read_source("ffpp", tmp_path, compression="c40")  # no c40 originals


def test_celebdf_identities_originals_and_test_list(tmp_path: Path) -> None:
    for name in ("id0_0000", "id1_0000", "id1_0003"):
        touch(tmp_path / "Celeb-real" / f"{name}.mp4")
    for name in ("id0_id1_0000", "id1_id0_0003", "id5_id0_0001", "badname"):
        touch(tmp_path / "Celeb-synthesis" / f"{name}.mp4")
    touch(tmp_path / "YouTube-real" / "00007.mp4")
    (tmp_path / "List_of_testing_videos.txt").write_text(
        "1 YouTube-real/00007.mp4\n0 Celeb-synthesis/id0_id1_0000.mp4\n"
    )
    listing = read_source("celebdf", tmp_path)
    by_id = {record.video: record for record in listing.records}
    assert sorted(by_id) == ["00007", "id0_0000", "id0_id1_0000", "id1_0000", "id1_0003", "id1_id0_0003"]
    assert by_id["id0_id1_0000"].original == "id0_0000"
    assert by_id["id0_id1_0000"].identities == ("id0", "id1")
    assert by_id["id1_id0_0003"].original == "id1_0003"
    assert by_id["00007"].identities == () and by_id["00007"].split == "test"
    assert by_id["id1_0000"].split == "train"
    skipped = reasons(listing)
    assert skipped["id5_id0_0001"] == "original_missing"
    assert skipped[str(tmp_path / "Celeb-synthesis" / "badname.mp4")] == "unrecognised_name"


def test_celebdf_root_without_its_folders_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="Celeb-real"):
        read_source("celebdf", tmp_path)


def test_csv_reader_paths_labels_identities_and_bad_rows(tmp_path: Path) -> None:
    touch(tmp_path / "videos" / "real" / "a.mp4")
    touch(tmp_path / "videos" / "fake" / "a.mp4")
    touch(tmp_path / "b.mp4")
    table = tmp_path / "list.csv"
    table.write_text(
        "video,label,original,identity\n"
        "videos/real/a.mp4,REAL,,alice\n"
        "videos/fake/a.mp4,1,videos/real/a.mp4,alice;bob\n"
        "b.mp4,0,,\n"
        "c.mp4,0,,\n"
        "d.mp4,maybe,,\n"
        "e.mp4,FAKE,,\n"
    )
    listing = read_source("csv", table, dataset="mine")
    assert listing.dataset == "mine"
    by_id = {record.video: record for record in listing.records}
    assert sorted(by_id) == ["b", "videos__fake__a", "videos__real__a"]
    fake = by_id["videos__fake__a"]
    assert (fake.label, fake.original, fake.identities) == (FAKE, "videos__real__a", ("alice", "bob"))
    assert fake.path == tmp_path / "videos" / "fake" / "a.mp4"
    assert by_id["b"].identities == ()
    assert reasons(listing) == {"c": "file_missing", "row 6": "bad_row", "row 7": "bad_row"}


def test_csv_reader_requires_its_columns(tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_text("path,label\nx.mp4,0\n")
    with pytest.raises(DataError, match="original"):
        read_source("csv", table)
    with pytest.raises(DataError, match="nope.csv"):
        read_source("csv", tmp_path / "nope.csv")
    with pytest.raises(InvalidInputError, match="unknown source"):
        read_source("kinetics", tmp_path)
