"""The batched Face-Cutout is the per-image one: same candidates, same pixels, same choices.

Image b of a batch is cut exactly where :func:`facecutout.cutout.select_region` cuts it with the
numpy seed the batch's generator draws for it; both rasterise with the rule of
:mod:`facecutout.cutout.raster`, checked here against a direct per-pixel test.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch
from face_shapes import face_68
from hypothesis import given, settings
from hypothesis import strategies as st

from facecutout import binarize_diff
from facecutout.batched import batch_face_cutout
from facecutout.batched.candidates import draw_seeds
from facecutout.batched.raster import hull_masks
from facecutout.cutout import select_region
from facecutout.cutout.raster import hull_vertices, rasterize
from facecutout.fileio import read_grey
from facecutout.landmarks import get_detector, primary_face

SIZE = 128


def per_image_regions(images, landmarks, masks, seeds, **options) -> np.ndarray:
    """(B, H, W) the per-image regions for the given numpy seeds."""
    regions = []
    for index, seed in enumerate(seeds):
        image = images[index].permute(1, 2, 0).numpy()
        mask = None if masks is None else masks[index].numpy()
        region = select_region(image, landmarks[index], mask, rng=np.random.default_rng(seed), **options)
        shape = image.shape[:2]
        regions.append(np.zeros(shape, bool) if region is None else region.full_mask(*shape))
    return np.stack(regions)


def assert_same_as_per_image(images, landmarks, masks, generator_seed, **options):
    seeds = draw_seeds(len(images), torch.Generator().manual_seed(generator_seed), images.device)
    _, regions = batch_face_cutout(
        images,
        torch.as_tensor(landmarks),
        masks,
        generator=torch.Generator().manual_seed(generator_seed),
        **options,
    )
    expected = per_image_regions(
        images, np.asarray(landmarks, dtype=np.float64), masks, seeds, diff_level=40, **_selection(options)
    )
    np.testing.assert_array_equal(regions.numpy(), expected)
    return regions


def _selection(options: dict) -> dict:
    return {"variant": options.get("variant", "random"), "threshold": options.get("threshold", 0.3)}


@pytest.fixture(scope="module")
def real_crops(fake_samples):
    """Real fake crops at SIZE x SIZE: images, their 5 shipped points, dlib's 68 points where found,
    and manipulated regions."""
    images, five, sixty_eight, masks = [], [], [], []
    detector = get_detector("dlib68")
    for sample in fake_samples[::5]:
        image = cv2.resize(cv2.imread(str(sample.image_path))[:, :, ::-1], (SIZE, SIZE))
        diff = read_grey(sample.diff_path)
        scale = np.array([SIZE / diff.shape[1], SIZE / diff.shape[0]])
        face = primary_face(detector.detect(np.ascontiguousarray(image)))
        if face is None:
            continue
        images.append(np.ascontiguousarray(image))
        five.append(np.load(sample.landmarks_path).astype(np.float64) * scale)
        sixty_eight.append(face.points)
        masks.append(binarize_diff(cv2.resize(diff, (SIZE, SIZE), interpolation=cv2.INTER_AREA)))
    assert len(images) >= 20, "dlib found too few faces in the shared fakes"
    tensor = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).contiguous()
    return tensor, np.stack(five), np.stack(sixty_eight), torch.from_numpy(np.stack(masks))


@pytest.mark.parametrize("threshold", [0.05, 0.3, 1.0])
@pytest.mark.parametrize(
    ("points", "variant"), [(5, "sensory"), (68, "sensory"), (68, "convex_hull"), (68, "random")]
)
def test_the_same_regions_as_the_per_image_version_on_real_crops(real_crops, points, variant, threshold):
    images, five, sixty_eight, masks = real_crops
    landmarks = five if points == 5 else sixty_eight
    regions = assert_same_as_per_image(images, landmarks, masks, 17, variant=variant, threshold=threshold)
    if threshold >= 0.3:
        assert regions.flatten(1).any(1).float().mean() > 0.5
    manipulated = masks.sum((1, 2))
    hidden = (regions & masks).sum((1, 2))
    assert bool((hidden <= threshold * manipulated).all())


def test_the_same_regions_without_masks_and_in_steps(real_crops):
    images, _, sixty_eight, masks = real_crops
    assert_same_as_per_image(images, sixty_eight, None, 3, variant="random")
    for step in (1, 5, 100):
        assert_same_as_per_image(
            images, sixty_eight, masks, 4, variant="convex_hull", candidates_per_step=step
        )


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    height=st.integers(1, 48),
    width=st.integers(1, 48),
    variant=st.sampled_from(["sensory", "convex_hull", "random"]),
    threshold=st.sampled_from([0.0, 0.2, 1.0]),
    layout=st.sampled_from(["face", "scattered", "coincident", "collinear"]),
)
def test_the_same_regions_as_the_per_image_version_in_corner_cases(
    seed, height, width, variant, threshold, layout
):
    rng = np.random.default_rng(seed)
    batch = 3
    if layout == "face":
        landmarks = np.stack(
            [
                face_68(rng.uniform(0, width), rng.uniform(0, height), rng.uniform(3, 60), rng.uniform(-1, 1))
                for _ in range(batch)
            ]
        )
    elif layout == "scattered":
        landmarks = rng.uniform(-0.3, 1.3, (batch, 68, 2)) * [width, height]
    elif layout == "coincident":
        landmarks = np.broadcast_to(rng.uniform(-5, 50, (batch, 1, 2)), (batch, 68, 2)).copy()
    else:
        t = rng.uniform(0, 1, (batch, 68, 1))
        landmarks = rng.uniform(0, 40, (batch, 1, 2)) + t * rng.uniform(-30, 30, (batch, 1, 2))
    images = torch.zeros((batch, 3, height, width), dtype=torch.uint8)
    masks = torch.from_numpy(rng.random((batch, height, width)) < rng.random((batch, 1, 1)))
    assert_same_as_per_image(images, landmarks, masks, seed, variant=variant, threshold=threshold)


def pixel_centres_in_hull(vertices: np.ndarray, height: int, width: int) -> np.ndarray:
    """The rule, pixel by pixel: the integer point (x, y) in the box and on the same side of (or on)
    every edge, whichever the vertices' orientation."""
    ys, xs = np.mgrid[0:height, 0:width]
    inside = (xs >= vertices[:, 0].min()) & (xs <= vertices[:, 0].max())
    inside &= (ys >= vertices[:, 1].min()) & (ys <= vertices[:, 1].max())
    left_of_all = np.ones_like(inside)
    right_of_all = np.ones_like(inside)
    for start, end in zip(vertices, np.roll(vertices, -1, axis=0), strict=True):
        edge_x, edge_y = end - start
        cross = edge_x * (ys - start[1]) - edge_y * (xs - start[0])
        left_of_all &= cross >= 0
        right_of_all &= cross <= 0
    return inside & (left_of_all | right_of_all)


@settings(max_examples=150, deadline=None)
@given(
    points=st.lists(
        st.tuples(st.floats(-20, 60, allow_nan=False), st.floats(-20, 60, allow_nan=False)),
        min_size=1,
        max_size=12,
    ),
    height=st.integers(1, 40),
    width=st.integers(1, 40),
)
def test_both_rasterisers_follow_the_rule(points, height, width):
    polygon = np.array(points)
    vertices = hull_vertices(polygon)
    expected = pixel_centres_in_hull(vertices, height, width)
    region = rasterize(polygon, height, width)
    per_image = np.zeros((height, width), bool) if region is None else region.full_mask(height, width)
    np.testing.assert_array_equal(per_image, expected)
    padded = np.concatenate([vertices, np.repeat(vertices[-1:], 3, axis=0)])
    batched = hull_masks(torch.from_numpy(padded)[None], torch.tensor([len(vertices)]), height, width)
    np.testing.assert_array_equal(batched[0].numpy(), expected)


def test_the_rule_takes_every_pixel_centre_on_the_boundary():
    square = np.array([[2, 2], [6, 2], [6, 5], [2, 5]])
    region = rasterize(square, 10, 10)
    assert (region.y0, region.x0, region.mask.shape, region.area) == (2, 2, (4, 5), 20)
    segment = rasterize(np.array([[1, 1], [5, 3]]), 10, 10)
    rows, columns = segment.full_mask(10, 10).nonzero()
    assert rows.tolist() == [1, 2, 3] and columns.tolist() == [1, 3, 5]
