"""Face-Cutout on the training device: :class:`facecutout.batched.BatchFaceCutout` in the training step."""

from __future__ import annotations

import torch

from facecutout.errors import InvalidInputError
from facecutout.train.config import DataConfig


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
        p=config.augmentation_p,
    )


def apply_device_cutout(cutout: torch.nn.Module, batch: dict) -> torch.Tensor:
    """Cut the images of the batch that have landmarks (each with the module's probability).

    Fakes carry their manipulated region (moved diff >= level) so the overlap rule applies; reals
    carry an empty region, i.e. no constraint. Returns the images; the batch is not modified.
    """
    images = batch["image"]
    index = batch["has_landmarks"].to(images.device).nonzero().squeeze(1)
    if index.numel() == 0:
        return images
    cut, _ = cutout(images[index], batch["landmarks"][index].float(), batch["manipulated"][index])
    images = images.clone()
    images[index] = cut
    return images
