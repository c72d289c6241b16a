"""Checks and conversions of the images handed to a landmark detector."""

from __future__ import annotations

import numpy as np

from facecutout.errors import InvalidInputError

MIN_IMAGE_SIDE = 32
"""Images with a side shorter than this (pixels) are too small to hold a detectable face."""


def check_rgb_uint8(image: object, name: str = "image") -> np.ndarray:
    """Return ``image`` as a C-contiguous RGB uint8 (H, W, 3) array, or raise InvalidInputError."""
    if not isinstance(image, np.ndarray):
        raise InvalidInputError(f"{name} must be a numpy array, got {type(image).__name__}")
    if image.ndim != 3 or image.shape[2] != 3:
        raise InvalidInputError(
            f"{name} must be an RGB image of shape (H, W, 3), got shape {image.shape}; "
            "convert grey or RGBA images first (facecutout.fileio.read_rgb does)"
        )
    if image.dtype != np.uint8:
        raise InvalidInputError(f"{name} must be uint8 (0..255), got dtype {image.dtype}")
    return np.ascontiguousarray(image)


def as_rgb_uint8(image: object, name: str = "image") -> np.ndarray:
    """Grey (H, W) / (H, W, 1) or RGB uint8 image as RGB uint8 (H, W, 3) for detection."""
    if isinstance(image, np.ndarray) and image.dtype == np.uint8:
        if image.ndim == 2:
            return np.repeat(image[:, :, None], 3, axis=2)
        if image.ndim == 3 and image.shape[2] == 1:
            return np.repeat(image, 3, axis=2)
    return check_rgb_uint8(image, name)


def is_too_small(image: np.ndarray) -> bool:
    """Whether a side of ``image`` is shorter than MIN_IMAGE_SIDE."""
    return min(image.shape[:2]) < MIN_IMAGE_SIDE
