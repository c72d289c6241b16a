"""Candidate cut regions as convex polygons, in each face's order of preference.

Sensory candidates are bands over the eyes, the nose or the mouth (rotated rectangles); convex-hull
candidates are hulls of parts of the face outline: runs of consecutive points (the largest first),
random subsets, and the outline hull cut through its centroid. The sizes are the paper's, given for
dlib's 27-point outline and scaled to other outlines. A candidate smaller than ``min_area`` of the
face (the hull of all landmarks) is never offered. Each is rasterised by
:mod:`facecutout.cutout.raster`; the per-image and the batched versions take their candidates from
here, one at a time, so that only the candidates that are measured are built.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from itertools import permutations

import numpy as np

from facecutout.cutout.geometry import (
    OutlineWindows,
    band_polygon,
    centroid,
    convex_hull,
    half_plane_part,
    polygon_area,
    visible_area,
)
from facecutout.cutout.schemes import LandmarkScheme
from facecutout.cutout.validation import check_unit_interval

SENSORY_FEATURES = ("eyes", "nose", "mouth")
HULL_STRATEGIES = ("run", "subset", "half")
BAND_DIVISORS = (3, 4, 5, 6)
REFERENCE_OUTLINE = 27
"""Points of dlib's 68-point face outline (17 jaw + 10 brow points), for which the sizes below are given."""
RUN_LENGTHS = (8, 15)
"""A run holds 8 to 15 consecutive points of a REFERENCE_OUTLINE-point outline (the paper's sizes)."""
RUN_STEP = 2
"""Runs start at every RUN_STEP-th outline point (the paper's)."""
SUBSET_SIZES = (9, 15)
"""A subset holds 9 to 15 random points of a REFERENCE_OUTLINE-point outline (the paper's sizes)."""
HALF_PARTS = 2
"""The outline hull split by a line through its centroid: two half-faces."""
DEFAULT_MIN_AREA = 0.05
"""Candidates covering less than this share of the face are not used (chosen in docs/cut_quality.md)."""


class Candidate:
    """A candidate region: the convex hull of ``points`` (computed on first use of ``polygon``
    unless ``convex`` says the points already are a convex polygon in order), the part it cuts (a
    sensory feature or a hull strategy), a known lower bound on its area inside the image (None:
    measured when needed) and its ``chain``: consecutive candidates with the
    same chain (not None) are hulls of nested point sets, each holding the next."""

    __slots__ = ("_points", "_polygon", "area", "chain", "part")

    def __init__(
        self,
        part: str,
        points: np.ndarray,
        convex: bool = False,
        area: float | None = None,
        chain: object | None = None,
    ):
        self.part = part
        self._points = points
        self._polygon = points if convex else None
        self.area = area
        self.chain = chain

    @property
    def polygon(self) -> np.ndarray:
        """The region's convex polygon (K, 2), in order."""
        if self._polygon is None:
            self._polygon = convex_hull(self._points)
        return self._polygon

    @property
    def variant(self) -> str:
        return "sensory" if self.part in SENSORY_FEATURES else "convex_hull"

    def covers(self, smallest: float, height: int, width: int) -> bool:
        """Whether its part inside the (height, width) image has an area of at least ``smallest``."""
        if self.area is not None and self.area >= smallest:
            return True
        return visible_area(self.polygon, height, width) >= smallest


def check_min_area(min_area: object) -> float:
    """Return ``min_area`` (a share of the face) as a float in [0, 1]."""
    return check_unit_interval(min_area, "min_area")


def scaled_sizes(bounds: tuple[int, int], count: int) -> tuple[int, int]:
    """The reference sizes ``bounds`` scaled from a REFERENCE_OUTLINE-point outline to ``count`` points
    (at least 3 and at most ``count``)."""
    smallest = min(count, max(3, round(bounds[0] * count / REFERENCE_OUTLINE)))
    largest = min(count, max(smallest, round(bounds[1] * count / REFERENCE_OUTLINE)))
    return smallest, largest


def random_order(count: int, rng: np.random.Generator) -> tuple[int, ...]:
    """A uniformly random permutation of range(count) (cheap for the few items used here)."""
    orders = _PERMUTATIONS.get(count)
    if orders is None:
        return tuple(rng.permutation(count).tolist())
    return orders[int(rng.random() * len(orders))]


_PERMUTATIONS = {count: list(permutations(range(count))) for count in (1, 2, 3)}


def face_area(landmarks: np.ndarray) -> float:
    """The face's area: that of the convex hull of all its landmarks (for a scheme with a face
    outline, the outline's hull; for 5 points, the eyes-mouth quadrilateral)."""
    return polygon_area(convex_hull(landmarks))


def sensory_candidates(
    landmarks: np.ndarray,
    scheme: LandmarkScheme,
    features: Sequence[str],
    rng: np.random.Generator,
    height: int,
    width: int,
) -> Iterator[Candidate]:
    """Bands over eyes / nose / mouth in random feature order, thickest (w/3) to thinnest (w/6).

    The eye and nose bands use the eye distance w, the mouth band the mouth width. A band whose
    bounding circle lies inside the (height, width) image knows its area.
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
        feature = features[index]
        start, end, scale = segments[feature]
        length = math.dist(start, end)
        middle_x, middle_y = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
        for divisor in BAND_DIVISORS:
            half_width = scale / divisor
            reach = math.hypot(length / 2 + half_width, half_width)
            inside = (
                middle_x - reach >= -0.5
                and middle_y - reach >= -0.5
                and middle_x + reach <= width - 0.5
                and middle_y + reach <= height - 0.5
            )
            area = (length + 2 * half_width) * 2 * half_width if inside else None
            yield Candidate(feature, band_polygon(start, end, half_width), convex=True, area=area)


def run_lengths(first: int, shortest: int) -> list[int]:
    """The run lengths tried: ``first``, then halfway down to ``shortest`` again and again."""
    lengths = [first]
    while lengths[-1] > shortest:
        lengths.append((lengths[-1] + shortest) // 2)
    return lengths


def run_candidates(outline: np.ndarray, rng: np.random.Generator) -> Iterator[Candidate]:
    """Runs of consecutive outline points starting at every RUN_STEP-th point from the first and
    ending before the outline closes: those of a random length in RUN_LENGTHS (scaled), then of the
    lengths halfway down to the shortest (:func:`run_lengths`); for each length the largest polygon
    first. The polygon of a run's points bounds its area from below."""
    count = len(outline)
    shortest, longest = scaled_sizes(RUN_LENGTHS, count)
    first = shortest + int(rng.random() * (longest - shortest + 1))
    windows = OutlineWindows(outline)
    for length in run_lengths(first, shortest):
        starts = np.arange(0, count - length + 1, RUN_STEP)
        areas = windows.areas(length, starts)
        order = np.argsort(-areas, kind="stable")
        points = outline[starts[order, None] + np.arange(length)]
        for window, area in zip(points, areas[order].tolist(), strict=True):
            yield Candidate("run", window, area=area)


def subset_candidates(outline: np.ndarray, rng: np.random.Generator) -> Iterator[Candidate]:
    """Hulls of random outline points: the first points of one random order, SUBSET_SIZES (scaled),
    largest first, each subset holding the next (so the smallest bounds the areas from below)."""
    count = len(outline)
    smallest, largest = scaled_sizes(SUBSET_SIZES, count)
    order = rng.random(count).argsort()
    least = polygon_area(convex_hull(outline[order[:smallest]]))
    chain = object()
    for size in range(largest, smallest - 1, -1):
        yield Candidate("subset", outline[order[:size]], area=least, chain=chain)


def half_candidates(outline: np.ndarray, rng: np.random.Generator) -> Iterator[Candidate]:
    """The outline hull split by a line through its centroid at a random angle: the two half-faces
    in random order."""
    hull = convex_hull(outline)
    if len(hull) < 3:
        return
    middle = centroid(hull)
    angle = rng.random() * 2 * math.pi
    for index in range(HALF_PARTS):
        direction = angle + index * 2 * math.pi / HALF_PARTS
        area, half = half_plane_part(hull, middle, (math.cos(direction), math.sin(direction)))
        if len(half) >= 3:
            yield Candidate("half", half, convex=True, area=area)


_HULL_CANDIDATES = {"run": run_candidates, "subset": subset_candidates, "half": half_candidates}


def hull_candidates(
    landmarks: np.ndarray, scheme: LandmarkScheme, strategies: Sequence[str], rng: np.random.Generator
) -> Iterator[Candidate]:
    """Convex-hull regions of the scheme's face outline (its points rounded to whole pixels, as the
    rasteriser rounds them), strategies in random order, each strategy's candidates in its own
    order (see run_candidates, subset_candidates, half_candidates)."""
    outline = np.rint(scheme.outline_points(landmarks)).astype(np.int32)
    for index in random_order(len(strategies), rng):
        yield from _HULL_CANDIDATES[strategies[index]](outline, rng)


def face_candidates(
    landmarks: np.ndarray,
    scheme: LandmarkScheme,
    variant: str,
    rng: np.random.Generator,
    height: int,
    width: int,
    features: Sequence[str] = SENSORY_FEATURES,
    strategies: Sequence[str] = HULL_STRATEGIES,
    smallest: float = 0.0,
) -> Iterator[Candidate]:
    """Candidates of the variant in preference order: those whose part inside the (height, width)
    image has an area of at least ``smallest`` (``min_area`` times :func:`face_area`).

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
            candidates = sensory_candidates(landmarks, scheme, features, rng, height, width)
        else:
            candidates = hull_candidates(landmarks, scheme, strategies, rng)
        for candidate in candidates:
            if smallest <= 0 or candidate.covers(smallest, height, width):
                yield candidate
