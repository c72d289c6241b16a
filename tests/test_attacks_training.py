"""Attacks on training, evaluation and prediction through checkpoints and folds: every checkpoint is
read weights only whatever the environment says, bad files are CheckpointErrors naming them, a
monitor that cannot be computed is refused at the start, and a resumed run continues the row order
and the global random streams of the run it resumes."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest
import torch
from model_checkpoints import write_checkpoint
from test_train import folded_csvs, tiny_config

from facecutout.cli import main
from facecutout.data.dataset import FaceCropDataset
from facecutout.errors import CheckpointError, DataError
from facecutout.model.checkpoint import load_classifier
from facecutout.model.classifier import DeepfakeClassifier
from facecutout.train.run import train


class WritesAFile:
    """Unpickling this object calls ``open(marker, "w")``: the marker file exists iff code ran."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return open, (str(self.marker), "w")


def malicious_checkpoint(path: Path, marker: Path) -> Path:
    """A checkpoint-looking file whose unpickling creates ``marker``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"state_dict": {}, "epoch": 0, "payload": WritesAFile(marker)}, path)
    return path


@pytest.fixture
def no_weights_only_env(monkeypatch):
    """The environment variable that makes torch.load unpickle anything when weights_only is not given."""
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")


@pytest.fixture(scope="module")
def csvs(samples_dir, tmp_path_factory) -> list[Path]:
    return folded_csvs(samples_dir, tmp_path_factory.mktemp("csv"))


def train_argv(samples_dir: Path, csvs: list[Path], out: Path, *extra: str) -> list[str]:
    """A tiny training run on valid folds: without a checkpoint check it would reach the resume."""
    return [
        "train",
        "--data",
        str(samples_dir),
        *[argument for csv in csvs for argument in ("--csv", str(csv))],
        "--val-fold",
        "1",
        "--model",
        "mobilenetv3_small_050",
        "--no-pretrained",
        "--image-size",
        "64",
        "--batch-size",
        "8",
        "--epochs",
        "1",
        "--workers",
        "0",
        "--out",
        str(out),
        "trainer.limit_train_batches=1",
        "trainer.limit_val_batches=1",
        "trainer.num_sanity_val_steps=0",
        "trainer.progress_bar=false",
        *extra,
    ]


def test_the_environment_would_run_the_payload(tmp_path, no_weights_only_env):
    """The attack is real: without weights_only, torch.load runs the payload in this environment."""
    marker = tmp_path / "ran"
    path = malicious_checkpoint(tmp_path / "evil.ckpt", marker)
    with pytest.warns(UserWarning, match="TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"):
        torch.load(path)
    assert marker.exists()


@pytest.mark.parametrize("how", ["resume-from", "planted last.ckpt"])
def test_a_malicious_resume_checkpoint_never_runs(
    samples_dir, csvs, tmp_path, capsys, no_weights_only_env, how
):
    marker = tmp_path / "ran"
    out = tmp_path / "run"
    if how == "resume-from":
        evil = malicious_checkpoint(tmp_path / "evil.ckpt", marker)
        argv = train_argv(samples_dir, csvs, out, "--resume-from", str(evil))
    else:
        evil = malicious_checkpoint(out / "checkpoints" / "last.ckpt", marker)
        argv = train_argv(samples_dir, csvs, out)
    try:
        code = main(argv)
    finally:
        assert not marker.exists(), "the checkpoint's payload ran"
    assert code == 2
    assert f"cannot read checkpoint {evil} (weights only)" in capsys.readouterr().err


def test_malicious_checkpoints_never_run_in_evaluate_and_predict(tmp_path, capsys, no_weights_only_env):
    marker = tmp_path / "ran"
    evil = malicious_checkpoint(tmp_path / "evil.ckpt", marker)
    with pytest.raises(CheckpointError, match="evil.ckpt"):
        load_classifier(evil)
    (tmp_path / "images").mkdir()
    (tmp_path / "labels.csv").write_text("filename,label\n")
    argv = ["--images", str(tmp_path / "images"), "--labels", str(tmp_path / "labels.csv")]
    assert main(["evaluate", "--checkpoint", str(evil), *argv, "--out", str(tmp_path / "eval")]) == 2
    (tmp_path / "face.png").write_bytes(b"")
    assert main(["predict", "--checkpoint", str(evil), "--no-detect", str(tmp_path / "face.png")]) == 2
    assert capsys.readouterr().err.count("evil.ckpt") == 2
    assert not marker.exists()


def test_a_resume_checkpoint_of_random_bytes_is_a_checkpoint_error(samples_dir, csvs, tmp_path, capsys):
    junk = tmp_path / "junk.ckpt"
    junk.write_bytes(bytes(range(256)) * 64)
    assert main(train_argv(samples_dir, csvs, tmp_path / "run", "--resume-from", str(junk))) == 2
    error = capsys.readouterr().err
    assert f"cannot read checkpoint {junk}" in error and "Traceback" not in error


def test_an_inference_only_checkpoint_cannot_resume(samples_dir, csvs, tmp_path, capsys):
    weights = write_checkpoint(tmp_path / "weights.ckpt")
    assert main(train_argv(samples_dir, csvs, tmp_path / "run", "--resume-from", str(weights))) == 2
    error = capsys.readouterr().err
    assert f"checkpoint {weights} cannot resume training: it lacks optimizer_states, loops" in error


def one_class_validation_csv(samples_dir: Path, out: Path) -> Path:
    """celebdf.csv with fold 1 = the real rows of video 00001 alone (its fakes dropped): no leakage,
    and a validation fold without any fake."""
    table = pd.read_csv(samples_dir / "celebdf.csv", dtype=str)
    real_00001 = table["original"] == "00001"
    table = table[~real_00001 | (table["label"] == "0")].copy()
    table["fold"] = real_00001.loc[table.index].map({True: "1", False: "0"})
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "one_class.csv", index=False)
    return out / "one_class.csv"


@pytest.mark.parametrize("monitor", ["val_auc", "val_ap", "val_eer", "val_balanced_acc"])
def test_a_monitor_undefined_on_a_one_class_validation_fold_is_refused(samples_dir, tmp_path, monitor):
    csv = one_class_validation_csv(samples_dir, tmp_path / "csv")
    config = tiny_config(samples_dir, [csv], tmp_path / "run", f"trainer.monitor={monitor}")
    with pytest.raises(
        DataError, match=rf"trainer.monitor={monitor} is undefined on validation fold 1: it holds only real"
    ):
        train(config)
    assert not (tmp_path / "run" / "checkpoints").exists()


def test_a_one_class_validation_fold_is_said_in_the_log(samples_dir, tmp_path, caplog):
    csv = one_class_validation_csv(samples_dir, tmp_path / "csv")
    with caplog.at_level(logging.WARNING, logger="facecutout.train.run"):
        result = train(tiny_config(samples_dir, [csv], tmp_path / "run"))
    assert "validation fold 1 holds only real rows: val_auc, val_ap, val_eer, val_balanced_acc" in caplog.text
    assert result.history[0]["val_auc"] is None and result.history[0]["val_logloss"] is not None


def test_a_resumed_run_continues_the_row_order_and_random_streams(samples_dir, csvs, tmp_path, monkeypatch):
    """Two epochs in one go, and one epoch then a resume for the second: the second epoch reads the
    rows in the same order, augmented alike, and starts its first step with the same global torch
    generator; every torch.load of the resume is weights only."""
    rows: list[int] = []
    images: list[bytes] = []
    generator_states: dict[int, bytes] = {}
    loads: list[object] = []
    get_item, training_step, torch_load = (
        FaceCropDataset.__getitem__,
        DeepfakeClassifier.training_step,
        torch.load,
    )

    def recording_get_item(self, key):
        item = get_item(self, key)
        if self.transform is not None:  # the training rows
            rows.append(item["index"])
            images.append(item["image"].numpy().tobytes())
        return item

    def recording_step(self, batch, batch_idx):
        if batch_idx == 0:
            generator_states[self.current_epoch] = torch.get_rng_state().numpy().tobytes()
        return training_step(self, batch, batch_idx)

    def recording_load(*args, **kwargs):
        loads.append(kwargs.get("weights_only"))
        return torch_load(*args, **kwargs)

    monkeypatch.setattr(FaceCropDataset, "__getitem__", recording_get_item)
    monkeypatch.setattr(DeepfakeClassifier, "training_step", recording_step)
    settings = ["optim.scheduler=none", "trainer.num_sanity_val_steps=2"]  # sanity checks reseed
    train(tiny_config(samples_dir, csvs, tmp_path / "whole", "trainer.max_epochs=2", *settings))
    whole_rows, whole_images, whole_state = (
        rows[len(rows) // 2 :],
        images[len(images) // 2 :],
        generator_states[1],
    )
    assert images[: len(images) // 2] != whole_images, "the two epochs were augmented alike"
    train(tiny_config(samples_dir, csvs, tmp_path / "split", "trainer.max_epochs=1", *settings))
    rows.clear()
    images.clear()
    monkeypatch.setattr(torch, "load", recording_load)
    resumed = train(tiny_config(samples_dir, csvs, tmp_path / "split", "trainer.max_epochs=2", *settings))
    assert resumed.resumed_from == tmp_path / "split" / "checkpoints" / "last.ckpt"
    assert rows == whole_rows and len(rows) == 16
    assert images == whole_images, "the resumed epoch was augmented otherwise"
    assert generator_states[1] == whole_state
    assert loads and all(weights_only is True for weights_only in loads)
