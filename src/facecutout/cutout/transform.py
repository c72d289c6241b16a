"""Face-Cutout as an albumentations 2.x transform.

Landmarks travel as ``keypoints`` and the fake's SSIM diff or mask (any form of
:mod:`facecutout.cutout.manipulation`) as ``mask`` of a Compose, so geometric transforms before
FaceCutout move them consistently; FaceCutout changes only the image. Use
``A.KeypointParams(format="xy", remove_invisible=False)`` so no landmark is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from albumentations.core.transforms_interface import DualTransform

from facecutout.cutout.candidates import DEFAULT_MIN_AREA, HULL_STRATEGIES, SENSORY_FEATURES, check_min_area
from facecutout.cutout.fill import Fill, apply_fill, check_fill, resolve_fill
from facecutout.cutout.functional import Cut, choose_cut
from facecutout.cutout.manipulation import DEFAULT_DIFF_LEVEL, check_diff_level
from facecutout.cutout.raster import Region
from facecutout.cutout.schemes import PointCountError, check_scheme_name, known_counts
from facecutout.cutout.selection import check_choices, check_variant
from facecutout.cutout.statistics import CutStatistics
from facecutout.cutout.validation import check_threshold
from facecutout.errors import InvalidInputError


class FaceCutout(DualTransform):
    """Cut a landmark-guided face region that hides at most ``threshold`` of the manipulated region.

    Targets: image (changed); keypoints = the landmarks, mask = the diff (both read, unchanged);
    bboxes pass through. Parameters as :func:`facecutout.face_cutout`, plus ``p``. ``statistics``
    (a :class:`facecutout.cutout.statistics.CutStatistics`) gathers the record of every call that
    had landmarks; each DataLoader worker process counts in its own copy.
    """

    def __init__(
        self,
        variant: str = "random",
        threshold: float = 0.3,
        fill: Fill = 0,
        diff_level: int = DEFAULT_DIFF_LEVEL,
        features: Sequence[str] = SENSORY_FEATURES,
        strategies: Sequence[str] = HULL_STRATEGIES,
        scheme: str | None = None,
        p: float = 0.5,
        min_area: float = DEFAULT_MIN_AREA,
    ):
        super().__init__(p=p)
        self.variant = check_variant(variant)
        self.threshold = check_threshold(threshold)
        self.fill = check_fill(fill)
        self.diff_level = check_diff_level(diff_level)
        self.features = check_choices(features, SENSORY_FEATURES, "features")
        self.strategies = check_choices(strategies, HULL_STRATEGIES, "strategies")
        self.scheme = check_scheme_name(scheme)
        self.min_area = check_min_area(min_area)
        self.statistics = CutStatistics()

    @property
    def targets(self) -> dict[str, Any]:
        return {
            "image": self.apply,
            "mask": self.apply_to_mask,
            "masks": self.apply_to_masks,
            "keypoints": self.apply_to_keypoints,
            "bboxes": self.apply_to_bboxes,
        }

    def landmarks_of(self, data: dict[str, Any]) -> np.ndarray | None:
        """The landmarks to cut around: the keypoints' (x, y) (None when there are none)."""
        keypoints = data.get("keypoints")
        if keypoints is None or len(keypoints) == 0:
            return None
        return np.asarray(keypoints)[:, :2]

    def choose(self, image: np.ndarray, landmarks: np.ndarray, diff: np.ndarray | None) -> Cut:
        """Choose the cut of ``image`` with this transform's settings and generator; record it."""
        try:
            cut = choose_cut(
                image,
                landmarks,
                diff,
                variant=self.variant,
                threshold=self.threshold,
                rng=self.random_generator,
                diff_level=self.diff_level,
                features=self.features,
                strategies=self.strategies,
                scheme=self.scheme,
                min_area=self.min_area,
            )
        except PointCountError as error:
            if not error.larger:
                raise
            names = " or ".join(f"{scheme.num_points} ({scheme.name})" for scheme in error.larger)
            raise InvalidInputError(
                f"{error}. If these were {names} landmarks: inside an albumentations Compose, keypoints "
                "that a transform moves outside the image are dropped unless "
                "KeypointParams(format='xy', remove_invisible=False)"
            ) from None
        self.statistics.record(cut.record)
        return cut

    def cut(
        self, image: np.ndarray, landmarks: np.ndarray, diff: np.ndarray | None, inplace: bool = False
    ) -> tuple[np.ndarray, Cut]:
        """Cut ``image`` outside a Compose (whatever ``p``): the cut image (``image`` itself when
        ``inplace``) and the cut chosen."""
        cut = self.choose(image, landmarks, diff)
        fill_seed = self._fill_seed()
        if not inplace:
            return self.apply(image, region=cut.region, fill_seed=fill_seed), cut
        self._fill(image, cut.region, fill_seed)
        return image, cut

    def get_params_dependent_on_data(self, params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
        landmarks = self.landmarks_of(data)
        if landmarks is None:
            return self.without_landmarks()
        cut = self.choose(data["image"], landmarks, data.get("mask"))
        return {"region": cut.region, "record": cut.record, "fill_seed": self._fill_seed()}

    def _fill_seed(self) -> int:
        return int(self.random_generator.integers(2**32))

    def without_landmarks(self) -> dict[str, Any]:
        """The parameters when no landmarks are known: an error here (subclasses may pass the image)."""
        raise InvalidInputError(
            "FaceCutout needs the face landmarks as keypoints=(N, 2) (x, y) points "
            f"(N = {' or '.join(map(str, known_counts()))}, or a registered scheme's count)"
        )

    def apply(
        self, img: np.ndarray, region: Region | None = None, fill_seed: int = 0, **params: Any
    ) -> np.ndarray:
        if region is None:
            resolve_fill(self.fill, img)
            return img
        output = img.copy()
        self._fill(output, region, fill_seed)
        return output

    def _fill(self, image: np.ndarray, region: Region | None, fill_seed: int) -> None:
        """Fill ``region`` of ``image`` in place (check the fill against the image either way)."""
        fill = resolve_fill(self.fill, image)
        if region is not None:
            rng = np.random.default_rng(fill_seed) if isinstance(fill, str) else None
            apply_fill(image, region, fill, rng)  # type: ignore[arg-type]

    def apply_to_mask(self, mask: np.ndarray, **params: Any) -> np.ndarray:
        return mask

    def apply_to_masks(self, masks: Any, **params: Any) -> Any:
        return masks

    def apply_to_keypoints(self, keypoints: np.ndarray, **params: Any) -> np.ndarray:
        return keypoints

    def apply_to_bboxes(self, bboxes: np.ndarray, **params: Any) -> np.ndarray:
        return bboxes

    def get_transform_init_args_names(self) -> tuple[str, ...]:
        return ("variant", "threshold", "fill", "diff_level", "features", "strategies", "min_area", "scheme")
