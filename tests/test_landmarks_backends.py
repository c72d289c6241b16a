"""The landmark backends on the real shared face crops: detection, point order, batching, caching."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from facecutout.cutout import resolve_scheme
from facecutout.errors import InvalidInputError
from facecutout.fileio import read_rgb
from facecutout.landmarks import (
    MIN_IMAGE_SIDE,
    Face,
    LandmarkDetector,
    available_backends,
    get_detector,
    primary_face,
)
from facecutout.landmarks.dlib68 import Dlib68Detector
from facecutout.landmarks.process_local import ProcessLocal

BACKENDS = ("mtcnn", "dlib68")
POINTS = {"mtcnn": 5, "dlib68": 68}
REAL_VIDEOS = ("00000", "00001")


def originals(samples_dir: Path) -> list[np.ndarray]:
    return [read_rgb(samples_dir / "pairs" / f"ori_{index}.png") for index in range(3)]


def real_crops_with_landmarks(samples_dir: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    """(crop, shipped 5-point MTCNN landmarks) of every real Celeb-DF crop that has both."""
    pairs = []
    for video in REAL_VIDEOS:
        for crop in sorted((samples_dir / "celebdf" / "face_crops" / video).glob("*.png")):
            points = samples_dir / "celebdf" / "original_landmarks" / video / f"{crop.stem}.npy"
            if points.is_file():
                pairs.append((read_rgb(crop), np.load(points).astype(np.float64)))
    assert len(pairs) > 40, "expected the real Celeb-DF crops with their landmarks"
    return pairs


def normalised_errors(points: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Distance of each of the 5 sensory points to the reference, in units of the reference eye distance."""
    eye_distance = np.linalg.norm(reference[0] - reference[1])
    return (
        np.linalg.norm(resolve_scheme(len(points)).sensory_points(points) - reference, axis=1) / eye_distance
    )


def test_available_backends_names_both() -> None:
    assert set(available_backends()) == set(BACKENDS)


def test_unknown_backend_and_bad_device_raise_naming_the_argument() -> None:
    with pytest.raises(InvalidInputError, match="unknown backend 'retinaface'"):
        get_detector("retinaface")
    with pytest.raises(InvalidInputError, match="device"):
        get_detector("dlib68", device="cuda")
    with pytest.raises(InvalidInputError, match="device"):
        get_detector("mtcnn", device="not-a-device")


def test_get_detector_is_cached_and_lazy() -> None:
    detector = get_detector("mtcnn", "cpu")
    assert get_detector("mtcnn", "cpu") is detector
    assert get_detector("dlib68") is get_detector("dlib68", "cpu")
    assert isinstance(detector, LandmarkDetector) and detector.num_points == 5
    assert get_detector("dlib68").num_points == 68


def test_import_and_get_detector_load_no_model() -> None:
    # Importing facecutout imports albumentations (its transforms register there), which imports
    # torch when it is installed; no detector library is imported and no model is loaded.
    code = (
        "import sys, facecutout, facecutout.landmarks as L\n"
        "d = L.get_detector('dlib68')\n"
        "assert not d.loaded\n"
        "heavy = [m for m in ('dlib', 'facenet_pytorch', 'timm', 'lightning') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("backend", BACKENDS)
def test_bad_images_raise_invalid_input(backend: str) -> None:
    detector = get_detector(backend, "cpu")
    with pytest.raises(InvalidInputError, match=r"images\[0\].*\(H, W, 3\)"):
        detector.detect(np.zeros((64, 64), np.uint8))
    with pytest.raises(InvalidInputError, match="RGBA|\\(H, W, 3\\)"):
        detector.detect(np.zeros((64, 64, 4), np.uint8))
    with pytest.raises(InvalidInputError, match="uint8"):
        detector.detect(np.zeros((64, 64, 3), np.float32))
    with pytest.raises(InvalidInputError, match="numpy array"):
        detector.detect("face.png")  # type: ignore[arg-type]


@pytest.mark.parametrize("backend", BACKENDS)
def test_finds_the_face_on_every_original(backend: str, samples_dir: Path) -> None:
    images = originals(samples_dir)
    results = get_detector(backend, "cpu").detect_batch(images)
    assert len(results) == len(images)
    for image, faces in zip(images, results, strict=True):
        face = primary_face(faces)
        assert face is not None
        height, width = image.shape[:2]
        assert face.points.shape == (POINTS[backend], 2) and face.points.dtype == np.float32
        assert 0 <= face.score <= 1
        # The crops are the face plus a 1/3 margin: the box covers a good part of the crop.
        assert face.area > 0.2 * height * width
        inside = (face.points >= 0).all(axis=1) & (face.points < (width, height)).all(axis=1)
        assert inside.all()
        left_eye, right_eye, nose, left_mouth, right_mouth = resolve_scheme(len(face.points)).sensory_points(
            face.points
        )
        # Image order: left eye / mouth corner left of the right ones (a turned head may put the nose
        # tip beyond an eye), eyes above the nose tip above the mouth.
        assert left_eye[0] < right_eye[0] and left_mouth[0] < right_mouth[0]
        assert max(left_eye[1], right_eye[1]) < nose[1] < min(left_mouth[1], right_mouth[1])


@pytest.mark.parametrize("backend", BACKENDS)
def test_nothing_found_on_faceless_and_tiny_images(backend: str, rng: np.random.Generator) -> None:
    detector = get_detector(backend, "cpu")
    flat = np.full((120, 160, 3), 128, np.uint8)
    noise = rng.integers(0, 256, (120, 160, 3), dtype=np.uint8)
    tiny = np.full((MIN_IMAGE_SIDE - 1, 64, 3), 128, np.uint8)
    assert detector.detect_batch([flat, noise, tiny]) == [[], [], []]


def test_mtcnn_matches_the_shipped_mtcnn_landmarks(samples_dir: Path) -> None:
    # Same algorithm as the shipped points; they were stored as int16, so allow rounding + jitter.
    pairs = real_crops_with_landmarks(samples_dir)[::10]
    detector = get_detector("mtcnn", "cpu")
    found = detector.detect_batch([image for image, _ in pairs])
    for (_, reference), faces in zip(pairs, found, strict=True):
        face = primary_face(faces)
        assert face is not None
        assert normalised_errors(face.points, reference).max() < 0.15


def test_dlib68_sensory_points_agree_with_the_shipped_mtcnn_points(samples_dir: Path) -> None:
    """68-point eye centres, nose tip and mouth corners vs the shipped 5 MTCNN points.

    The two schemes differ by construction (eye centre = mean of 6 eyelid points vs MTCNN's pupil,
    iBUG nose point 30 vs MTCNN's nose), and typical 68-point errors are ~0.05-0.08 of the eye
    distance, so a face counts as agreeing when its mean error is under 0.25 eye distance (a
    swapped or shifted point set is off by ~1). dlib's frontal HOG model misplaces the points on
    strong profile views (3 of the 87 crops of video 00001), hence 90% and a median bound.
    """
    pairs = real_crops_with_landmarks(samples_dir)
    detector = get_detector("dlib68")
    mean_errors = []
    for image, reference in pairs:
        face = primary_face(detector.detect(image))
        assert face is not None
        mean_errors.append(normalised_errors(face.points, reference).mean())
    mean_errors = np.array(mean_errors)
    assert np.median(mean_errors) < 0.1
    assert (mean_errors < 0.25).mean() >= 0.9


@pytest.mark.parametrize("backend", BACKENDS)
def test_batch_of_mixed_sizes_keeps_the_input_order(backend: str, samples_dir: Path) -> None:
    images = originals(samples_dir)
    small = cv2.resize(images[0], None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    batch = [images[0], small, np.full((80, 80, 3), 128, np.uint8), images[0], images[1]]
    detector = get_detector(backend, "cpu")
    results = detector.detect_batch(batch)
    assert [len(faces) > 0 for faces in results] == [True, True, False, True, True]
    single = primary_face(detector.detect(images[1]))
    np.testing.assert_allclose(primary_face(results[4]).points, single.points, atol=1.0)
    np.testing.assert_allclose(primary_face(results[0]).points, primary_face(results[3]).points, atol=1e-3)
    np.testing.assert_allclose(primary_face(results[1]).points * 2, primary_face(results[0]).points, atol=12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_face_in_a_large_frame_is_found_where_it_is(backend: str, samples_dir: Path) -> None:
    crop = originals(samples_dir)[0]
    frame = np.full((540, 960, 3), 90, np.uint8)
    top, left = 100, 500
    frame[top : top + crop.shape[0], left : left + crop.shape[1]] = crop
    detector = get_detector(backend, "cpu")
    in_frame = primary_face(detector.detect(frame))
    in_crop = primary_face(detector.detect(crop))
    assert in_frame is not None and in_crop is not None
    np.testing.assert_allclose(in_frame.points - (left, top), in_crop.points, atol=4)


def test_dlib68_upsamples_small_crops_it_would_miss(samples_dir: Path) -> None:
    small = cv2.resize(originals(samples_dir)[0], None, fx=0.2, fy=0.2, interpolation=cv2.INTER_AREA)
    assert Dlib68Detector(retry_upsample=0).detect(small) == []
    assert len(get_detector("dlib68").detect(small)) == 1
    assert len(get_detector("mtcnn", "cpu").detect(small)) == 1


def test_primary_face_is_the_largest_then_the_most_confident() -> None:
    points = np.zeros((5, 2), np.float32)
    small = Face(np.array([0, 0, 10, 10], np.float32), 0.99, points)
    large = Face(np.array([0, 0, 50, 50], np.float32), 0.80, points)
    large_sure = Face(np.array([10, 10, 60, 60], np.float32), 0.95, points)
    assert primary_face([small, large]) is large
    assert primary_face([large, large_sure, small]) is large_sure
    assert primary_face([]) is None


def _child_value(holder: ProcessLocal[int], queue: multiprocessing.Queue) -> None:
    queue.put(holder.get())


def test_process_local_value_is_rebuilt_after_fork_and_dropped_by_pickle() -> None:
    holder = ProcessLocal(os.getpid)
    assert holder.get() == os.getpid() and holder.loaded
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child_value, args=(holder, queue))
    child.start()
    child_value = queue.get(timeout=60)
    child.join(timeout=60)
    assert child_value == child.pid != os.getpid()
    assert not pickle.loads(pickle.dumps(holder)).loaded


def test_pickled_detector_reloads_and_detects(samples_dir: Path) -> None:
    detector = get_detector("dlib68")
    image = originals(samples_dir)[1]
    expected = primary_face(detector.detect(image))
    copy = pickle.loads(pickle.dumps(detector))
    assert not copy.loaded
    np.testing.assert_array_equal(primary_face(copy.detect(image)).points, expected.points)
