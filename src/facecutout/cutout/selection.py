"""Choosing the cut: the first admissible candidate region of the chosen variant.

A candidate R is admissible iff |R & M| <= threshold * |M| for the manipulated region M; with no
M (a real image, or a fake whose M is empty) every candidate is admissible.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import cv2
import numpy as np

from facecutout.cutout.regions import (
    HULL_STRATEGIES,
    SENSORY_FEATURES,
    Region,
    hull_candidates,
    rasterize_convex,
    sensory_candidates,
)
from facecutout.errors import InvalidInputError

VARIANTS = ("random", "sensory", "convex_hull")


def check_variant(variant: object, landmark_count: int | None = None) -> str:
    """Validate ``variant``; with a landmark count, check that the landmarks allow it."""
    if variant not in VARIANTS:
        raise InvalidInputError(f"variant must be one of {VARIANTS}, got {variant!r}")
    if variant == "convex_hull" and landmark_count is not None and landmark_count != 68:
        raise InvalidInputError(f"variant='convex_hull' needs 68 landmarks, got {landmark_count}")
    return variant  # type: ignore[return-value]


def check_choices(values: Sequence[str], allowed: tuple[str, ...], name: str) -> tuple[str, ...]:
    """Validate a non-empty subset of ``allowed`` (sensory features or hull strategies)."""
    chosen = tuple(values)
    unknown = [value for value in chosen if value not in allowed]
    if not chosen or unknown:
        raise InvalidInputError(f"{name} must be a non-empty subset of {allowed}, got {values!r}")
    return chosen


def as_generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A numpy Generator from a seed, an existing Generator, or fresh OS entropy for None."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and not isinstance(seed, (int, np.integer)):
        raise InvalidInputError(f"seed must be an int, a numpy Generator or None, got {type(seed).__name__}")
    return np.random.default_rng(seed)


def candidate_polygons(
    landmarks: np.ndarray,
    variant: str,
    rng: np.random.Generator,
    features: Sequence[str] = SENSORY_FEATURES,
    strategies: Sequence[str] = HULL_STRATEGIES,
) -> Iterator[np.ndarray]:
    """Candidates of the variant in preference order.

    "random" with 68 points tries one variant (each with probability 1/2) and then the other; with
    5 points it is "sensory".
    """
    variants = ["sensory"]
    if len(landmarks) == 68:
        if variant == "convex_hull":
            variants = ["convex_hull"]
        elif variant == "random":
            variants = ["sensory", "convex_hull"] if rng.random() < 0.5 else ["convex_hull", "sensory"]
    for name in variants:
        if name == "sensory":
            yield from sensory_candidates(landmarks, features, rng)
        else:
            yield from hull_candidates(landmarks, strategies, rng)


def first_admissible(
    polygons: Iterable[np.ndarray],
    manipulated: np.ndarray | None,
    threshold: float,
    height: int,
    width: int,
) -> Region | None:
    """Rasterise candidates in order; return the first that hides at most ``threshold`` of M."""
    budget = None
    if manipulated is not None:
        manipulated = manipulated.view(np.uint8)
        total = cv2.countNonZero(manipulated)
        if total:
            budget = threshold * total
    for polygon in polygons:
        region = rasterize_convex(polygon, height, width)
        if region is None:
            continue
        if budget is None:
            return region
        hidden = cv2.countNonZero(cv2.bitwise_and(manipulated[region.window], region.mask.view(np.uint8)))
        if hidden <= budget:
            return region
    return None
