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
        variant=config.cutout_variant, threshold=config.cutout_threshold, fill=config.cutout_fill
    )


def apply_device_cutout(cutout: torch.nn.Module, batch: dict, p: float) -> torch.Tensor:
    """Cut the images of the batch that have landmarks, each with probability ``p``; returns the images."""
    images = batch["image"]
    chosen = batch["has_landmarks"].to(images.device) & (torch.rand(len(images), device=images.device) < p)
    if not chosen.any():
        return images
    index = chosen.nonzero().squeeze(1)
    cut, _ = cutout(images[index], batch["landmarks"][index], batch["manipulated"][index])
    images = images.clone()
    images[index] = cut.to(images.dtype)
    return images
