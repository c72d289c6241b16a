"""The paper's grey SSIM difference of a fake and its original."""

from __future__ import annotations

import cv2
import numpy as np


def ssim_diff(original: np.ndarray, fake: np.ndarray) -> np.ndarray:
    """Grey uint8 (1 - SSIM) * 255: per-channel SSIM maps (7x7 windows, skimage), converted to grey."""
    from skimage.metrics import structural_similarity

    _, similarity = structural_similarity(original, fake, channel_axis=2, data_range=255, full=True)
    difference = np.clip((1.0 - similarity) * 255.0, 0, 255).astype(np.uint8)
    return cv2.cvtColor(difference, cv2.COLOR_RGB2GRAY)
