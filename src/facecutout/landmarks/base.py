"""The landmark-detector interface every backend implements.

A detector takes RGB uint8 images (H, W, 3) and returns, per image, the faces it found: a box
(x1, y1, x2, y2), a confidence score and the landmarks (N, 2) as (x, y) pixels.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Face:
    """One detected face: box (x1, y1, x2, y2) in pixels, score in [0, 1], points (N, 2) (x, y)."""

    box: np.ndarray
    score: float
    points: np.ndarray

    @property
    def area(self) -> float:
        x1, y1, x2, y2 = self.box
        return float(max(x2 - x1, 0.0) * max(y2 - y1, 0.0))


def primary_face(faces: Sequence[Face]) -> Face | None:
    """The face to use when one is needed: the largest box, ties broken by the higher score."""
    if not faces:
        return None
    return max(faces, key=lambda face: (face.area, face.score))


class LandmarkDetector(ABC):
    """A face + landmark detector. Subclasses load their model lazily, once per process."""

    name: str
    num_points: int

    @abstractmethod
    def detect_batch(self, images: Sequence[np.ndarray]) -> list[list[Face]]:
        """Faces found in each RGB uint8 image, in input order."""

    def detect(self, image: np.ndarray) -> list[Face]:
        """Faces found in one RGB uint8 image."""
        return self.detect_batch([image])[0]
