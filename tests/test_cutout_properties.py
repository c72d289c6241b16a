"""Property-based tests of the Face-Cutout invariants on random images, landmarks and diffs."""

from __future__ import annotations

import numpy as np
import pytest
from cutout_checks import assert_cutout_invariants
from face_shapes import face_5, face_68
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import facecutout

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def cutout_cases(draw):
    height = draw(st.integers(8, 96))
    width = draw(st.integers(8, 96))
    layout = draw(st.sampled_from(["grey", "grey1", "rgb"]))
    dtype = draw(st.sampled_from([np.uint8, np.float32]))
    seed = draw(st.integers(0, 2**31 - 1))
    data_rng = np.random.default_rng(seed)
    shape = {"grey": (height, width), "grey1": (height, width, 1), "rgb": (height, width, 3)}[layout]
    if dtype == np.uint8:
        image = data_rng.integers(0, 256, shape, dtype=np.uint8)
    else:
        image = data_rng.random(shape, dtype=np.float32)
    count = draw(st.sampled_from([5, 68]))
    if draw(st.booleans()):
        # A face-like layout, possibly partly outside the image.
        size = draw(st.floats(0.3, 1.5)) * min(height, width)
        center = draw(st.floats(-0.2, 1.2)) * width, draw(st.floats(-0.2, 1.2)) * height
        angle = draw(st.floats(-0.6, 0.6))
        landmarks = (face_5 if count == 5 else face_68)(*center, size, angle)
    else:
        landmarks = data_rng.uniform(-0.3, 1.3, (count, 2)) * [width, height]
    diff_kind = draw(st.sampled_from(["none", "grey", "bool", "empty"]))
    diff = {
        "none": None,
        "grey": data_rng.integers(0, 256, (height, width), dtype=np.uint8),
        "bool": data_rng.random((height, width)) < draw(st.floats(0.0, 1.0)),
        "empty": np.zeros((height, width), np.uint8),
    }[diff_kind]
    variant = draw(st.sampled_from(["random", "sensory"] + (["convex_hull"] if count == 68 else [])))
    channels = 1 if layout != "rgb" else 3
    limit = 255 if dtype == np.uint8 else 1.0
    fill = draw(
        st.one_of(
            st.sampled_from(["random", "random_uniform"]),
            st.integers(0, 255).map(lambda v: v * limit / 255),
            st.lists(st.floats(0, limit), min_size=channels, max_size=channels).map(tuple),
        )
    )
    threshold = draw(st.floats(0.0, 1.0))
    return image, landmarks, diff, variant, threshold, fill, seed


@SETTINGS
@given(cutout_cases())
def test_invariants_hold_for_random_inputs(case):
    image, landmarks, diff, variant, threshold, fill, seed = case
    before = image.copy()
    output, region = facecutout.face_cutout(
        image, landmarks, diff, variant=variant, threshold=threshold, fill=fill, seed=seed, return_region=True
    )
    assert np.array_equal(image, before), "the input image was modified"
    assert_cutout_invariants(image, output, region, diff, threshold, fill)
    again, region_again = facecutout.face_cutout(
        image, landmarks, diff, variant=variant, threshold=threshold, fill=fill, seed=seed, return_region=True
    )
    assert np.array_equal(output, again) and np.array_equal(region, region_again), "same seed, other output"


@SETTINGS
@given(
    st.integers(40, 160),
    st.integers(40, 160),
    st.sampled_from([5, 68]),
    st.sampled_from(["random", "sensory", "convex_hull"]),
    st.integers(0, 10_000),
)
def test_a_face_inside_the_image_is_always_cut_without_constraint(height, width, count, variant, seed):
    """With no manipulated region every candidate is admissible, so a visible face always gets a cut."""
    if count == 5 and variant == "convex_hull":
        variant = "sensory"
    size = 0.6 * min(height, width)
    landmarks = (face_5 if count == 5 else face_68)(width / 2, height / 2, size)
    image = np.full((height, width, 3), 128, np.uint8)
    _, region = facecutout.face_cutout(image, landmarks, variant=variant, seed=seed, return_region=True)
    assert region.any()
    assert region.sum() < height * width, "a cut must not cover the whole image"


def test_threshold_zero_never_touches_the_manipulated_region():
    image = np.full((120, 120, 3), 200, np.uint8)
    landmarks = face_68(60, 60, 80)
    diff = np.zeros((120, 120), bool)
    diff[50:70, 20:100] = True  # a band across the nose: only regions avoiding it are allowed
    for seed in range(30):
        _, region = facecutout.face_cutout(
            image, landmarks, diff, threshold=0.0, seed=seed, return_region=True
        )
        assert not (region & diff).any()


def test_an_inadmissible_face_returns_the_image_unchanged_with_an_empty_region():
    image = np.full((100, 100, 3), 50, np.uint8)
    landmarks = face_68(50, 50, 70)
    diff = np.ones((100, 100), bool)  # every candidate hides part of M: nothing is admissible at 0
    output, region = facecutout.face_cutout(image, landmarks, diff, threshold=0.0, seed=3, return_region=True)
    assert not region.any()
    assert np.array_equal(output, image) and output is not image


def test_an_empty_manipulated_region_means_no_constraint():
    image = np.full((100, 100, 3), 50, np.uint8)
    landmarks = face_68(50, 50, 70)
    empty = np.zeros((100, 100), np.uint8)
    for seed in range(10):
        with_empty = facecutout.face_cutout(image, landmarks, empty, threshold=0.0, seed=seed)
        without = facecutout.face_cutout(image, landmarks, None, threshold=0.0, seed=seed)
        assert np.array_equal(with_empty, without)


def test_sensory_bands_from_68_points_cover_the_features_they_name():
    landmarks = face_68(100, 100, 120)
    image = np.zeros((200, 200, 3), np.uint8)
    features = {"eyes": [36, 39, 42, 45], "nose": [30], "mouth": [48, 54, 51, 57]}
    for feature, indices in features.items():
        _, region = facecutout.face_cutout(
            image, landmarks, variant="sensory", features=(feature,), seed=0, return_region=True
        )
        for x, y in np.rint(landmarks[indices]).astype(int):
            assert region[y, x], f"the {feature} band misses landmark at ({x}, {y})"


@pytest.mark.parametrize("divisor", [3, 4, 5, 6, None])
def test_the_thickest_admissible_band_is_chosen(divisor):
    """The eye band has half-width w/k for k = 3..6 (w: eye distance); the first admissible k is cut.

    M is a vertical strip of 9 columns through the middle of the eye line, so a band of half-width h
    hides about 9 * 2h of its pixels: the threshold is set between the overlaps of consecutive k, so
    exactly the bands from ``divisor`` on are admissible (none for None). The band's thickness on
    the middle column tells which k was cut (the band whose 2w/k is nearest).
    """
    landmarks = face_5(200, 200, 400)
    eyes_distance = float(np.linalg.norm(landmarks[1] - landmarks[0]))
    middle = int(round((landmarks[0, 0] + landmarks[1, 0]) / 2))
    diff = np.zeros((400, 400), bool)
    diff[:, middle - 4 : middle + 5] = True
    overlap = {k: 9 * 2 * eyes_distance / k for k in (3, 4, 5, 6)}
    budget = {3: 2 * overlap[3], None: overlap[6] / 2}.get(divisor)
    if budget is None:
        budget = (overlap[divisor] + overlap[divisor - 1]) / 2
    _, region = facecutout.face_cutout(
        np.zeros((400, 400, 3), np.uint8),
        landmarks,
        diff,
        threshold=budget / diff.sum(),
        variant="sensory",
        features=("eyes",),
        seed=0,
        return_region=True,
    )
    if divisor is None:
        assert not region.any()
        return
    assert (region & diff).sum() <= budget
    thickness = int(region[:, middle].sum())
    nearest = min(overlap, key=lambda k: abs(thickness - 2 * eyes_distance / k))
    assert nearest == divisor, (
        f"a band {thickness} px thick is w/{nearest}, not w/{divisor} (w = {eyes_distance})"
    )
