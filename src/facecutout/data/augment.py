"""The training augmentation: the cutout step on the crop as read, then the paper's pipeline.

The cutout step (Face-Cutout, random erasing or coarse dropout) comes first, as in the paper's code,
so Face-Cutout measures its candidates against the fake's manipulated region in the crop's own frame
and neither the landmarks nor the diff go through the geometric transforms. The paper's pipeline
follows: JPEG 60-100, Gaussian noise, blur, horizontal flip, isotropic resize (longest side to the
input size, random interpolation) + centred constant pad, brightness/contrast | FancyPCA | HSV,
ToGray, shift-scale-rotate (Affine). The cutout transform's own probability ``p`` decides whether a
face is cut; for Face-Cutout it is drawn before anything is read, so the landmarks and a fake's diff
are read only for faces that will be cut. In the on-device mode Face-Cutout only chooses the faces:
their landmarks and diff go through the pipeline with the image, for the training step to cut.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import albumentations as A
import cv2
import numpy as np

from facecutout.cutout.candidates import DEFAULT_MIN_AREA
from facecutout.cutout.fill import Fill
from facecutout.cutout.functional import Cut
from facecutout.cutout.manipulation import binarize_diff
from facecutout.cutout.transform import FaceCutout
from facecutout.errors import InvalidInputError

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
    min_area: float = DEFAULT_MIN_AREA


def cutout_transform(settings: CutoutSettings) -> A.BasicTransform | None:
    """The albumentations transform of the chosen augmentation (None for "none")."""
    name = check_augmentation(settings.augmentation)
    if name == "face_cutout":
        return FaceCutout(
            variant=settings.variant,
            threshold=settings.threshold,
            fill=settings.fill,
            diff_level=settings.diff_level,
            p=settings.p,
            min_area=settings.min_area,
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


@dataclass(frozen=True)
class CutInputs:
    """What Face-Cutout reads of a face: its landmarks (N, 2) and, for a fake, its manipulated region
    (H, W) bool (or the grey diff it comes from)."""

    landmarks: np.ndarray
    manipulated: np.ndarray | None


@dataclass
class Augmented:
    """One augmented face: image (size, size, 3) uint8, and what Face-Cutout did to it.

    ``drawn``: Face-Cutout's coin came up; ``cut``: its choice in the crop as read, with its record
    (None when it did not cut here: coin down, no landmarks or diff, or the on-device mode). With
    ``track`` (or in the on-device mode, for a drawn face) ``landmarks`` and ``manipulated`` (bool)
    are those moved with the image, and ``region`` (with ``track``) the cut pixels, moved with it
    too (None when nothing was cut).
    """

    image: np.ndarray
    drawn: bool = False
    cut: Cut | None = None
    landmarks: np.ndarray | None = None
    manipulated: np.ndarray | None = None
    region: np.ndarray | None = None


class TrainTransform:
    """The cutout step, then the paper's pipeline, drawn and applied once per face.

    ``cut_inputs`` (a callable given per face) reads the landmarks and diff when Face-Cutout's coin
    comes up; it returns None for a face that cannot be cut (no landmarks, or a fake without its
    diff: unconstrained, a cut could hide the manipulation). With ``on_device=True`` Face-Cutout
    only chooses the faces: their moved landmarks and diff are returned for the training step to
    cut (:mod:`facecutout.model.device_cutout`).
    """

    def __init__(self, size: int, settings: CutoutSettings, on_device: bool = False):
        self.settings = settings
        self.cutout = cutout_transform(settings)
        self.face_cutout = isinstance(self.cutout, FaceCutout)
        self.on_device = on_device and self.face_cutout
        self.pipeline = A.Compose(paper_transforms(size), keypoint_params=KEYPOINTS)

    def set_seed(self, seed: int) -> None:
        """Reseed the pipeline and the cutout step (called once per worker process)."""
        self.pipeline.set_random_seed(seed)
        if self.cutout is not None:
            self.cutout.set_random_seed(seed + 1)

    def __call__(
        self,
        image: np.ndarray,
        cut_inputs: Callable[[], CutInputs | None] | None = None,
        track: bool = False,
    ) -> Augmented:
        """Augment one face (Face-Cutout needs ``cut_inputs``; without it the face is not cut). The
        cut is made in ``image`` itself: pass a crop read for this item.

        ``track``: also move the landmarks, the diff and the cut region with the image (to see
        the cut as the network sees it; the on-device mode always moves a drawn face's landmarks
        and diff).
        """
        drawn = self.cutout is not None and self.cutout.should_apply()
        if not self.face_cutout:
            if drawn:
                image = self.cutout(image=image, force_apply=True)["image"]
            return Augmented(self.pipeline(image=image)["image"], drawn)
        inputs = cut_inputs() if drawn and cut_inputs is not None else None
        cut = None
        if inputs is not None and not self.on_device:
            image, cut = self.cutout.cut(image, inputs.landmarks, inputs.manipulated, inplace=True)
        if inputs is None or not (track or self.on_device):
            return Augmented(self.pipeline(image=image)["image"], drawn, cut)
        region = None if cut is None else cut.region
        shape = image.shape[:2]
        manipulated = inputs.manipulated
        if manipulated is not None and manipulated.dtype != np.bool_:
            manipulated = binarize_diff(manipulated, level=self.settings.diff_level)
        masks = [np.zeros(shape, np.uint8) if manipulated is None else manipulated.view(np.uint8)]
        if region is not None:
            masks.append(region.full_mask(*shape).view(np.uint8))
        data = self.pipeline(image=image, keypoints=inputs.landmarks, masks=masks)
        moved = [np.asarray(mask).astype(bool) for mask in data["masks"]]
        return Augmented(
            data["image"],
            drawn,
            cut,
            np.asarray(data["keypoints"], np.float32)[:, :2],
            moved[0] if manipulated is not None else None,
            moved[1] if region is not None else None,
        )
