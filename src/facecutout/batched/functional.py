"""Face-Cutout on a batch of tensors: the cut copies and the cut regions, on the inputs' device."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from facecutout.batched.candidates import CandidateSource, draw_seeds
from facecutout.batched.fill import fill_regions, resolve_fill
from facecutout.batched.selection import Selection, per_image_regions, select_regions
from facecutout.batched.validation import (
    check_backend,
    check_generator,
    check_images,
    check_inplace,
    check_landmarks,
    check_masks,
)
from facecutout.cutout.candidates import DEFAULT_MIN_AREA, HULL_STRATEGIES, SENSORY_FEATURES, check_min_area
from facecutout.cutout.fill import Fill
from facecutout.cutout.manipulation import (
    BINARY_MASK_VALUE,
    DEFAULT_DIFF_LEVEL,
    FLOAT_MASK_LEVEL,
    check_diff_level,
    check_float_range,
    region_form,
)
from facecutout.cutout.schemes import LandmarkScheme, resolve_scheme
from facecutout.cutout.selection import check_choices, check_variant
from facecutout.cutout.statistics import CutRecord, CutStatistics
from facecutout.cutout.validation import check_threshold
from facecutout.errors import InvalidInputError


def binarize_diffs(diffs: torch.Tensor, level: int = DEFAULT_DIFF_LEVEL) -> torch.Tensor:
    """The manipulated regions (B, H, W) bool of diffs or masks (B, H, W) or (B, 1, H, W).

    The rule of :func:`facecutout.binarize_diff` (:mod:`facecutout.cutout.manipulation`), image by
    image: bool as is; uint8 ``diff >= level``, or its 1s for an image of 0s and 1s; float masks in
    [0, 1] ``>= 0.5``.
    """
    if not isinstance(diffs, torch.Tensor):
        raise InvalidInputError(f"diffs must be a torch.Tensor (B, H, W), got {type(diffs).__name__}")
    if diffs.ndim == 4 and diffs.shape[1] == 1:
        diffs = diffs[:, 0]
    if diffs.ndim != 3:
        raise InvalidInputError(f"diffs must have shape (B, H, W) or (B, 1, H, W), got {tuple(diffs.shape)}")
    form = region_form(str(diffs.dtype).removeprefix("torch."), "diffs")
    level = check_diff_level(level)
    if form == "mask":
        return diffs
    if form == "float":
        if diffs.numel():
            check_float_range(float(diffs.min()), float(diffs.max()), "diffs")
        return diffs >= FLOAT_MASK_LEVEL
    regions = diffs >= level
    if level > BINARY_MASK_VALUE and diffs.numel():
        flat = diffs.flatten(1)
        binary = ~regions.flatten(1).any(dim=1) & (flat.amax(dim=1) == BINARY_MASK_VALUE)
        regions[binary] = diffs[binary] == BINARY_MASK_VALUE
    return regions


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
    scheme: str | LandmarkScheme | None = None,
    apply_to: torch.Tensor | None = None,
    candidates_per_step: int = 1,
    inplace: bool = False,
    backend: str | None = None,
    min_area: float = DEFAULT_MIN_AREA,
    statistics: CutStatistics | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Cut a landmark-guided face region out of every image of a batch.

    Image b takes the candidates :func:`facecutout.face_cutout` takes with the numpy seed that
    ``generator`` draws for it (:func:`facecutout.batched.candidates.draw_seeds`).

    Args:
        images: (B, C, H, W) uint8 or floating-point tensor, on any device.
        landmarks: (B, N, 2) (x, y) pixels of a landmark scheme (5, 68, 81, 98, 106, 468 or 478
            built-in points, or a registered scheme); points outside the image are clipped onto it.
        masks: (B, H, W) bool manipulated regions (see :func:`binarize_diffs`), or None; an empty
            mask means no constraint (real images).
        variant: "sensory", "convex_hull" (schemes with a face outline) or "random".
        threshold: a cut may hide at most this share of the image's manipulated region.
        fill: a number, one number per channel, "random" or "random_uniform".
        generator: torch.Generator on the images' kind of device; the same state gives the same output.
        features: sensory features to choose from; strategies: convex-hull strategies.
        scheme: the landmark scheme's name; None chooses it by the number of points.
        apply_to: (B,) bool, the images to cut (default: all); the others are returned unchanged.
        candidates_per_step: with the "tensor" backend, candidate ranks measured in the first step
            for all images, twice as many in each later step for the images still without a cut;
            changes speed and memory (one (images x ranks, H, W) mask per step) only, never the
            result.
        inplace: cut ``images`` itself instead of a copy; the result is the same.
        backend: how the cuts are chosen: "tensor" (the batch's candidates measured on its device,
            regions equal to the per-image ones up to outline pixels) or "loop" (the per-image
            version image by image on the CPU, the same regions as ``face_cutout``); default:
            "loop" for CPU tensors, "tensor" elsewhere.
        min_area: candidates covering less than this share of the face (the hull of the landmarks)
            are not used.
        statistics: when given, the record of every image in ``apply_to`` is added to it.

    Returns:
        The cut images (a new tensor, or ``images`` itself if ``inplace``; same shape, dtype and
        device) and the regions (B, H, W) bool (all False for an image with no admissible
        candidate or not in ``apply_to``).
    """
    images = check_images(images)
    batch, _, height, width = images.shape
    points = check_landmarks(landmarks, images)
    resolved = resolve_scheme(points.shape[1], scheme)
    check_variant(variant, resolved)
    manipulated = check_masks(masks, images)
    limit = check_threshold(threshold)
    resolved_fill = resolve_fill(fill, images)
    features = check_choices(features, SENSORY_FEATURES, "features")
    strategies = check_choices(strategies, HULL_STRATEGIES, "strategies")
    generator = check_generator(generator, images.device)
    enabled = _check_apply_to(apply_to, batch)
    if (
        not isinstance(candidates_per_step, int)
        or isinstance(candidates_per_step, bool)
        or candidates_per_step < 1
    ):
        raise InvalidInputError(
            f"candidates_per_step must be a positive integer, got {candidates_per_step!r}"
        )
    check_inplace(inplace)
    backend = check_backend(backend, images.device)
    smallest = check_min_area(min_area)

    with torch.no_grad():
        seeds = draw_seeds(batch, generator, images.device)
        source = CandidateSource(
            points, resolved, variant, seeds, enabled, features, strategies, smallest, (height, width)
        )
        if backend == "loop":
            selection = per_image_regions(source, manipulated, limit)
        else:
            selection = select_regions(source, manipulated, limit, images.device, candidates_per_step)
        regions = selection.regions.to(images.device)
        if statistics is not None:
            statistics.update(batch_records(source, selection, manipulated))
        filled = fill_regions(images, regions, resolved_fill, generator, inplace, selection.windows)
        return filled, regions


def batch_records(
    source: CandidateSource, selection: Selection, masks: torch.Tensor | None
) -> list[CutRecord]:
    """The record of each image that was to be cut, as the per-image version makes it."""
    regions = selection.regions
    areas = regions.sum((1, 2)).tolist()
    if masks is not None:
        masks = masks.to(regions.device)
        totals = masks.sum((1, 2)).tolist()
        hidden = (regions & masks).sum((1, 2)).tolist()
    else:
        totals = hidden = [0] * len(areas)
    return [
        CutRecord.measured(source.variant, part, area, face, covered, total)
        for part, area, total, covered, face, on in zip(
            selection.parts, areas, totals, hidden, source.faces, source.enabled, strict=True
        )
        if on
    ]


def _check_apply_to(apply_to: object, batch: int) -> list[bool]:
    if apply_to is None:
        return [True] * batch
    if (
        not isinstance(apply_to, torch.Tensor)
        or apply_to.dtype != torch.bool
        or tuple(apply_to.shape) != (batch,)
    ):
        raise InvalidInputError(f"apply_to must be a ({batch},) bool tensor or None, got {apply_to!r}")
    return apply_to.tolist()
