"""Face-Cutout on the training device: :class:`facecutout.batched.BatchFaceCutout` in the training step."""

from __future__ import annotations

import torch

from facecutout.errors import InvalidInputError
from facecutout.model.config import DataConfig


def build_device_cutout(config: DataConfig) -> torch.nn.Module:
    """The batched cutout configured like the per-image one."""
    try:
        from facecutout.batched import BatchFaceCutout
    except ImportError as error:
        raise InvalidInputError(
            f"data.cutout_on_device needs facecutout.batched.BatchFaceCutout, which cannot be imported: "
            f"{error}"
        ) from None
    return BatchFaceCutout(
        variant=config.cutout_variant,
        threshold=config.cutout_threshold,
        fill=config.cutout_fill,
        min_area=config.cutout_min_area,
        p=1.0,  # the data workers' FaceCutout chose the faces to cut (has_landmarks)
        inplace=True,  # it cuts a gathered copy of the batch's images
    )


def apply_device_cutout(cutout: torch.nn.Module, batch: dict) -> tuple[torch.Tensor, torch.Tensor]:
    """Cut the images of the batch whose ``has_landmarks`` is set (the workers drew the coin).

    Fakes carry their manipulated region (moved diff >= level) so the overlap rule applies; reals
    carry an empty region, i.e. no constraint. Returns the images (the batch is not modified) and
    the (B, H, W) bool regions that were cut.
    """
    images = batch["image"]
    regions = torch.zeros((images.shape[0], *images.shape[2:]), dtype=torch.bool, device=images.device)
    index = batch["has_landmarks"].to(images.device).nonzero().squeeze(1)
    if index.numel() == 0:
        return images, regions
    landmarks = batch["landmarks"][index].to(images.device).float()
    cut, cut_regions = cutout(images[index], landmarks, batch["manipulated"][index].to(images.device))
    images = images.clone()
    images[index] = cut
    regions[index] = cut_regions
    return images, regions
