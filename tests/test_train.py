"""Training: config, backbone, label clipping, a tiny real training per augmentation, on-device cutout,
kill-and-resume and the train command."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import torch

from facecutout.cli import build_parser
from facecutout.commands.train import build_config
from facecutout.configs import config_file
from facecutout.data.augment import AUGMENTATIONS
from facecutout.errors import DataError, InvalidInputError
from facecutout.model.backbone import create_backbone
from facecutout.model.classifier import DeepfakeClassifier, clip_targets
from facecutout.model.config import TrainConfig
from facecutout.train.run import train

REPO = Path(__file__).resolve().parents[1]
MODEL = "mobilenetv3_small_050"


def folded_csvs(samples_dir: Path, out: Path, every: int = 5) -> list[Path]:
    """Copies of the shared CSVs (every ``every``-th row) with folds assigned per ORIGINAL video:
    originals alternate between fold 0 and fold 1, so each fold holds reals and fakes."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in ("celebdf", "ffpp"):
        table = pd.read_csv(samples_dir / f"{name}.csv", dtype=str).iloc[::every]
        folds = {original: rank % 2 for rank, original in enumerate(sorted(table["original"].unique()))}
        table["fold"] = table["original"].map(folds)
        paths.append(out / f"{name}.csv")
        table.to_csv(paths[-1], index=False)
    return paths


def tiny_config(samples_dir: Path, csvs: list[Path], out: Path, *overrides: str) -> TrainConfig:
    base = [
        f"data.root={samples_dir}",
        f"data.csvs=[{', '.join(map(str, csvs))}]",
        "data.val_fold=1",
        "data.image_size=64",
        "data.batch_size=8",
        "data.num_workers=0",
        f"model.name={MODEL}",
        "model.pretrained=false",
        "trainer.max_epochs=1",
        "trainer.limit_train_batches=2",
        "trainer.log_every_n_steps=1",
        "trainer.progress_bar=false",
        "trainer.num_sanity_val_steps=0",
        f"out_dir={out}",
    ]
    return TrainConfig().with_overrides(base + list(overrides))


@pytest.fixture(scope="module")
def csvs(samples_dir, tmp_path_factory) -> list[Path]:
    return folded_csvs(samples_dir, tmp_path_factory.mktemp("csv"))


def val_fold_rows(csvs: list[Path], fold: int = 1) -> int:
    return sum(int((pd.read_csv(path)["fold"] == fold).sum()) for path in csvs)


def test_the_train_template_is_the_default_config():
    with config_file("train") as path:
        assert TrainConfig.from_yaml(path) == TrainConfig()


def test_overrides_are_typed_and_unknown_keys_are_errors():
    config = TrainConfig().with_overrides(["optim.lr=3e-4", "data.csvs=a.csv", "trainer.devices=[0, 1]"])
    assert config.optim.lr == 3e-4 and config.data.csvs == ["a.csv"] and config.trainer.devices == [0, 1]
    with pytest.raises(InvalidInputError, match="unknown config key 'data.nope'"):
        TrainConfig().with_overrides(["data.nope=1"])
    with pytest.raises(InvalidInputError, match="data.batch_size: must be an integer, got 'big'"):
        TrainConfig().with_overrides(["data.batch_size=big"])
    with pytest.raises(InvalidInputError, match="data.augmentation: must be one of"):
        TrainConfig().with_overrides(["data.root=x", "data.csvs=a", "data.augmentation=mixup"])
    with pytest.raises(InvalidInputError, match="data.root and data.csvs are required"):
        TrainConfig().require_data()


def test_plain_flags_sit_between_the_config_file_and_overrides(tmp_path):
    config_file = tmp_path / "c.yaml"
    config_file.write_text("data:\n  batch_size: 4\n  image_size: 128\noptim:\n  lr: 0.5\n")
    args = build_parser().parse_args(
        [
            "train",
            "--config",
            str(config_file),
            "--data",
            "/d",
            "--csv",
            "a.csv",
            "--csv",
            "b.csv",
            "--image-size",
            "96",
            "--devices",
            "2",
            "--no-pretrained",
            "--resume",
            "data.image_size=80",
        ]
    )
    config = build_config(args)
    assert config.data.batch_size == 4 and config.optim.lr == 0.5  # from the file
    assert config.data.root == "/d" and config.data.csvs == ["a.csv", "b.csv"] and config.trainer.devices == 2
    assert config.data.image_size == 80 and config.model.pretrained is False and config.resume == "auto"


def test_pretrained_without_cached_weights_fails_fast(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    import huggingface_hub.constants as hub_constants

    monkeypatch.setattr(hub_constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    start = time.monotonic()
    with pytest.raises(InvalidInputError, match="not in the local cache"):
        create_backbone("tf_efficientnet_b4.ns_jft_in1k", pretrained=True)
    assert time.monotonic() - start < 30  # no retry loop (generous bound for a loaded machine)
    with pytest.raises(InvalidInputError, match="not a timm model"):
        create_backbone("no_such_net")


def test_label_clipping_only_touches_the_loss_targets():
    labels = torch.tensor([0.0, 1.0, 1.0])
    assert clip_targets(labels, 0.01).tolist() == pytest.approx([0.01, 0.99, 0.99])
    assert labels.tolist() == [0.0, 1.0, 1.0]


def test_training_loss_uses_clipped_targets(monkeypatch):
    """A confident correct logit still costs ~0.01 * logit: the targets are 0.01 / 0.99, not 0 / 1."""
    config = TrainConfig().with_overrides([f"model.name={MODEL}", "model.pretrained=false"])
    model = DeepfakeClassifier(config.to_dict())
    monkeypatch.setattr(model, "forward", lambda images: torch.tensor([20.0, -20.0]))
    monkeypatch.setattr(model, "log", lambda *args, **kwargs: None)
    batch = {"image": torch.zeros(2, 3, 8, 8, dtype=torch.uint8), "label": torch.tensor([1.0, 0.0])}
    loss = float(model.training_step(batch, 0))
    assert loss == pytest.approx(0.01 * 20.0, rel=0.01)


@pytest.mark.parametrize("augmentation", AUGMENTATIONS)
def test_tiny_training_per_augmentation(samples_dir, csvs, tmp_path, augmentation):
    config = tiny_config(samples_dir, csvs, tmp_path / "run", f"data.augmentation={augmentation}")
    result = train(config)
    assert result.best_checkpoint.is_file() and (tmp_path / "run" / "best.ckpt").is_file()
    assert len(result.history) == 1
    record = result.history[0]
    assert math.isfinite(record["train_loss"])
    # Validation ran on fold 1 only, every row of it.
    assert result.val_samples == record["val_samples"] == val_fold_rows(csvs, 1)
    assert result.train_samples == val_fold_rows(csvs, 0)
    assert 0.0 <= record["val_acc"] <= 1.0 and math.isfinite(record["val_logloss"])
    assert (result.log_dir / "metrics.csv").is_file()
    events = list((tmp_path / "run" / "logs" / "tensorboard").rglob("events.out.tfevents.*"))
    assert events
    log = pd.read_csv(result.log_dir / "metrics.csv")
    if augmentation == "face_cutout":
        # The epoch's cut statistics, in the CSV log and in TensorBoard: 2 batches of 8 faces,
        # about half of them drawn (p = 0.5), each drawn one cut or skipped.
        cuts = log.dropna(subset=["cutout/faces"]).iloc[-1]
        assert cuts["cutout/faces"] == 16 and 0 < cuts["cutout/drawn"] < 16
        assert cuts["cutout/random/all/calls"] + cuts["cutout/skipped"] == cuts["cutout/drawn"]
        parts = [name for name in log.columns if name.startswith("cutout/random/") and name.endswith("/cuts")]
        part_cuts = sum(cuts[name] for name in parts if not name.startswith("cutout/random/all/"))
        assert part_cuts == cuts["cutout/random/all/cuts"] > 0
        assert 0 < cuts["cutout/random/all/face_share_p50"] < 1
        assert any(b"cutout/random/all/calls" in path.read_bytes() for path in events)
    else:
        assert not any(name.startswith("cutout/") for name in log.columns)


def test_same_seed_same_run(samples_dir, csvs, tmp_path):
    first = train(tiny_config(samples_dir, csvs, tmp_path / "a", "seed=3"))
    second = train(tiny_config(samples_dir, csvs, tmp_path / "b", "seed=3"))
    assert first.history[0]["train_loss"] == pytest.approx(second.history[0]["train_loss"], rel=1e-6)
    assert first.history[0]["val_logloss"] == pytest.approx(second.history[0]["val_logloss"], rel=1e-6)


def test_on_device_cutout_respects_the_rule_and_trains(samples_dir, csvs, tmp_path):
    from facecutout.model.device_cutout import apply_device_cutout, build_device_cutout
    from facecutout.train.datamodule import FaceDataModule

    config = tiny_config(
        samples_dir, csvs, tmp_path / "run", "data.cutout_on_device=true", "data.augmentation_p=1.0"
    )
    datamodule = FaceDataModule(config.data, seed=0)
    datamodule.setup()
    assert datamodule.train_dataset.transform.on_device  # Face-Cutout only chooses the faces here
    torch.manual_seed(0)
    batch = next(iter(datamodule.train_dataloader()))
    images, regions = apply_device_cutout(build_device_cutout(config.data), batch)
    assert regions.any(dim=(1, 2)).sum() >= len(images) // 2
    manipulated = batch["manipulated"]
    for image, region, mask, label in zip(images, regions, manipulated, batch["label"], strict=True):
        assert (image[:, region] == 0).all()
        if label == 1 and mask.any():
            assert (region & mask).sum() <= 0.3 * mask.sum()
        if label == 0:
            assert not mask.any()
    result = train(config)
    assert math.isfinite(result.history[0]["train_loss"])
    cuts = pd.read_csv(result.log_dir / "metrics.csv").dropna(subset=["cutout/faces"]).iloc[-1]
    assert cuts["cutout/drawn"] == cuts["cutout/faces"] == 16  # p = 1: every face chosen
    assert cuts["cutout/random/all/calls"] + cuts["cutout/skipped"] == 16  # cut in the training step
    assert 0 <= cuts["cutout/random/all/hidden_share_p90"] <= 0.3


def test_frame_level_folds_stop_training_before_any_model_is_built(samples_dir, tmp_path):
    config = tiny_config(samples_dir, [samples_dir / "celebdf.csv"], tmp_path / "run", "data.val_fold=0")
    with pytest.raises(DataError, match="folds must be assigned per original video"):
        train(config)


def test_killed_training_resumes_from_the_last_checkpoint(samples_dir, csvs, tmp_path):
    out = tmp_path / "run"
    command = [
        sys.executable,
        "-m",
        "facecutout.cli",
        "train",
        "--data",
        str(samples_dir),
        "--csv",
        str(csvs[0]),
        "--csv",
        str(csvs[1]),
        "--model",
        MODEL,
        "--image-size",
        "64",
        "--epochs",
        "100",
        "--batch-size",
        "8",
        "--val-fold",
        "1",
        "--workers",
        "0",
        "--out",
        str(out),
        "--no-pretrained",
        "trainer.limit_train_batches=2",
        "trainer.progress_bar=false",
        "trainer.num_sanity_val_steps=0",
    ]
    last = out / "checkpoints" / "last.ckpt"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 150
        while not last.is_file() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert last.is_file(), (
            process.stderr.read().decode()[-2000:] if process.poll() is not None else "timeout"
        )
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    killed_at = torch.load(last, map_location="cpu", weights_only=True)
    epoch, step = killed_at["epoch"], killed_at["global_step"]

    config = tiny_config(samples_dir, csvs, out, f"trainer.max_epochs={epoch + 2}")
    result = train(config)
    assert result.resumed_from == last
    resumed = torch.load(last, map_location="cpu", weights_only=True)
    assert resumed["global_step"] == step + 2
    # The resumed run's own log starts after the killed epoch: nothing was trained twice.
    epochs = pd.read_csv(result.log_dir / "metrics.csv")["epoch"].dropna()
    assert epochs.min() == epoch + 1
    assert [record["epoch"] for record in result.history] == list(range(epoch + 2))
