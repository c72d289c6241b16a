"""How the cut pixels are filled: a constant (scalar or per channel), noise, or inpainting."""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

from facecutout.cutout.raster import Region
from facecutout.errors import InvalidInputError

FILL_MODES = ("random", "random_uniform", "inpaint_telea", "inpaint_ns")
INPAINT_RADIUS = 3
"""The neighbourhood (pixels) cv2.inpaint fills each cut pixel from."""
Fill = float | Sequence[float] | str


def check_fill(fill: object) -> Fill:
    """Validate the kind of fill (independent of any image); return it unchanged."""
    if isinstance(fill, (int, float)) and not isinstance(fill, bool) and math.isfinite(fill):
        return fill
    if isinstance(fill, str):
        if fill not in FILL_MODES:
            raise InvalidInputError(
                f"fill must be a number, a per-channel sequence or one of {FILL_MODES}, got {fill!r}"
            )
        return fill
    values = np.asarray(fill, dtype=object)
    if values.ndim > 1 or values.size == 0:
        raise InvalidInputError(f"fill must be a number or a per-channel sequence, got {fill!r}")
    try:
        numbers = np.asarray(fill, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidInputError(f"fill must be a number or a per-channel sequence, got {fill!r}") from None
    if not np.isfinite(numbers).all():
        raise InvalidInputError(f"fill must be finite, got {fill!r}")
    return fill  # type: ignore[return-value]


def resolve_fill(fill: Fill, image: np.ndarray) -> Fill:
    """Check a fill against the image: a mode string as is, a constant as the image's dtype."""
    if isinstance(fill, str):
        if fill.startswith("inpaint") and image.dtype != np.uint8:
            raise InvalidInputError(f"fill={fill!r} needs a uint8 image, got {image.dtype}")
        return fill
    if isinstance(fill, (int, float)) and not isinstance(fill, bool):
        if image.dtype == np.uint8 and not 0 <= fill <= 255:
            raise InvalidInputError(f"fill must be within 0..255 for a uint8 image, got {fill!r}")
        return round(fill) if image.dtype == np.uint8 else fill
    values = constant_fill_values(fill, 1 if image.ndim == 2 else image.shape[2], image.dtype == np.uint8)
    return values.astype(image.dtype)[0] if image.ndim == 2 else values.astype(image.dtype)


def constant_fill_values(fill: Fill, channels: int, uint8: bool) -> np.ndarray:
    """A constant fill as ``channels`` float64 values, checked (and rounded) for uint8 pixels."""
    values = np.asarray(fill, dtype=np.float64).reshape(-1)
    if values.size not in (1, channels):
        raise InvalidInputError(f"fill has {values.size} values but the image has {channels} channel(s)")
    if uint8:
        if values.min() < 0 or values.max() > 255:
            raise InvalidInputError(f"fill must be within 0..255 for a uint8 image, got {fill!r}")
        values = np.rint(values)
    return np.broadcast_to(values, (channels,)).copy()


def _noise(shape: tuple[int, ...], dtype: np.dtype, rng: np.random.Generator) -> np.ndarray:
    if dtype == np.uint8:
        return rng.integers(0, 256, size=shape, dtype=np.uint8)
    return rng.random(size=shape, dtype=np.float32)


def inpaint(image: np.ndarray, mask: np.ndarray, mode: str) -> np.ndarray:
    """``image`` (uint8) with the pixels of the boolean ``mask`` inpainted by OpenCV (Telea or
    Navier-Stokes, radius INPAINT_RADIUS).

    Image and mask are first extended by INPAINT_RADIUS pixels on every side, repeating their
    border (a masked border pixel extends as masked): cv2.inpaint reads outside one-pixel-thin
    images, which made its output vary between calls.
    """
    method = cv2.INPAINT_TELEA if mode == "inpaint_telea" else cv2.INPAINT_NS
    pad = INPAINT_RADIUS
    padded = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    padded_mask = cv2.copyMakeBorder(mask.view(np.uint8), pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    painted = cv2.inpaint(padded, padded_mask, INPAINT_RADIUS, method)
    return painted[pad:-pad, pad:-pad].reshape(image.shape)


def apply_fill(image: np.ndarray, region: Region, fill: Fill, rng: np.random.Generator) -> None:
    """Fill ``region`` of ``image`` in place with a fill returned by :func:`resolve_fill`."""
    pixel_shape = image.shape[2:]
    mode = fill if isinstance(fill, str) else None
    if mode in ("inpaint_telea", "inpaint_ns"):
        painted = inpaint(image, region.full_mask(*image.shape[:2]), mode)
        image[region.window][region.mask] = painted[region.window][region.mask]
        return
    window = image[region.window]
    if mode == "random":
        window[region.mask] = _noise((region.area, *pixel_shape), image.dtype, rng)
    elif mode == "random_uniform":
        window[region.mask] = _noise(pixel_shape, image.dtype, rng)
    else:
        cv2.fillConvexPoly(image, region.polygon, _cv_color(fill, image))


def _cv_color(value: float | np.ndarray, image: np.ndarray) -> tuple[float, ...]:
    """A resolved constant fill as the per-channel tuple cv2's drawing functions take."""
    channels = 1 if image.ndim == 2 else image.shape[2]
    return tuple(np.broadcast_to(np.asarray(value, dtype=np.float64), (channels,)).tolist())
