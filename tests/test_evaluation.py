"""Metrics, video aggregation, and evaluate() / `facecutout evaluate` on generated files."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from model_checkpoints import TINY_MODEL, write_checkpoint
from sklearn.metrics import average_precision_score, log_loss, roc_auc_score

from facecutout.cli import main
from facecutout.errors import CheckpointError, DataError, InvalidInputError
from facecutout.evaluation.evaluate import evaluate
from facecutout.model.aggregate import ConfidentRule, aggregate, confident_score
from facecutout.model.checkpoint import load_classifier
from facecutout.model.metrics import METRIC_KEYS, compute_metrics


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> Path:
    return write_checkpoint(tmp_path_factory.mktemp("ckpt") / "model.ckpt")


# ---- metrics ----


def test_metrics_match_reference_definitions():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 200)
    scores = np.clip(labels * 0.3 + rng.random(200) * 0.7, 0, 1)
    metrics = compute_metrics(labels, scores)
    assert metrics.auc == pytest.approx(roc_auc_score(labels, scores))
    assert metrics.ap == pytest.approx(average_precision_score(labels, scores))
    assert metrics.logloss == pytest.approx(log_loss(labels, scores), rel=1e-6)
    predicted = scores >= 0.5
    assert metrics.acc == pytest.approx((predicted == labels).mean())
    assert metrics.n == 200 and metrics.notes == []


def test_equal_error_rate_on_known_cases():
    assert compute_metrics([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]).eer == 0.0
    assert compute_metrics([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]).eer == 1.0
    # One real above one fake out of two each: FPR = FNR = 0.5 at the crossing.
    assert compute_metrics([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9]).eer == pytest.approx(0.5)


def test_balanced_accuracy_and_f1_at_one_half():
    metrics = compute_metrics([0, 0, 0, 1], [0.1, 0.2, 0.7, 0.9])
    assert metrics.balanced_acc == pytest.approx((2 / 3 + 1.0) / 2)
    assert metrics.f1 == pytest.approx(2 * 1 / (2 + 1))


def test_one_class_gives_nan_with_a_note_not_a_crash():
    metrics = compute_metrics([1, 1, 1], [0.2, 0.7, 0.9])
    assert all(math.isnan(metrics.value(key)) for key in ("auc", "ap", "eer", "balanced_acc"))
    assert metrics.acc == pytest.approx(2 / 3) and not math.isnan(metrics.logloss)
    assert "only fake samples" in metrics.notes[0]
    empty = compute_metrics([], [])
    assert all(math.isnan(empty.value(key)) for key in METRIC_KEYS) and empty.notes


def test_invalid_scores_are_rejected():
    with pytest.raises(InvalidInputError, match="fake probabilities"):
        compute_metrics([0, 1], [0.2, float("nan")])
    with pytest.raises(InvalidInputError, match="same length"):
        compute_metrics([0, 1], [0.2])


# ---- aggregation ----


def test_confident_strategy():
    rule = ConfidentRule(min_fakes=2)
    mostly_fake = [0.9, 0.95, 0.85, 0.3, 0.4]
    assert confident_score(mostly_fake, rule) == pytest.approx(0.9)
    clearly_real = [0.05] * 19 + [0.6]
    assert confident_score(clearly_real, rule) == pytest.approx(0.05)
    mixed = [0.5, 0.6, 0.9, 0.1]
    assert confident_score(mixed, rule) == pytest.approx(np.mean(mixed))
    # Too few confident fakes for the default rule (more than 11): the plain mean.
    assert aggregate(mostly_fake, "confident") == pytest.approx(np.mean(mostly_fake))
    with pytest.raises(InvalidInputError, match="strategy"):
        aggregate([0.5], "median")


# ---- evaluate ----


@pytest.fixture(scope="module")
def labelled_images(samples_dir, tmp_path_factory) -> tuple[Path, Path, int]:
    """A folder of real face crops and a filename,label CSV (the 1650-image validation format)."""
    folder = tmp_path_factory.mktemp("images")
    rows = []
    for dataset, video, label in [
        ("celebdf", "00000", 0),
        ("celebdf", "00001", 0),
        ("ffpp", "deepfake_000_003", 1),
        ("celebdf", "id0_id1_0007", 1),
    ]:
        for crop in sorted((samples_dir / dataset / "face_crops" / video).iterdir())[:3]:
            name = f"{video}_{crop.name}"
            shutil.copy(crop, folder / name)
            rows.append({"filename": name, "label": label})
    csv = folder.parent / "labels.csv"
    pd.DataFrame(rows).to_csv(csv, index=False)
    return folder, csv, len(rows)


def test_evaluate_images_scores_every_row_and_writes_outputs(checkpoint, labelled_images, tmp_path):
    folder, csv, count = labelled_images
    metrics = evaluate(checkpoint, images_dir=folder, labels_csv=csv, out_dir=tmp_path, batch_size=8)
    per_image = pd.read_csv(tmp_path / "per_image.csv")
    assert len(per_image) == count and per_image["score"].between(0, 1).all()
    written = json.loads((tmp_path / "metrics.json").read_text())
    assert written == metrics.to_dict() and set(METRIC_KEYS) <= set(written) and written["n"] == count
    assert "video" not in written
    for name in ("roc.png", "pr.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_evaluate_training_layout_gives_video_metrics(checkpoint, samples_dir, tmp_path):
    table = pd.read_csv(samples_dir / "celebdf.csv", dtype=str).iloc[::10]
    csv = tmp_path / "celebdf.csv"
    table.to_csv(csv, index=False)
    metrics = evaluate(checkpoint, data_root=samples_dir, csvs=[csv], out_dir=tmp_path / "out", fold=0)
    in_fold = table[table["fold"] == "0"]
    assert metrics.n == len(in_fold)
    videos = pd.read_csv(tmp_path / "out" / "per_video.csv", dtype={"video": str})
    frames = pd.read_csv(tmp_path / "out" / "per_image.csv", dtype={"video": str})
    assert sorted(videos["video"]) == sorted(in_fold["video"].unique())
    assert metrics.video.n == len(videos) and set(METRIC_KEYS) <= set(metrics.video.to_dict())
    for _, video in videos.iterrows():
        mean = frames[frames["video"] == video["video"]]["score"].mean()
        assert video["score"] == pytest.approx(mean)


def test_images_with_a_video_column_get_video_metrics(checkpoint, labelled_images, tmp_path):
    folder, csv, count = labelled_images
    table = pd.read_csv(csv)
    table["video"] = table["filename"].str.rsplit("_", n=2).str[0]
    with_videos = tmp_path / "with_videos.csv"
    table.to_csv(with_videos, index=False)
    metrics = evaluate(checkpoint, images_dir=folder, labels_csv=with_videos, out_dir=tmp_path / "out")
    videos = pd.read_csv(tmp_path / "out" / "per_video.csv")
    assert metrics.video.n == len(videos) == 4 and videos["faces"].sum() == count


def test_missing_image_is_an_error_naming_the_row(checkpoint, labelled_images, tmp_path):
    folder, csv, _ = labelled_images
    bad = tmp_path / "bad.csv"
    bad.write_text(csv.read_text() + "absent.png,1\n")
    with pytest.raises(DataError, match=r"bad.csv:\d+: image .*absent.png does not exist"):
        evaluate(checkpoint, images_dir=folder, labels_csv=bad, out_dir=tmp_path / "o")
    escape = tmp_path / "escape.csv"
    escape.write_text("filename,label\n../labels.csv,0\n")
    with pytest.raises(DataError, match="leaves the images folder"):
        evaluate(checkpoint, images_dir=folder, labels_csv=escape, out_dir=tmp_path / "o")
    columns = tmp_path / "cols.csv"
    columns.write_text("name,target\nx.png,0\n")
    with pytest.raises(DataError, match="needs the columns filename,label"):
        evaluate(checkpoint, images_dir=folder, labels_csv=columns, out_dir=tmp_path / "o")


def test_corrupt_image_is_an_error_naming_the_file(checkpoint, tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "broken.png").write_bytes(b"\x89PNG not really")
    (tmp_path / "labels.csv").write_text("filename,label\nbroken.png,fake\n")
    with pytest.raises(DataError, match="broken.png"):
        evaluate(
            checkpoint, images_dir=tmp_path / "images", labels_csv=tmp_path / "labels.csv", out_dir=tmp_path
        )


def test_checkpoint_of_another_architecture_is_a_checkpoint_error(checkpoint, tmp_path):
    with pytest.raises(CheckpointError, match=r"model.ckpt does not match the model resnet10t"):
        load_classifier(checkpoint, model_name="resnet10t")
    other = write_checkpoint(tmp_path / "other.ckpt", model_name="resnet10t")
    content = torch.load(other, weights_only=True)
    content["hyper_parameters"]["config"]["model"]["name"] = TINY_MODEL
    torch.save(content, tmp_path / "lying.ckpt")
    with pytest.raises(CheckpointError, match="lying.ckpt does not match"):
        load_classifier(tmp_path / "lying.ckpt")
    (tmp_path / "junk.ckpt").write_bytes(b"junk")
    with pytest.raises(CheckpointError, match="junk.ckpt"):
        load_classifier(tmp_path / "junk.ckpt")
    with pytest.raises(CheckpointError, match="does not exist"):
        load_classifier(tmp_path / "absent.ckpt")


def test_checkpoints_are_loaded_weights_only(checkpoint, tmp_path):
    content = torch.load(checkpoint, weights_only=True)
    content["payload"] = Path("/tmp")  # an arbitrary object: refused by the weights-only unpickler
    torch.save(content, tmp_path / "pickled.ckpt")
    with pytest.raises(CheckpointError, match="weights only"):
        load_classifier(tmp_path / "pickled.ckpt")


def test_evaluate_command_prints_the_table(checkpoint, labelled_images, tmp_path, capsys):
    folder, csv, count = labelled_images
    code = main(
        [
            "evaluate",
            "--checkpoint",
            str(checkpoint),
            "--images",
            str(folder),
            "--labels",
            str(csv),
            "--out",
            str(tmp_path),
        ]
    )
    output = capsys.readouterr().out
    assert code == 0 and "balanced_acc" in output and f"{'frame':<7}{count:>7}" in output
    assert main(["evaluate", "--checkpoint", str(checkpoint), "--out", str(tmp_path)]) == 2
