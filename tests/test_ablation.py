"""The ablation runner on tiny real training runs: one table row per method, finite numbers, resume."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from facecutout.ablation.config import AblationConfig
from facecutout.ablation.runner import RunResult, run_ablation
from facecutout.ablation.summary import write_outputs
from facecutout.ablation.tables import summary_table
from facecutout.cutout.face_points import sensory_points
from facecutout.demo.dataset import EmbeddedSpec, build_embedded_dataset
from facecutout.demo.face import DetectedFace, astronaut
from facecutout.errors import DataError, InvalidInputError
from facecutout.fileio import read_rgb

TINY_TRAIN = {
    "model": {"name": "resnet10t", "pretrained": False},
    "optim": {"lr": 1e-3},
    "trainer": {"max_epochs": 1, "devices": 1, "progress_bar": False, "log_every_n_steps": 1},
}


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    """Two tiny astronaut pseudo-fake datasets (train with 2 folds, and a test set), dlib landmarks only."""
    from facecutout.landmarks import get_detector, primary_face

    image = astronaut()
    face = primary_face(get_detector("dlib68").detect(image))
    detected = DetectedFace(
        image, face.box.astype(float), face.points.astype(float), sensory_points(face.points)
    )
    root = tmp_path_factory.mktemp("tiny")
    train, _ = build_embedded_dataset(
        detected, root, "tiny", EmbeddedSpec(videos=4, frames=2, size=48, folds=2)
    )
    test, _ = build_embedded_dataset(
        detected, root, "tiny_test", EmbeddedSpec(videos=2, frames=2, size=48, folds=1, seed=5)
    )
    return root, train.csv.name, test.csv.name


def tiny_config(
    out, root, train_csv, test_csv, methods=("face_cutout", "none"), seeds=(0,)
) -> AblationConfig:
    train = {
        **TINY_TRAIN,
        "data": {
            "root": str(root),
            "csvs": [train_csv],
            "val_fold": 0,
            "image_size": 32,
            "batch_size": 8,
            "num_workers": 0,
        },
    }
    return AblationConfig.from_dict(
        {
            "out": str(out),
            "methods": list(methods),
            "seeds": list(seeds),
            "baseline": "none",
            "train": train,
            "test_sets": [{"name": "held_out", "root": str(root), "csvs": [test_csv]}],
        }
    )


def test_tiny_ablation_table_has_one_finite_row_per_method_and_resumes(tmp_path, tiny_data):
    config = tiny_config(tmp_path / "ablation", *tiny_data)
    results = run_ablation(config)
    assert [(result.method, result.seed) for result in results] == [("face_cutout", 0), ("none", 0)]
    outputs = write_outputs(config, results)
    table = pd.read_csv(outputs.table_csv)
    for evaluation in ("validation", "held_out"):
        rows = table[table["set"] == evaluation]
        assert list(rows["method"]) == ["face_cutout", "none"]
        for key in ("auc", "ap", "logloss", "eer", "acc", "balanced_acc", "f1"):
            assert np.isfinite(rows[f"{key}_mean"]).all(), (evaluation, key)
        assert rows.set_index("method").loc["none", "logloss_change"] == 0.0
        assert np.isfinite(rows["logloss_change"]).all()
    # The validation metrics are those of the fold-0 rows only: 2 of 4 videos, real and fake.
    validation = pd.read_csv(results[0].scores["validation"])
    assert set(validation["fold"]) == {0} and len(validation) == 8
    assert "| face_cutout | 1 |" in outputs.markdown and "LogLoss vs none" in outputs.markdown
    for plot in (outputs.loss_plot, *outputs.roc_plots.values()):
        assert read_rgb(plot).std() > 0
    assert set(outputs.roc_plots) == {"validation", "held_out"}

    def must_not_train(*args):
        raise AssertionError("a finished run was trained again")

    again = run_ablation(config, run_one=must_not_train)
    assert [result.metrics for result in again] == [result.metrics for result in results]

    changed = tiny_config(tmp_path / "ablation", *tiny_data)
    changed.train["data"]["image_size"] = 40
    with pytest.raises(DataError, match="other training settings"):
        run_ablation(changed, run_one=must_not_train)


def fake_result(method: str, seed: int, logloss: float, auc: float) -> RunResult:
    metrics = {
        "auc": auc,
        "ap": auc,
        "logloss": logloss,
        "eer": 1 - auc,
        "acc": auc,
        "balanced_acc": auc,
        "f1": None,
    }
    return RunResult(method, seed, folder=None, metrics={"validation": metrics}, train_log=None, scores={})  # type: ignore[arg-type]


def test_summary_is_mean_and_sample_std_with_logloss_change_vs_baseline():
    results = [
        fake_result("face_cutout", 0, 0.4, 0.9),
        fake_result("face_cutout", 1, 0.6, 0.7),
        fake_result("none", 0, 0.8, 0.6),
        fake_result("none", 1, 0.6, 0.6),
    ]
    table = summary_table(results, ["face_cutout", "none"], "none").set_index("method")
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
        ({"unknown": 1}, "unknown keys"),
        ({"test_sets": [{"name": "validation", "root": ".", "csvs": ["a.csv"]}]}, "test set names"),
        ({"test_sets": [{"name": "x"}]}, "test_sets\\[0\\]"),
    ],
)
def test_bad_configs_name_the_key(change, message):
    values = {
        "methods": ["face_cutout", "none"],
        "train": {"data": {"root": "data", "csvs": ["a.csv"]}},
        **change,
    }
    with pytest.raises(InvalidInputError, match=message):
        AblationConfig.from_dict(values, "ablation.yaml")
