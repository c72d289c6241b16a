"""The candidate regions of every image of a batch: the per-image candidates, as padded hull vertices.

Each image draws a seed from the batch's ``torch.Generator`` and takes the candidates that
:func:`facecutout.cutout.candidates.candidate_polygons` yields for a numpy Generator of that seed,
in order, each as the integer hull vertices of :func:`facecutout.cutout.raster.hull_vertices`.
Landmarks are a few points per image, so this runs on the CPU whatever the images' device; only
the padded vertices travel to the device.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from facecutout.cutout.candidates import candidate_polygons
from facecutout.cutout.raster import hull_vertices
from facecutout.cutout.schemes import LandmarkScheme

SEED_BOUND = 2**63 - 1


@dataclass(frozen=True)
class Candidates:
    """K candidates per image in preference order: ``vertices`` (B, K, V, 2) int64 hull vertices
    (padded by repeating the last one) and ``counts`` (B, K) vertices of each (0: no candidate)."""

    vertices: torch.Tensor
    counts: torch.Tensor

    @property
    def ranks(self) -> int:
        return self.vertices.shape[1]


def draw_seeds(batch: int, generator: torch.Generator | None, device: torch.device) -> list[int]:
    """One numpy seed per image from the batch's generator (on the generator's device)."""
    where = generator.device if generator is not None else device
    return torch.randint(SEED_BOUND, (batch,), generator=generator, device=where).tolist()


@dataclass(frozen=True)
class CandidateSource:
    """What decides each image's candidates: its clipped landmarks (B, N, 2), the scheme, the
    variant, its numpy seed, whether it is cut at all, and the features and strategies to use."""

    landmarks: np.ndarray
    scheme: LandmarkScheme
    variant: str
    seeds: Sequence[int]
    enabled: Sequence[bool]
    features: Sequence[str]
    strategies: Sequence[str]

    def polygons(self, image: int) -> Iterator[np.ndarray]:
        """Image ``image``'s candidates in order (none when it is not cut): the per-image ones."""
        if not self.enabled[image]:
            return iter(())
        rng = np.random.default_rng(self.seeds[image])
        return candidate_polygons(
            self.landmarks[image], self.scheme, self.variant, rng, self.features, self.strategies
        )


def batch_candidates(source: CandidateSource, device: torch.device) -> Candidates:
    """Every image's candidates as padded hull vertices, on ``device``."""
    per_image = [
        [hull_vertices(polygon) for polygon in source.polygons(image)] for image in range(len(source.seeds))
    ]
    ranks = max((len(hulls) for hulls in per_image), default=0)
    size = max((len(hull) for hulls in per_image for hull in hulls), default=1)
    vertices = np.zeros((len(per_image), ranks, size, 2), dtype=np.int64)
    counts = np.zeros((len(per_image), ranks), dtype=np.int64)
    for image, hulls in enumerate(per_image):
        for rank, hull in enumerate(hulls):
            vertices[image, rank, : len(hull)] = hull
            vertices[image, rank, len(hull) :] = hull[-1]
            counts[image, rank] = len(hull)
    return Candidates(torch.from_numpy(vertices).to(device), torch.from_numpy(counts).to(device))
