"""Argument checks of the batched API; each error names the argument and what was expected."""

from __future__ import annotations

import numpy as np
import torch

from facecutout.cutout.validation import check_landmarks as check_image_landmarks
from facecutout.errors import InvalidInputError


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


def check_landmarks(landmarks: object, images: torch.Tensor) -> np.ndarray:
    """Return (B, N, 2) float64 (x, y) landmarks on the CPU, each image's clipped into the image."""
    if isinstance(landmarks, torch.Tensor):
        if landmarks.dtype == torch.bool or landmarks.is_complex():
            raise InvalidInputError(f"landmarks must be real numbers, got {landmarks.dtype}")
        landmarks = landmarks.detach().to("cpu", torch.float64).numpy()
    batch, _, height, width = images.shape
    shape = getattr(landmarks, "shape", None)
    if shape is None or len(shape) != 3 or shape[0] != batch:
        described = type(landmarks).__name__ if shape is None else tuple(shape)
        raise InvalidInputError(
            f"landmarks must have shape (B, N, 2) with B = {batch} images, got {described}"
        )
    clipped = [check_image_landmarks(points, height, width) for points in landmarks]
    return np.stack(clipped) if clipped else np.zeros((0, shape[1], 2))


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
            "turn SSIM diffs and uint8 or float masks into regions with facecutout.batched.binarize_diffs"
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


BACKENDS = ("loop", "tensor")


def check_backend(backend: object, device: torch.device) -> str:
    """``backend`` if it is one of BACKENDS; None: "loop" on the CPU, "tensor" elsewhere."""
    if backend is None:
        return "loop" if device.type == "cpu" else "tensor"
    if backend not in BACKENDS:
        raise InvalidInputError(f"backend must be one of {BACKENDS} or None, got {backend!r}")
    return backend
