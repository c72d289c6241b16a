"""Landmark files: (N, 2) (x, y) points of a registered landmark scheme stored as .npy."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from facecutout.cutout.schemes import known_counts
from facecutout.errors import DataError


def load_landmarks(path: Path) -> np.ndarray:
    """Read a landmark file as float32 (N, 2), N the point count of a registered scheme (5, 68, 81 ...);
    DataError naming the file otherwise."""
    try:
        points = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise DataError(f"cannot read landmarks {path}: {error}") from None
    if points.dtype.kind not in "iuf":
        raise DataError(f"landmarks {path} must hold real numbers, got dtype {points.dtype}")
    if points.ndim == 3 and points.shape[0] == 1:
        points = points[0]
    counts = known_counts()
    if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] not in counts:
        raise DataError(
            f"landmarks {path} must have shape (N, 2) with N in {counts} (a registered scheme), "
            f"got {points.shape}"
        )
    if points.dtype.kind not in "iuf":
        raise DataError(f"landmarks {path} must hold numbers, got dtype {points.dtype}")
    points = points.astype(np.float32)
    if not np.isfinite(points).all():
        raise DataError(f"landmarks {path} contain NaN or infinite values")
    return points
