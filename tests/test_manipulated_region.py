"""The manipulated-region rule for every input form, per image and batched, and its errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from facecutout import InvalidInputError, binarize_diff, face_cutout
from facecutout.batched import binarize_diffs

REGION = np.zeros((16, 20), bool)
REGION[4:11, 5:14] = True


def forms() -> dict[str, np.ndarray]:
    """The region of REGION in every accepted form."""
    grey = np.where(REGION, 120, 12).astype(np.uint8)  # an SSIM diff: noise below 40, face above
    soft = cv2_like_resize(REGION)
    return {
        "bool": REGION.copy(),
        "uint8 0/1": REGION.astype(np.uint8),
        "uint8 0/255": REGION.astype(np.uint8) * 255,
        "grey diff": grey,
        "float32 0/1": REGION.astype(np.float32),
        "float64 interpolated": soft,
        "float16 0/1": REGION.astype(np.float16),
    }


def cv2_like_resize(region: np.ndarray) -> np.ndarray:
    """A 0/255 mask blurred at its edges and divided by 255, as an interpolating resize leaves it."""
    values = region.astype(np.float64) * 255
    blurred = values.copy()
    blurred[1:-1, 1:-1] = (values[:-2, 1:-1] + values[2:, 1:-1] + values[1:-1, :-2] + values[1:-1, 2:]) / 4
    edges = blurred != values
    assert ((blurred[edges] > 0) & (blurred[edges] < 255)).any()
    return np.where(region, np.maximum(blurred, 128), np.minimum(blurred, 127)) / 255


@pytest.mark.parametrize("form", list(forms()))
def test_every_form_gives_the_same_region(form):
    value = forms()[form]
    assert np.array_equal(binarize_diff(value), REGION)
    assert np.array_equal(binarize_diff(value[:, :, None]), REGION)


def test_batched_rule_decides_image_by_image():
    """A batch mixing a 0/1 mask, a grey diff and an empty diff: each image by its own values."""
    values = forms()
    empty = np.full(REGION.shape, 3, np.uint8)
    images = [values["uint8 0/1"], values["grey diff"], empty, values["uint8 0/255"]]
    batch = torch.from_numpy(np.stack(images))
    masks = binarize_diffs(batch)
    for mask, diff in zip(masks.numpy(), batch.numpy(), strict=True):
        assert np.array_equal(mask, binarize_diff(diff))
    assert not masks[2].any()
    for form in ("float32 0/1", "float64 interpolated", "float16 0/1", "bool"):
        tensor = torch.from_numpy(np.stack([values[form]] * 2))
        assert torch.equal(binarize_diffs(tensor), torch.from_numpy(np.stack([REGION] * 2)))


def test_a_grey_diff_below_the_level_stays_empty():
    """Only images of 0s and 1s are masks: a diff of small noise values is no region."""
    noise = np.random.default_rng(0).integers(0, 30, REGION.shape).astype(np.uint8)
    assert not binarize_diff(noise).any()
    assert not binarize_diffs(torch.from_numpy(noise[None])).any()
    zeros = np.zeros(REGION.shape, np.uint8)
    assert not binarize_diff(zeros).any()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (REGION.astype(np.float32) * 255, r"float mask must lie in \[0, 1\], got values from 0.0 to 255.0"),
        (np.full(REGION.shape, np.nan, np.float32), "float mask must lie in"),
        (REGION.astype(np.int64), "got dtype int64"),
        (REGION.astype(np.uint16), "got dtype uint16"),
        (np.zeros((*REGION.shape, 3), np.uint8), "greyscale"),
    ],
)
def test_other_forms_are_errors(value, message):
    with pytest.raises(InvalidInputError, match=message):
        binarize_diff(value)
    if value.ndim == 2:
        with pytest.raises(InvalidInputError, match=message.replace("float mask", "diffs: a float mask")):
            binarize_diffs(torch.from_numpy(value[None]))


def test_face_cutout_reads_a_float_mask_as_its_region():
    """Threshold 0: no cut may touch M, whatever form M comes in."""
    image = np.zeros((64, 64, 3), np.uint8)
    landmarks = np.array([[20, 24], [44, 24], [32, 34], [24, 44], [40, 44]], float)
    region = np.zeros((64, 64), bool)
    region[20:30, 10:54] = True  # the eye band
    for mask in (region.astype(np.float32), region.astype(np.uint8)):
        for seed in range(5):
            _, cut = face_cutout(image, landmarks, mask, threshold=0.0, seed=seed, return_region=True)
            assert not (cut & region).any()
