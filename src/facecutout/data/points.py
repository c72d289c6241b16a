"""Landmark files: (5, 2) MTCNN or (68, 2) iBUG (x, y) points stored as .npy."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from facecutout.errors import DataError

POINT_COUNTS = (5, 68)


def load_landmarks(path: Path) -> np.ndarray:
    """Read a landmark file as float32 (N, 2) with N in (5, 68); DataError naming the file otherwise."""
    try:
        points = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise DataError(f"cannot read landmarks {path}: {error}") from None
    if points.dtype.kind not in "iuf":
        raise DataError(f"landmarks {path} must hold real numbers, got dtype {points.dtype}")
    if points.ndim == 3 and points.shape[0] == 1:
        points = points[0]
    if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] not in POINT_COUNTS:
        raise DataError(f"landmarks {path} must have shape (5, 2) or (68, 2), got {points.shape}")
    points = points.astype(np.float32)
    if not np.isfinite(points).all():
        raise DataError(f"landmarks {path} contain NaN or infinite values")
    return points
