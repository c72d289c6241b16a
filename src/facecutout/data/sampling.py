"""Training samplers: optional real/fake balancing (each epoch draws as many reals as fakes, with
replacement), and the seed of each epoch's augmentation drawn with the order."""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import Sampler, WeightedRandomSampler

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


class EpochSeeded(Sampler):
    """The rows of ``sampler`` as ``(index, epoch_seed)``: at the start of each epoch one seed is
    drawn from ``generator``, before the sampler draws its order from the same generator. The
    dataset seeds its augmentation from it (:class:`facecutout.data.dataset.FaceCropDataset`), so
    whoever saves and restores the generator's state restores the augmentation of the next epochs
    along with their order."""

    def __init__(self, sampler: Sampler, generator: torch.Generator):
        self.sampler = sampler
        self.generator = generator

    def __len__(self) -> int:
        return len(self.sampler)

    def __iter__(self):
        seed = int(torch.randint(2**31 - 1, (1,), generator=self.generator))
        for index in self.sampler:
            yield int(index), seed
