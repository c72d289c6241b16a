"""The manipulated region M: the one documented rule that turns a diff or a mask into a boolean mask.

Which forms mean what is decided here once, by :func:`region_form` (from the dtype) and the rules
below (from the values); the per-image :func:`binarize_diff` and the batched
``facecutout.batched.binarize_diffs`` apply the same decisions:

- ``bool``: an exact mask, M = the mask.
- ``uint8``: a grey SSIM diff ``(1 - SSIM(original, fake)) * 255``, M = ``diff >= level``. A binary
  mask in 0 / 255 (as FaceForensics++ ships its masks) gives its 255s at every level in 1..255.
  An image whose values are all 0 or 1 (and not all 0) is a binary 0 / 1 mask: M = its 1s.
- ``float16`` / ``float32`` / ``float64`` in [0, 1]: a mask whose edges were interpolated (as
  DeepfakeBench passes its masks: a 0 / 255 mask resized, divided by 255), M = ``mask >= 0.5``.
- Anything else (other dtypes, floats outside [0, 1] or NaN, colour images) is an error.

For grey diffs, compression noise gives most background pixels small values (median 7-8 on the
shared Celeb-DF and FF++ crops) while the swapped face interior sits far above; the default level,
40 (1 - SSIM >= 0.157), is chosen in docs/manipulated_region.md. An optional morphological opening
drops specks of diffs thinner than ``2 * open_radius + 1`` pixels; masks are exact and kept as they are.
"""

from __future__ import annotations

import cv2
import numpy as np

from facecutout.errors import InvalidInputError

DEFAULT_DIFF_LEVEL = 40
FLOAT_MASK_LEVEL = 0.5
"""A float mask's pixel is manipulated when it is at least this (the nearer of 0 and 1 is 1)."""
BINARY_MASK_VALUE = 1
"""A uint8 image whose largest value is this is a 0 / 1 mask."""
FLOAT_DTYPES = ("float16", "float32", "float64")
FORMS = {"bool": "mask", "uint8": "grey", **{name: "float" for name in FLOAT_DTYPES}}
"""dtype name -> form: "mask" (exact, as is), "grey" (diff or 0/1 or 0/255 mask), "float" (mask in [0, 1])."""
_NUMPY_FORMS = {np.dtype(name): form for name, form in FORMS.items()}  # skips building dtype names


def region_form(dtype_name: str, name: str = "diff") -> str:
    """The form of a manipulated-region input of dtype ``dtype_name`` ("bool", "uint8", "float32" ...)."""
    form = FORMS.get(dtype_name)
    if form is None:
        raise InvalidInputError(
            f"{name} must be a uint8 SSIM diff (0..255) or mask (0/1 or 0/255), a bool mask or a float "
            f"mask in [0, 1], got dtype {dtype_name}; convert it, e.g. with .astype(bool) for a mask"
        )
    return form


def form_of(array: np.ndarray, name: str = "diff") -> str:
    """:func:`region_form` of a numpy array (a dict lookup for the accepted dtypes)."""
    return _NUMPY_FORMS.get(array.dtype) or region_form(array.dtype.name, name)


def check_float_range(low: float, high: float, name: str = "diff") -> None:
    """Raise unless a float mask's smallest and largest values lie in [0, 1] (NaN fails)."""
    if not (0.0 <= low and high <= 1.0):
        raise InvalidInputError(
            f"{name}: a float mask must lie in [0, 1], got values from {low} to {high}; "
            "divide a 0..255 mask by 255, or pass a uint8 SSIM diff"
        )


def check_diff_level(level: object) -> int:
    """Return ``level`` if it is an integer grey level in [0, 255]."""
    if not isinstance(level, (int, np.integer)) or isinstance(level, bool) or not 0 <= level <= 255:
        raise InvalidInputError(f"level must be an integer grey level in [0, 255], got {level!r}")
    return int(level)


def binarize_diff(diff: np.ndarray, level: int = DEFAULT_DIFF_LEVEL, open_radius: int = 0) -> np.ndarray:
    """Return the manipulated region (bool, H x W) of a diff or mask by the rule of the module doc.

    A bool mask is returned as is; ``level`` and ``open_radius`` apply to grey diffs only.
    """
    if not isinstance(diff, np.ndarray):
        raise InvalidInputError(f"diff must be a numpy array, got {type(diff).__name__}")
    if diff.ndim == 3 and diff.shape[2] == 1:
        diff = diff[:, :, 0]
    if diff.ndim != 2:
        raise InvalidInputError(f"diff must be a greyscale (H, W) array, got shape {diff.shape}")
    form = form_of(diff)
    check_diff_level(level)
    if not isinstance(open_radius, (int, np.integer)) or open_radius < 0:
        raise InvalidInputError(f"open_radius must be a non-negative integer, got {open_radius!r}")
    if form == "mask":
        return diff
    if form == "float":
        if diff.size:
            check_float_range(float(diff.min()), float(diff.max()))
        return diff >= FLOAT_MASK_LEVEL
    region = diff >= level
    # Every level above 1 leaves a 0/1 mask empty: only then can the image be one.
    if level > BINARY_MASK_VALUE and diff.size and not region.any() and diff.max() == BINARY_MASK_VALUE:
        return diff == BINARY_MASK_VALUE
    if open_radius:
        size = 2 * int(open_radius) + 1
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
        region = cv2.morphologyEx(region.view(np.uint8), cv2.MORPH_OPEN, kernel).view(bool)
    return region
