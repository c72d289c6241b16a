"""Face-Cutout as an albumentations 2.x transform.

Landmarks travel as ``keypoints`` and the fake's SSIM diff as ``mask`` of a Compose, so geometric
transforms before FaceCutout move them consistently; FaceCutout changes only the image. Use
``A.KeypointParams(format="xy", remove_invisible=False)`` so no landmark is dropped.

Without keypoints, ``FaceCutout(detector=...)`` detects the landmarks itself, on the data key
``"original"`` when present (declare it with ``A.Compose(..., additional_targets={"original":
"image"})`` so that geometric transforms move it like the image), else on the image.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from facecutout.offline import configure_offline

configure_offline()

from albumentations.core.transforms_interface import DualTransform  # noqa: E402

from facecutout.cutout.fill import Fill, apply_fill, check_fill, resolve_fill  # noqa: E402
from facecutout.cutout.functional import select_region  # noqa: E402
from facecutout.cutout.manipulation import DEFAULT_DIFF_LEVEL  # noqa: E402
from facecutout.cutout.regions import HULL_STRATEGIES, SENSORY_FEATURES  # noqa: E402
from facecutout.cutout.selection import check_choices, check_variant  # noqa: E402
from facecutout.cutout.validation import check_threshold  # noqa: E402
from facecutout.errors import InvalidInputError  # noqa: E402
from facecutout.landmarks.on_the_fly import (  # noqa: E402
    DetectionStats,
    DetectorSpec,
    detect_landmarks,
    detector_num_points,
    resolve_detector,
)

ORIGINAL_KEY = "original"


class FaceCutout(DualTransform):
    """Cut a landmark-guided face region that hides at most ``threshold`` of the manipulated region.

    Targets: image (changed); keypoints = the landmarks, mask = the diff (both read, unchanged);
    bboxes pass through. Parameters as :func:`facecutout.face_cutout`, plus ``p``.

    ``detector`` (a backend name or a LandmarkDetector) is used when no keypoints are given: the
    landmarks of the largest face are detected on the ``original`` target when present (never cut),
    else on the image. An image with no face passes unchanged and is counted in ``self.stats``
    (a DetectionStats; each DataLoader worker process counts in its own copy).
    """

    def __init__(
        self,
        variant: str = "random",
        threshold: float = 0.3,
        fill: Fill = 0,
        diff_level: int = DEFAULT_DIFF_LEVEL,
        features: Sequence[str] = SENSORY_FEATURES,
        strategies: Sequence[str] = HULL_STRATEGIES,
        detector: DetectorSpec | None = None,
        p: float = 0.5,
    ):
        super().__init__(p=p)
        self.variant = check_variant(variant)
        if detector is not None:
            check_variant(variant, detector_num_points(detector))
        self.detector = detector
        self.stats = DetectionStats()
        self.threshold = check_threshold(threshold)
        self.fill = check_fill(fill)
        self.diff_level = diff_level
        self.features = check_choices(features, SENSORY_FEATURES, "features")
        self.strategies = check_choices(strategies, HULL_STRATEGIES, "strategies")

    @property
    def targets(self) -> dict[str, Any]:
        return {
            "image": self.apply,
            "mask": self.apply_to_mask,
            "masks": self.apply_to_masks,
            "keypoints": self.apply_to_keypoints,
            "bboxes": self.apply_to_bboxes,
        }

    def add_targets(self, additional_targets: dict[str, str]) -> None:
        super().add_targets(additional_targets)
        if ORIGINAL_KEY in self._key2func:
            self._key2func[ORIGINAL_KEY] = self.apply_to_original

    def get_params_dependent_on_data(self, params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
        keypoints = data.get("keypoints")
        if keypoints is not None and len(keypoints) > 0:
            landmarks = np.asarray(keypoints)[:, :2]
        elif self.detector is None:
            raise InvalidInputError(
                "FaceCutout needs the face landmarks as keypoints=(N, 2) (x, y) points, or a detector"
            )
        else:
            landmarks = self._detect(data)
            if landmarks is None:
                return {"region": None, "fill_seed": 0}
        region = select_region(
            data["image"],
            landmarks,
            data.get("mask"),
            variant=self.variant,
            threshold=self.threshold,
            rng=self.random_generator,
            diff_level=self.diff_level,
            features=self.features,
            strategies=self.strategies,
        )
        return {"region": region, "fill_seed": int(self.random_generator.integers(2**32))}

    def apply(self, img: np.ndarray, region: Any = None, fill_seed: int = 0, **params: Any) -> np.ndarray:
        fill = resolve_fill(self.fill, img)
        if region is None:
            return img
        output = img.copy()
        rng = np.random.default_rng(fill_seed) if isinstance(fill, str) else None
        apply_fill(output, region, fill, rng)  # type: ignore[arg-type]
        return output

    def _detect(self, data: dict[str, Any]) -> np.ndarray | None:
        detector = resolve_detector(self.detector)
        return detect_landmarks(detector, data["image"], data.get(ORIGINAL_KEY), self.stats)

    def apply_to_original(self, img: np.ndarray, **params: Any) -> np.ndarray:
        return img

    def apply_to_mask(self, mask: np.ndarray, **params: Any) -> np.ndarray:
        return mask

    def apply_to_masks(self, masks: Any, **params: Any) -> Any:
        return masks

    def apply_to_keypoints(self, keypoints: np.ndarray, **params: Any) -> np.ndarray:
        return keypoints

    def apply_to_bboxes(self, bboxes: np.ndarray, **params: Any) -> np.ndarray:
        return bboxes

    def get_transform_init_args_names(self) -> tuple[str, ...]:
        return ("variant", "threshold", "fill", "diff_level", "features", "strategies", "detector")
