"""The fast SSIM against scikit-image on the real original/fake pairs of the shared samples."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from skimage.metrics import structural_similarity

from facecutout.data.ssim import diff_from_ssim, ssim_diff, ssim_map
from facecutout.errors import InvalidInputError
from facecutout.fileio import read_rgb


def reference_map(original: np.ndarray, fake: np.ndarray) -> np.ndarray:
    channel_axis = 2 if original.ndim == 3 else None
    _, full = structural_similarity(original, fake, channel_axis=channel_axis, full=True, data_range=255)
    return full


@pytest.fixture(scope="module")
def pairs(samples_dir: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    return [
        (read_rgb(samples_dir / "pairs" / f"ori_{n}.png"), read_rgb(samples_dir / "pairs" / f"fake_{n}.png"))
        for n in range(3)
    ]


def test_map_matches_skimage_on_real_pairs(pairs: list[tuple[np.ndarray, np.ndarray]]) -> None:
    for original, fake in pairs:
        ours = ssim_map(original, fake)
        reference = reference_map(original, fake)
        assert ours.shape == reference.shape == original.shape
        assert np.abs(ours - reference).max() < 1e-3
        # real swaps change the face: SSIM is well below 1 somewhere
        assert reference.min() < 0.5


def test_diff_matches_skimage_within_one_grey_level(pairs: list[tuple[np.ndarray, np.ndarray]]) -> None:
    for original, fake in pairs:
        ours = ssim_diff(original, fake)
        reference = diff_from_ssim(reference_map(original, fake))
        assert ours.dtype == np.uint8 and ours.shape == original.shape[:2]
        assert np.abs(ours.astype(int) - reference.astype(int)).max() <= 1
        assert (ours != reference).mean() < 0.01
        assert ours.max() >= 200  # the swapped face shows up


def test_grey_images_and_negative_ssim_are_clipped(pairs: list[tuple[np.ndarray, np.ndarray]]) -> None:
    original, fake = pairs[0]
    grey_original, grey_fake = original[..., 1].copy(), fake[..., 1].copy()
    assert np.abs(ssim_map(grey_original, grey_fake) - reference_map(grey_original, grey_fake)).max() < 1e-3
    inverted = 255 - grey_original
    assert reference_map(grey_original, inverted).min() < 0  # 1 - SSIM > 1 there: must clip, not wrap
    diff = ssim_diff(grey_original, inverted)
    strongly_negative = reference_map(grey_original, inverted) < -0.1
    assert (diff[strongly_negative] == 255).all()


def test_identical_images_give_an_empty_diff(pairs: list[tuple[np.ndarray, np.ndarray]]) -> None:
    original = pairs[1][0]
    assert ssim_diff(original, original.copy()).max() == 0


def test_results_do_not_alias_the_workspace(pairs: list[tuple[np.ndarray, np.ndarray]]) -> None:
    for function in (ssim_map, ssim_diff):
        for grey in (False, True):
            first_pair = [image[..., 0] if grey else image for image in pairs[0]]
            first = function(*first_pair)
            kept = first.copy()
            function(*[image[..., 0] if grey else image for image in pairs[1]])
            function(*first_pair[::-1])
            np.testing.assert_array_equal(first, kept)


def test_bad_inputs_name_the_argument() -> None:
    image = np.zeros((32, 32, 3), np.uint8)
    with pytest.raises(InvalidInputError, match="fake"):
        ssim_map(image, np.zeros((32, 31, 3), np.uint8))
    with pytest.raises(InvalidInputError, match="original"):
        ssim_map(image.astype(np.float32), image)
    with pytest.raises(InvalidInputError, match="at least 7"):
        ssim_map(np.zeros((5, 32), np.uint8), np.zeros((5, 32), np.uint8))
