"""Pieces of the batched cutout checked against direct computations: packed mask counts, band edges."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from facecutout.batched.geometry import convex_quad_lines, hull_lines
from facecutout.batched.mask_counts import MaskCounts, lane_bits
from facecutout.batched.raster import RowSpans


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


def test_convex_quad_lines_are_the_hull_lines_of_convex_quadrilaterals():
    """Random quadrilaterals in both orientations: the strictly convex ones get exactly the hull's
    half-planes; self-crossing, reflex and degenerate ones are flagged."""
    rng = np.random.default_rng(3)
    centres = rng.uniform(10, 50, (400, 1, 2))
    angles = np.sort(rng.uniform(0, 2 * np.pi, (400, 4)), axis=1)
    angles[::2] = angles[::2, ::-1]  # the other orientation
    radii = rng.uniform(0.3, 12, (400, 4))
    points = np.round(centres + radii[..., None] * np.stack([np.cos(angles), np.sin(angles)], -1))
    points[300:350] = rng.integers(0, 20, (50, 4, 2))  # any order: crossing, reflex, repeated
    points[350:] = np.round(
        centres[350:] + rng.uniform(-3, 3, (50, 1, 2)) * np.arange(4)[:, None]
    )  # collinear
    lines, convex = convex_quad_lines(torch.tensor(points))
    hull, _ = hull_lines(torch.tensor(points), torch.ones((400, 4), dtype=torch.bool))
    queries = torch.tensor(rng.uniform(-5, 70, (2000, 2)))
    flagged = 0
    for index in range(400):
        turns = []
        for corner in range(4):
            first = points[index, (corner + 1) % 4] - points[index, corner]
            second = points[index, (corner + 2) % 4] - points[index, (corner + 1) % 4]
            turns.append(first[0] * second[1] - first[1] * second[0])
        strictly_convex = all(turn > 0 for turn in turns) or all(turn < 0 for turn in turns)
        assert bool(convex[index]) == strictly_convex, f"quadrilateral {index}: {points[index].tolist()}"
        if strictly_convex:
            flagged += 1
            inside = ((queries @ lines[index, :, :2].T + lines[index, :, 2]) >= 0).all(1)
            in_hull = ((queries @ hull[index, :, :2].T + hull[index, :, 2]) >= 0).all(1)
            assert torch.equal(inside, in_hull), f"quadrilateral {index}"
            nonzero = hull[index][(hull[index] != 0).any(1)]
            assert sorted(map(tuple, lines[index].tolist())) == sorted(map(tuple, nonzero.tolist()))
    assert 100 <= flagged <= 300  # both kinds well represented
