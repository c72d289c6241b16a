"""Filling the cut pixels of a batch: a constant (scalar or per channel), "random" or "random_uniform"."""

from __future__ import annotations

import torch

from facecutout.batched.raster import RowSpans, span_pixels
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


def fill_pixels(
    images: torch.Tensor,
    regions: torch.Tensor,
    spans: RowSpans,
    fill: str | torch.Tensor,
    generator: torch.Generator | None,
    inplace: bool = False,
) -> torch.Tensor:
    """``images`` (B, C, H, W) with the pixels of ``regions`` (B, H, W) filled in every channel: a
    contiguous copy, or ``images`` itself if ``inplace``.

    Args:
        spans: the regions' rows (owner: the image).
        fill: from :func:`resolve_fill`; "random" draws (C, pixels) values for the pixels in the
            order of :func:`facecutout.batched.raster.span_pixels`.
    """
    if not isinstance(fill, str) and not images.dtype.is_floating_point and not bool(fill.any()):
        return _zero_fill(images, regions, spans, inplace)
    batch, channels, height, width = images.shape
    plane = height * width
    direct = inplace and images.is_contiguous()
    output = images if direct else images.clone(memory_format=torch.contiguous_format)
    pixels = span_pixels(spans, height, width)
    pixel_images = torch.repeat_interleave(spans.owner, spans.lengths, output_size=len(pixels))
    # Flat index of each pixel in every channel of a (B, C, H, W) array, channel-major: (C, pixels).
    first_channel = pixels + pixel_images * ((channels - 1) * plane)
    index = first_channel + (torch.arange(channels, device=images.device) * plane)[:, None]
    if not isinstance(fill, str):
        values = fill[:, None].expand(-1, len(pixels))
    elif fill == "random":
        values = noise((channels, len(pixels)), images, generator)
    else:
        colours = noise((batch, channels), images, generator)
        values = torch.index_select(colours, 0, pixel_images).T
    output.view(-1).scatter_(0, index.reshape(-1), values.reshape(-1))
    return images.copy_(output) if inplace and not direct else output


def _zero_fill(images: torch.Tensor, regions: torch.Tensor, spans: RowSpans, inplace: bool) -> torch.Tensor:
    """uint8 ``images`` with the regions set to 0, as x - x * region: into a new batch in one pass,
    or in place on the band of rows that some region reaches (not for floating point, where
    NaN * 0 stays NaN)."""
    if not inplace:
        output = torch.empty(images.shape, dtype=images.dtype, device=images.device)
        return torch.addcmul(images, images, regions[:, None].view(torch.uint8), value=-1, out=output)
    if len(spans.row):
        first, last = (int(value) for value in torch.aminmax(spans.row))
        band = images[:, :, first : last + 1]
        band.addcmul_(band, regions[:, None, first : last + 1].view(torch.uint8), value=-1)
    return images
