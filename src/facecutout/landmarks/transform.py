"""Face-Cutout that finds the landmarks itself: for images without landmark files.

``DetectingFaceCutout(detector="dlib68")`` is :class:`facecutout.FaceCutout` plus a detector used
when no keypoints are given: the landmarks of the largest face are detected on the data key
``"original"`` when present (declare it with ``A.Compose(..., additional_targets={"original":
"image"})`` so that geometric transforms move it like the image; it is never cut), else on the
image. An image with no face passes unchanged and is counted in ``stats``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from facecutout.cutout import HULL_STRATEGIES, SENSORY_FEATURES, resolve_scheme
from facecutout.cutout.candidates import DEFAULT_MIN_AREA
from facecutout.cutout.fill import Fill
from facecutout.cutout.manipulation import DEFAULT_DIFF_LEVEL
from facecutout.cutout.selection import check_variant
from facecutout.cutout.transform import FaceCutout
from facecutout.landmarks.on_the_fly import (
    DetectionStats,
    DetectorSpec,
    detect_landmarks,
    detector_num_points,
    resolve_detector,
)

ORIGINAL_KEY = "original"


class DetectingFaceCutout(FaceCutout):
    """FaceCutout with on-the-fly landmark detection (see the module docstring).

    ``stats`` is a DetectionStats; each DataLoader worker process counts in its own copy.
    """

    def __init__(
        self,
        detector: DetectorSpec = "dlib68",
        variant: str = "random",
        threshold: float = 0.3,
        fill: Fill = 0,
        diff_level: int = DEFAULT_DIFF_LEVEL,
        features: Sequence[str] = SENSORY_FEATURES,
        strategies: Sequence[str] = HULL_STRATEGIES,
        p: float = 0.5,
        min_area: float = DEFAULT_MIN_AREA,
    ):
        super().__init__(
            variant, threshold, fill, diff_level, features, strategies, scheme=None, p=p, min_area=min_area
        )
        check_variant(variant, resolve_scheme(detector_num_points(detector)))
        self.detector = detector
        self.stats = DetectionStats()

    def add_targets(self, additional_targets: dict[str, str]) -> None:
        # The original is read, never changed: without a target function it passes through.
        super().add_targets({key: value for key, value in additional_targets.items() if key != ORIGINAL_KEY})

    def landmarks_of(self, data: dict[str, Any]) -> np.ndarray | None:
        given = super().landmarks_of(data)
        if given is not None:
            return given
        detector = resolve_detector(self.detector)
        return detect_landmarks(detector, data["image"], data.get(ORIGINAL_KEY), self.stats)

    def without_landmarks(self) -> dict[str, Any]:
        return {"region": None, "fill_seed": 0}

    def get_transform_init_args_names(self) -> tuple[str, ...]:
        return ("detector", *super().get_transform_init_args_names()[:-1])
