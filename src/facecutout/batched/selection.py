"""Choosing each image's cut: its first admissible candidate.

A candidate R is admissible iff it covers at least one pixel and |R & M| <= threshold * |M| for
the image's manipulated region M; an empty M (or no masks) puts no constraint. Two ways, one
result up to outline pixels: :func:`select_regions` measures the candidates of the whole batch on
its device, in steps over ranks for the images still without a cut (``first_step`` ranks, then
twice as many each step); :func:`per_image_regions` runs the per-image version image by image on
the CPU.
"""

from __future__ import annotations

import torch

from facecutout.batched.candidates import Candidates, CandidateSource
from facecutout.batched.raster import hull_masks
from facecutout.cutout.selection import first_admissible


def select_regions(
    candidates: Candidates,
    masks: torch.Tensor | None,
    threshold: float,
    height: int,
    width: int,
    first_step: int,
) -> torch.Tensor:
    """(B, H, W) bool: each image's first admissible candidate (all False when it has none)."""
    batch = candidates.vertices.shape[0]
    device = candidates.vertices.device
    regions = torch.zeros((batch, height, width), dtype=torch.bool, device=device)
    budgets = None
    if masks is not None:
        totals = masks.sum((1, 2), dtype=torch.int64).to(torch.float64)
        budgets = torch.where(totals > 0, threshold * totals, float("inf"))
    pending = torch.ones(batch, dtype=torch.bool, device=device)
    start, step = 0, first_step
    while start < candidates.ranks:
        images = pending.nonzero(as_tuple=True)[0]
        if images.numel() == 0:
            break
        ranks = torch.arange(start, min(start + step, candidates.ranks), device=device)
        start, step = start + step, 2 * step
        image = images.repeat_interleave(len(ranks))
        rank = ranks.repeat(len(images))
        cut = hull_masks(candidates.vertices[image, rank], candidates.counts[image, rank], height, width)
        admissible = cut.flatten(1).any(1)
        if budgets is not None:
            hidden = (cut & masks[image]).sum((1, 2), dtype=torch.int64)
            admissible &= hidden <= budgets[image]
        admissible = admissible.view(len(images), len(ranks))
        found = admissible.any(1)
        first = admissible.to(torch.uint8).argmax(1)
        winners = (torch.arange(len(images), device=device) * len(ranks) + first)[found]
        regions[images[found]] = cut[winners]
        pending[images[found]] = False
    return regions


def per_image_regions(
    source: CandidateSource, masks: torch.Tensor | None, threshold: float, height: int, width: int
) -> torch.Tensor:
    """(B, H, W) bool on the CPU: each image's region chosen by the per-image version
    (:func:`facecutout.cutout.selection.first_admissible`) from its candidates."""
    regions = torch.zeros((len(source.seeds), height, width), dtype=torch.bool)
    manipulated = None if masks is None else masks.cpu().numpy()
    for image in range(len(source.seeds)):
        mask = None if manipulated is None else manipulated[image]
        region = first_admissible(source.polygons(image), mask, threshold, height, width)
        if region is not None:
            regions[image].numpy()[region.window] = region.mask
    return regions
