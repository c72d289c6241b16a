"""One pseudo-fake: transform a copy of a real face and blend it back inside a soft hull mask."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facecutout.cutout import check_landmarks, resolve_scheme
from facecutout.errors import InvalidInputError
from facecutout.pseudofake.mask import face_size, soft_mask
from facecutout.pseudofake.source import change_sharpness, shift_colour, small_warp
from facecutout.randomness import as_generator


@dataclass(frozen=True)
class BlendSettings:
    """Ranges the generator draws from: colour in grey levels, ``sharpness_sigma`` in pixels, warp and
    mask sizes as fractions of the face size (the landmark box diagonal)."""

    colour_shift: float = 24.0
    contrast: float = 0.15
    saturation: float = 0.25
    sharpness_sigma: tuple[float, float] = (0.6, 1.6)
    warp_scale: float = 0.04
    warp_shift: float = 0.02
    mask_grow: tuple[float, float] = (-0.04, 0.04)
    edge_softness: tuple[float, float] = (0.02, 0.06)


DEFAULT_BLEND = BlendSettings()
MIN_FACE_SIZE = 8.0
"""Landmarks whose box diagonal (after clipping into the image) is shorter than this, in pixels,
are not a face to blend."""


@dataclass(frozen=True)
class PseudoFake:
    """A pseudo-fake: ``fake`` and ``original`` (uint8 RGB), ``region`` (bool: exactly the pixels
    where they differ) and ``weights`` (the float32 blend weights that were used)."""

    fake: np.ndarray
    original: np.ndarray
    region: np.ndarray
    weights: np.ndarray


def check_rgb(image: object, name: str = "image") -> np.ndarray:
    """Return ``image`` if it is an (H, W, 3) uint8 array."""
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        described = f"{image.dtype} {image.shape}" if isinstance(image, np.ndarray) else type(image).__name__
        raise InvalidInputError(f"{name} must be an RGB uint8 (H, W, 3) array, got {described}")
    return image


def make_pseudo_fake(
    image: np.ndarray,
    landmarks: np.ndarray,
    seed: int | np.random.Generator | None = None,
    settings: BlendSettings = DEFAULT_BLEND,
) -> PseudoFake:
    """Self-blend ``image``: its transformed copy blended inside the soft landmark hull.

    Args:
        image: RGB uint8 (H, W, 3) real face.
        landmarks: (5, 2) MTCNN or (68, 2) dlib (x, y) points of that face.
        seed: int or Generator; the same seed gives the same fake.
        settings: ranges of the colour, sharpness, warp and mask changes.
    """
    height, width = check_rgb(image).shape[:2]
    points = check_landmarks(landmarks, height, width)
    resolve_scheme(len(points))
    size = face_size(points)
    if size < MIN_FACE_SIZE:
        raise InvalidInputError(
            f"landmarks span only {size:.1f} px inside the {width} x {height} image "
            f"(at least {MIN_FACE_SIZE} needed): are they outside it?"
        )
    rng = as_generator(seed)
    source = shift_colour(image, rng, settings.colour_shift, settings.contrast, settings.saturation)
    source = change_sharpness(source, rng, settings.sharpness_sigma)
    source = small_warp(source, rng, points.mean(axis=0), size, settings.warp_scale, settings.warp_shift)
    weights = soft_mask(points, height, width, rng, settings.mask_grow, settings.edge_softness)
    alpha = weights[:, :, None]
    blended = alpha * np.clip(source, 0, 255) + (1 - alpha) * image.astype(np.float32)
    fake = np.clip(np.rint(blended), 0, 255).astype(np.uint8)
    region = (fake != image).any(axis=2)
    return PseudoFake(fake=fake, original=image.copy(), region=region, weights=weights)
