"""Choosing the cut: the first admissible candidate region of the chosen variant.

A candidate R is admissible iff it covers at least one pixel and |R & M| <= threshold * |M| for
the manipulated region M; with no M (a real image, or a fake whose M is empty) every candidate
that covers a pixel is admissible.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import cv2
import numpy as np

from facecutout.cutout.raster import Region, rasterize
from facecutout.cutout.schemes import LandmarkScheme
from facecutout.errors import InvalidInputError

VARIANTS = ("random", "sensory", "convex_hull")


def check_variant(variant: object, scheme: LandmarkScheme | None = None) -> str:
    """Validate ``variant``; with a landmark scheme, check that its landmarks allow it."""
    if variant not in VARIANTS:
        raise InvalidInputError(f"variant must be one of {VARIANTS}, got {variant!r}")
    if variant == "convex_hull" and scheme is not None and not scheme.has_outline:
        raise InvalidInputError(
            f"variant='convex_hull' needs landmarks with a face outline (e.g. 68 points); "
            f"the {scheme.name} scheme ({scheme.num_points} points) has none"
        )
    return variant  # type: ignore[return-value]


def check_choices(values: Sequence[str], allowed: tuple[str, ...], name: str) -> tuple[str, ...]:
    """Validate a non-empty subset of ``allowed`` (sensory features or hull strategies)."""
    if isinstance(values, str):
        raise InvalidInputError(
            f"{name} must be a sequence of names from {allowed}, got the string {values!r}"
        )
    chosen = tuple(values)
    unknown = [value for value in chosen if value not in allowed]
    if not chosen or unknown:
        raise InvalidInputError(f"{name} must be a non-empty subset of {allowed}, got {values!r}")
    return chosen


def overlap_budget(manipulated: np.ndarray | None, threshold: float) -> float | None:
    """The most manipulated pixels a cut may hide, or None when there is no constraint (no or empty M)."""
    if manipulated is None:
        return None
    total = cv2.countNonZero(manipulated.view(np.uint8))
    return threshold * total if total else None


def first_admissible(
    polygons: Iterable[np.ndarray],
    manipulated: np.ndarray | None,
    threshold: float,
    height: int,
    width: int,
) -> Region | None:
    """Rasterise candidates in order; return the first that hides at most ``threshold`` of M."""
    budget = overlap_budget(manipulated, threshold)
    if budget is not None:
        manipulated = manipulated.view(np.uint8)
    for polygon in polygons:
        region = rasterize(polygon, height, width)
        if region is None:
            continue
        if budget is None:
            return region
        hidden = cv2.countNonZero(cv2.bitwise_and(manipulated[region.window], region.mask.view(np.uint8)))
        if hidden <= budget:
            return region
    return None
