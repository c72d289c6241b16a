"""The batched Face-Cutout against the per-image one: same candidates, same choices, regions that
agree up to outline pixels.

Image b of a batch takes the candidates :func:`facecutout.cutout.select_region` takes with the
numpy seed the batch's generator draws for it. The per-image version rasterises with
``cv2.fillConvexPoly`` (which also draws the outline with integer line stepping), the batched one
with half-planes at pixel centres (:mod:`facecutout.batched.raster`): the two differ only on
outline pixels, each differing pixel touching both regions, so a choice can differ only where a
candidate's overlap with M lies within a few outline pixels of the budget.
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
from facecutout.cutout.geometry import convex_hull
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


def outline_equal(first: np.ndarray, second: np.ndarray) -> bool:
    """Whether every pixel in one region only touches (8-neighbourhood) pixels of both."""
    kernel = np.ones((3, 3), np.uint8)
    near_first = cv2.dilate(first.view(np.uint8), kernel).astype(bool)
    near_second = cv2.dilate(second.view(np.uint8), kernel).astype(bool)
    return not ((first ^ second) & ~(near_first & near_second)).any()


def disagreements(
    images, landmarks, masks, generator_seed, backend="tensor", **options
) -> tuple[int, torch.Tensor]:
    """How many images' batched regions are not outline-equal to their per-image regions (exactly
    equal with ``exact``), and the batched regions."""
    seeds = draw_seeds(len(images), torch.Generator().manual_seed(generator_seed), images.device)
    _, regions = batch_face_cutout(
        images,
        torch.as_tensor(landmarks),
        masks,
        generator=torch.Generator().manual_seed(generator_seed),
        backend=backend,
        **options,
    )
    expected = per_image_regions(
        images, np.asarray(landmarks, dtype=np.float64), masks, seeds, diff_level=40, **_selection(options)
    )
    same = np.array_equal if backend == "loop" else outline_equal
    count = sum(not same(a, b) for a, b in zip(regions.numpy(), expected, strict=True))
    return count, regions


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
    count, regions = disagreements(images, landmarks, masks, 17, variant=variant, threshold=threshold)
    assert count <= 0.03 * len(images)
    assert disagreements(images, landmarks, masks, 17, "loop", variant=variant, threshold=threshold)[0] == 0
    if threshold >= 0.3:
        assert regions.flatten(1).any(1).float().mean() > 0.5
    manipulated = masks.sum((1, 2))
    hidden = (regions & masks).sum((1, 2))
    assert bool((hidden <= threshold * manipulated).all())


def test_the_same_regions_without_masks_and_in_steps(real_crops):
    images, _, sixty_eight, masks = real_crops
    # Without a constraint the first candidate that covers a pixel wins: always the same one.
    assert disagreements(images, sixty_eight, None, 3, variant="random")[0] == 0
    results = [
        batch_face_cutout(
            images,
            torch.from_numpy(sixty_eight),
            masks,
            variant="convex_hull",
            generator=torch.Generator().manual_seed(4),
            candidates_per_step=step,
            backend="tensor",
        )[1]
        for step in (1, 5, 100)
    ]
    assert all(torch.equal(results[0], other) for other in results[1:])


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
    _, regions = disagreements(images, landmarks, None, seed, variant=variant)
    assert disagreements(images, landmarks, None, seed, variant=variant)[0] == 0
    masks = torch.from_numpy(rng.random((batch, height, width)) < rng.random((batch, 1, 1)))
    _, regions = disagreements(images, landmarks, masks, seed, variant=variant, threshold=threshold)
    manipulated = masks.sum((1, 2))
    assert bool(((regions & masks).sum((1, 2)) <= threshold * manipulated).all())


@settings(max_examples=150, deadline=None)
@given(
    points=st.lists(
        st.tuples(st.floats(-20, 60, allow_nan=False), st.floats(-20, 60, allow_nan=False)),
        min_size=3,
        max_size=12,
    ),
    height=st.integers(1, 40),
    width=st.integers(1, 40),
)
def test_the_rasterisers_differ_only_on_outline_pixels(points, height, width):
    """They agree on every pixel whose centre lies farther than 1.5 px from the outline of the
    rounded polygon (cv2's outline stepping reaches up to ~1.3 px outside it)."""
    polygon = convex_hull(np.array(points, dtype=np.float64))
    region = rasterize(polygon, height, width)
    per_image = np.zeros((height, width), bool) if region is None else region.full_mask(height, width)
    vertices = hull_vertices(polygon)
    padded = np.concatenate([vertices, np.repeat(vertices[-1:], 3, axis=0)])
    batched = hull_masks(torch.from_numpy(padded)[None], torch.tensor([len(vertices)]), height, width)[0]
    contour = vertices.astype(np.float32).reshape(-1, 1, 2)
    for y, x in zip(*np.nonzero(per_image != batched.numpy()), strict=True):
        assert abs(cv2.pointPolygonTest(contour, (float(x), float(y)), True)) <= 1.5, (x, y)


def test_half_plane_rasterisation_of_simple_shapes():
    square = np.array([[2, 2], [6, 2], [6, 5], [2, 5]])
    masks = hull_masks(torch.from_numpy(hull_vertices(square))[None], torch.tensor([4]), 10, 10)
    assert masks[0].nonzero().tolist() == [[y, x] for y in range(2, 6) for x in range(2, 7)]
    assert np.array_equal(masks[0].numpy(), rasterize(square, 10, 10).full_mask(10, 10))
    point = hull_masks(torch.tensor([[[3, 4]]]), torch.tensor([1]), 10, 10)
    assert point[0].nonzero().tolist() == [[4, 3]]
    empty = hull_masks(torch.tensor([[[3, 4]]]), torch.tensor([0]), 10, 10)
    assert not empty.any()
