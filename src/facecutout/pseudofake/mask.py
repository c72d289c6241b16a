"""The blending mask of a pseudo-fake: the landmark hull of the face, deformed, with a soft edge."""

from __future__ import annotations

import cv2
import numpy as np

FIVE_POINT_HULL_SCALE = 1.7
"""5 MTCNN points span eyes to mouth only; their hull, scaled by this factor about its centroid,
covers brows to chin like the 68-point hull does (measured on the shared crops: 1.6-1.8)."""


def face_size(landmarks: np.ndarray) -> float:
    """A face scale in pixels: the diagonal of the landmarks' bounding box."""
    span = landmarks.max(axis=0) - landmarks.min(axis=0)
    return max(float(np.hypot(*span)), 1.0)


def hull_polygon(landmarks: np.ndarray) -> np.ndarray:
    """Convex hull (K, 2) of the face: all 68 points, or the 5 MTCNN points scaled up."""
    points = landmarks.astype(np.float32)
    if len(points) == 5:
        centre = points.mean(axis=0)
        points = centre + (points - centre) * FIVE_POINT_HULL_SCALE
    return cv2.convexHull(points)[:, 0, :]


def hull_mask(landmarks: np.ndarray, height: int, width: int) -> np.ndarray:
    """The face hull rasterised as a (height, width) float32 0/1 mask."""
    mask = np.zeros((height, width), dtype=np.float32)
    cv2.fillConvexPoly(mask, np.rint(hull_polygon(landmarks)).astype(np.int32), 1.0)
    return mask


def soft_mask(
    landmarks: np.ndarray,
    height: int,
    width: int,
    rng: np.random.Generator,
    grow: tuple[float, float],
    softness: tuple[float, float],
) -> np.ndarray:
    """Blend weights in [0, 1]: the hull grown or shrunk by ``grow`` x face size, blurred by ``softness``.

    Both ranges are fractions of the face size, drawn uniformly; a negative grow erodes the hull.
    """
    mask = hull_mask(landmarks, height, width)
    size = face_size(landmarks)
    radius = int(round(rng.uniform(*grow) * size))
    if radius:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * abs(radius) + 1, 2 * abs(radius) + 1))
        mask = cv2.dilate(mask, kernel) if radius > 0 else cv2.erode(mask, kernel)
    sigma = max(rng.uniform(*softness) * size, 0.5)
    return np.clip(cv2.GaussianBlur(mask, (0, 0), sigmaX=sigma), 0.0, 1.0)
