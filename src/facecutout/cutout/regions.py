"""Candidate cut regions as convex polygons, and their rasterisation into local masks.

Every candidate is convex (bands are rotated rectangles, hulls are real convex hulls, halves are
a hull clipped by a half-plane), so one rasteriser serves them all and the batched tensor version
can test pixel membership with half-planes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import permutations

import cv2
import numpy as np

from facecutout.cutout.face_points import face_outline, sensory_points

SENSORY_FEATURES = ("eyes", "nose", "mouth")
HULL_STRATEGIES = ("run", "subset", "half")
BAND_DIVISORS = (3, 4, 5, 6)
MIN_RUN = 3


@dataclass(frozen=True)
class Region:
    """A cut region: boolean ``mask`` covering rows y0.. and columns x0.. of the image.

    ``polygon`` holds the integer (x, y) vertices in image coordinates whose rasterisation
    (cv2.fillConvexPoly) is exactly ``mask``, so a constant fill can draw it in place.
    """

    y0: int
    x0: int
    mask: np.ndarray
    polygon: np.ndarray

    @property
    def window(self) -> tuple[slice, slice]:
        height, width = self.mask.shape
        return slice(self.y0, self.y0 + height), slice(self.x0, self.x0 + width)

    def full_mask(self, height: int, width: int) -> np.ndarray:
        """Return the region as an (height, width) boolean mask."""
        full = np.zeros((height, width), dtype=bool)
        full[self.window] = self.mask
        return full


def rasterize_convex(polygon: np.ndarray, height: int, width: int) -> Region | None:
    """Fill a convex polygon (K, 2) of (x, y) points inside an image; None if nothing is inside."""
    points = np.rint(polygon).astype(np.int32)
    left, top, box_width, box_height = cv2.boundingRect(points)
    x0, y0 = max(left, 0), max(top, 0)
    x1, y1 = min(left + box_width, width), min(top + box_height, height)
    if x1 <= x0 or y1 <= y0:
        return None
    local = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
    cv2.fillConvexPoly(local, points - np.array([x0, y0], dtype=np.int32), 1)
    if not cv2.countNonZero(local):
        return None
    return Region(y0, x0, local.view(bool), points)


def band_polygon(start: Sequence[float], end: Sequence[float], half_width: float) -> np.ndarray:
    """Rectangle around the segment start-end, ``half_width`` to each side and beyond each end."""
    (start_x, start_y), (end_x, end_y) = start, end
    length = math.hypot(end_x - start_x, end_y - start_y)
    if length > 1e-9:
        along_x, along_y = (end_x - start_x) / length, (end_y - start_y) / length
    else:
        along_x, along_y = 1.0, 0.0
    along_x, along_y = along_x * half_width, along_y * half_width
    across_x, across_y = -along_y, along_x
    first_x, first_y, last_x, last_y = start_x - along_x, start_y - along_y, end_x + along_x, end_y + along_y
    return np.array(
        [
            [first_x + across_x, first_y + across_y],
            [last_x + across_x, last_y + across_y],
            [last_x - across_x, last_y - across_y],
            [first_x - across_x, first_y - across_y],
        ]
    )


def random_order(count: int, rng: np.random.Generator) -> tuple[int, ...]:
    """A uniformly random permutation of range(count) (cheap for the few items used here)."""
    orders = _PERMUTATIONS.get(count)
    if orders is None:
        return tuple(rng.permutation(count).tolist())
    return orders[int(rng.random() * len(orders))]


_PERMUTATIONS = {count: list(permutations(range(count))) for count in (1, 2, 3)}


def convex_hull(points: np.ndarray) -> np.ndarray:
    """Convex hull (K, 2) of (x, y) points, in order; never self-intersecting."""
    return cv2.convexHull(points.astype(np.float32, copy=False)).reshape(-1, 2)


def clip_half_plane(polygon: np.ndarray, origin: Sequence[float], normal: Sequence[float]) -> np.ndarray:
    """Part of a convex polygon where (p - origin) . normal >= 0 (one Sutherland-Hodgman pass)."""
    (origin_x, origin_y), (normal_x, normal_y) = origin, normal
    vertices = polygon.tolist()
    sides = [(x - origin_x) * normal_x + (y - origin_y) * normal_y for x, y in vertices]
    kept = []
    for i, ((x, y), side) in enumerate(zip(vertices, sides, strict=True)):
        (next_x, next_y), next_side = vertices[i - len(vertices) + 1], sides[i - len(vertices) + 1]
        if side >= 0:
            kept.append((x, y))
        if (side >= 0) != (next_side >= 0):
            t = side / (side - next_side)
            kept.append((x + t * (next_x - x), y + t * (next_y - y)))
    return np.array(kept, dtype=np.float64).reshape(-1, 2)


def sensory_candidates(
    landmarks: np.ndarray, features: Sequence[str], rng: np.random.Generator
) -> Iterator[np.ndarray]:
    """Bands over eyes / nose / mouth in random feature order, thickest (w/3) to thinnest (w/6).

    The eye and nose bands use the eye distance w, the mouth band the mouth width.
    """
    left_eye, right_eye, nose, mouth_left, mouth_right = sensory_points(landmarks).tolist()
    eye_distance = math.dist(left_eye, right_eye)
    eye_middle = ((left_eye[0] + right_eye[0]) / 2, (left_eye[1] + right_eye[1]) / 2)
    segments = {
        "eyes": (left_eye, right_eye, eye_distance),
        "nose": (eye_middle, nose, eye_distance),
        "mouth": (mouth_left, mouth_right, math.dist(mouth_left, mouth_right)),
    }
    for index in random_order(len(features), rng):
        start, end, scale = segments[features[index]]
        for divisor in BAND_DIVISORS:
            yield band_polygon(start, end, scale / divisor)


def hull_candidates(
    landmarks: np.ndarray, strategies: Sequence[str], rng: np.random.Generator, subset_tries: int = 4
) -> Iterator[np.ndarray]:
    """Convex-hull regions of the 68-point face outline, strategies in random order.

    run: consecutive outline points from a random start, a random length up to half the outline,
    shortened until admissible; subset: hulls of random subsets; half: the outline hull split by a
    random line through its centroid, both halves in random order.
    """
    outline = face_outline(landmarks)
    count = len(outline)
    for index in random_order(len(strategies), rng):
        strategy = strategies[index]
        if strategy == "run":
            start = int(rng.random() * count)
            longest = MIN_RUN + int(rng.random() * (count // 2 + 1 - MIN_RUN))
            for length in range(longest, MIN_RUN - 1, -1):
                yield convex_hull(outline[(start + np.arange(length)) % count])
        elif strategy == "subset":
            for _ in range(subset_tries):
                size = MIN_RUN + int(rng.random() * (count // 2 + 1 - MIN_RUN))
                yield convex_hull(outline[rng.random(count).argsort()[:size]])
        else:
            hull = convex_hull(outline)
            angle = rng.random() * math.pi
            centroid = hull.mean(axis=0).tolist()
            for sign in (1.0, -1.0) if rng.random() < 0.5 else (-1.0, 1.0):
                half = clip_half_plane(hull, centroid, (sign * math.cos(angle), sign * math.sin(angle)))
                if len(half) >= 3:
                    yield half
