"""``train(config) -> TrainResult``: one Lightning run with checkpoints, early stopping, logs and resume."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from facecutout.errors import CheckpointError, DataError
from facecutout.model.checkpoint import check_resumable
from facecutout.model.config import TrainConfig
from facecutout.model.metrics import TWO_CLASS_KEYS

logger = logging.getLogger(__name__)


@dataclass
class TrainResult:
    """What a run produced: the best checkpoint (and its copy), the logs and the per-epoch metrics."""

    best_checkpoint: Path
    best_copy: Path
    best_score: float
    monitor: str
    last_checkpoint: Path | None
    out_dir: Path
    log_dir: Path
    history: list[dict] = field(default_factory=list)
    train_samples: int = 0
    val_samples: int = 0
    resumed_from: Path | None = None


def resume_path(config: TrainConfig, checkpoint_dir: Path) -> Path | None:
    """The checkpoint to continue from: "auto" -> last.ckpt if present, "never" -> None, else the path."""
    if config.resume == "never":
        return None
    if config.resume == "auto":
        last = checkpoint_dir / "last.ckpt"
        return last if last.is_file() else None
    path = Path(config.resume)
    if not path.is_file():
        raise CheckpointError(f"resume checkpoint {path} does not exist")
    return path


def check_monitor(monitor: str, val_labels: Sequence[int], val_fold: int) -> None:
    """Refuse a monitor that is undefined on every epoch: a metric that needs both classes when the
    validation fold holds one; with another monitor, say in the log which metrics will be NaN."""
    classes = set(val_labels)
    if len(classes) > 1:
        return
    only = "fake" if classes == {1} else "real"
    undefined = [f"val_{key}" for key in TWO_CLASS_KEYS]
    if monitor in undefined:
        raise DataError(
            f"trainer.monitor={monitor} is undefined on validation fold {val_fold}: it holds only {only} "
            f"rows, and {', '.join(undefined)} need reals and fakes. Monitor val_logloss (the default) or "
            "val_acc, or validate on a fold with both classes (data.val_fold)."
        )
    logger.warning(
        "validation fold %d holds only %s rows: %s are undefined (NaN) on every epoch",
        val_fold,
        only,
        ", ".join(undefined),
    )


def train(config: TrainConfig) -> TrainResult:
    """Train a detector as configured; returns where the best checkpoint and the logs are."""
    config.require_data()
    if config.model.pretrained and not config.model.pretrained_file:
        from facecutout.model.backbone import check_pretrained

        check_pretrained(config.model.name)  # before anything slow: no weights, no run
    import lightning as L
    from lightning.pytorch.callbacks import EarlyStopping, ModelCheckpoint
    from lightning.pytorch.loggers import CSVLogger, TensorBoardLogger

    from facecutout.fileio import atomic_copy, atomic_write_bytes
    from facecutout.model.classifier import DeepfakeClassifier
    from facecutout.train.datamodule import FaceDataModule
    from facecutout.train.history import EpochHistory, read_history
    from facecutout.train.random_state import RandomStateCheckpoint

    out = Path(config.out_dir)
    checkpoint_dir = out / "checkpoints"
    resume = resume_path(config, checkpoint_dir)
    if resume is not None:
        check_resumable(resume)
    L.seed_everything(config.seed, workers=True, verbose=False)
    datamodule = FaceDataModule(config.data, seed=config.seed, cache_folder=out / "cache" / "manipulated")
    datamodule.prepare_samples()
    check_monitor(config.trainer.monitor, [s.label for s in datamodule.val_samples], config.data.val_fold)
    model = DeepfakeClassifier(config.to_dict())
    atomic_write_bytes(out / "config.yaml", config.to_yaml().encode())

    trainer_config = config.trainer
    checkpoint = ModelCheckpoint(
        dirpath=checkpoint_dir,
        filename="epoch{epoch:03d}-" + trainer_config.monitor + "{" + trainer_config.monitor + ":.4f}",
        monitor=trainer_config.monitor,
        mode=trainer_config.monitor_mode,
        save_top_k=1,
        save_last=True,
        auto_insert_metric_name=False,
    )
    early_stopping = EarlyStopping(
        monitor=trainer_config.monitor,
        mode=trainer_config.monitor_mode,
        patience=trainer_config.early_stopping_patience,
    )
    csv_logger = CSVLogger(out / "logs", name="csv")
    loggers = [csv_logger, TensorBoardLogger(out / "logs", name="tensorboard")]
    trainer = L.Trainer(
        max_epochs=trainer_config.max_epochs,
        accelerator=trainer_config.accelerator,
        devices=trainer_config.devices,
        strategy=trainer_config.strategy,
        num_nodes=trainer_config.num_nodes,
        precision=trainer_config.precision,
        limit_train_batches=trainer_config.limit_train_batches,
        limit_val_batches=trainer_config.limit_val_batches,
        log_every_n_steps=trainer_config.log_every_n_steps,
        num_sanity_val_steps=trainer_config.num_sanity_val_steps,
        gradient_clip_val=trainer_config.gradient_clip_val,
        enable_progress_bar=trainer_config.progress_bar,
        callbacks=[EpochHistory(out / "history.json"), RandomStateCheckpoint(), checkpoint, early_stopping],
        logger=loggers,
        default_root_dir=out,
        enable_model_summary=False,
    )
    if resume is not None:
        logger.info("resuming from %s", resume)
    # weights_only passed explicitly: TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD cannot make the resume unpickle code
    trainer.fit(model, datamodule=datamodule, ckpt_path=resume, weights_only=True)

    if not checkpoint.best_model_path:
        raise DataError(
            f"no checkpoint was saved in {checkpoint_dir}: did validation run on fold {config.data.val_fold}?"
        )
    best = Path(checkpoint.best_model_path)
    best_copy = Path(config.best_checkpoint) if config.best_checkpoint else out / "best.ckpt"
    atomic_copy(best, best_copy)
    last = checkpoint_dir / "last.ckpt"
    score = checkpoint.best_model_score
    return TrainResult(
        best_checkpoint=best,
        best_copy=best_copy,
        best_score=float(score) if score is not None else float("nan"),
        monitor=trainer_config.monitor,
        last_checkpoint=last if last.is_file() else None,
        out_dir=out,
        log_dir=Path(csv_logger.log_dir),
        history=read_history(out / "history.json"),
        train_samples=len(datamodule.train_samples),
        val_samples=len(datamodule.val_samples),
        resumed_from=resume,
    )
