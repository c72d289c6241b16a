"""Argument checks of the batched API; each error names the argument and what was expected."""

from __future__ import annotations

import torch

from facecutout.batched.geometry import geometry_dtype
from facecutout.cutout.validation import LANDMARK_COUNTS
from facecutout.errors import InvalidInputError

BACKENDS = ("compiled", "tensor")


def check_images(images: object) -> torch.Tensor:
    """Return ``images`` if it is a (B, C, H, W) uint8 or floating-point tensor with H, W >= 1."""
    if not isinstance(images, torch.Tensor):
        raise InvalidInputError(f"images must be a torch.Tensor (B, C, H, W), got {type(images).__name__}")
    if images.ndim != 4:
        raise InvalidInputError(f"images must have shape (B, C, H, W), got shape {tuple(images.shape)}")
    if images.shape[1] < 1 or images.shape[2] < 1 or images.shape[3] < 1:
        raise InvalidInputError(f"images has an empty channel or spatial axis (shape {tuple(images.shape)})")
    if images.dtype != torch.uint8 and not images.dtype.is_floating_point:
        raise InvalidInputError(f"images must be uint8 or floating point, got {images.dtype}")
    return images


def check_landmarks(landmarks: object, images: torch.Tensor) -> torch.Tensor:
    """Return (B, N, 2) (x, y) landmarks, N in 5 / 68, on the images' device, clipped into the image."""
    try:
        points = torch.as_tensor(landmarks)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise InvalidInputError(f"landmarks must be a (B, N, 2) tensor of numbers: {exc}") from None
    batch, _, height, width = images.shape
    if points.ndim != 3 or points.shape[0] != batch or points.shape[2] < 2:
        raise InvalidInputError(
            f"landmarks must have shape (B, N, 2) with B = {batch} images, got shape {tuple(points.shape)}"
        )
    if points.shape[1] not in LANDMARK_COUNTS:
        raise InvalidInputError(
            f"landmarks must hold 5 (MTCNN) or 68 (dlib/iBUG) points per image, got {points.shape[1]}"
        )
    if points.dtype == torch.bool or points.is_complex():
        raise InvalidInputError(f"landmarks must be real numbers, got {points.dtype}")
    points = points[..., :2].to(device=images.device, dtype=geometry_dtype(images.device))
    if not bool(torch.isfinite(points).all()):
        raise InvalidInputError("landmarks contain NaN or infinite values")
    upper = torch.tensor([width - 1, height - 1], dtype=points.dtype, device=points.device)
    return torch.minimum(points.clamp(min=0), upper)


def check_masks(masks: object, images: torch.Tensor) -> torch.Tensor | None:
    """Return the (B, H, W) bool manipulated-region masks on the images' device (None stays None)."""
    if masks is None:
        return None
    if not isinstance(masks, torch.Tensor):
        raise InvalidInputError(
            f"masks must be a bool torch.Tensor (B, H, W) or None, got {type(masks).__name__}"
        )
    expected = (images.shape[0], *images.shape[2:])
    if tuple(masks.shape) != expected:
        raise InvalidInputError(f"masks must have shape (B, H, W) = {expected}, got {tuple(masks.shape)}")
    if masks.dtype != torch.bool:
        raise InvalidInputError(
            f"masks must be bool (the manipulated region), got {masks.dtype}; "
            "binarise uint8 SSIM diffs with facecutout.batched.binarize_diffs"
        )
    return masks.to(images.device)


def check_generator(generator: object, device: torch.device) -> torch.Generator | None:
    """Return ``generator`` if it is None or a torch.Generator on the images' kind of device."""
    if generator is None:
        return None
    if not isinstance(generator, torch.Generator):
        raise InvalidInputError(
            f"generator must be a torch.Generator or None, got {type(generator).__name__}"
        )
    if generator.device.type != device.type:
        raise InvalidInputError(
            f"generator is on {generator.device} but the images are on {device}; "
            f"create it with torch.Generator(device={device.type!r})"
        )
    return generator


def check_inplace(inplace: object) -> bool:
    """Return ``inplace`` if it is True or False."""
    if not isinstance(inplace, bool):
        raise InvalidInputError(f"inplace must be True or False, got {inplace!r}")
    return inplace


def check_backend(backend: object, device: torch.device) -> str:
    """The backend that chooses the cuts: ``backend`` if valid for ``device``; None: "compiled" on
    the CPU, "tensor" elsewhere."""
    if backend is None:
        return "compiled" if device.type == "cpu" else "tensor"
    if backend not in BACKENDS:
        raise InvalidInputError(f"backend must be one of {BACKENDS} or None, got {backend!r}")
    if backend == "compiled" and device.type != "cpu":
        raise InvalidInputError(f"backend='compiled' runs on the CPU only; the images are on {device}")
    return backend
