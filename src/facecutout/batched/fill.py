"""Filling the cut pixels of a batch: a constant (scalar or per channel), "random" or "random_uniform"."""

from __future__ import annotations

import numpy as np
import torch

from facecutout.cutout.fill import check_fill
from facecutout.errors import InvalidInputError

TENSOR_FILL_MODES = ("random", "random_uniform")


def resolve_fill(fill: object, images: torch.Tensor) -> str | torch.Tensor:
    """A fill mode as is, or a constant as a (C,) tensor of the images' dtype and device."""
    checked = check_fill(fill)
    if isinstance(checked, str):
        if checked not in TENSOR_FILL_MODES:
            raise InvalidInputError(
                f"fill={checked!r} is not available on tensors; "
                f"use a number, one number per channel, or one of {TENSOR_FILL_MODES}"
            )
        return checked
    channels = images.shape[1]
    values = np.asarray(checked, dtype=np.float64).reshape(-1)
    if values.size not in (1, channels):
        raise InvalidInputError(f"fill has {values.size} values but the images have {channels} channel(s)")
    if images.dtype == torch.uint8:
        if values.min() < 0 or values.max() > 255:
            raise InvalidInputError(f"fill must be within 0..255 for uint8 images, got {fill!r}")
        values = np.rint(values)
    return torch.tensor(np.broadcast_to(values, (channels,)).copy(), device=images.device).to(images.dtype)


def noise(shape: tuple[int, ...], like: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    """Uniform noise in the images' range: 0..255 for uint8, [0, 1) for floating point."""
    if like.dtype == torch.uint8:
        return torch.randint(0, 256, shape, generator=generator, device=like.device, dtype=torch.uint8)
    return torch.rand(shape, generator=generator, device=like.device, dtype=like.dtype)


def fill_pixels(
    images: torch.Tensor,
    pixels: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
    fill: str | torch.Tensor,
    generator: torch.Generator | None,
) -> torch.Tensor:
    """A copy of ``images`` (B, C, H, W) with the listed pixels (image, row, column) filled.

    ``fill`` comes from :func:`resolve_fill`; "random" draws the pixels' values in the order listed.
    """
    image, row, column = pixels
    output = images.clone()
    batch, channels = images.shape[:2]
    if isinstance(fill, torch.Tensor):
        values = fill
    elif fill == "random_uniform":
        values = noise((batch, channels), images, generator)[image]
    else:
        values = noise((len(image), channels), images, generator)
    output[image, :, row, column] = values
    return output
