"""The candidate regions of every image of a batch: the per-image candidates, as padded hull vertices.

Each image draws a seed from the batch's ``torch.Generator`` and takes the candidates that
:func:`facecutout.cutout.candidates.face_candidates` yields for a numpy Generator of that seed, in
order, each as the integer hull vertices of :func:`facecutout.cutout.raster.hull_vertices`. They
are built when asked for, a few ranks at a time for the images still without a cut, so a batch
builds only the candidates it measures. Landmarks are a few points per image, so this runs on the
CPU whatever the images' device; only the padded vertices travel to the device.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import islice

import numpy as np
import torch

from facecutout.cutout.candidates import Candidate, face_area, face_candidates
from facecutout.cutout.raster import hull_vertices
from facecutout.cutout.schemes import LandmarkScheme

SEED_BOUND = 2**63 - 1


@dataclass(frozen=True)
class Candidates:
    """K candidates of each of B images in preference order: ``vertices`` (B, K, V, 2) int64 hull
    vertices (padded by repeating the last one), ``counts`` (B, K) vertices of each (0: no
    candidate) and ``parts`` (for each image, the parts its candidates cut)."""

    vertices: torch.Tensor
    counts: torch.Tensor
    parts: list[list[str]]

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
    variant, its numpy seed, whether it is cut at all, the features and strategies to use, the least
    share of the face a candidate covers, and the images' (height, width)."""

    landmarks: np.ndarray
    scheme: LandmarkScheme
    variant: str
    seeds: Sequence[int]
    enabled: Sequence[bool]
    features: Sequence[str]
    strategies: Sequence[str]
    min_area: float
    size: tuple[int, int]

    @cached_property
    def faces(self) -> list[float]:
        """Each image's face area (:func:`facecutout.cutout.candidates.face_area`)."""
        return [face_area(points) for points in self.landmarks]

    def candidates(self, image: int) -> Iterator[Candidate]:
        """Image ``image``'s candidates in order (none when it is not cut): the per-image ones."""
        if not self.enabled[image]:
            return iter(())
        rng = np.random.default_rng(self.seeds[image])
        smallest = self.min_area * self.faces[image]
        return face_candidates(
            self.landmarks[image],
            self.scheme,
            self.variant,
            rng,
            *self.size,
            self.features,
            self.strategies,
            smallest,
        )


class CandidateStreams:
    """Every image's candidates, built in order when :meth:`take` asks for them."""

    def __init__(self, source: CandidateSource):
        self._streams = [source.candidates(image) for image in range(len(source.seeds))]

    def take(self, images: Sequence[int], count: int, device: torch.device) -> Candidates:
        """The next ``count`` candidates of each of ``images`` (fewer, padded with empty ones, when
        an image has no more), on ``device``."""
        taken = [list(islice(self._streams[image], count)) for image in images]
        hulls = [[hull_vertices(candidate.polygon) for candidate in row] for row in taken]
        size = max((len(hull) for row in hulls for hull in row), default=1)
        vertices = np.zeros((len(images), count, size, 2), dtype=np.int64)
        counts = np.zeros((len(images), count), dtype=np.int64)
        for image, row in enumerate(hulls):
            for rank, hull in enumerate(row):
                vertices[image, rank, : len(hull)] = hull
                vertices[image, rank, len(hull) :] = hull[-1]
                counts[image, rank] = len(hull)
        parts = [[candidate.part for candidate in row] for row in taken]
        return Candidates(torch.from_numpy(vertices).to(device), torch.from_numpy(counts).to(device), parts)
