"""Face-Cutout with landmarks detected on the fly: detection then the functional API, the detecting
transform, DataLoader workers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import albumentations as A
import cv2
import numpy as np
import pytest
from cutout_checks import DIFF_LEVEL

from facecutout import DetectingFaceCutout, FaceCutout, face_cutout
from facecutout.cutout import resolve_scheme
from facecutout.errors import InvalidInputError
from facecutout.fileio import read_grey, read_rgb
from facecutout.landmarks import (
    DetectionStats,
    Face,
    LandmarkDetector,
    detect_landmarks,
    get_detector,
    primary_face,
)

MAGENTA = (255, 0, 255)


class CountingDetector(LandmarkDetector):
    """Wraps a real detector and counts the images it is asked about."""

    def __init__(self, inner: LandmarkDetector):
        self.inner = inner
        self.name = inner.name
        self.num_points = inner.num_points
        self.images = 0

    def detect_batch(self, images: Sequence[np.ndarray]) -> list[list[Face]]:
        self.images += len(images)
        return self.inner.detect_batch(images)


@pytest.fixture(scope="module")
def pair(samples_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """An aligned (original, fake) pair of real crops."""
    return read_rgb(samples_dir / "pairs" / "ori_0.png"), read_rgb(samples_dir / "pairs" / "fake_0.png")


def face_outline(points: np.ndarray) -> np.ndarray:
    return resolve_scheme(len(points)).outline_points(points)


def hull_mask(points: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, cv2.convexHull(np.round(points).astype(np.int32)), 1)
    return cv2.dilate(mask, np.ones((3, 3), np.uint8)).astype(bool)


def test_convex_hull_cutout_from_detection_on_the_original(pair: tuple[np.ndarray, np.ndarray]) -> None:
    original, fake = pair
    stats = DetectionStats()
    landmarks = detect_landmarks(get_detector("dlib68"), fake, original, stats)
    output, region = face_cutout(
        fake, landmarks, variant="convex_hull", fill=MAGENTA, seed=3, return_region=True
    )
    assert stats.found == 1 and stats.no_face == 0
    assert region.sum() > 0.02 * region.size
    outline = face_outline(primary_face(get_detector("dlib68").detect(original)).points)
    assert not (region & ~hull_mask(outline, fake.shape)).any(), "cut outside the face outline"
    assert (output[region] == MAGENTA).all()
    np.testing.assert_array_equal(output[~region], fake[~region])


def test_detection_uses_the_original_and_matches_given_landmarks(pair: tuple[np.ndarray, np.ndarray]) -> None:
    original, fake = pair
    on_original = primary_face(get_detector("dlib68").detect(original)).points
    np.testing.assert_array_equal(detect_landmarks(get_detector("dlib68"), fake, original), on_original)
    compose = A.Compose(
        [DetectingFaceCutout("dlib68", variant="convex_hull", p=1.0)],
        additional_targets={"original": "image"},
        seed=11,
    )
    detected = compose(image=fake, original=original)["image"]
    given = A.Compose(
        [FaceCutout(variant="convex_hull", p=1.0)],
        keypoint_params=A.KeypointParams(format="xy", remove_invisible=False),
        seed=11,
    )(image=fake, keypoints=on_original)["image"]
    np.testing.assert_array_equal(detected, given)


def test_detection_on_the_fake_respects_its_manipulated_region(fake_samples) -> None:
    sample = next(s for s in fake_samples if s.dataset == "ffpp")
    image, diff = read_rgb(sample.image_path), read_grey(sample.diff_path)
    stats = DetectionStats()
    for seed in range(4):
        landmarks = detect_landmarks(get_detector("dlib68"), image, stats=stats)
        output, region = face_cutout(
            image, landmarks, diff, variant="convex_hull", seed=seed, return_region=True
        )
        manipulated = diff >= DIFF_LEVEL
        assert manipulated.any() and (region & manipulated).sum() <= 0.3 * manipulated.sum()
        np.testing.assert_array_equal(output[~region], image[~region])
    assert stats.found == 4


def test_given_landmarks_never_call_the_detector(pair: tuple[np.ndarray, np.ndarray]) -> None:
    original, fake = pair
    counting = CountingDetector(get_detector("dlib68"))
    landmarks = primary_face(get_detector("dlib68").detect(original)).points
    compose = A.Compose(
        [DetectingFaceCutout(counting, p=1.0)],
        keypoint_params=A.KeypointParams(format="xy", remove_invisible=False),
    )
    compose(image=fake, keypoints=landmarks)
    assert counting.images == 0


@pytest.mark.parametrize("backend", ["mtcnn", "dlib68"])
def test_no_face_returns_the_image_unchanged_and_counts_it(backend: str, rng: np.random.Generator) -> None:
    faceless = rng.integers(0, 256, (96, 96, 3), dtype=np.uint8)
    stats = DetectionStats()
    assert detect_landmarks(get_detector(backend), faceless, stats=stats) is None
    assert (stats.found, stats.no_face, stats.total) == (0, 1, 1)
    cutout = DetectingFaceCutout(backend, p=1.0)
    output = A.Compose([cutout])(image=faceless)["image"]
    np.testing.assert_array_equal(output, faceless)
    assert (cutout.stats.found, cutout.stats.no_face) == (0, 1)


def test_grey_images_are_detected_as_rgb(pair: tuple[np.ndarray, np.ndarray]) -> None:
    grey = cv2.cvtColor(pair[0], cv2.COLOR_RGB2GRAY)
    cutout = DetectingFaceCutout("dlib68", fill=0, p=1.0)
    output = A.Compose([cutout], seed=1)(image=grey)["image"]
    assert cutout.stats.found == 1 and output.shape == grey.shape and (output != grey).any()


def test_option_errors_raise_even_before_detection(pair: tuple[np.ndarray, np.ndarray]) -> None:
    original, fake = pair
    with pytest.raises(InvalidInputError, match="convex_hull.*face outline"):
        DetectingFaceCutout("mtcnn", variant="convex_hull")
    with pytest.raises(InvalidInputError, match="unknown backend"):
        DetectingFaceCutout("haar")
    with pytest.raises(InvalidInputError, match="detector must be"):
        DetectingFaceCutout(42)  # type: ignore[arg-type]
    detector = get_detector("dlib68")
    with pytest.raises(InvalidInputError, match="original must be .* same size"):
        detect_landmarks(detector, fake, original[:100])
    with pytest.raises(InvalidInputError, match="uint8"):
        detect_landmarks(detector, fake.astype(np.float32) / 255)


def test_transform_detects_on_the_moved_original_and_never_cuts_it(
    pair: tuple[np.ndarray, np.ndarray],
) -> None:
    original, fake = pair
    cutout = DetectingFaceCutout("dlib68", variant="convex_hull", fill=MAGENTA, p=1.0)
    compose = A.Compose(
        [A.HorizontalFlip(p=1.0), cutout],
        keypoint_params=A.KeypointParams(format="xy", remove_invisible=False),
        additional_targets={"original": "image"},
        seed=7,
    )
    result = compose(image=fake, original=original, keypoints=np.zeros((0, 2)))
    flipped_fake, flipped_original = fake[:, ::-1], original[:, ::-1]
    np.testing.assert_array_equal(result["original"], flipped_original)
    changed = (result["image"] != flipped_fake).any(axis=2)
    assert changed.sum() > 0.02 * changed.size
    outline = face_outline(
        primary_face(get_detector("dlib68").detect(np.ascontiguousarray(flipped_original))).points
    )
    assert not (changed & ~hull_mask(outline, fake.shape)).any()
    assert (cutout.stats.found, cutout.stats.no_face) == (1, 0)

    faceless = np.full_like(fake, 128)
    unchanged = compose(image=faceless, original=faceless, keypoints=np.zeros((0, 2)))
    np.testing.assert_array_equal(unchanged["image"], faceless)
    assert (cutout.stats.found, cutout.stats.no_face) == (1, 1)


def test_transform_without_keypoints_raises(pair: tuple[np.ndarray, np.ndarray]) -> None:
    compose = A.Compose([FaceCutout(p=1.0)], keypoint_params=A.KeypointParams(format="xy"))
    with pytest.raises(InvalidInputError, match="needs the face landmarks as keypoints"):
        compose(image=pair[1], keypoints=np.zeros((0, 2)))


class _PairDataset:
    def __init__(self, original: np.ndarray, fake: np.ndarray, transform: A.Compose):
        self.original, self.fake, self.transform = original, fake, transform

    def __len__(self) -> int:
        return 2

    def __getitem__(self, index: int) -> np.ndarray:
        return self.transform(image=self.fake, original=self.original)["image"]


def test_transform_detects_inside_forked_dataloader_workers(pair: tuple[np.ndarray, np.ndarray]) -> None:
    from torch.utils.data import DataLoader

    original, fake = pair
    get_detector("dlib68").detect(original)  # loaded in the parent before the workers fork
    compose = A.Compose(
        [DetectingFaceCutout("dlib68", fill=MAGENTA, p=1.0)], additional_targets={"original": "image"}, seed=2
    )
    loader = DataLoader(_PairDataset(original, fake, compose), batch_size=None, num_workers=1)
    for image in loader:
        assert (image.numpy() != fake).any(axis=2).sum() > 0
