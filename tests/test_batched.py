"""Batched Face-Cutout on tensors: invariants, reproducibility, the nn.Module and argument checks."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from facecutout import binarize_diff
from facecutout.batched import BatchFaceCutout, batch_face_cutout, binarize_diffs
from facecutout.errors import InvalidInputError


def random_batch(
    seed: int, batch: int, channels: int, height: int, width: int, points: int, dtype: torch.dtype
):
    """Images, landmarks (some outside the image) and masks (some empty) drawn from ``seed``."""
    generator = torch.Generator().manual_seed(seed)
    if dtype == torch.uint8:
        images = torch.randint(
            0, 256, (batch, channels, height, width), generator=generator, dtype=torch.uint8
        )
    else:
        images = torch.rand((batch, channels, height, width), generator=generator).to(dtype)
    scale = torch.tensor([width * 1.2, height * 1.2], dtype=torch.float64)
    landmarks = torch.rand((batch, points, 2), generator=generator, dtype=torch.float64) * scale - 0.1 * scale
    masks = torch.rand((batch, height, width), generator=generator) < torch.rand(
        (batch, 1, 1), generator=generator
    )
    masks[0] = False  # a real image: no constraint
    return images, landmarks, masks


batches = st.builds(
    random_batch,
    seed=st.integers(0, 2**31 - 1),
    batch=st.integers(1, 4),
    channels=st.sampled_from([1, 3]),
    height=st.integers(6, 40),
    width=st.integers(6, 40),
    points=st.sampled_from([5, 68]),
    dtype=st.sampled_from([torch.uint8, torch.float32]),
)


@settings(max_examples=30, deadline=None)
@given(
    data=batches,
    variant=st.sampled_from(["sensory", "convex_hull", "random"]),
    threshold=st.sampled_from([0.0, 0.1, 0.3, 1.0]),
    fill=st.sampled_from([0, 7, "per_channel", "random", "random_uniform"]),
    seed=st.integers(0, 1000),
    backend=st.sampled_from(["loop", "tensor"]),
    min_area=st.sampled_from([0.0, 0.05]),
)
def test_invariants(data, variant, threshold, fill, seed, backend, min_area):
    images, landmarks, masks = data
    channels = images.shape[1]
    if variant == "convex_hull" and landmarks.shape[1] == 5:
        variant = "sensory"
    if fill == "per_channel":
        fill = [1, 2, 3][:channels]
    out, regions = batch_face_cutout(
        images,
        landmarks,
        masks,
        variant=variant,
        threshold=threshold,
        fill=fill,
        generator=torch.Generator().manual_seed(seed),
        backend=backend,
        min_area=min_area,
    )
    assert out.shape == images.shape and out.dtype == images.dtype
    assert regions.shape == masks.shape and regions.dtype == torch.bool
    inside = regions[:, None].expand_as(images)
    assert torch.equal(out[~inside], images[~inside])
    # The first image has an empty mask: without a least area its first candidate is admissible.
    assert regions[0].any() or min_area > 0
    for index in range(len(images)):
        cut = out[index][:, regions[index]]  # (C, pixels)
        if isinstance(fill, str):
            if fill == "random_uniform" and cut.numel():
                assert torch.equal(cut, cut[:, :1].expand_as(cut))
            if images.dtype != torch.uint8:
                assert bool(((cut >= 0) & (cut < 1)).all())
        else:
            expected = torch.tensor(fill if isinstance(fill, list) else [fill] * channels).to(images.dtype)
            assert torch.equal(cut, expected[:, None].expand_as(cut))
        manipulated = int(masks[index].sum())
        if manipulated:
            assert int((regions[index] & masks[index]).sum()) <= threshold * manipulated


@pytest.mark.parametrize("fill", [0, "random", "random_uniform"])
def test_same_generator_state_same_output(fill):
    images, landmarks, masks = random_batch(3, 4, 3, 32, 32, 68, torch.uint8)
    first = batch_face_cutout(images, landmarks, masks, fill=fill, generator=torch.Generator().manual_seed(5))
    again = batch_face_cutout(images, landmarks, masks, fill=fill, generator=torch.Generator().manual_seed(5))
    assert torch.equal(first[0], again[0]) and torch.equal(first[1], again[1])
    seeds = [torch.Generator().manual_seed(seed) for seed in range(8)]
    outcomes = {
        batch_face_cutout(images, landmarks, masks, fill=fill, generator=g)[1].numpy().tobytes()
        for g in seeds
    }
    assert len(outcomes) > 1  # the generator drives the choice


def test_candidates_per_step_changes_speed_only():
    images, landmarks, masks = random_batch(11, 6, 3, 40, 40, 68, torch.uint8)
    results = [
        batch_face_cutout(
            images,
            landmarks,
            masks,
            fill="random",
            generator=torch.Generator().manual_seed(2),
            candidates_per_step=step,
            backend="tensor",
        )
        for step in (1, 3, 64)
    ]
    for out, regions in results[1:]:
        assert torch.equal(out, results[0][0]) and torch.equal(regions, results[0][1])


def test_float16_and_single_channel_images():
    images, landmarks, masks = random_batch(4, 2, 1, 24, 20, 5, torch.float16)
    out, regions = batch_face_cutout(images, landmarks, None, variant="sensory", fill=0.5)
    assert out.dtype == torch.float16 and regions.any()
    assert bool((out[:, 0][regions] == 0.5).all())


def test_no_admissible_candidate_leaves_the_image_unchanged():
    images, landmarks, _ = random_batch(5, 2, 3, 30, 30, 5, torch.uint8)
    full = torch.ones((2, 30, 30), dtype=torch.bool)
    out, regions = batch_face_cutout(images, landmarks, full, variant="sensory", threshold=0.0)
    assert not regions.any() and torch.equal(out, images)


def test_apply_to_and_empty_batch():
    images, landmarks, _ = random_batch(6, 3, 3, 20, 20, 5, torch.uint8)
    out, regions = batch_face_cutout(images, landmarks, apply_to=torch.tensor([True, False, True]))
    assert regions[0].any() and not regions[1].any() and regions[2].any()
    assert torch.equal(out[1], images[1])
    out, regions = batch_face_cutout(images[:0], landmarks[:0])
    assert out.shape == (0, 3, 20, 20) and regions.shape == (0, 20, 20)


def test_module_probability_and_reproducibility():
    images, landmarks, masks = random_batch(8, 16, 3, 24, 24, 68, torch.uint8)
    never = BatchFaceCutout(p=0.0)
    out, regions = never(images, landmarks, masks)
    assert torch.equal(out, images) and not regions.any()
    always = BatchFaceCutout(variant="sensory", p=1.0)
    _, regions = always(images, landmarks)
    assert bool(regions.flatten(1).any(1).all())
    half = BatchFaceCutout(variant="random", fill="random", p=0.5)
    first = half(images, landmarks, masks, generator=torch.Generator().manual_seed(1))
    again = half(images, landmarks, masks, generator=torch.Generator().manual_seed(1))
    assert torch.equal(first[0], again[0]) and torch.equal(first[1], again[1])
    assert 0 < int(first[1].flatten(1).any(1).sum()) < 16
    assert list(half.parameters()) == [] and "p=0.5" in repr(half)


def test_module_outputs_carry_no_gradient():
    images, landmarks, _ = random_batch(9, 2, 3, 16, 16, 5, torch.float32)
    images.requires_grad_(True)
    out, _ = BatchFaceCutout(p=1.0)(images, landmarks)
    assert not out.requires_grad


def test_binarize_diffs_matches_the_per_image_rule():
    diffs = torch.randint(0, 256, (3, 1, 12, 10), dtype=torch.uint8)
    masks = binarize_diffs(diffs)
    assert masks.shape == (3, 12, 10) and masks.dtype == torch.bool
    for diff, mask in zip(diffs[:, 0].numpy(), masks.numpy(), strict=True):
        assert np.array_equal(binarize_diff(diff), mask)
    assert torch.equal(binarize_diffs(masks), masks)
    assert torch.equal(binarize_diffs(diffs[:, 0], level=200), diffs[:, 0] >= 200)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"images": np.zeros((1, 3, 8, 8))}, "torch.Tensor"),
        ({"images": torch.zeros((3, 8, 8))}, "(B, C, H, W)"),
        ({"images": torch.zeros((1, 3, 8, 8), dtype=torch.int32)}, "uint8 or floating"),
        ({"landmarks": torch.zeros((1, 7, 2))}, "no landmark scheme has 7 points"),
        ({"landmarks": torch.zeros((2, 5, 2))}, "B = 1"),
        ({"landmarks": torch.full((1, 5, 2), float("nan"))}, "NaN"),
        ({"masks": torch.zeros((1, 8, 8), dtype=torch.uint8)}, "binarize_diffs"),
        ({"masks": torch.zeros((1, 9, 8), dtype=torch.bool)}, "masks must have shape"),
        ({"variant": "convex_hull"}, "needs landmarks with a face outline"),
        ({"scheme": "ibug68"}, "has 68 points, got 5"),
        ({"variant": "square"}, "variant"),
        ({"threshold": 1.5}, "threshold"),
        ({"fill": "inpaint_telea"}, "not available on tensors"),
        ({"fill": [1, 2]}, "channel"),
        ({"fill": 300}, "0..255"),
        ({"generator": np.random.default_rng(0)}, "torch.Generator"),
        ({"features": ["ears"]}, "features"),
        ({"apply_to": torch.ones(2, dtype=torch.bool)}, "apply_to"),
        ({"candidates_per_step": 0}, "candidates_per_step"),
        ({"inplace": 1}, "inplace must be True or False"),
        ({"backend": "compiled"}, "backend must be one of"),
    ],
)
def test_bad_arguments_are_named(change, message):
    arguments = {
        "images": torch.zeros((1, 3, 8, 8), dtype=torch.uint8),
        "landmarks": torch.full((1, 5, 2), 4.0),
        "masks": None,
        **change,
    }
    with pytest.raises(InvalidInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        batch_face_cutout(
            arguments.pop("images"), arguments.pop("landmarks"), arguments.pop("masks"), **arguments
        )


@pytest.mark.parametrize(("kwargs", "message"), [({"p": 2}, "p must"), ({"fill": "inpaint_ns"}, "tensors")])
def test_module_rejects_bad_settings(kwargs, message):
    with pytest.raises(InvalidInputError, match=message):
        BatchFaceCutout(**kwargs)


@pytest.mark.parametrize("backend", ["loop", "tensor"])
@pytest.mark.parametrize("variant", ["sensory", "convex_hull"])
def test_degenerate_landmarks_cut_one_pixel(variant, backend):
    """All points on one pixel (or a 1x1 image): the candidate is that pixel, as cv2 would draw it."""
    images = torch.zeros((2, 3, 20, 20), dtype=torch.uint8)
    points = torch.full((2, 68, 2), 7.0)
    out, regions = batch_face_cutout(images, points, variant=variant, fill=1, backend=backend)
    assert regions.sum((1, 2)).tolist() == [1, 1] and bool(regions[:, 7, 7].all())
    assert int(out.sum()) == 2 * 3
    tiny, regions = batch_face_cutout(
        torch.zeros((1, 1, 1, 1)), torch.full((1, 5, 2), -3.0), fill=0.5, backend=backend
    )
    assert bool(regions.all()) and tiny.item() == 0.5


def test_memory_layout_does_not_change_the_result():
    images, landmarks, masks = random_batch(12, 4, 3, 32, 32, 68, torch.uint8)
    reference = batch_face_cutout(images, landmarks, masks, generator=torch.Generator().manual_seed(0))
    channels_last = images.to(memory_format=torch.channels_last)
    other = batch_face_cutout(channels_last, landmarks, masks, generator=torch.Generator().manual_seed(0))
    assert torch.equal(reference[0], other[0]) and torch.equal(reference[1], other[1])
    numpy_points = batch_face_cutout(
        images, landmarks.numpy(), masks, generator=torch.Generator().manual_seed(0)
    )
    assert torch.equal(reference[1], numpy_points[1])


@pytest.mark.parametrize("fill", [0, 9, (0, 5, 0), "random", "random_uniform"])
@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32])
@pytest.mark.parametrize("channels_last", [False, True])
def test_inplace_cuts_the_input_exactly_like_the_copy(fill, dtype, channels_last):
    images, landmarks, masks = random_batch(21, 5, 3, 30, 26, 68, dtype)
    if dtype.is_floating_point and not isinstance(fill, str):
        fill = np.asarray(fill, dtype=float) / 10
        fill = fill.tolist() if fill.ndim else float(fill)
    if channels_last:
        images = images.to(memory_format=torch.channels_last)
    original = images.clone()
    copy, regions = batch_face_cutout(
        images, landmarks, masks, fill=fill, generator=torch.Generator().manual_seed(4)
    )
    assert torch.equal(images, original)  # the default never touches its input
    result, inplace_regions = batch_face_cutout(
        images, landmarks, masks, fill=fill, generator=torch.Generator().manual_seed(4), inplace=True
    )
    assert result is images
    assert torch.equal(result, copy) and torch.equal(inplace_regions, regions)
    assert int(regions.sum()) > 0 and not torch.equal(images, original)


def test_zero_fill_on_uint8_overwrites_every_region_pixel():
    images = torch.full((3, 3, 24, 24), 255, dtype=torch.uint8)
    landmarks = torch.tensor([[[6.0, 8.0], [17.0, 8.0], [12.0, 13.0], [8.0, 18.0], [16.0, 18.0]]]).repeat(
        3, 1, 1
    )
    out, regions = batch_face_cutout(images, landmarks, variant="sensory")
    assert torch.equal(out == 0, regions[:, None].expand_as(out))


def test_module_inplace():
    images, landmarks, masks = random_batch(5, 4, 3, 20, 20, 5, torch.uint8)
    module = BatchFaceCutout(p=1.0, inplace=True)
    expected, _ = BatchFaceCutout(p=1.0)(images, landmarks, masks, torch.Generator().manual_seed(1))
    result, _ = module(images, landmarks, masks, torch.Generator().manual_seed(1))
    assert result is images and torch.equal(result, expected)
    assert "inplace=True" in repr(module)
    with pytest.raises(InvalidInputError, match="inplace"):
        BatchFaceCutout(inplace="yes")
