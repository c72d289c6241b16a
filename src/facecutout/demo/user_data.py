"""The demo on a user's dataset in the paper's layout: its CSVs, and a real fake for the gallery."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from facecutout.cutout import binarize_diff
from facecutout.demo.face import DetectedFace, detect_face
from facecutout.errors import DataError

logger = logging.getLogger(__name__)

MAX_GALLERY_TRIES = 20


@dataclass(frozen=True)
class GalleryFake:
    """A real fake of the user's data for the gallery: the face (original crop when present), the fake
    crop and its manipulated region (the diff binarised by the package's documented rule)."""

    face: DetectedFace
    fake: np.ndarray
    manipulated: np.ndarray
    source: str


def dataset_csvs(root: Path, csvs: Sequence[str]) -> list[str]:
    """The CSVs to use: those given, else every ``*.csv`` directly under ``root``."""
    if csvs:
        return list(csvs)
    found = sorted(path.name for path in root.glob("*.csv"))
    if not found:
        raise DataError(f"no <dataset>.csv under {root}; pass --csv")
    return found


def pick_gallery_fake(root: Path, csvs: Sequence[str]) -> GalleryFake:
    """The first fake row (in CSV order) with a diff whose face both landmark backends find."""
    from facecutout.data.table import load_samples
    from facecutout.fileio import read_grey, read_rgb

    samples, _ = load_samples(root, csvs)
    candidates = [sample for sample in samples if sample.label == 1 and sample.diff is not None]
    for sample in candidates[:MAX_GALLERY_TRIES]:
        fake = read_rgb(sample.image)
        shown = read_rgb(sample.original_image) if sample.original_image is not None else fake
        if shown.shape != fake.shape:
            continue
        try:
            face = detect_face(shown, str(sample.original_image or sample.image))
        except DataError as error:
            logger.info("gallery: %s", error)
            continue
        manipulated = binarize_diff(read_grey(sample.diff))
        if manipulated.shape == fake.shape[:2] and manipulated.any():
            return GalleryFake(face, fake, manipulated, sample.row)
    raise DataError(
        f"no fake with a diff and a face both landmark backends detect among the first "
        f"{min(len(candidates), MAX_GALLERY_TRIES)} fakes of {', '.join(csvs)} under {root}"
    )
