"""Pieces of the batched cutout checked against direct computations: packed mask counts, polygon edges."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch

from facecutout.batched.geometry import convex_polygon_lines, hull_lines
from facecutout.batched.mask_counts import MaskCounts, lane_bits
from facecutout.batched.raster import RowSpans, span_masks


@pytest.mark.parametrize(
    ("width", "bits"),
    [(224, None), (13, None), (1016, None), (1017, None), (224, 16), (37, 32), (300, 8)],
)
def test_span_counts_equal_direct_counts(width, bits):
    """Counts of mask pixels in random spans (clipped, empty, reversed) on every lane layout,
    including widths that need padding and the widest rows 8-bit lanes allow."""
    generator = torch.Generator().manual_seed(width)
    batch, height, rows = 5, 11, 300
    masks = torch.rand((batch, height, width), generator=generator) < 0.6
    counts = MaskCounts.of(masks, bits)
    assert counts.bits == (bits or lane_bits(width))
    owners = 40
    owner = torch.randint(0, owners, (rows,), generator=generator)
    row = torch.randint(0, height, (rows,), generator=generator)
    left = torch.randint(-3, width + 3, (rows,), generator=generator)
    right = torch.maximum(left + torch.randint(-3, width, (rows,), generator=generator), left - 1)
    images = torch.randint(0, batch, (owners,), generator=generator)
    expected = torch.zeros(owners, dtype=torch.int64)
    for index in range(rows):
        first, last = max(int(left[index]), 0), min(int(right[index]), width - 1)
        if last >= first:
            image = int(images[owner[index]])
            expected[owner[index]] += int(masks[image, row[index], first : last + 1].sum())
    assert torch.equal(counts.span_counts(RowSpans(owner, row, left, right), images), expected)
    assert torch.equal(counts.totals(), masks.sum((1, 2)))


def test_lane_bits_keep_running_counts_below_the_sign_bit():
    assert [lane_bits(width) for width in (1, 1016, 1017, 4 * 32767, 4 * 32767 + 1)] == [8, 8, 16, 16, 32]


def test_full_rows_of_the_widest_8_bit_layout_count_exactly():
    masks = torch.ones((2, 3, 1016), dtype=torch.bool)
    counts = MaskCounts.of(masks)
    spans = RowSpans(
        torch.tensor([0, 0, 1]),
        torch.tensor([0, 2, 1]),
        torch.tensor([0, -5, 8]),
        torch.tensor([1015, 2000, 1014]),
    )
    assert counts.span_counts(spans, torch.tensor([0, 1])).tolist() == [2032, 1007]
    assert counts.totals().tolist() == [3048, 3048]


def polygons(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(600, 9, 2) integer polygons of 1 to 9 vertices, padded, and which vertices are present:
    convex in both orientations, then star-shaped, self-crossing or reflex, repeated-point and
    collinear ones."""
    sizes = rng.integers(3, 10, 600)
    sizes[500:520] = rng.integers(1, 3, 20)
    angles = np.sort(rng.uniform(0, 2 * np.pi, (600, 9)), axis=1)
    angles[::2] = angles[::2, ::-1]  # the other orientation
    angles[300:350] = np.arange(9) * 2 * np.pi * rng.integers(2, 4, (50, 1)) / sizes[300:350, None]  # stars
    radii = rng.uniform(6, 12, (600, 1)) * np.where(
        np.arange(600)[:, None] < 300, 1, rng.uniform(0.3, 1, (600, 9))
    )
    points = np.round(
        rng.uniform(15, 45, (600, 1, 2)) + radii[..., None] * np.stack([np.cos(angles), np.sin(angles)], -1)
    )
    points[350:400] = rng.integers(0, 20, (50, 9, 2))  # any order: crossing, reflex, repeated
    points[400:450, 1] = points[400:450, 0]  # a repeated vertex
    points[450:500] = np.round(
        rng.uniform(10, 40, (50, 1, 2)) + rng.uniform(-3, 3, (50, 1, 2)) * np.arange(9)[:, None]
    )
    present = np.arange(9) < sizes[:, None]
    return points, present


def turning_one_way(polygon: np.ndarray) -> bool:
    edges = np.roll(polygon, -1, axis=0) - polygon
    following = np.roll(edges, -1, axis=0)
    turns = edges[:, 0] * following[:, 1] - edges[:, 1] * following[:, 0]
    return len(polygon) >= 3 and bool((turns > 0).all() or (turns < 0).all())


def strictly_convex(polygon: np.ndarray) -> bool:
    """Every turn strictly the same way, exterior angles summing to one revolution."""
    if not turning_one_way(polygon):
        return False
    edges = np.roll(polygon, -1, axis=0) - polygon
    angles = np.arctan2(edges[:, 1], edges[:, 0])
    exterior = np.abs((np.roll(angles, -1) - angles + np.pi) % (2 * np.pi) - np.pi)
    return bool(abs(exterior.sum() - 2 * np.pi) < 1e-6)


def test_convex_polygon_lines_are_the_hull_lines_of_strictly_convex_polygons():
    """The strictly convex polygons (in either orientation) get exactly the hull's lines, one per
    present vertex; star-shaped, self-crossing, reflex, collinear and repeated-point ones and those
    of fewer than 3 vertices are flagged."""
    points, present = polygons(np.random.default_rng(3))
    lines, convex = convex_polygon_lines(torch.tensor(points), torch.tensor(present))
    hull, _ = hull_lines(torch.tensor(points), torch.tensor(present))
    flagged = stars = 0
    for index in range(len(points)):
        polygon = points[index][present[index]]
        expected = strictly_convex(polygon)
        stars += turning_one_way(polygon) and not expected
        assert bool(convex[index]) == expected, f"polygon {index}: {polygon.tolist()}"
        if expected:
            flagged += 1
            assert len(cv2.convexHull(polygon.astype(np.float32))) == len(polygon)
            assert not lines[index][~torch.tensor(present[index])].any()
            nonzero = hull[index][(hull[index] != 0).any(1)]
            edges = lines[index][torch.tensor(present[index])]
            assert sorted(map(tuple, edges.tolist())) == sorted(map(tuple, nonzero.tolist())), (
                f"polygon {index}"
            )
    assert flagged >= 120 and stars >= 10  # convex in both orientations; winding twice or more


def test_span_masks_mark_exactly_each_rows_columns():
    width = 9
    left = torch.tensor([0, 3, 5, 9, 0, 4])
    right = torch.tensor([8, 3, 4, 8, -1, 7])  # full, one pixel, empty, empty at the edge, empty, tail
    spans = RowSpans(torch.zeros(6, dtype=torch.int64), torch.arange(6), left, right)
    expected = [
        [int(first) <= x <= int(last) for x in range(width)] for first, last in zip(left, right, strict=True)
    ]
    assert span_masks(spans, width).tolist() == expected


def test_rows_wider_than_8_bit_lanes_allow_keep_the_overlap_rule():
    """1100-pixel rows take 16-bit lanes; the cut still hides at most threshold * |M|."""
    from facecutout.batched import batch_face_cutout

    generator = torch.Generator().manual_seed(5)
    images = torch.randint(0, 256, (3, 3, 48, 1100), dtype=torch.uint8, generator=generator)
    masks = torch.rand((3, 48, 1100), generator=generator) < 0.5
    landmarks = torch.tensor([[400.0, 15.0], [700.0, 15.0], [550.0, 25.0], [450.0, 38.0], [650.0, 38.0]])
    out, regions = batch_face_cutout(
        images, landmarks.repeat(3, 1, 1), masks, variant="sensory", threshold=0.2
    )
    overlap = (regions & masks).sum((1, 2))
    assert bool((regions.sum((1, 2)) > 0).all())
    assert bool((overlap <= 0.2 * masks.sum((1, 2))).all())
    assert bool((out[regions[:, None].expand_as(out)] == 0).all())
