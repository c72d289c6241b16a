"""Optional real/fake balancing: each epoch draws as many reals as fakes (with replacement)."""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import WeightedRandomSampler

from facecutout.errors import DataError


def balanced_sampler(
    labels: np.ndarray, seed: int = 0, generator: torch.Generator | None = None
) -> WeightedRandomSampler:
    """A sampler giving reals and fakes equal total weight; one epoch has ``len(labels)`` draws,
    taken from ``generator`` (by default a new one seeded with ``seed``)."""
    counts = np.bincount(labels, minlength=2)
    if (counts == 0).any():
        raise DataError(
            f"cannot balance classes: the training split has {counts[0]} reals and {counts[1]} fakes"
        )
    weights = 1.0 / counts[labels]
    generator = generator if generator is not None else torch.Generator().manual_seed(seed)
    return WeightedRandomSampler(torch.from_numpy(weights), num_samples=len(labels), generator=generator)
