"""Candidate cut regions as convex polygons, in each face's order of preference.

Sensory candidates are bands over the eyes, the nose or the mouth (rotated rectangles); convex-hull
candidates are hulls of parts of the face outline (runs of consecutive points, random subsets, and
the outline hull split through its centroid). Each is rasterised by :mod:`facecutout.cutout.raster`;
the per-image and the batched versions take their candidates from here.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from itertools import permutations

import cv2
import numpy as np

from facecutout.cutout.schemes import LandmarkScheme

SENSORY_FEATURES = ("eyes", "nose", "mouth")
HULL_STRATEGIES = ("run", "subset", "half")
BAND_DIVISORS = (3, 4, 5, 6)
MIN_RUN = 3


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
    # + 0 turns -0.0 into 0.0: cv2.convexHull returns None for points mixing the two.
    return cv2.convexHull(points.astype(np.float32) + np.float32(0)).reshape(-1, 2)


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
    landmarks: np.ndarray, scheme: LandmarkScheme, features: Sequence[str], rng: np.random.Generator
) -> Iterator[np.ndarray]:
    """Bands over eyes / nose / mouth in random feature order, thickest (w/3) to thinnest (w/6).

    The eye and nose bands use the eye distance w, the mouth band the mouth width.
    """
    left_eye, right_eye, nose, mouth_left, mouth_right = scheme.sensory_points(landmarks).tolist()
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
    landmarks: np.ndarray,
    scheme: LandmarkScheme,
    strategies: Sequence[str],
    rng: np.random.Generator,
    subset_tries: int = 4,
) -> Iterator[np.ndarray]:
    """Convex-hull regions of the scheme's face outline, strategies in random order.

    run: consecutive outline points from a random start, a random length up to half the outline,
    shortened until admissible; subset: hulls of random subsets; half: the outline hull split by a
    random line through its centroid, both halves in random order.
    """
    outline = scheme.outline_points(landmarks)
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


def candidate_polygons(
    landmarks: np.ndarray,
    scheme: LandmarkScheme,
    variant: str,
    rng: np.random.Generator,
    features: Sequence[str] = SENSORY_FEATURES,
    strategies: Sequence[str] = HULL_STRATEGIES,
) -> Iterator[np.ndarray]:
    """Candidates of the variant in preference order.

    "random" with an outline tries one variant (each with probability 1/2) and then the other;
    without one it is "sensory".
    """
    variants = ["sensory"]
    if scheme.has_outline:
        if variant == "convex_hull":
            variants = ["convex_hull"]
        elif variant == "random":
            variants = ["sensory", "convex_hull"] if rng.random() < 0.5 else ["convex_hull", "sensory"]
    for name in variants:
        if name == "sensory":
            yield from sensory_candidates(landmarks, scheme, features, rng)
        else:
            yield from hull_candidates(landmarks, scheme, strategies, rng)
