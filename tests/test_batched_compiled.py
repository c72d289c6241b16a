"""The compiled CPU backend against the tensor backend: the same ranks, rows and regions, exactly."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from facecutout import binarize_diff
from facecutout.batched import batch_face_cutout
from facecutout.batched.candidates import variant_candidates
from facecutout.batched.compiled import compiled_select
from facecutout.batched.raster import span_regions
from facecutout.batched.selection import select_spans
from facecutout.batched.validation import check_backend, check_landmarks
from facecutout.cutout.regions import HULL_STRATEGIES, SENSORY_FEATURES
from facecutout.errors import InvalidInputError
from facecutout.fileio import read_grey, read_rgb

SIZE = 160


@pytest.fixture(scope="module")
def real_faces(fake_samples):
    """A quarter of the real fake crops at SIZE px: images, dlib's 68 points, the shipped 5 points
    and the manipulated regions, for the crops where dlib finds a face."""
    from facecutout.landmarks import get_detector, primary_face

    detector = get_detector("dlib68")
    images, points_68, points_5, masks = [], [], [], []
    for sample in fake_samples[::4]:
        rgb = read_rgb(sample.image_path)
        scale = np.array([SIZE / rgb.shape[1], SIZE / rgb.shape[0]])
        image = cv2.resize(rgb, (SIZE, SIZE), interpolation=cv2.INTER_AREA)
        face = primary_face(detector.detect(image))
        if face is None:
            continue
        images.append(image)
        points_68.append(face.points.astype(np.float64))
        points_5.append(np.load(sample.landmarks_path).astype(np.float64) * scale)
        diff = cv2.resize(read_grey(sample.diff_path), (SIZE, SIZE), interpolation=cv2.INTER_AREA)
        masks.append(binarize_diff(diff))
    assert len(images) >= 40, f"dlib found faces on only {len(images)} crops"
    return (
        torch.tensor(np.stack(images)).permute(0, 3, 1, 2).contiguous(),
        {68: torch.tensor(np.stack(points_68)), 5: torch.tensor(np.stack(points_5))},
        torch.tensor(np.stack(masks)),
    )


def assert_same_choices(landmarks, masks, variant, threshold, seed, height, width, enabled=None):
    """Both backends on the same candidates; returns the ranks."""
    batch = len(landmarks)
    image_shape = torch.zeros((batch, 1, height, width))
    points = check_landmarks(landmarks, image_shape)
    generator = torch.Generator().manual_seed(seed)
    candidates = variant_candidates(points, variant, generator, SENSORY_FEATURES, HULL_STRATEGIES)
    if enabled is None:
        enabled = torch.ones(batch, dtype=torch.bool)
    expected_spans, expected_ranks = select_spans(candidates, masks, threshold, enabled, height, width, 4)
    spans, ranks, regions = compiled_select(candidates, masks, threshold, enabled, height, width)
    assert torch.equal(ranks, expected_ranks)
    for part, expected in zip(spans, expected_spans, strict=True):
        assert torch.equal(part, expected)
    assert torch.equal(regions, span_regions(expected_spans, batch, height, width))
    return ranks


@pytest.mark.parametrize(
    ("points", "variant"), [(5, "sensory"), (68, "sensory"), (68, "convex_hull"), (68, "random")]
)
def test_same_cuts_as_the_tensor_backend_on_real_crops(real_faces, points, variant):
    _, landmarks, masks = real_faces
    deep = 0
    for seed, threshold in enumerate([0.05, 0.1, 0.3]):
        ranks = assert_same_choices(landmarks[points], masks, variant, threshold, seed, SIZE, SIZE)
        assert_same_choices(landmarks[points], None, variant, threshold, seed, SIZE, SIZE)
        deep += int((ranks > 0).sum())
    assert deep >= len(masks) // 2  # the overlap rule sends many images past their first candidate


def degenerate_landmarks(kind: str, batch: int, points: int, height: int, width: int, seed: int):
    """Landmarks in corner cases of the geometry: spread (some outside the image), all on one
    point, on one line (any slope, or axis-parallel), or on a few repeated points."""
    rng = np.random.default_rng(seed)
    scale = np.array([width, height]) * 1.3
    if kind == "spread":
        return rng.uniform(-0.15, 1, (batch, points, 2)) * scale
    if kind == "one point":
        return np.broadcast_to(rng.uniform(0, 1, (batch, 1, 2)) * scale, (batch, points, 2)).copy()
    if kind == "few points":
        anchors = rng.uniform(0, 1, (batch, 3, 2)) * scale
        return np.take_along_axis(anchors, rng.integers(0, 3, (batch, points, 1)), 1).round()
    start, end = rng.uniform(0, 1, (2, batch, 1, 2)) * scale
    if kind == "axis line":
        end[..., 0] = start[..., 0]
    along = rng.uniform(0, 1, (batch, points, 1))
    return (start + along * (end - start)).round()


@settings(max_examples=40, deadline=None)
@given(
    kind=st.sampled_from(["spread", "one point", "few points", "line", "axis line"]),
    batch=st.integers(1, 5),
    points=st.sampled_from([5, 68]),
    height=st.integers(1, 48),
    width=st.integers(1, 48),
    variant=st.sampled_from(["sensory", "convex_hull", "random"]),
    threshold=st.sampled_from([0.0, 0.2, 1.0]),
    seed=st.integers(0, 2**16),
)
def test_same_cuts_as_the_tensor_backend_in_corner_cases(
    kind, batch, points, height, width, variant, threshold, seed
):
    if variant == "convex_hull" and points == 5:
        variant = "sensory"
    landmarks = torch.tensor(degenerate_landmarks(kind, batch, points, height, width, seed))
    rng = np.random.default_rng(seed)
    masks = torch.tensor(rng.random((batch, height, width)) < rng.uniform(0, 0.7, (batch, 1, 1)))
    enabled = torch.tensor(rng.random(batch) < 0.8)
    assert_same_choices(landmarks, masks, variant, threshold, seed, height, width, enabled)


def test_same_cuts_on_rows_wider_than_the_int32_geometry():
    """Coordinates beyond 2**13 switch the tensor hulls to float64 arithmetic; the compiled ones
    use int64 throughout."""
    landmarks = torch.tensor(degenerate_landmarks("spread", 3, 68, 20, 9000, 5))
    masks = torch.tensor(np.random.default_rng(5).random((3, 20, 9000)) < 0.3)
    for variant in ("convex_hull", "random"):
        assert_same_choices(landmarks, masks, variant, 0.2, 1, 20, 9000)


@pytest.mark.parametrize("fill", [0, (10, 20, 30), "random", "random_uniform"])
def test_batch_face_cutout_gives_the_same_output_with_either_backend(real_faces, fill):
    images, landmarks, masks = real_faces
    outputs = [
        batch_face_cutout(
            images,
            landmarks[68],
            masks,
            variant="random",
            fill=fill,
            generator=torch.Generator().manual_seed(8),
            backend=backend,
        )
        for backend in ("compiled", "tensor")
    ]
    assert torch.equal(outputs[0][0], outputs[1][0]) and torch.equal(outputs[0][1], outputs[1][1])
    assert outputs[0][1].any(dim=(1, 2)).all()


def test_backend_defaults_and_errors():
    assert check_backend(None, torch.device("cpu")) == "compiled"
    assert check_backend(None, torch.device("cuda")) == "tensor"
    assert check_backend("tensor", torch.device("cpu")) == "tensor"
    with pytest.raises(InvalidInputError, match="CPU only"):
        check_backend("compiled", torch.device("cuda"))
    with pytest.raises(InvalidInputError, match="backend must be one of"):
        batch_face_cutout(torch.zeros((1, 3, 8, 8)), torch.zeros((1, 5, 2)), backend="numba")
