"""The candidates' sizes and order (the paper's runs, subsets and halves), the least area, and the
fallback: a face is cut whenever any candidate of its variant is admissible."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from face_shapes import face_68

import facecutout
from facecutout.cutout.candidates import (
    DEFAULT_MIN_AREA,
    HULL_STRATEGIES,
    face_area,
    face_candidates,
    half_candidates,
    run_candidates,
    run_lengths,
    subset_candidates,
)
from facecutout.cutout.geometry import convex_hull, polygon_area
from facecutout.cutout.raster import covered_count, rasterize
from facecutout.cutout.schemes import resolve_scheme

SIZE = 240
LANDMARKS = face_68(120, 125, 170, angle=0.15)
OUTLINE = np.rint(resolve_scheme(68).outline_points(LANDMARKS)).astype(np.int32)


def window_areas(length: int) -> list[float]:
    """The hull areas of the runs of ``length`` consecutive outline points from every even start,
    in the paper's order: the run's own polygon largest first."""
    windows = [OUTLINE[start : start + length] for start in range(0, len(OUTLINE) - length + 1, 2)]
    order = np.argsort([-polygon_area(window) for window in windows], kind="stable")
    return [polygon_area(convex_hull(windows[index])) for index in order]


@pytest.mark.parametrize("seed", range(12))
def test_runs_are_the_papers_windows_largest_first_then_shorter_lengths(seed):
    areas = [
        polygon_area(candidate.polygon) for candidate in run_candidates(OUTLINE, np.random.default_rng(seed))
    ]
    matches = []
    for first in range(8, 16):  # the drawn length must be one of the paper's 8..15
        expected = [area for length in run_lengths(first, 8) for area in window_areas(length)]
        if len(expected) == len(areas) and np.allclose(expected, areas):
            matches.append(first)
    assert matches, "the runs are not the windows of one length in 8..15 and the lengths down to 8"


def test_run_lengths_go_halfway_down_to_the_shortest():
    assert run_lengths(15, 8) == [15, 11, 9, 8]
    assert run_lengths(8, 8) == [8]


def test_every_run_length_is_drawn():
    lengths = set()
    for seed in range(200):
        count = sum(1 for _ in run_candidates(OUTLINE, np.random.default_rng(seed)))
        lengths.add(count)
    # each first length 8..15 gives its own number of windows over all its lengths
    expected = {sum(len(range(0, 27 - n + 1, 2)) for n in run_lengths(first, 8)) for first in range(8, 16)}
    assert lengths == expected


@pytest.mark.parametrize("seed", range(12))
def test_subsets_are_nested_hulls_of_fifteen_down_to_nine_points(seed):
    candidates = list(subset_candidates(OUTLINE, np.random.default_rng(seed)))
    assert len(candidates) == 7
    assert len({id(candidate.chain) for candidate in candidates}) == 1
    outline_points = {tuple(point) for point in OUTLINE.tolist()}
    for larger, smaller in zip(candidates, candidates[1:], strict=False):
        assert {tuple(point) for point in np.rint(smaller.polygon).astype(int).tolist()} <= outline_points
        contour = larger.polygon.astype(np.float32).reshape(-1, 1, 2)
        for x, y in smaller.polygon.tolist():
            assert cv2.pointPolygonTest(contour, (float(x), float(y)), measureDist=True) >= -1e-6
    smallest = candidates[-1]
    assert len(smallest.polygon) <= 9 and smallest.area == pytest.approx(polygon_area(smallest.polygon))


@pytest.mark.parametrize("seed", range(12))
def test_halves_split_the_outline_hull_through_its_centroid(seed):
    halves = list(half_candidates(OUTLINE, np.random.default_rng(seed)))
    hull = polygon_area(convex_hull(OUTLINE))
    assert len(halves) == 2
    areas = [polygon_area(half.polygon) for half in halves]
    assert sum(areas) == pytest.approx(hull, rel=1e-6)
    # a line through the centroid of a convex region leaves at least 4/9 of it on each side
    assert all(4 / 9 - 1e-3 <= area / hull <= 5 / 9 + 1e-3 for area in areas)


def manipulated_region(seed: int) -> np.ndarray:
    """The whole face (every third seed), or a few random ellipses over the face."""
    rng = np.random.default_rng(seed)
    mask = np.zeros((SIZE, SIZE), np.uint8)
    if seed % 3 == 0:
        return cv2.fillConvexPoly(mask, convex_hull(OUTLINE), 1).view(bool)
    for _ in range(int(rng.integers(1, 4))):
        center = (int(rng.integers(60, 180)), int(rng.integers(60, 190)))
        axes = (int(rng.integers(15, 70)), int(rng.integers(15, 70)))
        cv2.ellipse(mask, center, axes, float(rng.uniform(0, 180)), 0, 360, 1, -1)
    return mask.view(bool)


def brute_force_cut(
    variant: str, seed: int, manipulated: np.ndarray, strategies: tuple[str, ...]
) -> tuple[np.ndarray, int, bool]:
    """Every candidate of the call drawn, the first admissible found by measuring them all in turn:
    its (H, W) region (empty when none is admissible), its index, and whether its variant is not the
    first candidate's (the variant drawn first had nothing admissible)."""
    smallest = DEFAULT_MIN_AREA * face_area(LANDMARKS)
    rng = np.random.default_rng(seed)
    candidates = list(
        face_candidates(
            LANDMARKS, resolve_scheme(68), variant, rng, SIZE, SIZE, strategies=strategies, smallest=smallest
        )
    )
    total = int(manipulated.sum())
    for index, candidate in enumerate(candidates):
        region = rasterize(candidate.polygon, SIZE, SIZE)
        if region is not None and covered_count(region, manipulated.view(np.uint8)) <= 0.3 * total:
            return region.full_mask(SIZE, SIZE), index, candidate.variant != candidates[0].variant
    return np.zeros((SIZE, SIZE), bool), -1, False


@pytest.mark.parametrize("variant", ["random", "convex_hull", "sensory"])
def test_the_cut_is_the_first_admissible_candidate_and_a_face_is_cut_whenever_one_is(variant):
    image = np.full((SIZE, SIZE, 3), 128, np.uint8)
    later = other_variant = 0
    for seed in range(40):
        manipulated = manipulated_region(seed)
        # under the whole face no half is admissible: "random" has to fall back on a band
        strategies = ("half",) if seed % 3 == 0 else HULL_STRATEGIES
        expected, index, switched = brute_force_cut(variant, seed, manipulated, strategies)
        _, region = facecutout.face_cutout(
            image,
            LANDMARKS,
            manipulated,
            variant=variant,
            strategies=strategies,
            seed=seed,
            return_region=True,
        )
        assert np.array_equal(region, expected), f"seed {seed}"
        later += index > 0
        other_variant += switched
    assert later  # some calls found their cut only after inadmissible candidates
    if variant == "random":
        assert other_variant  # and some only in the variant drawn second


def test_no_candidate_below_min_area_is_cut():
    image = np.full((SIZE, SIZE, 3), 128, np.uint8)
    face = face_area(LANDMARKS)

    def shares(min_area: float) -> list[float]:
        return [
            facecutout.face_cutout(
                image, LANDMARKS, variant="sensory", seed=seed, return_region=True, min_area=min_area
            )[1].sum()
            / face
            for seed in range(30)
        ]

    assert min(shares(0.0)) < 0.25  # the band chosen first is at times under 25 % of the face
    floor = shares(0.25)
    assert min(floor) >= 0.25 * 0.97  # the pixels of a polygon of area A: about A, up to its rim
    _, nothing = facecutout.face_cutout(image, LANDMARKS, seed=0, return_region=True, min_area=1.0)
    assert not nothing.any()
