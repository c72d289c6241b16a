"""Write pseudo-fakes in the paper's layout: real and fake crops, diffs, exact masks, landmarks, CSV."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from facecutout.errors import DataError, InvalidInputError
from facecutout.fileio import write_image, write_npy
from facecutout.preprocess.ssim import ssim_diff
from facecutout.pseudofake.blend import BlendSettings, make_pseudo_fake
from facecutout.pseudofake.layout import FAKE_SUFFIX, DatasetLayout, folds_by_original, write_csv
from facecutout.schema import ReportModel

logger = logging.getLogger(__name__)

DIFF_KINDS = ("ssim", "region")
"""What a pseudo-fake's ``diffs/`` PNG holds: "ssim", the paper's grey (1 - SSIM) * 255 of fake vs
original; or "region", the exact changed pixels as 255 (0 elsewhere), so that the training's
``diff >= level`` rule recovers exactly the manipulated region. SSIM reacts to structure (blur,
warp, edges) far more than to smooth colour changes, so on self-blends its diff >= 40 covers only
a part of the changed pixels (docs/demo.md)."""


@dataclass(frozen=True)
class FaceFrame:
    """A real face crop in memory with its landmarks, ready to be written with its pseudo-fake."""

    video: str
    frame: int
    person: int
    image: np.ndarray
    landmarks: np.ndarray

    @property
    def stem(self) -> str:
        return f"{self.frame}_{self.person}"


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


def fake_video(video: str) -> str:
    return f"{video}{FAKE_SUFFIX}"


def frame_seed(seed: int, video: str, stem: str) -> np.random.Generator:
    """A generator that depends only on the seed and the frame, not on the order frames are written."""
    return np.random.default_rng([seed, zlib.crc32(f"{video}/{stem}".encode())])


def pair_paths(layout: DatasetLayout, video: str, stem: str) -> list[Path]:
    fake = fake_video(video)
    return [
        layout.crop(video, stem),
        layout.landmarks(video, stem),
        layout.crop(fake, stem),
        layout.diff(fake, stem),
        layout.mask(fake, stem),
    ]


def is_written(layout: DatasetLayout, video: str, stem: str) -> bool:
    return all(path.is_file() for path in pair_paths(layout, video, stem))


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
    write_image(layout.crop(face.video, face.stem), face.image)
    write_npy(layout.landmarks(face.video, face.stem), np.rint(face.landmarks).astype(np.int16))
    region = pseudo.region.astype(np.uint8) * 255
    diff = ssim_diff(face.image, pseudo.fake) if check_diff_kind(diff_kind) == "ssim" else region
    write_image(layout.diff(fake, face.stem), diff, rgb=False)
    write_image(layout.mask(fake, face.stem), region, rgb=False)
    write_image(layout.crop(fake, face.stem), pseudo.fake)
    return float(pseudo.region.mean())


def csv_rows(
    layout: DatasetLayout, frames: Iterable[tuple[str, int, int]], folds: int, seed: int
) -> list[dict[str, object]]:
    """One real and one fake row per (video, frame, person), folds by original video."""
    frames = list(frames)
    fold_of = folds_by_original([video for video, _, _ in frames], folds, seed)
    rows = []
    for label, video_of in ((0, lambda video: video), (1, fake_video)):
        for video, frame, person in frames:
            rows.append(
                {
                    "video": video_of(video),
                    "file": f"{frame}_{person}.png",
                    "label": label,
                    "original": video,
                    "frame": frame,
                    "fold": fold_of[video],
                    "dataset": layout.name,
                }
            )
    return rows


def finish_dataset(
    layout: DatasetLayout, frames: list[tuple[str, int, int]], folds: int, seed: int, summary: WriteSummary
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
    write_csv(layout.csv, csv_rows(layout, frames, folds, seed))
    logger.info(
        "%s: %d pairs written, %d kept from an earlier run, %d skipped",
        layout.csv,
        summary.written,
        summary.kept,
        summary.skipped_count,
    )
