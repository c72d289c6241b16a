"""Per-epoch metrics of a run, kept in OUT/history.json (rewritten atomically after every validation)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import lightning as L

from facecutout.fileio import atomic_write_bytes


def read_history(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return json.loads(path.read_text())


class EpochHistory(L.Callback):
    """One record per validated epoch: epoch, global step, mean training loss and the validation metrics.

    Written at validation end, before the epoch's checkpoint, so a run killed after its checkpoint
    always has the record; on resume, records of epochs that run again are dropped.
    """

    def __init__(self, path: Path):
        self.path = path
        self._loss_sum = 0.0
        self._loss_count = 0

    def on_train_epoch_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        self._loss_sum, self._loss_count = 0.0, 0

    def on_train_batch_end(
        self, trainer: L.Trainer, pl_module: L.LightningModule, outputs: Any, batch: Any, batch_idx: int
    ) -> None:
        loss = outputs["loss"] if isinstance(outputs, dict) else outputs
        if loss is not None:
            self._loss_sum += float(loss)
            self._loss_count += 1

    def on_validation_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if trainer.sanity_checking or not trainer.is_global_zero:
            return
        train_loss = self._loss_sum / self._loss_count if self._loss_count else math.nan
        record: dict = {"epoch": trainer.current_epoch, "step": trainer.global_step, "train_loss": train_loss}
        for name, value in trainer.callback_metrics.items():
            if name.startswith("val_"):
                record[name] = float(value)
        record = {
            name: None if isinstance(value, float) and math.isnan(value) else value
            for name, value in record.items()
        }
        # Earlier epochs come from the file, so a resumed run keeps the records of the killed one.
        earlier = [item for item in read_history(self.path) if item["epoch"] < trainer.current_epoch]
        atomic_write_bytes(self.path, json.dumps([*earlier, record], indent=2).encode())
