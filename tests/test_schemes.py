"""Every built-in landmark scheme on real and derived faces; registration; point-count errors and hints."""

from __future__ import annotations

import albumentations as A
import cv2
import numpy as np
import pytest
import torch
from scheme_faces import astronaut, astronaut_layouts

import facecutout
from facecutout import FaceCutout, InvalidInputError, LandmarkScheme, face_cutout, register_scheme
from facecutout.batched import batch_face_cutout
from facecutout.batched.candidates import draw_seeds
from facecutout.cutout import resolve_scheme
from facecutout.cutout.schemes import known_counts

BUILT_IN = {
    "mtcnn5": 5,
    "ibug68": 68,
    "dlib81": 81,
    "wflw98": 98,
    "insightface106": 106,
    "mediapipe468": 468,
    "mediapipe478": 478,
}
LAYOUTS = astronaut_layouts()
IMAGE = astronaut()
WITH_OUTLINE = [name for name in BUILT_IN if name != "mtcnn5"]


def eye_distance(sensory: np.ndarray) -> float:
    return float(np.linalg.norm(sensory[1] - sensory[0]))


def segments_cross(p1, p2, q1, q2) -> bool:
    """Whether two segments properly cross (share a point that is not an end of both)."""

    def side(a, b, c):
        return np.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))

    return side(p1, p2, q1) * side(p1, p2, q2) < 0 and side(q1, q2, p1) * side(q1, q2, p2) < 0


def is_simple_polygon(polygon: np.ndarray) -> bool:
    count = len(polygon)
    edges = [(polygon[i], polygon[(i + 1) % count]) for i in range(count)]
    for i in range(count):
        for j in range(i + 2, count):
            if i == 0 and j == count - 1:
                continue  # neighbours through the closing edge
            if segments_cross(*edges[i], *edges[j]):
                return False
    return True


@pytest.mark.parametrize(("name", "count"), BUILT_IN.items())
def test_each_scheme_is_chosen_by_its_point_count_and_by_name(name, count):
    assert count in known_counts()
    assert resolve_scheme(count).name == name
    assert resolve_scheme(count, name).num_points == count
    assert resolve_scheme(count).source


@pytest.mark.parametrize("name", BUILT_IN)
def test_sensory_points_land_on_the_detected_eyes_nose_and_mouth(name):
    """Against MTCNN's 5 points of the same face: independent detections for 68 and 468 / 478."""
    points = LAYOUTS[name]
    sensory = resolve_scheme(len(points), name).sensory_points(points)
    reference = LAYOUTS["mtcnn5"]
    errors = np.linalg.norm(sensory - reference, axis=1) / eye_distance(reference)
    assert errors.max() < 0.1, errors
    left_eye, right_eye, nose, left_mouth, right_mouth = sensory
    assert left_eye[0] < right_eye[0] and left_mouth[0] < right_mouth[0]
    assert max(left_eye[1], right_eye[1]) < nose[1] < min(left_mouth[1], right_mouth[1])


@pytest.mark.parametrize("name", WITH_OUTLINE)
def test_outline_is_a_closed_simple_polygon_around_the_face(name):
    points = LAYOUTS[name]
    scheme = resolve_scheme(len(points), name)
    outline = scheme.outline_points(points)
    assert is_simple_polygon(outline), "the outline order crosses itself"
    contour = outline.astype(np.float32).reshape(-1, 1, 2)
    for point in scheme.sensory_points(points):
        assert cv2.pointPolygonTest(contour, tuple(map(float, point)), measureDist=False) > 0
    # The outline spans the face: at least the 68-point jaw's width and its chin.
    jaw = LAYOUTS["ibug68"][:17]
    width = jaw[:, 0].max() - jaw[:, 0].min()
    assert outline[:, 0].max() - outline[:, 0].min() > 0.9 * width
    assert outline[:, 1].max() > jaw[8, 1] - 0.1 * width


def test_a_reordered_outline_is_caught():
    """The simple-polygon check fails on an outline with two indices swapped."""
    points = LAYOUTS["mediapipe468"]
    outline = list(resolve_scheme(468).outline)
    outline[3], outline[20] = outline[20], outline[3]
    assert not is_simple_polygon(points[outline])


@pytest.mark.parametrize("name", BUILT_IN)
@pytest.mark.parametrize("variant", ["sensory", "convex_hull"])
def test_face_cutout_cuts_inside_the_face_and_respects_the_threshold(name, variant):
    points = LAYOUTS[name]
    if variant == "convex_hull" and name == "mtcnn5":
        with pytest.raises(InvalidInputError, match="face outline"):
            face_cutout(IMAGE, points, variant=variant)
        return
    manipulated = np.zeros(IMAGE.shape[:2], bool)
    manipulated[100:170, 190:260] = True  # the inner face
    for seed in range(4):
        output, region = face_cutout(
            IMAGE, points, manipulated, variant=variant, threshold=0.3, seed=seed, return_region=True
        )
        assert region.any()
        assert (region & manipulated).sum() <= 0.3 * manipulated.sum()
        assert np.array_equal(output[~region], IMAGE[~region])
        rows, cols = np.nonzero(region)
        assert 40 <= rows.min() and rows.max() <= 240 and 140 <= cols.min() and cols.max() <= 320


@pytest.mark.parametrize("name", ["dlib81", "insightface106", "mediapipe478"])
def test_batched_cuts_agree_with_the_per_image_ones(name):
    points = LAYOUTS[name]
    images = torch.from_numpy(np.stack([IMAGE, IMAGE])).permute(0, 3, 1, 2).contiguous()
    landmarks = torch.from_numpy(np.stack([points, points]))
    generator_seed = 5
    _, regions = batch_face_cutout(
        images, landmarks, variant="convex_hull", generator=torch.Generator().manual_seed(generator_seed)
    )
    seeds = draw_seeds(2, torch.Generator().manual_seed(generator_seed), images.device)
    for seed, batched in zip(seeds, regions.numpy(), strict=True):
        _, region = face_cutout(IMAGE, points, variant="convex_hull", seed=seed, return_region=True)
        assert (batched & region).sum() / (batched | region).sum() > 0.95


def test_registered_scheme_is_used_by_count_or_by_name():
    custom = LandmarkScheme(
        "three_plus_two",
        7,
        sensory=((0,), (1,), (2,), (3,), (4,)),
        outline=(0, 5, 6),
        source="a test layout",
    )
    register_scheme(custom, default_for_count=False)
    points = np.array([[20, 20], [40, 20], [30, 30], [22, 40], [38, 40], [60, 60], [0, 60]], float)
    with pytest.raises(InvalidInputError, match="no landmark scheme has 7 points"):
        face_cutout(np.zeros((64, 64, 3), np.uint8), points)
    _, region = face_cutout(
        np.zeros((64, 64, 3), np.uint8), points, variant="convex_hull", scheme="three_plus_two",
        seed=0, return_region=True,
    )  # fmt: skip
    assert region.any()


def _compose(remove_invisible: bool, scheme: str | None = None) -> A.Compose:
    return A.Compose(
        [FaceCutout(p=1.0, scheme=scheme)],
        keypoint_params=A.KeypointParams(format="xy", remove_invisible=remove_invisible),
    )


def test_points_dropped_by_a_compose_get_the_remove_invisible_hint():
    kept = LAYOUTS["dlib81"][:75]  # 6 points gone, as a rotation pushing them out would leave
    with pytest.raises(InvalidInputError, match=r"81 \(dlib81\).*remove_invisible=False"):
        _compose(True)(image=IMAGE, keypoints=kept)
    with pytest.raises(InvalidInputError, match=r"the dlib81 scheme has 81 points, got 75.*remove_invisible"):
        _compose(True, scheme="dlib81")(image=IMAGE, keypoints=kept)


def test_counts_no_pipeline_could_leave_get_no_remove_invisible_hint():
    too_many = np.random.default_rng(0).uniform(0, 500, (500, 2))
    with pytest.raises(InvalidInputError) as error:
        _compose(False)(image=IMAGE, keypoints=too_many)
    assert "no landmark scheme has 500 points" in str(error.value)
    assert "remove_invisible" not in str(error.value)
    with pytest.raises(InvalidInputError) as error:
        _compose(False, scheme="mtcnn5")(image=IMAGE, keypoints=LAYOUTS["ibug68"])
    assert "has 5 points, got 68" in str(error.value) and "remove_invisible" not in str(error.value)


def test_the_public_api_names_every_scheme_count():
    with pytest.raises(InvalidInputError, match="N = 5 or 68 or 81 or 98 or 106 or 468 or 478"):
        _compose(False)(image=IMAGE)
    assert facecutout.register_scheme is register_scheme
