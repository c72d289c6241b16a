"""Argument checks shared by the functional and transform APIs; each error names the argument."""

from __future__ import annotations

import numpy as np

from facecutout.cutout.manipulation import form_of
from facecutout.errors import InvalidInputError

SUPPORTED_DTYPES = (np.uint8, np.float32)
SUPPORTED_CHANNELS = (1, 3)


def check_image(image: object, name: str = "image") -> np.ndarray:
    """Return ``image`` if it is an (H, W), (H, W, 1) or (H, W, 3) uint8 / float32 array."""
    if not isinstance(image, np.ndarray):
        raise InvalidInputError(f"{name} must be a numpy array, got {type(image).__name__}")
    if image.ndim not in (2, 3):
        raise InvalidInputError(f"{name} must have shape (H, W) or (H, W, C), got shape {image.shape}")
    if image.ndim == 3 and image.shape[2] not in SUPPORTED_CHANNELS:
        raise InvalidInputError(
            f"{name} must have 1 or 3 channels, got {image.shape[2]} (shape {image.shape}); "
            "convert RGBA or other layouts first"
        )
    if image.shape[0] < 1 or image.shape[1] < 1:
        raise InvalidInputError(f"{name} is empty (shape {image.shape})")
    if image.dtype not in SUPPORTED_DTYPES:
        raise InvalidInputError(f"{name} must be uint8 or float32, got dtype {image.dtype}")
    return image


def check_landmarks(landmarks: object, height: int, width: int, name: str = "landmarks") -> np.ndarray:
    """Return landmarks as float64 (N, 2) (x, y) real, finite numbers, clipped into the image."""
    try:
        array = np.asarray(landmarks)
    except (TypeError, ValueError) as error:
        raise InvalidInputError(f"{name} must be an (N, 2) array of numbers: {error}") from None
    if array.dtype.kind not in "iuf":
        raise InvalidInputError(f"{name} must be an (N, 2) array of real numbers, got dtype {array.dtype}")
    points = array.astype(np.float64, copy=False)
    if points.ndim != 2 or points.shape[1] != 2:
        hint = (
            "; for (x, y, z) points (MediaPipe, 3-D landmarks) pass their pixel x and y, points[:, :2]"
            if points.ndim == 2 and points.shape[1] == 3
            else ""
        )
        raise InvalidInputError(f"{name} must have shape (N, 2), got shape {points.shape}{hint}")
    if not np.isfinite(points).all():
        raise InvalidInputError(f"{name} contains NaN or infinite values")
    return np.clip(points, 0, (width - 1, height - 1))


def check_unit_interval(value: object, name: str) -> float:
    """Return ``value`` as a float in [0, 1] (a share or a probability)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInputError(f"{name} must be a number in [0, 1], got {value!r}") from None
    if not 0.0 <= number <= 1.0:
        raise InvalidInputError(f"{name} must be in [0, 1], got {number}")
    return number


def check_threshold(threshold: object) -> float:
    """Return the overlap threshold as a float in [0, 1]."""
    return check_unit_interval(threshold, "threshold")


def check_diff(diff: object, height: int, width: int, name: str = "diff") -> np.ndarray:
    """Return the diff as an (H, W) array of a manipulated-region form (see
    :mod:`facecutout.cutout.manipulation`), matching the image size."""
    if not isinstance(diff, np.ndarray):
        raise InvalidInputError(f"{name} must be a numpy array, got {type(diff).__name__}")
    if diff.ndim == 3 and diff.shape[2] == 1:
        diff = diff[:, :, 0]
    if diff.ndim != 2:
        raise InvalidInputError(f"{name} must be a greyscale (H, W) array, got shape {diff.shape}")
    if diff.shape != (height, width):
        raise InvalidInputError(f"{name} has size {diff.shape} but the image is {(height, width)}")
    form_of(diff, name)
    return diff
