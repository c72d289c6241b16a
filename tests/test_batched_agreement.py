"""The batched Face-Cutout against the per-image one: same candidates, same hulls, same choices.

Tolerance: the per-image version rasterises with cv2.fillConvexPoly, which fills the polygon and
draws its outline with integer line stepping, so it takes pixels whose centres lie up to ~1.3 px
outside the exact (rounded-vertex) polygon. The batched version tests pixel centres against the
polygon's edges moved out by half a pixel along their major axis. Both agree inside the polygon and
differ only on outline pixels where the line stepping rounds the other way: every differing pixel
touches (8-neighbourhood) pixels of both regions, i.e. lies on their common 1-pixel border.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch

from facecutout import binarize_diff
from facecutout.batched.candidates import Candidates, _halves, cut_lines, outline_hulls, sensory_candidates
from facecutout.batched.geometry import hull_lines
from facecutout.batched.raster import FEW_EDGES, RowSpans, grouped_row_spans, row_spans, span_pixels
from facecutout.batched.selection import select_spans
from facecutout.cutout.regions import (
    BAND_DIVISORS,
    SENSORY_FEATURES,
    band_polygon,
    clip_half_plane,
    convex_hull,
    rasterize_convex,
)
from facecutout.cutout.selection import first_admissible
from facecutout.fileio import read_grey

SIZE = 128
BATCH = 24
NEIGHBOURS = np.ones((3, 3), np.uint8)


@pytest.fixture(scope="module")
def crops(fake_samples):
    """Every real fake crop's 5 landmarks and manipulated region, resized to SIZE x SIZE.

    A diff has its crop's size, so the crop itself need not be read.
    """
    landmarks, masks = [], []
    for sample in fake_samples:
        diff = read_grey(sample.diff_path)
        scale = np.array([SIZE / diff.shape[1], SIZE / diff.shape[0]])
        masks.append(binarize_diff(cv2.resize(diff, (SIZE, SIZE), interpolation=cv2.INTER_AREA)))
        landmarks.append(np.load(sample.landmarks_path).astype(np.float64) * scale)
    return np.clip(np.stack(landmarks), 0, SIZE - 1), np.stack(masks)


def candidate_masks(candidates: Candidates, height: int, width: int) -> np.ndarray:
    """(B, K, H, W) bool: every candidate of every image rasterised by the batched code."""
    batch, count = candidates.points.shape[:2]
    image = torch.arange(batch).repeat_interleave(count)
    rank = torch.arange(count).repeat(batch)
    spans = grouped_row_spans(*candidates.lines(image, rank, height, width))
    masks = torch.zeros((batch * count, height, width), dtype=torch.bool)
    masks.view(-1)[span_pixels(spans, height, width)] = True
    return masks.view(batch, count, height, width).numpy()


def spans_by_candidate(spans: RowSpans, count: int) -> list[set[tuple[int, int, int]]]:
    """The non-empty (row, left, right) of each of ``count`` candidates."""
    rows: list[set[tuple[int, int, int]]] = [set() for _ in range(count)]
    for owner, row, left, right in zip(*(part.tolist() for part in spans), strict=True):
        if right >= left:
            rows[owner].add((row, left, right))
    return rows


def per_image_mask(polygon: np.ndarray, height: int, width: int) -> np.ndarray:
    region = rasterize_convex(polygon, height, width)
    return np.zeros((height, width), bool) if region is None else region.full_mask(height, width)


def feature_segment(points: np.ndarray, feature: str) -> tuple[np.ndarray, np.ndarray, float]:
    """Start, end and width w of a feature's band on 5 points, as in the per-image regions."""
    eye_distance = float(np.linalg.norm(points[1] - points[0]))
    return {
        "eyes": (points[0], points[1], eye_distance),
        "nose": ((points[0] + points[1]) / 2, points[2], eye_distance),
        "mouth": (points[3], points[4], float(np.linalg.norm(points[4] - points[3]))),
    }[feature]


def per_image_bands(points: np.ndarray, order: list[int]) -> list[np.ndarray]:
    """The per-image band polygons of the features in ``order``, thickest first."""
    return [
        band_polygon(start, end, scale / divisor)
        for start, end, scale in (feature_segment(points, SENSORY_FEATURES[feature]) for feature in order)
        for divisor in BAND_DIVISORS
    ]


def border_only(reference: np.ndarray, batched: np.ndarray) -> bool:
    """Every pixel where the masks differ touches pixels of both masks (their common border)."""
    differ = reference ^ batched
    near_reference = cv2.dilate(reference.view(np.uint8), NEIGHBOURS).view(bool)
    near_batched = cv2.dilate(batched.view(np.uint8), NEIGHBOURS).view(bool)
    return not (differ & ~(near_reference & near_batched)).any()


@pytest.mark.parametrize(
    ("offset", "dtype"),
    [(0, torch.float64), (2**14, torch.float64), (2**14, torch.float32)],
    ids=["int32", "float64", "int64"],  # the arithmetic hull_lines picks
)
def test_hull_lines_match_opencv_hulls(offset, dtype):
    """Hulls of small integer point sets, moved by ``offset`` (OpenCV sees them unmoved)."""
    rng = np.random.default_rng(7)
    sets, present = np.zeros((300, 14, 2)), np.zeros((300, 14), bool)
    for index in range(300):
        count = int(rng.integers(1, 15))
        points = rng.integers(0, 12 if index % 2 else 60, (count, 2)).astype(float)
        if index % 5 == 0:
            points[:, 1] = 3  # all collinear
        sets[index, :count], present[index, :count] = points, True
    lines, corners = hull_lines(torch.tensor(sets + offset, dtype=dtype), torch.tensor(present))
    for index in range(300):
        points = sets[index][present[index]]
        hull = cv2.convexHull(points.astype(np.float32))[:, 0]
        queries = np.vstack([rng.uniform(-2, 62, (300, 2)), rng.integers(-2, 62, (300, 2))])
        box = (queries >= points.min(0)).all(1) & (queries <= points.max(0)).all(1)
        values = (queries + offset) @ lines[index, :, :2].double().numpy().T + lines[
            index, :, 2
        ].double().numpy()
        inside = (values >= 0).all(1) & box
        if len(hull) >= 3:
            expected = [cv2.pointPolygonTest(hull, (float(x), float(y)), True) >= -1e-9 for x, y in queries]
            assert int(corners[index].sum()) == len(hull)
        else:  # a segment or a point: the box and the segment's line
            start, end = hull[0].astype(float), hull[-1].astype(float)
            along = end - start
            cross = along[0] * (queries[:, 1] - start[1]) - along[1] * (queries[:, 0] - start[0])
            expected = (np.abs(cross) < 1e-9) & box
        assert np.array_equal(inside, np.asarray(expected)), f"point set {index}: {points.tolist()}"
        assert int((lines[index] != 0).any(-1).sum()) == int(corners[index].sum())  # corner edges only


def test_sensory_bands_match_the_per_image_bands_on_real_crops(crops):
    landmarks, _ = crops
    order = torch.tensor([[0, 1, 2], [2, 0, 1], [1, 2, 0]]).repeat(len(landmarks) // 3 + 1, 1)[
        : len(landmarks)
    ]
    masks = candidate_masks(sensory_candidates(torch.tensor(landmarks), order, SENSORY_FEATURES), SIZE, SIZE)
    differing = union = 0
    for index, points in enumerate(landmarks):
        polygons = per_image_bands(points, order[index].tolist())
        for rank, polygon in enumerate(polygons):
            reference = per_image_mask(polygon, SIZE, SIZE)
            assert border_only(reference, masks[index, rank]), f"crop {index}, candidate {rank}"
            differing += int((reference ^ masks[index, rank]).sum())
            union += int((reference | masks[index, rank]).sum())
    assert differing <= 0.005 * union  # 0.08 % on the shared crops


def test_hull_candidates_match_the_per_image_hulls():
    rng = np.random.default_rng(3)
    outlines = rng.uniform(5, 90, (40, 27, 2))
    sizes = rng.integers(3, 14, 40)
    present = np.arange(13) < sizes[:, None]
    subsets = np.stack([outline[rng.permutation(27)[:13]] for outline in outlines])
    subset_masks = candidate_masks(
        Candidates.hulls(torch.tensor(subsets)[:, None], torch.tensor(present)[:, None]), 96, 96
    )
    halves = _halves(torch.tensor(outlines), torch.Generator().manual_seed(7))
    half_masks = candidate_masks(halves, 96, 96)
    _, centroids = outline_hulls(torch.tensor(outlines))
    for index in range(40):
        hull_reference = per_image_mask(convex_hull(subsets[index][present[index]]), 96, 96)
        assert border_only(hull_reference, subset_masks[index, 0]), f"subset hull {index}"
        hull = convex_hull(outlines[index])
        cuts = cut_lines(
            halves.cut[index], centroids[index].expand(2, -1)
        ).numpy()  # the two sides of one line
        assert np.allclose(cuts[0], -cuts[1])
        assert (
            abs(cuts[0, :2] @ hull.mean(axis=0) + cuts[0, 2]) < 1e-4
        )  # through the per-image centroid (float32)
        for rank in range(2):
            half = clip_half_plane(hull, hull.mean(axis=0), cuts[rank, :2])
            assert border_only(per_image_mask(half, 96, 96), half_masks[index, rank]), f"half {index}, {rank}"


@pytest.mark.parametrize("threshold", [0.15, 0.2, 0.3])
def test_sensory_choice_agrees_with_the_per_image_choice(crops, threshold):
    """Same bands in the same order and the same manipulated region: the same thickness and feature.

    They can differ only where a band's overlap with M lies within a few border pixels of
    threshold * |M|, since the two rasterisations differ on border pixels.
    """
    landmarks, masks = crops
    rng = np.random.default_rng(0)
    order = torch.tensor(np.stack([rng.permutation(3) for _ in landmarks]))
    candidates = sensory_candidates(torch.tensor(landmarks), order, SENSORY_FEATURES)
    enabled = torch.ones(len(landmarks), dtype=torch.bool)
    _, chosen = select_spans(candidates, torch.tensor(masks), threshold, enabled, SIZE, SIZE, 1)
    agree = deeper = 0
    for index, points in enumerate(landmarks):
        polygons = per_image_bands(points, order[index].tolist())
        region = first_admissible(iter(polygons), masks[index], threshold, SIZE, SIZE)
        expected = -1
        if region is not None:
            expected = next(
                rank
                for rank, polygon in enumerate(polygons)
                if np.array_equal(np.rint(polygon), region.polygon)
            )
        agree += int(chosen[index]) == expected
        deeper += expected > 0
    # On the 287 shared crops 99-100 % agree and 30-100 % of the choices go past the first band.
    assert deeper >= 0.3 * len(landmarks)
    assert agree >= 0.95 * len(landmarks), f"{agree} of {len(landmarks)} choices agree"


def test_grouped_row_spans_equal_the_plain_row_spans():
    """Splitting small hulls from big ones (speed) gives the same spans as one evaluation."""
    rng = np.random.default_rng(11)
    sizes = rng.integers(1, 28, 60)
    points = rng.uniform(-5, 70, (60, 1, 27, 2))
    angles = rng.uniform(0, 2 * np.pi, (30, 27))
    points[:30, 0] = 32 + 25 * np.stack([np.cos(angles), np.sin(angles)], -1)  # many hull corners
    present = torch.tensor(np.arange(27) < sizes[:, None])[:, None]
    candidates = Candidates.hulls(torch.tensor(points), present)
    lines, counts, boxes = candidates.lines(torch.arange(60), torch.zeros(60, dtype=torch.int64), 64, 64)
    assert bool((counts > FEW_EDGES).any()) and bool((counts <= FEW_EDGES).any())
    plain = spans_by_candidate(row_spans(lines, boxes), 60)
    grouped = spans_by_candidate(grouped_row_spans(lines, counts, boxes), 60)
    assert plain == grouped
    assert sum(bool(rows) for rows in plain) >= 50


@pytest.mark.parametrize("feature", SENSORY_FEATURES)
def test_a_single_feature_without_mask_cuts_its_thickest_band(crops, feature):
    from facecutout.batched import batch_face_cutout

    landmarks = crops[0][:24]
    images = torch.zeros((len(landmarks), 3, SIZE, SIZE), dtype=torch.uint8)
    _, regions = batch_face_cutout(images, torch.tensor(landmarks), variant="sensory", features=[feature])
    for index, points in enumerate(landmarks):
        start, end, scale = feature_segment(points, feature)
        reference = per_image_mask(band_polygon(start, end, scale / BAND_DIVISORS[0]), SIZE, SIZE)
        assert border_only(reference, regions[index].numpy()), f"crop {index}"


def test_row_spans_of_a_nearly_horizontal_line_stay_in_the_box():
    """Bounds far beyond the int64 range (a ~ 1e-300) are clamped to the box, not wrapped."""
    lines = torch.tensor([[[6e-300, 1.0, -10.0]], [[1.0, 0.0, -3.0]]], dtype=torch.float64)
    first, second = spans_by_candidate(row_spans(lines, torch.tensor([[0, 0, 19, 19], [0, 0, 19, 19]])), 2)
    assert first == {(row, 0, 19) for row in range(10, 20)}
    assert second == {(row, 3, 19) for row in range(20)}


@pytest.mark.parametrize("backend", ["compiled", "tensor"])
@pytest.mark.parametrize(
    ("variant", "threshold"), [("sensory", 0.05), ("convex_hull", 0.2), ("random", 0.05)]
)
def test_the_region_is_each_images_first_admissible_candidate(variant, threshold, backend):
    """End to end (steps, groups, spans): the cut is the first candidate, in the image's order,
    that is non-empty and hides at most threshold * |M|; all candidates rasterised one by one."""
    from facecutout.batched import batch_face_cutout
    from facecutout.batched.candidates import variant_candidates
    from facecutout.batched.validation import check_landmarks
    from facecutout.cutout.regions import HULL_STRATEGIES

    rng = np.random.default_rng(21)
    images = torch.zeros((BATCH, 3, 48, 48), dtype=torch.uint8)
    landmarks = torch.tensor(rng.uniform(-5, 53, (BATCH, 68, 2)))
    masks = torch.tensor(rng.random((BATCH, 48, 48)) < rng.uniform(0, 0.6, (BATCH, 1, 1)))
    masks[0] = False
    _, regions = batch_face_cutout(
        images,
        landmarks,
        masks,
        variant=variant,
        threshold=threshold,
        generator=torch.Generator().manual_seed(4),
        backend=backend,
    )
    # The candidates are the first draws of the call: the same seed gives the same candidates.
    points = check_landmarks(landmarks, images)
    generator = torch.Generator().manual_seed(4)
    candidates = variant_candidates(points, variant, generator, SENSORY_FEATURES, HULL_STRATEGIES)
    every = candidate_masks(candidates, 48, 48)
    ranks = []
    for index in range(BATCH):
        manipulated = masks[index].numpy()
        total = int(manipulated.sum())
        chosen = next(
            (
                rank
                for rank, candidate in enumerate(every[index])
                if candidate.any() and (not total or (candidate & manipulated).sum() <= threshold * total)
            ),
            -1,
        )
        expected = every[index][chosen] if chosen >= 0 else np.zeros((48, 48), bool)
        ranks.append(chosen)
        assert np.array_equal(regions[index].numpy(), expected), f"image {index}"
    assert len({rank for rank in ranks if rank > 0}) >= 4  # choices spread over several steps
