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
from facecutout.batched.mask_counts import MaskCounts
from facecutout.batched.raster import RowSpans, concatenate_spans, grouped_row_spans


def select_spans(
    candidates: Candidates,
    masks: torch.Tensor | None,
    threshold: float,
    enabled: torch.Tensor,
    height: int,
    width: int,
    first_step: int,
) -> tuple[RowSpans, torch.Tensor]:
    """Row spans of each enabled image's first admissible candidate (owner: the image), and its rank (B,).

    The rows are in raster order (by image, then row), whatever the steps; an image with no
    admissible candidate (rank -1) has no rows.
    """
    batch, count = candidates.points.shape[:2]
    device = candidates.points.device
    chosen = torch.full((batch,), -1, dtype=torch.int64, device=device)
    if masks is not None:
        counts = MaskCounts.of(masks)
        totals = counts.totals()
        # An empty region puts no constraint.
        budgets = torch.where(totals > 0, threshold * totals.to(torch.float64), float("inf"))
    pending = enabled.clone()
    winners = []
    start, step = 0, first_step
    while start < count:
        images = pending.nonzero(as_tuple=True)[0]
        if images.numel() == 0:
            break
        ranks = torch.arange(start, min(start + step, count), device=device)
        start, step = start + step, 2 * step
        image = images.repeat_interleave(len(ranks))
        rank = ranks.repeat(len(images))
        spans = grouped_row_spans(*candidates.lines(image, rank, height, width))
        admissible = spans.areas(len(image)) > 0
        if masks is not None:
            admissible &= counts.span_counts(spans, image) <= torch.index_select(budgets, 0, image)
        admissible = admissible.view(len(images), len(ranks))
        found = admissible.any(1)
        first = admissible.to(torch.uint8).argmax(1)
        winner = (torch.arange(len(ranks), device=device) == first[:, None]) & found[:, None]
        winners.append(spans.select(torch.index_select(winner.view(-1), 0, spans.owner)).relabel(image))
        done = images[found]
        pending[done] = False
        chosen[done] = ranks[first[found]]
    if not winners:
        empty = torch.zeros(0, dtype=torch.int64, device=device)
        return RowSpans(empty, empty, empty, empty), chosen
    spans = concatenate_spans(winners)
    if len(spans.owner) > 1 and not bool((spans.owner[1:] >= spans.owner[:-1]).all()):
        spans = spans.take(torch.sort(spans.owner, stable=True).indices)
    return spans, chosen
