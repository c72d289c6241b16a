"""Choosing the cut: the first admissible candidate region of the chosen variant.

A candidate R is admissible iff it covers at least one pixel and |R & M| <= threshold * |M| for
the manipulated region M; with no M (a real image, or a fake whose M is empty) every candidate
that covers a pixel is admissible.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from facecutout.cutout.candidates import Candidate
from facecutout.cutout.raster import Region, covered_count, footprint, rasterize
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


@dataclass(frozen=True)
class Choice:
    """The cut chosen: the part it cuts, its region, the manipulated pixels it hides and |M|
    (``hidden`` None and ``manipulated`` 0 when nothing constrains the cut)."""

    part: str
    region: Region
    hidden: int | None
    manipulated: int


def manipulated_total(manipulated: np.ndarray | None) -> int:
    """|M|: the number of manipulated pixels (0 without a region)."""
    return 0 if manipulated is None else cv2.countNonZero(manipulated.view(np.uint8))


def first_admissible(
    candidates: Iterable[Candidate],
    manipulated: np.ndarray | None,
    threshold: float,
    height: int,
    width: int,
) -> Choice | None:
    """The first candidate, in order, that covers a pixel and hides at most ``threshold`` of M.

    A chain of nested candidates (each holding the next, so hiding at least as much of M) is
    searched from its smallest: if that one hides too much, all do; otherwise a bisection finds
    the first that does not.
    """
    total = manipulated_total(manipulated)
    if not total:
        for candidate in candidates:
            region = rasterize(candidate.polygon, height, width)
            if region is not None:
                return Choice(candidate.part, region, None, 0)
        return None
    budget = threshold * total
    mask = manipulated.view(np.uint8)
    for chain in chains(candidates):
        found = first_in_chain(chain, mask, budget, height, width)
        if found is not None:
            region, hidden, index = found
            return Choice(chain[index].part, region, hidden, total)
    return None


def chains(candidates: Iterable[Candidate]) -> Iterator[list[Candidate]]:
    """The candidates grouped into their chains, in order; a candidate outside a chain comes alone
    and at once (only a chain needs the next candidate to know where it ends)."""
    chain: list[Candidate] = []
    for candidate in candidates:
        if chain and candidate.chain is chain[0].chain:
            chain.append(candidate)
            continue
        if chain:
            yield chain
            chain = []
        if candidate.chain is None:
            yield [candidate]
        else:
            chain = [candidate]
    if chain:
        yield chain


def first_in_chain(
    chain: list[Candidate], mask: np.ndarray, budget: float, height: int, width: int
) -> tuple[Region, int, int] | None:
    """The region, hidden pixels and index of the first candidate of a chain that covers a pixel and
    hides at most ``budget`` pixels of ``mask`` (None when none does). The last, smallest,
    candidate is measured first; then a bisection."""
    last = len(chain) - 1
    region, hidden = measure(chain[last], mask, height, width)
    if hidden > budget:
        return None
    low, high = 0, last
    while low < high:
        middle = (low + high) // 2
        measured = measure(chain[middle], mask, height, width)
        if measured[1] <= budget:
            high, (region, hidden) = middle, measured
        else:
            low = middle + 1
    if region is None or not region.area:
        return None
    return region, hidden, high


def measure(candidate: Candidate, mask: np.ndarray, height: int, width: int) -> tuple[Region | None, int]:
    """A candidate's pixels (None when its box misses the image) and the pixels of ``mask`` it covers."""
    region = footprint(candidate.polygon, height, width)
    return region, 0 if region is None else covered_count(region, mask)
