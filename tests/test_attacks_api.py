"""Attacks on the augmentation API: bad arguments are refused when given, naming them, and the
inpainting fills are reproducible on the thinnest images."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from face_shapes import face_5

import facecutout
from facecutout.errors import InvalidInputError

IMAGE = np.full((64, 64, 3), 100, np.uint8)
LANDMARKS = face_5(32, 32, 40)


@pytest.mark.parametrize("level", ["abc", 999, -1, 40.5, True, None])
def test_a_bad_diff_level_is_refused_when_the_transform_is_built(level):
    with pytest.raises(InvalidInputError, match=rf"level .*got {level!r}"):
        facecutout.FaceCutout(diff_level=level)


def test_a_negative_seed_is_an_error_naming_seed():
    with pytest.raises(InvalidInputError, match="seed must be a non-negative integer, got -1"):
        facecutout.face_cutout(IMAGE, LANDMARKS, seed=-1)


def test_complex_landmarks_are_an_error_naming_landmarks():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(InvalidInputError, match="landmarks .*complex"):
            facecutout.face_cutout(IMAGE, LANDMARKS.astype(np.complex128) + 1j, seed=0)
    assert not caught, "a warning (such as numpy's ComplexWarning) came instead of the error"


@pytest.mark.parametrize("fill", ["inpaint_telea", "inpaint_ns"])
@pytest.mark.parametrize("shape", [(1, 48, 3), (1, 48), (48, 1, 3)])
def test_inpainting_one_pixel_thin_images_gives_one_output_per_seed(fill, shape):
    """cv2.inpaint read outside such images: repeated calls with one seed gave different pixels."""
    image = (np.arange(np.prod(shape)).reshape(shape) * 37 % 256).astype(np.uint8)
    along = np.linspace(4, 44, 5)
    points = np.stack([along, np.zeros(5)], axis=1) if shape[0] == 1 else np.stack([np.zeros(5), along], 1)
    outputs = set()
    for _ in range(40):
        # other allocations between the calls, so stale memory differs from call to call
        scratch = [np.random.default_rng(len(outputs)).random((17, 23)) for _ in range(4)]
        output, region = facecutout.face_cutout(
            image, points, variant="sensory", fill=fill, seed=5, return_region=True
        )
        outputs.add(output.tobytes())
        del scratch
    assert region.any(), "the case must cut something to test the fill"
    assert len(outputs) == 1
