"""The ablation runner on tiny real training runs: one table row per method, finite numbers, resume."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from facecutout.ablation.config import AblationConfig
from facecutout.ablation.runner import (
    RESULT_FILE,
    RunResult,
    check_same_config,
    run_ablation,
    run_folder,
    run_train_config,
)
from facecutout.ablation.tables import summary_table
from facecutout.errors import DataError, InvalidInputError
from facecutout.model.metrics import METRIC_KEYS, EvaluationReport, VideoMetrics

TRAIN = {"data": {"root": "data", "csvs": ["a.csv"]}, "model": {"name": "resnet10t", "pretrained": False}}


def test_a_run_folder_only_resumes_with_its_own_training_settings(tmp_path):
    folder = tmp_path / "runs" / "none" / "seed0"
    folder.mkdir(parents=True)
    settings = {"data": {"image_size": 32, "csvs": ["a.csv"]}, "seed": 0}
    check_same_config(folder, settings)
    check_same_config(folder, {"seed": 0, "data": {"csvs": ["a.csv"], "image_size": 32}})
    with pytest.raises(DataError, match="other training settings"):
        check_same_config(folder, {**settings, "data": {"image_size": 40, "csvs": ["a.csv"]}})


def test_finished_runs_are_read_back_not_retrained(tmp_path):
    config = AblationConfig.from_dict(
        {"out": str(tmp_path), "methods": ["face_cutout", "none"], "seeds": [3], "train": TRAIN}
    )
    for method in config.methods:
        folder = run_folder(config, method, 3)
        check_same_config(folder, run_train_config(config, method, 3))
        result = {
            "method": method,
            "seed": 3,
            "checkpoint": "best.ckpt",
            "metrics": {"validation": report(auc=0.5).to_dict()},
            "train_log": "train/metrics.csv",
            "scores": {"validation": "eval/validation/per_image.csv"},
        }
        (folder / RESULT_FILE).write_text(json.dumps(result))

    def must_not_train(*args):
        raise AssertionError("a finished run was trained again")

    results = run_ablation(config, run_one=must_not_train)
    assert [(result.method, result.seed, result.metrics["validation"].auc) for result in results] == [
        ("face_cutout", 3, 0.5),
        ("none", 3, 0.5),
    ]
    assert math.isnan(results[0].metrics["validation"].eer)  # null in the file
    folder = run_folder(config, "none", 3)
    assert results[1].train_log_path == folder / "train" / "metrics.csv"
    assert results[1].scores_path("validation") == folder / "eval" / "validation" / "per_image.csv"
    assert json.loads(results[1].to_json()) == json.loads((folder / RESULT_FILE).read_text())
    assert run_train_config(config, "none", 3)["data"]["augmentation"] == "none"
    assert run_train_config(config, "none", 3)["out_dir"] == str(run_folder(config, "none", 3) / "train")


def report(video: VideoMetrics | None = None, **values: float) -> EvaluationReport:
    """An evaluation report with the given metrics, NaN for the others."""
    metrics = {key: values.get(key, math.nan) for key in METRIC_KEYS}
    return EvaluationReport(**metrics, n=10, n_fake=5, checkpoint="best.ckpt", video=video)


def fake_result(method: str, seed: int, logloss: float, auc: float) -> RunResult:
    video = VideoMetrics(
        **{key: math.nan for key in METRIC_KEYS}, n=2, n_fake=1, aggregation="mean"
    ).model_copy(update={"auc": 1.0, "logloss": 2 * logloss})
    metrics = report(video, auc=auc, ap=auc, logloss=logloss, eer=1 - auc, acc=auc, balanced_acc=auc)
    return RunResult(
        method=method, seed=seed, checkpoint="", metrics={"validation": metrics}, train_log=None, scores={}
    )


def test_summary_is_mean_and_sample_std_with_logloss_change_vs_baseline():
    results = [
        fake_result("face_cutout", 0, 0.4, 0.9),
        fake_result("face_cutout", 1, 0.6, 0.7),
        fake_result("none", 0, 0.8, 0.6),
        fake_result("none", 1, 0.6, 0.6),
    ]
    summary = summary_table(results, ["face_cutout", "none"], "none")
    assert list(zip(summary["level"], summary["method"], strict=True)) == [
        ("frame", "face_cutout"),
        ("frame", "none"),
        ("video", "face_cutout"),
        ("video", "none"),
    ]
    videos = summary[summary["level"] == "video"].set_index("method")
    assert videos.loc["face_cutout", "logloss_change"] == pytest.approx(-0.4)
    assert videos.loc["none", "auc_mean"] == 1.0 and math.isnan(videos.loc["none", "eer_mean"])
    table = summary[summary["level"] == "frame"].set_index("method")
    assert table.loc["face_cutout", "logloss_mean"] == pytest.approx(0.5)
    assert table.loc["face_cutout", "logloss_std"] == pytest.approx(np.std([0.4, 0.6], ddof=1))
    assert table.loc["face_cutout", "logloss_change"] == pytest.approx(-0.2)
    assert table.loc["face_cutout", "logloss_change_pct"] == pytest.approx(-100 * 0.2 / 0.7)
    assert table.loc["none", "auc_std"] == 0.0
    assert math.isnan(table.loc["none", "f1_mean"]) and table.loc["none", "n_f1"] == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"methods": ["face_cutout", "mixup"]}, "methods"),
        ({"baseline": "coarse_dropout"}, "baseline"),
        ({"seeds": []}, "seeds"),
        ({"seeds": [1, 1]}, "seeds are repeated"),
        (
            {"train": {"data": {"root": "data", "csvs": ["a.csv"], "colour": 1}}},
            "train.data.colour: unknown key",
        ),
        ({"unknown": 1}, "unknown: unknown key"),
        ({"test_sets": [{"name": "validation", "root": ".", "csvs": ["a.csv"]}]}, "test set names"),
        ({"test_sets": [{"name": "x"}]}, "test_sets\\[0\\]"),
    ],
)
def test_bad_configs_name_the_key(change, message):
    values = {
        "methods": ["face_cutout", "none"],
        "train": TRAIN,
        **change,
    }
    with pytest.raises(InvalidInputError, match=message):
        AblationConfig.from_dict(values, "ablation.yaml")


def pid_run(config: AblationConfig, method: str, seed: int) -> RunResult:
    """A stand-in run for the process pool: its process id as the checkpoint, and a warning."""
    import os
    import warnings

    warnings.warn(f"{method} seed {seed} warned", UserWarning, stacklevel=1)
    return RunResult(
        method=method, seed=seed, checkpoint=str(os.getpid()), metrics={}, train_log=None, scores={}
    )


def test_runs_in_processes_come_back_in_plan_order_with_their_warnings(tmp_path):
    import os

    config = AblationConfig.from_dict(
        {"out": str(tmp_path), "methods": ["face_cutout", "none"], "seeds": [0, 1], "train": TRAIN}
    )
    finished = []
    with pytest.warns(UserWarning) as caught:
        results = run_ablation(config, run_one=pid_run, on_run=finished.append, processes=2)
    assert [(result.method, result.seed) for result in results] == [
        ("face_cutout", 0),
        ("face_cutout", 1),
        ("none", 0),
        ("none", 1),
    ]
    assert sorted(finished) == ["face_cutout seed 0", "face_cutout seed 1", "none seed 0", "none seed 1"]
    assert str(os.getpid()) not in {result.checkpoint for result in results}, "ran in this process"
    assert sorted(str(item.message) for item in caught) == sorted(f"{name} warned" for name in finished)


def waiting_run(config: AblationConfig, method: str, seed: int) -> RunResult:
    """A stand-in run; "none" seed 1 waits (up to 30 s) until the parent has reported a finished run."""
    import time

    flag = config.out / "reported"
    waited = 0.0
    while method == "none" and seed == 1 and not flag.exists() and waited < 30:
        time.sleep(0.1)
        waited += 0.1
    return RunResult(
        method=method, seed=seed, checkpoint=f"{waited:.1f}", metrics={}, train_log=None, scores={}
    )


def test_runs_in_processes_are_reported_as_each_finishes(tmp_path):
    config = AblationConfig.from_dict(
        {"out": str(tmp_path), "methods": ["face_cutout", "none"], "seeds": [0, 1], "train": TRAIN}
    )
    finished = []

    def report(name: str) -> None:
        finished.append(name)
        (tmp_path / "reported").touch()

    results = run_ablation(config, run_one=waiting_run, on_run=report, processes=2)
    assert sorted(finished) == ["face_cutout seed 0", "face_cutout seed 1", "none seed 0", "none seed 1"]
    assert float(results[-1].checkpoint) < 30, "no run was reported until every run had finished"
