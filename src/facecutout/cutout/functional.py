"""The functional Face-Cutout: one image, its landmarks and optional diff in, the cut copy out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from facecutout.cutout.candidates import (
    DEFAULT_MIN_AREA,
    HULL_STRATEGIES,
    SENSORY_FEATURES,
    check_min_area,
    face_area,
    face_candidates,
)
from facecutout.cutout.fill import Fill, apply_fill, check_fill, resolve_fill
from facecutout.cutout.manipulation import DEFAULT_DIFF_LEVEL, binarize_diff
from facecutout.cutout.raster import Region
from facecutout.cutout.schemes import LandmarkScheme, resolve_scheme
from facecutout.cutout.selection import Choice, check_choices, check_variant, first_admissible
from facecutout.cutout.statistics import CutRecord, CutStatistics
from facecutout.cutout.validation import check_diff, check_image, check_landmarks, check_threshold
from facecutout.randomness import as_generator


@dataclass(frozen=True)
class Cut:
    """The region to cut (None when no candidate is admissible) and the call's record."""

    region: Region | None
    record: CutRecord


def choose_cut(
    image: np.ndarray,
    landmarks: np.ndarray,
    diff: np.ndarray | None,
    *,
    variant: str,
    threshold: float,
    rng: np.random.Generator,
    diff_level: int = DEFAULT_DIFF_LEVEL,
    features: Sequence[str] = SENSORY_FEATURES,
    strategies: Sequence[str] = HULL_STRATEGIES,
    scheme: str | LandmarkScheme | None = None,
    min_area: float = DEFAULT_MIN_AREA,
) -> Cut:
    """Validate the inputs and choose the cut: the first admissible candidate of at least
    ``min_area`` of the face."""
    height, width = check_image(image).shape[:2]
    points = check_landmarks(landmarks, height, width)
    resolved = resolve_scheme(len(points), scheme)
    check_variant(variant, resolved)
    manipulated = None
    if diff is not None:
        manipulated = binarize_diff(check_diff(diff, height, width), level=diff_level)
    face = face_area(points)
    candidates = face_candidates(
        points, resolved, variant, rng, height, width, features, strategies, check_min_area(min_area) * face
    )
    choice = first_admissible(candidates, manipulated, check_threshold(threshold), height, width)
    return Cut(None if choice is None else choice.region, cut_record(variant, choice, face))


def cut_record(variant: str, choice: Choice | None, face: float) -> CutRecord:
    """The record of a call that asked for ``variant`` and chose ``choice`` on a face of area ``face``."""
    if choice is None:
        return CutRecord(variant, None)
    return CutRecord.measured(
        variant, choice.part, choice.region.area, face, choice.hidden or 0, choice.manipulated
    )


def select_region(
    image: np.ndarray,
    landmarks: np.ndarray,
    diff: np.ndarray | None,
    **options,
) -> Region | None:
    """The region :func:`choose_cut` chooses (None when no candidate is admissible)."""
    return choose_cut(image, landmarks, diff, **options).region


def face_cutout(
    image: np.ndarray,
    landmarks: np.ndarray,
    diff: np.ndarray | None = None,
    *,
    variant: str = "random",
    threshold: float = 0.3,
    fill: Fill = 0,
    seed: int | np.random.Generator | None = None,
    return_region: bool = False,
    diff_level: int = DEFAULT_DIFF_LEVEL,
    features: Sequence[str] = SENSORY_FEATURES,
    strategies: Sequence[str] = HULL_STRATEGIES,
    scheme: str | LandmarkScheme | None = None,
    min_area: float = DEFAULT_MIN_AREA,
    statistics: CutStatistics | None = None,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Cut a landmark-guided face region out of a copy of ``image``.

    Args:
        image: (H, W), (H, W, 1) or (H, W, 3) uint8 or float32 array.
        landmarks: (N, 2) (x, y) pixels of a landmark scheme (5, 68, 81, 98, 106, 468 or 478
            built-in points, or a registered scheme); points outside the image are clipped onto it.
        diff: the fake's grey SSIM difference (uint8) or exact mask (bool, 0/1 or 0/255 uint8,
            float in [0, 1]), turned into the manipulated region by :func:`binarize_diff`; None or
            an empty region means no constraint (real images).
        variant: "sensory" (eyes / nose / mouth bands), "convex_hull" (schemes with a face
            outline) or "random".
        threshold: the cut may hide at most this share of the manipulated region.
        fill: a number, one number per channel, "random", "random_uniform", "inpaint_telea" or
            "inpaint_ns".
        seed: int or numpy Generator; the same seed gives the same output.
        return_region: also return the boolean (H, W) region that was cut (empty if none).
        diff_level: grey level at which a uint8 diff counts as manipulated (see binarize_diff).
        features: sensory features to choose from.
        strategies: convex-hull strategies to choose from ("run", "subset", "half").
        scheme: the landmark scheme's name; None chooses it by the number of points.
        min_area: candidates covering less than this share of the face (the hull of the landmarks)
            are not used.
        statistics: when given, the call's record is added to it.
    """
    resolved_fill = resolve_fill(check_fill(fill), check_image(image))
    check_choices(features, SENSORY_FEATURES, "features")
    check_choices(strategies, HULL_STRATEGIES, "strategies")
    rng = as_generator(seed)
    cut = choose_cut(
        image,
        landmarks,
        diff,
        variant=variant,
        threshold=threshold,
        rng=rng,
        diff_level=diff_level,
        features=features,
        strategies=strategies,
        scheme=scheme,
        min_area=min_area,
    )
    if statistics is not None:
        statistics.record(cut.record)
    region = cut.region
    output = image.copy()
    if region is not None:
        apply_fill(output, region, resolved_fill, rng)
    if not return_region:
        return output
    height, width = image.shape[:2]
    if region is None:
        return output, np.zeros((height, width), dtype=bool)
    return output, region.full_mask(height, width)
