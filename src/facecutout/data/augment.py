"""The paper's training augmentations in albumentations 2.x, plus the cutout choice on top.

Order: JPEG 60-100, Gaussian noise, blur, horizontal flip, isotropic resize (longest side to the
input size, random interpolation) + centred constant pad, brightness/contrast | FancyPCA | HSV,
ToGray, shift-scale-rotate (Affine). Landmarks (keypoints) and the diff (mask) go through the same
geometric transforms. The cutout step (Face-Cutout, random erasing or coarse dropout) comes last,
on the final-size image, so the region it cuts is the one the network sees and the on-device
batched cutout sees the same inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from facecutout.cutout.fill import Fill
from facecutout.cutout.regions import Region
from facecutout.errors import InvalidInputError
from facecutout.offline import configure_offline

configure_offline()

import albumentations as A  # noqa: E402

AUGMENTATIONS = ("face_cutout", "random_erasing", "coarse_dropout", "none")
KEYPOINTS = A.KeypointParams(format="xy", remove_invisible=False)


def check_augmentation(name: str) -> str:
    if name not in AUGMENTATIONS:
        raise InvalidInputError(f"augmentation must be one of {', '.join(AUGMENTATIONS)}, got {name!r}")
    return name


def isotropic_resize(
    size: int, interpolation: int = cv2.INTER_CUBIC, area_down: bool = True
) -> A.BasicTransform:
    """Longest side to ``size`` keeping the aspect ratio (INTER_AREA when shrinking if ``area_down``)."""
    return A.LongestMaxSize(
        max_size=size, interpolation=interpolation, area_for_downscale="image" if area_down else None, p=1.0
    )


def centre_pad(size: int) -> A.BasicTransform:
    return A.PadIfNeeded(
        min_height=size, min_width=size, border_mode=cv2.BORDER_CONSTANT, fill=0, fill_mask=0
    )


def paper_transforms(size: int) -> list[A.BasicTransform]:
    """The paper's (DFDC winner's) training pipeline re-expressed in albumentations 2.x."""
    return [
        A.ImageCompression(quality_range=(60, 100), p=0.5),
        A.GaussNoise(std_range=(0.012, 0.028), p=0.1),
        A.GaussianBlur(blur_limit=(3, 3), p=0.05),
        A.HorizontalFlip(p=0.5),
        A.OneOf(
            [
                isotropic_resize(size, cv2.INTER_CUBIC),
                isotropic_resize(size, cv2.INTER_LINEAR),
                isotropic_resize(size, cv2.INTER_LINEAR, area_down=False),
            ],
            p=1.0,
        ),
        centre_pad(size),
        A.OneOf([A.RandomBrightnessContrast(), A.FancyPCA(), A.HueSaturationValue()], p=0.7),
        A.ToGray(p=0.2),
        A.Affine(
            translate_percent=(-0.1, 0.1),
            scale=(0.8, 1.2),
            rotate=(-10, 10),
            border_mode=cv2.BORDER_CONSTANT,
            fill=0,
            fill_mask=0,
            p=0.5,
        ),
    ]


def eval_transform(size: int) -> A.Compose:
    """Deterministic resize + pad for validation, evaluation and prediction."""
    return A.Compose([isotropic_resize(size), centre_pad(size)])


@dataclass(frozen=True)
class CutoutSettings:
    """The cutout step on top of the paper's pipeline."""

    augmentation: str = "face_cutout"
    p: float = 0.5
    variant: str = "random"
    threshold: float = 0.3
    fill: Fill = 0
    diff_level: int = 40


def cutout_transform(settings: CutoutSettings) -> A.BasicTransform | None:
    """The albumentations transform of the chosen augmentation (None for "none")."""
    name = check_augmentation(settings.augmentation)
    if name == "face_cutout":
        from facecutout.cutout.transform import FaceCutout

        return FaceCutout(
            variant=settings.variant,
            threshold=settings.threshold,
            fill=settings.fill,
            diff_level=settings.diff_level,
            p=settings.p,
        )
    if name == "random_erasing":
        return A.Erasing(fill=settings.fill, p=settings.p)
    if name == "coarse_dropout":
        return A.CoarseDropout(
            num_holes_range=(1, 4),
            hole_height_range=(0.1, 0.25),
            hole_width_range=(0.1, 0.25),
            fill=settings.fill,
            p=settings.p,
        )
    return None


@dataclass
class Augmented:
    """One augmented face: image (size, size, 3) uint8, moved landmarks and diff, the cut region."""

    image: np.ndarray
    landmarks: np.ndarray | None
    diff: np.ndarray | None
    region: np.ndarray | None


class TrainTransform:
    """The paper's pipeline, then the cutout step, in one Compose.

    Face-Cutout's coin (probability ``settings.p``) is drawn first, by :meth:`draw_face_cutout`,
    so the dataset reads a fake's diff and the landmarks only for faces that will be cut. A face
    that is cut passes its landmarks and (fakes) its diff through the geometric transforms, so the
    overlap rule applies to the moved region; reals pass no diff (no constraint). With
    ``cutout_step=False`` (on-device cutout) the cut is left to the training step and only the
    moved landmarks and diff are returned. ``record_region`` keeps the cut region (for tests and
    galleries; it costs a little per image).
    """

    def __init__(
        self, size: int, settings: CutoutSettings, cutout_step: bool = True, record_region: bool = False
    ):
        self.settings = settings
        self.face_cutout = settings.augmentation == "face_cutout"
        self.plain = A.Compose(paper_transforms(size), keypoint_params=KEYPOINTS)
        # Face-Cutout's probability is spent by draw_face_cutout; the step itself always cuts.
        step_settings = replace(settings, p=1.0) if self.face_cutout else settings
        step = cutout_transform(step_settings) if cutout_step else None
        self.with_step = (
            None
            if step is None
            else A.Compose(
                [*paper_transforms(size), step], keypoint_params=KEYPOINTS, save_applied_params=record_region
            )
        )
        self._coin = np.random.default_rng()

    def set_seed(self, seed: int) -> None:
        """Reseed every random transform and the Face-Cutout coin (called once per worker process)."""
        self.plain.set_random_seed(seed)
        if self.with_step is not None:
            self.with_step.set_random_seed(seed + 1)
        self._coin = np.random.default_rng(seed + 2)

    def draw_face_cutout(self) -> bool:
        """Whether the next face gets Face-Cutout (always False for the other augmentations)."""
        return self.face_cutout and bool(self._coin.random() < self.settings.p)

    def __call__(self, image: np.ndarray, landmarks: np.ndarray | None, diff: np.ndarray | None) -> Augmented:
        """Augment one face; with Face-Cutout, the face is cut when ``landmarks`` are given."""
        data: dict = {"image": image, "keypoints": landmarks if landmarks is not None else np.zeros((0, 2))}
        if diff is not None:
            data["mask"] = diff
        use_step = self.with_step is not None and (landmarks is not None or not self.face_cutout)
        data = (self.with_step if use_step else self.plain)(**data)
        moved = np.asarray(data["keypoints"], dtype=np.float32)[:, :2] if landmarks is not None else None
        region = (
            cut_region(data["applied_transforms"], data["image"].shape[:2])
            if "applied_transforms" in data
            else None
        )
        return Augmented(data["image"], moved, data.get("mask"), region)


def cut_region(applied: list, shape: tuple[int, int]) -> np.ndarray | None:
    """The boolean region Face-Cutout cut (None when no Face-Cutout region was applied)."""
    for _, params in applied:
        region = params.get("region")
        if isinstance(region, Region):
            return region.full_mask(*shape)
    return None
