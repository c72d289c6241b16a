"""Choosing each image's cut: its first admissible candidate, for the whole batch at once.

A candidate R is admissible iff it covers at least one pixel and |R & M| <= threshold * |M| for
the image's manipulated region M; an empty M (or no masks) puts no constraint. Candidates are
measured in steps over ranks for the images still without a cut: ``first_step`` ranks, then twice
as many each step, so a batch whose first candidates are admissible (the common case) measures
only those, and the few images that go deep take few steps.
"""

from __future__ import annotations

import torch

from facecutout.batched.candidates import Candidates
from facecutout.batched.raster import grouped_row_spans, row_prefix_counts, span_areas, span_counts


def select_spans(
    candidates: Candidates,
    masks: torch.Tensor | None,
    threshold: float,
    enabled: torch.Tensor,
    height: int,
    width: int,
    first_step: int,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Row spans left, right (B, H) of each enabled image's first admissible candidate, and its rank (B,).

    Rows with left > right are empty; an image with no admissible candidate (rank -1) has only
    empty rows.
    """
    batch, count = candidates.points.shape[:2]
    device = candidates.points.device
    left = torch.zeros((batch, height), dtype=torch.int64, device=device)
    right = torch.full((batch, height), -1, dtype=torch.int64, device=device)
    chosen = torch.full((batch,), -1, dtype=torch.int64, device=device)
    if masks is not None:
        prefix = row_prefix_counts(masks)
        totals = prefix[:, :, -1].sum(1, dtype=torch.int64)
        budgets = threshold * totals.to(torch.float64)
        constrained = totals > 0
    pending = enabled.clone()
    start, step = 0, first_step
    while start < count:
        images = pending.nonzero(as_tuple=True)[0]
        if images.numel() == 0:
            break
        ranks = torch.arange(start, min(start + step, count), device=device)
        start, step = start + step, 2 * step
        image = images.repeat_interleave(len(ranks))
        rank = ranks.repeat(len(images))
        rows, lefts, rights = grouped_row_spans(*candidates.lines(image, rank, height, width))
        admissible = span_areas(lefts, rights) > 0
        if masks is not None:
            overlap = span_counts(prefix, image, rows, lefts, rights)
            admissible &= ~constrained[image] | (overlap <= budgets[image])
        admissible = admissible.view(len(images), len(ranks))
        found = admissible.any(1)
        first = admissible.to(torch.uint8).argmax(1)
        winners = torch.arange(len(images), device=device)[found] * len(ranks) + first[found]
        _store_spans(left, right, image[winners], rows[winners], lefts[winners], rights[winners])
        pending[images[found]] = False
        chosen[images[found]] = ranks[first[found]]
    return left, right, chosen


def _store_spans(
    left: torch.Tensor,
    right: torch.Tensor,
    images: torch.Tensor,
    rows: torch.Tensor,
    lefts: torch.Tensor,
    rights: torch.Tensor,
) -> None:
    """Write the spans of the winning candidates into the per-image tables (in place)."""
    filled = rights >= lefts
    image = images[:, None].expand_as(rows)[filled]
    row = rows[filled]
    left[image, row] = lefts[filled]
    right[image, row] = rights[filled]
