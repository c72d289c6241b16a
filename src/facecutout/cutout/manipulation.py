"""The manipulated region: the documented rule that turns an SSIM difference into a mask.

A diff is the greyscale (1 - SSIM(original, fake)) * 255 of a fake and its original. Compression
noise gives most background pixels small values (median 7-8 on the shared Celeb-DF and FF++ crops)
while the swapped face interior sits far above. The rule is a level threshold, ``diff >= level``,
optionally cleaned by a morphological opening that drops specks thinner than ``2 * open_radius + 1``
pixels. The default level, 40 (1 - SSIM >= 0.157), is chosen in docs/manipulated_region.md.
"""

from __future__ import annotations

import cv2
import numpy as np

from facecutout.errors import InvalidInputError

DEFAULT_DIFF_LEVEL = 40


def check_diff_level(level: object) -> int:
    """Return ``level`` if it is an integer grey level in [0, 255]."""
    if not isinstance(level, (int, np.integer)) or isinstance(level, bool) or not 0 <= level <= 255:
        raise InvalidInputError(f"level must be an integer grey level in [0, 255], got {level!r}")
    return int(level)


def binarize_diff(diff: np.ndarray, level: int = DEFAULT_DIFF_LEVEL, open_radius: int = 0) -> np.ndarray:
    """Return the manipulated region (bool, H x W) of a grey SSIM diff; a bool diff is returned as is."""
    if not isinstance(diff, np.ndarray):
        raise InvalidInputError(f"diff must be a numpy array, got {type(diff).__name__}")
    if diff.ndim == 3 and diff.shape[2] == 1:
        diff = diff[:, :, 0]
    if diff.ndim != 2:
        raise InvalidInputError(f"diff must be a greyscale (H, W) array, got shape {diff.shape}")
    if diff.dtype == np.bool_:
        return diff
    if diff.dtype != np.uint8:
        raise InvalidInputError(f"diff must be uint8 (0..255) or bool, got {diff.dtype}")
    check_diff_level(level)
    if not isinstance(open_radius, (int, np.integer)) or open_radius < 0:
        raise InvalidInputError(f"open_radius must be a non-negative integer, got {open_radius!r}")
    region = diff >= level
    if open_radius:
        size = 2 * int(open_radius) + 1
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
        region = cv2.morphologyEx(region.view(np.uint8), cv2.MORPH_OPEN, kernel).view(bool)
    return region
