"""Choosing each image's cut: its first admissible candidate.

A candidate R is admissible iff it covers at least one pixel and |R & M| <= threshold * |M| for
the image's manipulated region M; an empty M (or no masks) puts no constraint. Two ways, one
result up to outline pixels: :func:`select_regions` measures the candidates of the whole batch on
its device, in steps over ranks for the images still without a cut (``first_step`` ranks, then
twice as many each step, each step building only the candidates it measures);
:func:`per_image_regions` runs the per-image version image by image on the CPU.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from facecutout.batched.candidates import CandidateSource, CandidateStreams
from facecutout.batched.raster import hull_masks
from facecutout.cutout.selection import first_admissible


@dataclass(frozen=True)
class Selection:
    """(B, H, W) bool ``regions`` (all False for an image without a cut) and the ``parts`` they cut
    (None for an image without a cut); ``windows``, when known, bound each image's region (rows,
    columns; None without a cut) so a fill can stay inside them."""

    regions: torch.Tensor
    parts: list[str | None]
    windows: list[tuple[slice, slice] | None] | None = None


def select_regions(
    source: CandidateSource,
    masks: torch.Tensor | None,
    threshold: float,
    device: torch.device,
    first_step: int,
) -> Selection:
    """Each image's first admissible candidate, measured on ``device`` for the whole batch."""
    batch = len(source.seeds)
    height, width = source.size
    streams = CandidateStreams(source)
    regions = torch.zeros((batch, height, width), dtype=torch.bool, device=device)
    parts: list[str | None] = [None] * batch
    budgets = None
    if masks is not None:
        totals = masks.sum((1, 2), dtype=torch.int64).to(torch.float64)
        budgets = torch.where(totals > 0, threshold * totals, float("inf"))
    pending = [image for image in range(batch) if source.enabled[image]]
    step = first_step
    while pending:
        candidates = streams.take(pending, step, device)
        images = torch.tensor(pending, device=device)
        image = images.repeat_interleave(step)
        cut = hull_masks(candidates.vertices.flatten(0, 1), candidates.counts.flatten(), height, width)
        admissible = cut.flatten(1).any(1)
        if budgets is not None:
            hidden = (cut & masks[image]).sum((1, 2), dtype=torch.int64)
            admissible &= hidden <= budgets[image]
        admissible = admissible.view(len(pending), step)
        found = admissible.any(1)
        first = admissible.to(torch.uint8).argmax(1)
        winners = (torch.arange(len(pending), device=device) * step + first)[found]
        regions[images[found]] = cut[winners]
        still = []
        for index, (done, rank) in enumerate(zip(found.tolist(), first.tolist(), strict=True)):
            if done:
                parts[pending[index]] = candidates.parts[index][rank]
            elif len(candidates.parts[index]) == step:
                still.append(pending[index])
        pending, step = still, 2 * step
    return Selection(regions, parts)


def per_image_regions(source: CandidateSource, masks: torch.Tensor | None, threshold: float) -> Selection:
    """Each image's region chosen by the per-image version
    (:func:`facecutout.cutout.selection.first_admissible`) from its candidates, on the CPU."""
    height, width = source.size
    regions = torch.zeros((len(source.seeds), height, width), dtype=torch.bool)
    parts: list[str | None] = [None] * len(source.seeds)
    windows: list[tuple[slice, slice] | None] = [None] * len(source.seeds)
    manipulated = None if masks is None else masks.cpu().numpy()
    for image in range(len(source.seeds)):
        mask = None if manipulated is None else manipulated[image]
        choice = first_admissible(source.candidates(image), mask, threshold, height, width)
        if choice is not None:
            regions[image].numpy()[choice.region.window] = choice.region.mask
            parts[image] = choice.part
            windows[image] = choice.region.window
    return Selection(regions, parts, windows)
