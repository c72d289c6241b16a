"""Per-epoch metrics of a run, kept in OUT/history.json (rewritten atomically after every epoch)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import lightning as L

from facecutout.fileio import atomic_write_bytes


def read_history(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return json.loads(path.read_text())


class EpochHistory(L.Callback):
    """Appends one record per finished training epoch: the epoch, global step and every logged metric.

    On resume the records of epochs that are run again are dropped, so the file matches the run.
    """

    def __init__(self, path: Path):
        self.path = path
        self.records: list[dict] = []

    def on_fit_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        self.records = [
            record for record in read_history(self.path) if record["epoch"] < trainer.current_epoch
        ]

    def on_train_epoch_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if trainer.sanity_checking or not trainer.is_global_zero:
            return
        record: dict = {"epoch": trainer.current_epoch, "step": trainer.global_step}
        for name, value in trainer.callback_metrics.items():
            number = float(value)
            record[name] = None if math.isnan(number) else number
        self.records.append(record)
        atomic_write_bytes(self.path, json.dumps(self.records, indent=2).encode())
