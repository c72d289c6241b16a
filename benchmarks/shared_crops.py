"""The shared real crops for the Face-Cutout benchmarks, with 5 shipped and 68 detected landmarks.

Every crop of the shared samples that has its original's landmarks: reals (no diff) and fakes
(with their grey SSIM diff), the shipped 5 MTCNN points, and 68 dlib points detected here once
(None where dlib finds no face).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from facecutout.data.table import load_samples
from facecutout.fileio import read_grey, read_rgb
from facecutout.landmarks import get_detector, primary_face

DEFAULT_SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "face-cutout-samples"


@dataclass
class Crop:
    """One shared crop: RGB image, label, 5 and 68 (x, y) points, and a fake's grey diff."""

    image: np.ndarray
    label: int
    points5: np.ndarray
    points68: np.ndarray | None
    diff: np.ndarray | None


def load_crops(samples: Path = DEFAULT_SAMPLES) -> list[Crop]:
    """Every crop with its original's 5 landmarks, and dlib's 68 where it finds the face."""
    rows, _ = load_samples(samples, ["celebdf.csv", "ffpp.csv"])
    detector = get_detector("dlib68")
    crops = []
    for row in rows:
        if row.landmarks is None:
            continue
        image = read_rgb(row.image)
        face = primary_face(detector.detect(image))
        crops.append(
            Crop(
                image=image,
                label=row.label,
                points5=np.load(row.landmarks).astype(np.float64),
                points68=None if face is None else face.points.astype(np.float64),
                diff=read_grey(row.diff) if row.diff is not None else None,
            )
        )
    return crops
