"""Write pseudo-fakes in the paper's layout: real and fake crops, diffs, exact masks, landmarks, CSV."""

from __future__ import annotations

import logging
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from facecutout.data.layout import COLUMNS, DatasetLayout, assign_folds, crop_name, write_csv
from facecutout.data.ssim import ssim_diff
from facecutout.errors import DataError, InvalidInputError
from facecutout.fileio import write_image, write_npy
from facecutout.pseudofake.blend import BlendSettings, make_pseudo_fake
from facecutout.pseudofake.inputs import FrameName, fake_video
from facecutout.schema import ReportModel

logger = logging.getLogger(__name__)

DIFF_KINDS = ("ssim", "region")
"""What a pseudo-fake's ``diffs/`` PNG holds: "ssim", the paper's grey (1 - SSIM) * 255 of fake vs
original; or "region", the exact changed pixels as 255 (0 elsewhere), so that the training's
``diff >= level`` rule recovers exactly the manipulated region. SSIM reacts to structure (blur,
warp, edges) far more than to smooth colour changes, so on self-blends its diff >= 40 covers only
a part of the changed pixels (docs/demo.md)."""


@dataclass(frozen=True)
class FaceFrame(FrameName):
    """A real face crop in memory with its landmarks, ready to be written with its pseudo-fake."""

    image: np.ndarray
    landmarks: np.ndarray


@dataclass
class WriteSummary:
    """What a dataset write did: pairs written, pairs kept from an earlier run, skips with reasons."""

    written: int = 0
    kept: int = 0
    skipped: dict[str, list[str]] = field(default_factory=dict)
    manipulated_share: list[float] = field(default_factory=list)

    def skip(self, reason: str, item: str) -> None:
        self.skipped.setdefault(reason, []).append(item)
        logger.debug("skipped %s: %s", item, reason)

    @property
    def skipped_count(self) -> int:
        return sum(map(len, self.skipped.values()))

    @property
    def mean_manipulated_share(self) -> float | None:
        """The mean share of the image the written pseudo-fakes changed (None when none was written)."""
        return float(np.mean(self.manipulated_share)) if self.manipulated_share else None

    def report(self, layout: DatasetLayout) -> PseudoFakeReport:
        return PseudoFakeReport(
            csv=str(layout.csv),
            root=str(layout.root),
            pairs_written=self.written,
            pairs_kept=self.kept,
            skipped=self.skipped_count,
            skipped_by_reason=self.skipped,
            mean_manipulated_share=self.mean_manipulated_share,
        )


class PseudoFakeReport(ReportModel):
    """What a dataset write reports (``facecutout pseudofake`` writes it to ROOT/NAME_summary.json)."""

    csv: str
    root: str
    pairs_written: int
    pairs_kept: int
    skipped: int
    skipped_by_reason: dict[str, list[str]]
    mean_manipulated_share: float | None


def frame_seed(seed: int, video: str, stem: str) -> np.random.Generator:
    """A generator that depends only on the seed and the frame, not on the order frames are written."""
    return np.random.default_rng([seed, zlib.crc32(f"{video}/{stem}".encode())])


def pair_paths(layout: DatasetLayout, video: str, file: str) -> list[Path]:
    fake = fake_video(video)
    return [
        layout.crop(video, file),
        layout.landmarks(video, file),
        layout.crop(fake, file),
        layout.diff(fake, file),
        layout.mask(fake, file),
    ]


def is_written(layout: DatasetLayout, video: str, file: str) -> bool:
    return all(path.is_file() for path in pair_paths(layout, video, file))


def check_diff_kind(kind: str) -> str:
    if kind not in DIFF_KINDS:
        raise InvalidInputError(f"diff_kind must be one of {DIFF_KINDS}, got {kind!r}")
    return kind


def write_pair(
    layout: DatasetLayout, face: FaceFrame, seed: int, settings: BlendSettings, diff_kind: str = "ssim"
) -> float:
    """Write a real crop, its landmarks and its pseudo-fake (crop, diff, exact mask).

    Returns the share of the image the pseudo-fake changed. The landmarks are stored as int16, like
    the paper's files; ``diff_kind`` is one of DIFF_KINDS.
    """
    pseudo = make_pseudo_fake(face.image, face.landmarks, frame_seed(seed, face.video, face.stem), settings)
    if not pseudo.region.any():
        raise DataError(
            f"{face.video}/{face.stem}: the pseudo-fake changed no pixel (landmarks outside the image?)"
        )
    fake = fake_video(face.video)
    write_image(layout.crop(face.video, face.file), face.image)
    write_npy(layout.landmarks(face.video, face.file), np.rint(face.landmarks).astype(np.int16))
    region = pseudo.region.astype(np.uint8) * 255
    diff = ssim_diff(face.image, pseudo.fake) if check_diff_kind(diff_kind) == "ssim" else region
    write_image(layout.diff(fake, face.file), diff, rgb=False)
    write_image(layout.mask(fake, face.file), region, rgb=False)
    write_image(layout.crop(fake, face.file), pseudo.fake)
    return float(pseudo.region.mean())


def csv_table(layout: DatasetLayout, frames: Iterable[tuple[str, int, int]], folds: int) -> pd.DataFrame:
    """One real and one fake row per (video, frame, person); each original video with its
    pseudo-fake is one group of the fold policy, so they always share a fold."""
    frames = list(frames)
    rows_per_original = Counter(video for video, _, _ in frames)
    fold_of = assign_folds({video: 2 * count for video, count in rows_per_original.items()}, folds)
    rows = []
    for label, video_of in ((0, lambda video: video), (1, fake_video)):
        for video, frame, person in frames:
            rows.append(
                (video_of(video), crop_name(frame, person), label, video, frame, fold_of[video], layout.name)
            )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def finish_dataset(
    layout: DatasetLayout, frames: list[tuple[str, int, int]], folds: int, summary: WriteSummary
) -> None:
    """Write the CSV of the pairs on disk and log the summary."""
    originals = {video for video, _, _ in frames}
    if len(originals) < folds:
        logger.warning(
            "%d original video(s) for %d folds: only %d fold(s) hold data; training needs a video in "
            "the validation fold and others for training",
            len(originals),
            folds,
            len(originals),
        )
    write_csv(layout.csv, csv_table(layout, frames, folds))
    logger.info(
        "%s: %d pairs written, %d kept from an earlier run, %d skipped",
        layout.csv,
        summary.written,
        summary.kept,
        summary.skipped_count,
    )
