"""The paper's training layout: where each file of a dataset goes, and its CSV with folds by original."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from facecutout.fileio import atomic_write_bytes

CSV_COLUMNS = ("video", "file", "label", "original", "frame", "fold", "dataset")
FAKE_SUFFIX = "_sbi"
"""Pseudo-fake video of real video V: ``V_sbi`` (self-blended image)."""


@dataclass(frozen=True)
class DatasetLayout:
    """Paths of one dataset ``name`` under ``root``: ``root/name/...`` and ``root/name.csv``."""

    root: Path
    name: str

    @property
    def folder(self) -> Path:
        return self.root / self.name

    @property
    def csv(self) -> Path:
        return self.root / f"{self.name}.csv"

    def crop(self, video: str, stem: str) -> Path:
        return self.folder / "face_crops" / video / f"{stem}.png"

    def diff(self, video: str, stem: str) -> Path:
        return self.folder / "diffs" / video / f"{stem}_diff.png"

    def mask(self, video: str, stem: str) -> Path:
        """The exact manipulated region of a pseudo-fake (0 / 255), beside the paper's diffs."""
        return self.folder / "masks" / video / f"{stem}_mask.png"

    def landmarks(self, original: str, stem: str) -> Path:
        return self.folder / "original_landmarks" / original / f"{stem}.npy"


def folds_by_original(originals: Sequence[str], folds: int, seed: int) -> dict[str, int]:
    """Assign each original video (and so all of its fakes) to one fold, shuffled by ``seed``, round robin."""
    unique = sorted(set(originals))
    order = np.random.default_rng(seed).permutation(len(unique))
    return {unique[index]: position % folds for position, index in enumerate(order)}


def write_csv(path: Path, rows: Sequence[dict[str, object]]) -> None:
    """Atomically write the dataset CSV with the paper's columns."""
    table = pd.DataFrame(list(rows), columns=list(CSV_COLUMNS))
    atomic_write_bytes(path, table.to_csv(index=False).encode())
