"""Face-Cutout on a batch as an ``nn.Module`` for a training step (no gradients, any device)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from facecutout.batched.fill import check_tensor_fill
from facecutout.batched.functional import batch_face_cutout
from facecutout.batched.validation import check_generator, check_inplace
from facecutout.cutout.candidates import DEFAULT_MIN_AREA, HULL_STRATEGIES, SENSORY_FEATURES, check_min_area
from facecutout.cutout.fill import Fill
from facecutout.cutout.schemes import check_scheme_name
from facecutout.cutout.selection import check_choices, check_variant
from facecutout.cutout.statistics import CutStatistics
from facecutout.cutout.validation import check_threshold, check_unit_interval


class BatchFaceCutout(nn.Module):
    """Cut each image of a batch with probability ``p`` (see :func:`batch_face_cutout`).

    ``forward(images, landmarks, masks=None, generator=None) -> (images_out, regions)``: images
    (B, C, H, W) uint8 or float, landmarks (B, N, 2) (x, y) pixels of a landmark scheme, masks (B, H, W) bool
    manipulated regions or None. Outputs live on the images' device; no gradient flows. With
    ``inplace=True`` the images are cut in place (the returned images are the input tensor).
    ``statistics`` (a :class:`facecutout.cutout.statistics.CutStatistics`) gathers the record of
    every image chosen for a cut.
    """

    def __init__(
        self,
        variant: str = "random",
        threshold: float = 0.3,
        fill: Fill = 0,
        p: float = 0.5,
        features: Sequence[str] = SENSORY_FEATURES,
        strategies: Sequence[str] = HULL_STRATEGIES,
        inplace: bool = False,
        scheme: str | None = None,
        min_area: float = DEFAULT_MIN_AREA,
    ):
        super().__init__()
        self.variant = check_variant(variant)
        self.threshold = check_threshold(threshold)
        self.fill = check_tensor_fill(fill)
        self.p = check_unit_interval(p, "p")
        self.features = check_choices(features, SENSORY_FEATURES, "features")
        self.strategies = check_choices(strategies, HULL_STRATEGIES, "strategies")
        self.inplace = check_inplace(inplace)
        self.scheme = check_scheme_name(scheme)
        self.min_area = check_min_area(min_area)
        self.statistics = CutStatistics()

    @torch.no_grad()
    def forward(
        self,
        images: torch.Tensor,
        landmarks: torch.Tensor,
        masks: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the cut batch and the (B, H, W) bool regions (all False for untouched images)."""
        if isinstance(images, torch.Tensor):
            check_generator(generator, images.device)
            draws = torch.rand(images.shape[0], generator=generator, device=images.device)
            apply_to = draws < self.p
        else:
            apply_to = None  # batch_face_cutout reports the bad images argument
        return batch_face_cutout(
            images,
            landmarks,
            masks,
            variant=self.variant,
            threshold=self.threshold,
            fill=self.fill,
            generator=generator,
            features=self.features,
            strategies=self.strategies,
            scheme=self.scheme,
            apply_to=apply_to,
            inplace=self.inplace,
            min_area=self.min_area,
            statistics=self.statistics,
        )

    def extra_repr(self) -> str:
        return (
            f"variant={self.variant!r}, threshold={self.threshold}, fill={self.fill!r}, p={self.p}, "
            f"min_area={self.min_area}, inplace={self.inplace}"
        )
