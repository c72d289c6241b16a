"""Filling the cut pixels of a batch: a constant (scalar or per channel), "random" or "random_uniform"."""

from __future__ import annotations

import torch

from facecutout.cutout.fill import Fill, check_fill, constant_fill_values
from facecutout.errors import InvalidInputError

TENSOR_FILL_MODES = ("random", "random_uniform")


def check_tensor_fill(fill: object) -> Fill:
    """Validate a fill for tensors: a number, one number per channel, or one of TENSOR_FILL_MODES."""
    checked = check_fill(fill)
    if isinstance(checked, str) and checked not in TENSOR_FILL_MODES:
        raise InvalidInputError(
            f"fill={checked!r} is not available on tensors; "
            f"use a number, one number per channel, or one of {TENSOR_FILL_MODES}"
        )
    return checked


def resolve_fill(fill: object, images: torch.Tensor) -> str | torch.Tensor:
    """A fill mode as is, or a constant as a (C,) tensor of the images' dtype and device."""
    checked = check_tensor_fill(fill)
    if isinstance(checked, str):
        return checked
    values = constant_fill_values(checked, images.shape[1], images.dtype == torch.uint8)
    return torch.tensor(values, device=images.device).to(images.dtype)


def noise(shape: tuple[int, ...], like: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    """Uniform noise in the images' range: 0..255 for uint8, [0, 1) for floating point."""
    if like.dtype == torch.uint8:
        return torch.randint(0, 256, shape, generator=generator, device=like.device, dtype=torch.uint8)
    return torch.rand(shape, generator=generator, device=like.device, dtype=like.dtype)


def fill_regions(
    images: torch.Tensor,
    regions: torch.Tensor,
    fill: str | torch.Tensor,
    generator: torch.Generator | None,
    inplace: bool = False,
    windows: list[tuple[slice, slice] | None] | None = None,
) -> torch.Tensor:
    """``images`` (B, C, H, W) with the pixels of ``regions`` (B, H, W) filled in every channel: a
    new batch, or ``images`` itself if ``inplace``.

    ``fill`` comes from :func:`resolve_fill`: a constant is written channel by channel (only inside
    each image's window (rows, columns) when ``windows`` gives them), "random" draws a (B, C, H, W)
    batch of noise, "random_uniform" one colour (B, C) per image.
    """
    if not isinstance(fill, str):
        output = images if inplace else images.clone()
        values = fill.tolist()
        if windows is None:
            for channel, value in enumerate(values):
                output[:, channel].masked_fill_(regions, value)
            return output
        for image, window in enumerate(windows):
            if window is not None:
                rows, columns = window
                for channel, value in enumerate(values):
                    output[image, channel, rows, columns].masked_fill_(regions[image, rows, columns], value)
        return output
    batch, channels = images.shape[:2]
    if fill == "random":
        values = noise(tuple(images.shape), images, generator)
    else:
        values = noise((batch, channels), images, generator)[..., None, None]
    filled = torch.where(regions[:, None], values, images)
    return images.copy_(filled) if inplace else filled
