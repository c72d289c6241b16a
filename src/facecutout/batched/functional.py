"""Face-Cutout on a batch of tensors: the cut copies and the cut regions, on the inputs' device."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from facecutout.batched.candidates import variant_candidates
from facecutout.batched.fill import fill_pixels, resolve_fill
from facecutout.batched.raster import span_regions
from facecutout.batched.selection import select_spans
from facecutout.batched.validation import (
    check_backend,
    check_generator,
    check_images,
    check_inplace,
    check_landmarks,
    check_masks,
)
from facecutout.cutout.fill import Fill
from facecutout.cutout.manipulation import DEFAULT_DIFF_LEVEL, check_diff_level
from facecutout.cutout.regions import HULL_STRATEGIES, SENSORY_FEATURES
from facecutout.cutout.selection import check_choices, check_variant
from facecutout.cutout.validation import check_threshold
from facecutout.errors import InvalidInputError


def binarize_diffs(diffs: torch.Tensor, level: int = DEFAULT_DIFF_LEVEL) -> torch.Tensor:
    """The manipulated regions (B, H, W) bool of grey SSIM diffs (B, H, W) or (B, 1, H, W): diff >= level.

    The rule of :func:`facecutout.binarize_diff` (uint8 diffs; bool masks are returned as is).
    """
    if not isinstance(diffs, torch.Tensor):
        raise InvalidInputError(f"diffs must be a torch.Tensor (B, H, W), got {type(diffs).__name__}")
    if diffs.ndim == 4 and diffs.shape[1] == 1:
        diffs = diffs[:, 0]
    if diffs.ndim != 3:
        raise InvalidInputError(f"diffs must have shape (B, H, W) or (B, 1, H, W), got {tuple(diffs.shape)}")
    if diffs.dtype == torch.bool:
        return diffs
    if diffs.dtype != torch.uint8:
        raise InvalidInputError(f"diffs must be uint8 (0..255 SSIM difference) or bool, got {diffs.dtype}")
    return diffs >= check_diff_level(level)


def default_first_step(device: torch.device) -> int:
    """Candidate ranks measured in the first step: a few on CPU (most images stop within one
    feature's four bands), every candidate at once on accelerators (fewer synchronisations)."""
    return 4 if device.type == "cpu" else 64


def batch_face_cutout(
    images: torch.Tensor,
    landmarks: torch.Tensor,
    masks: torch.Tensor | None = None,
    *,
    variant: str = "random",
    threshold: float = 0.3,
    fill: Fill = 0,
    generator: torch.Generator | None = None,
    features: Sequence[str] = SENSORY_FEATURES,
    strategies: Sequence[str] = HULL_STRATEGIES,
    apply_to: torch.Tensor | None = None,
    candidates_per_step: int | None = None,
    inplace: bool = False,
    backend: str | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Cut a landmark-guided face region out of every image of a batch.

    The semantics of :func:`facecutout.face_cutout`, vectorised over the batch.

    Args:
        images: (B, C, H, W) uint8 or floating-point tensor, on any device.
        landmarks: (B, N, 2) (x, y) pixels, N = 5 (MTCNN order) or 68 (dlib / iBUG order); points
            outside the image are clipped onto it.
        masks: (B, H, W) bool manipulated regions (see :func:`binarize_diffs`), or None; an empty
            mask means no constraint (real images).
        variant: "sensory", "convex_hull" (68 points only) or "random".
        threshold: a cut may hide at most this share of the image's manipulated region.
        fill: a number, one number per channel, "random" or "random_uniform".
        generator: torch.Generator on the images' kind of device; the same state gives the same output.
        features: sensory features to choose from; strategies: convex-hull strategies.
        apply_to: (B,) bool, the images to cut (default: all); the others are returned unchanged.
        candidates_per_step: with the "tensor" backend, candidate ranks measured in the first
            step for all images, twice as many in each later step for the images still without
            a cut (default: 4 on CPU, 64 elsewhere); changes speed only, never the result.
        inplace: cut ``images`` itself instead of a copy (spares a pass over the batch and its
            allocation); the result is the same.
        backend: how the cuts are chosen: "compiled" (CPU only: one compiled pass over the
            batch, :mod:`facecutout.batched.compiled`) or "tensor" (steps of tensor operations on
            any device); default: "compiled" on the CPU, "tensor" elsewhere. Same result.

    Returns:
        The cut images (a contiguous copy, or ``images`` itself if ``inplace``; same shape, dtype
        and device) and the regions (B, H, W) bool (all False for an image with no admissible
        candidate or not in ``apply_to``).
    """
    images = check_images(images)
    batch, _, height, width = images.shape
    points = check_landmarks(landmarks, images)
    check_variant(variant, points.shape[1])
    manipulated = check_masks(masks, images)
    limit = check_threshold(threshold)
    resolved_fill = resolve_fill(fill, images)
    features = check_choices(features, SENSORY_FEATURES, "features")
    strategies = check_choices(strategies, HULL_STRATEGIES, "strategies")
    generator = check_generator(generator, images.device)
    enabled = _check_apply_to(apply_to, batch, images.device)
    step = default_first_step(images.device) if candidates_per_step is None else candidates_per_step
    if not isinstance(step, int) or isinstance(step, bool) or step < 1:
        raise InvalidInputError(
            f"candidates_per_step must be a positive integer, got {candidates_per_step!r}"
        )
    check_inplace(inplace)
    backend = check_backend(backend, images.device)
    if batch == 0:
        empty = torch.zeros((0, height, width), dtype=torch.bool, device=images.device)
        return (images if inplace else images.clone()), empty

    with torch.no_grad():
        candidates = variant_candidates(points, variant, generator, features, strategies)
        if backend == "compiled":
            # Imported here: numba is needed only by the CPU backend, not by accelerator users.
            from facecutout.batched.compiled import compiled_select

            spans, _, regions = compiled_select(candidates, manipulated, limit, enabled, height, width)
        else:
            spans, _ = select_spans(candidates, manipulated, limit, enabled, height, width, step)
            regions = span_regions(spans, batch, height, width)
        filled = fill_pixels(images, regions, spans, resolved_fill, generator, inplace)
        return filled, regions


def _check_apply_to(apply_to: object, batch: int, device: torch.device) -> torch.Tensor:
    if apply_to is None:
        return torch.ones(batch, dtype=torch.bool, device=device)
    if (
        not isinstance(apply_to, torch.Tensor)
        or apply_to.dtype != torch.bool
        or tuple(apply_to.shape) != (batch,)
    ):
        raise InvalidInputError(f"apply_to must be a ({batch},) bool tensor or None, got {apply_to!r}")
    return apply_to.to(device)
