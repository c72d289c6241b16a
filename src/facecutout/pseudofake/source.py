"""The source face of a self-blend: a copy of the real face, its colour, sharpness and geometry changed."""

from __future__ import annotations

import cv2
import numpy as np


def shift_colour(
    image: np.ndarray, rng: np.random.Generator, shift: float, contrast: float, saturation: float
) -> np.ndarray:
    """Per-channel offsets up to +-``shift`` grey levels (at least half of it on one channel), a
    contrast factor in 1 +- ``contrast`` about the channel means and a saturation factor in
    1 +- ``saturation`` about the pixel's grey (channel mean). Float32 out.

    All three are affine in RGB, so they are applied as one 3 x 4 matrix (``cv2.transform``).
    """
    offsets = rng.uniform(-shift, shift, size=3)
    strongest = int(np.argmax(np.abs(offsets)))
    offsets[strongest] = np.copysign(max(abs(offsets[strongest]), shift / 2), offsets[strongest])
    means = np.array(cv2.mean(image)[:3])
    factor = rng.uniform(1 - contrast, 1 + contrast)
    saturate = rng.uniform(1 - saturation, 1 + saturation)
    towards_grey = saturate * np.eye(3) + (1 - saturate) / 3 * np.ones((3, 3))
    matrix = np.hstack([factor * towards_grey, (towards_grey @ ((1 - factor) * means + offsets))[:, None]])
    return cv2.transform(image.astype(np.float32), matrix.astype(np.float32))


def change_sharpness(image: np.ndarray, rng: np.random.Generator, sigma: tuple[float, float]) -> np.ndarray:
    """Blur (Gaussian, sigma drawn from ``sigma``) or sharpen (unsharp mask with that sigma), 50/50."""
    blurred = cv2.GaussianBlur(image, (0, 0), sigmaX=rng.uniform(*sigma))
    if rng.random() < 0.5:
        return blurred
    return image + rng.uniform(0.5, 1.5) * (image - blurred)


def small_warp(
    image: np.ndarray, rng: np.random.Generator, centre: np.ndarray, size: float, scale: float, shift: float
) -> np.ndarray:
    """Scale by 1 +- ``scale`` about the face centre and translate by up to ``shift`` x face size."""
    factor = rng.uniform(1 - scale, 1 + scale)
    dx, dy = rng.uniform(-shift, shift, size=2) * size
    matrix = np.array(
        [[factor, 0.0, (1 - factor) * centre[0] + dx], [0.0, factor, (1 - factor) * centre[1] + dy]],
        dtype=np.float64,
    )
    height, width = image.shape[:2]
    return cv2.warpAffine(
        image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
    )
