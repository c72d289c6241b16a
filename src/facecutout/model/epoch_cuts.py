"""Face-Cutout's statistics over a training epoch, gathered from every process of the run."""

from __future__ import annotations

import torch

from facecutout.data.cut_records import TrainingCuts


def gather_cuts(cuts: TrainingCuts) -> TrainingCuts:
    """The cuts of every process of a distributed run merged (``cuts`` itself when there is one)."""
    if not (torch.distributed.is_available() and torch.distributed.is_initialized()):
        return cuts
    parts: list[TrainingCuts | None] = [None] * torch.distributed.get_world_size()
    torch.distributed.all_gather_object(parts, cuts)
    merged = TrainingCuts(cuts.variant)
    for part in parts:
        if part is not None:
            merged.merge(part)
    return merged
