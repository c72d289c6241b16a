"""The functional Face-Cutout: one image, its landmarks and optional diff in, the cut copy out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from facecutout.cutout.fill import Fill, apply_fill, check_fill, resolve_fill
from facecutout.cutout.manipulation import DEFAULT_DIFF_LEVEL, binarize_diff
from facecutout.cutout.regions import HULL_STRATEGIES, SENSORY_FEATURES, Region
from facecutout.cutout.selection import (
    as_generator,
    candidate_polygons,
    check_choices,
    check_variant,
    first_admissible,
)
from facecutout.cutout.validation import check_diff, check_image, check_landmarks, check_threshold
from facecutout.errors import InvalidInputError
from facecutout.landmarks.on_the_fly import DetectionStats, DetectorSpec, detect_landmarks, resolve_detector


def select_region(
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
) -> Region | None:
    """Validate the inputs and return the region to cut (None when no candidate is admissible)."""
    height, width = check_image(image).shape[:2]
    points = check_landmarks(landmarks, height, width)
    check_variant(variant, len(points))
    manipulated = None
    if diff is not None:
        manipulated = binarize_diff(check_diff(diff, height, width), level=diff_level)
    polygons = candidate_polygons(points, variant, rng, features, strategies)
    return first_admissible(polygons, manipulated, check_threshold(threshold), height, width)


def face_cutout(
    image: np.ndarray,
    landmarks: np.ndarray | None = None,
    diff: np.ndarray | None = None,
    *,
    detector: DetectorSpec | None = None,
    original: np.ndarray | None = None,
    stats: DetectionStats | None = None,
    variant: str = "random",
    threshold: float = 0.3,
    fill: Fill = 0,
    seed: int | np.random.Generator | None = None,
    return_region: bool = False,
    diff_level: int = DEFAULT_DIFF_LEVEL,
    features: Sequence[str] = SENSORY_FEATURES,
    strategies: Sequence[str] = HULL_STRATEGIES,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Cut a landmark-guided face region out of a copy of ``image``.

    Args:
        image: (H, W), (H, W, 1) or (H, W, 3) uint8 or float32 array.
        landmarks: (N, 2) (x, y) pixels, N = 5 (MTCNN order) or 68 (dlib / iBUG order); points
            outside the image are clipped onto it. None: detect them with ``detector``.
        diff: the fake's grey SSIM difference (uint8) or a boolean manipulated-region mask; None or
            an empty region means no constraint (real images).
        detector: used only when ``landmarks`` is None: a backend name ("mtcnn", "dlib68") or a
            LandmarkDetector. The largest face found is used; with no face, the image is returned
            unchanged (and an empty region) and ``stats.no_face`` counts it.
        original: the original (real) image the fake was made from, same size as ``image``: when
            given, landmarks are detected on it (the fake shares its geometry).
        stats: a DetectionStats that counts on-the-fly detections with and without a face.
        variant: "sensory" (eyes / nose / mouth bands), "convex_hull" (68 points only) or "random".
        threshold: the cut may hide at most this share of the manipulated region.
        fill: a number, one number per channel, "random", "random_uniform", "inpaint_telea" or
            "inpaint_ns".
        seed: int or numpy Generator; the same seed gives the same output.
        return_region: also return the boolean (H, W) region that was cut (empty if none).
        diff_level: grey level at which a uint8 diff counts as manipulated (see binarize_diff).
        features: sensory features to choose from.
        strategies: convex-hull strategies to choose from ("run", "subset", "half").
    """
    resolved_fill = resolve_fill(check_fill(fill), check_image(image))
    check_choices(features, SENSORY_FEATURES, "features")
    check_choices(strategies, HULL_STRATEGIES, "strategies")
    rng = as_generator(seed)
    if landmarks is None:
        landmarks = _detected_landmarks(image, detector, original, variant, threshold, stats)
        if landmarks is None:
            return _unchanged(image, return_region)
    region = select_region(
        image,
        landmarks,
        diff,
        variant=variant,
        threshold=threshold,
        rng=rng,
        diff_level=diff_level,
        features=features,
        strategies=strategies,
    )
    output = image.copy()
    if region is not None:
        apply_fill(output, region, resolved_fill, rng)
    if not return_region:
        return output
    height, width = image.shape[:2]
    if region is None:
        return output, np.zeros((height, width), dtype=bool)
    return output, region.full_mask(height, width)


def _detected_landmarks(
    image: np.ndarray,
    detector: DetectorSpec | None,
    original: np.ndarray | None,
    variant: str,
    threshold: float,
    stats: DetectionStats | None,
) -> np.ndarray | None:
    """Landmarks found by ``detector`` (None when no face); option errors raise even then."""
    if detector is None:
        raise InvalidInputError("landmarks are required unless a detector is given to find them")
    resolved = resolve_detector(detector)
    check_variant(variant, resolved.num_points)
    check_threshold(threshold)
    return detect_landmarks(resolved, check_image(image), original, stats)


def _unchanged(image: np.ndarray, return_region: bool) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    output = image.copy()
    if not return_region:
        return output
    return output, np.zeros(image.shape[:2], dtype=bool)
