"""What Face-Cutout did to each training face, carried in the batch and summed up per epoch.

A training item holds ``cut_part`` (the index of the part cut in CUT_PARTS, or one of the codes
below), ``cut_face_share`` and ``cut_hidden_share`` (NaN when not defined), so the records made
in the dataloader workers reach the training step, which gathers them into :class:`TrainingCuts`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from facecutout.cutout.candidates import HULL_STRATEGIES, SENSORY_FEATURES
from facecutout.cutout.statistics import CutRecord, CutStatistics

CUT_PARTS = SENSORY_FEATURES + HULL_STRATEGIES
NOT_DRAWN = -1
"""Face-Cutout's coin did not come up (or another augmentation is used)."""
SKIPPED = -2
"""The coin came up but the face has no landmarks, or is a fake without a diff: not cut."""
EMPTY = -3
"""Face-Cutout measured its candidates and none was admissible: not cut."""
ON_DEVICE = -4
"""Chosen for a cut in the training step (the on-device mode)."""


def item_fields(drawn: bool, record: CutRecord | None, on_device: bool) -> dict[str, int | float]:
    """The batch fields of one face: ``drawn`` (the coin came up), the record of its cut (None when
    it was not cut here) and ``on_device`` (chosen for a cut in the training step)."""
    if record is not None:
        code = EMPTY if record.part is None else CUT_PARTS.index(record.part)
        face, hidden = record.face_share, record.hidden_share
    else:
        code = NOT_DRAWN if not drawn else ON_DEVICE if on_device else SKIPPED
        face = hidden = math.nan
    # Plain numbers: the default collation makes one tensor of each per batch.
    return {"cut_part": code, "cut_face_share": face, "cut_hidden_share": hidden}


@dataclass
class TrainingCuts:
    """Face-Cutout over a span of training (an epoch): faces seen, faces whose coin came up, faces
    skipped for want of landmarks or a diff, and the records of the cuts (per variant and part)."""

    variant: str
    faces: int = 0
    drawn: int = 0
    skipped: int = 0
    statistics: CutStatistics = field(default_factory=CutStatistics)

    def add_batch(self, batch: dict) -> None:
        """Count the faces of a collated batch and add the records made in the workers."""
        if "cut_part" not in batch:
            return
        codes = batch["cut_part"].tolist()
        faces = batch["cut_face_share"].tolist()
        hidden = batch["cut_hidden_share"].tolist()
        self.faces += len(codes)
        self.drawn += sum(code != NOT_DRAWN for code in codes)
        self.skipped += sum(code == SKIPPED for code in codes)
        for code, face, share in zip(codes, faces, hidden, strict=True):
            if code >= 0:
                self.statistics.record(CutRecord(self.variant, CUT_PARTS[code], face, share))
            elif code == EMPTY:
                self.statistics.record(CutRecord(self.variant, None))

    def merge(self, other: TrainingCuts) -> None:
        self.faces += other.faces
        self.drawn += other.drawn
        self.skipped += other.skipped
        self.statistics.merge(other.statistics)

    def metrics(self, prefix: str = "cutout") -> dict[str, float]:
        """Flat numbers for a logger (NaN quantiles left out)."""
        values = {f"{prefix}/faces": float(self.faces), f"{prefix}/drawn": float(self.drawn)}
        values[f"{prefix}/skipped"] = float(self.skipped)
        values.update(self.statistics.metrics(prefix))
        return {name: value for name, value in values.items() if not math.isnan(value)}
