"""Bad input gets a clear InvalidInputError naming the argument; odd-but-valid input works."""

from __future__ import annotations

import albumentations as A
import numpy as np
import pytest
from face_shapes import face_5, face_68

import facecutout
from facecutout.errors import FaceCutoutError, InvalidInputError

IMAGE = np.full((64, 64, 3), 100, np.uint8)
LANDMARKS = face_5(32, 32, 40)


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"image": [[1, 2], [3, 4]]}, "image"),
        ({"image": np.zeros((4, 4, 4, 3), np.uint8)}, "image"),
        ({"image": np.zeros((8, 8, 2), np.uint8)}, "channels"),
        ({"image": np.zeros((8, 8, 4), np.uint8)}, "RGBA"),
        ({"image": np.zeros((8, 8, 3), np.float64)}, "dtype"),
        ({"image": np.zeros((8, 8, 3), np.int16)}, "dtype"),
        ({"image": np.zeros((0, 8, 3), np.uint8)}, "empty"),
        ({"landmarks": np.zeros((3, 2))}, "landmarks"),
        ({"landmarks": np.zeros((5, 3))}, r"\(x, y, z\) points .* points\[:, :2\]"),
        ({"landmarks": np.zeros((5, 4))}, r"shape \(N, 2\), got shape \(5, 4\)$"),
        ({"landmarks": np.zeros(10)}, "landmarks"),
        ({"landmarks": "eyes"}, "landmarks"),
        ({"landmarks": np.where(np.arange(10).reshape(5, 2) == 3, np.nan, 10.0)}, "NaN"),
        ({"landmarks": np.full((5, 2), np.inf)}, "infinite"),
        ({"diff": np.zeros((32, 64), np.uint8)}, "diff has size"),
        ({"diff": np.zeros((64, 64, 3), np.uint8)}, "diff"),
        ({"diff": np.full((64, 64), 2.0, np.float32)}, "float mask must lie in"),
        ({"diff": np.full((64, 64), np.nan, np.float32)}, "float mask must lie in"),
        ({"diff": np.zeros((64, 64), np.int64)}, "got dtype int64"),
        ({"diff": np.zeros((64, 64), np.uint16)}, "got dtype uint16"),
        ({"diff": [[0]]}, "diff"),
        ({"threshold": -0.1}, "threshold"),
        ({"threshold": 1.5}, "threshold"),
        ({"threshold": "high"}, "threshold"),
        ({"variant": "eyes"}, "variant"),
        ({"variant": "convex_hull"}, "needs landmarks with a face outline"),
        ({"landmarks": np.zeros((5, 2)), "scheme": "ibug68"}, "has 68 points, got 5"),
        ({"scheme": "wflw"}, "unknown landmark scheme"),
        ({"fill": "blur"}, "fill"),
        ({"fill": 300}, "fill"),
        ({"fill": (1, 2)}, "fill"),
        ({"fill": float("nan")}, "fill"),
        ({"seed": "abc"}, "seed"),
        ({"features": ("ears",)}, "features"),
        ({"strategies": ()}, "strategies"),
        ({"diff_level": 300, "diff": np.zeros((64, 64), np.uint8)}, "level"),
    ],
)
def test_bad_input_raises_a_named_error(kwargs, named):
    arguments = {"image": IMAGE, "landmarks": LANDMARKS, **kwargs}
    image, landmarks = arguments.pop("image"), arguments.pop("landmarks")
    with pytest.raises(InvalidInputError, match=named):
        facecutout.face_cutout(image, landmarks, **arguments)


def test_errors_are_one_family_and_value_errors():
    assert issubclass(InvalidInputError, FaceCutoutError) and issubclass(FaceCutoutError, ValueError)


@pytest.mark.parametrize("shape", [(64, 64), (64, 64, 1)])
def test_grey_images_work(shape):
    image = np.full(shape, 90, np.uint8)
    output, region = facecutout.face_cutout(image, LANDMARKS, fill=7, seed=0, return_region=True)
    assert output.shape == shape and region.any()
    assert (output[region] == 7).all()


def test_landmarks_partly_outside_are_clipped_not_rejected():
    landmarks = face_68(5, 60, 70)  # half the face left of and below the image
    assert (landmarks[:, 0] < 0).any() and (landmarks[:, 1] > 63).any()
    image = np.full((64, 64, 3), 90, np.uint8)
    for seed in range(10):
        output, region = facecutout.face_cutout(image, landmarks, seed=seed, return_region=True)
        assert output.shape == image.shape and np.array_equal(output[~region], image[~region])


def test_inputs_are_not_modified():
    image, landmarks = IMAGE.copy(), face_68(32, 32, 50)
    landmarks_before = landmarks.copy()
    diff = np.zeros((64, 64), np.uint8)
    facecutout.face_cutout(image, landmarks, diff, fill="random", seed=1)
    assert np.array_equal(image, IMAGE) and np.array_equal(landmarks, landmarks_before) and not diff.any()


def test_int_and_generator_seeds_are_reproducible():
    first = facecutout.face_cutout(IMAGE, face_68(32, 32, 50), seed=np.random.default_rng(5), fill="random")
    second = facecutout.face_cutout(IMAGE, face_68(32, 32, 50), seed=np.random.default_rng(5), fill="random")
    assert np.array_equal(first, second)


def test_float_images_take_float_fills():
    image = np.full((64, 64, 3), 0.5, np.float32)
    output, region = facecutout.face_cutout(
        image, LANDMARKS, fill=(0.1, 0.2, 0.3), seed=0, return_region=True
    )
    assert output.dtype == np.float32 and np.allclose(output[region], [0.1, 0.2, 0.3])


def test_inpaint_fill_changes_only_the_region():
    image = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    output, region = facecutout.face_cutout(
        image, LANDMARKS, fill="inpaint_telea", seed=0, return_region=True
    )
    assert region.any() and np.array_equal(output[~region], image[~region])
    with pytest.raises(InvalidInputError, match="uint8"):
        facecutout.face_cutout(image.astype(np.float32) / 255, LANDMARKS, fill="inpaint_ns")


def test_binarize_diff_rule():
    diff = np.array([[0, 39, 40, 255]], np.uint8)
    assert facecutout.binarize_diff(diff).tolist() == [[False, False, True, True]]
    assert facecutout.binarize_diff(diff, level=0).all()
    speck = np.zeros((20, 20), np.uint8)
    speck[10, 10] = 200
    speck[2:9, 2:9] = 200
    cleaned = facecutout.binarize_diff(speck, open_radius=1)
    assert not cleaned[10, 10] and cleaned[5, 5]
    mask = np.eye(4, dtype=bool)
    assert facecutout.binarize_diff(mask) is mask


class TestTransform:
    def compose(self, **kwargs):
        return A.Compose(
            [facecutout.FaceCutout(**kwargs)],
            keypoint_params=A.KeypointParams(format="xy", remove_invisible=False),
            seed=3,
        )

    def test_targets_other_than_the_image_are_unchanged(self):
        diff = np.zeros((64, 64), np.uint8)
        diff[20:40, 20:40] = 255
        result = self.compose(p=1.0)(image=IMAGE, keypoints=LANDMARKS, mask=diff)
        assert np.array_equal(result["mask"], diff)
        assert np.allclose(result["keypoints"], LANDMARKS)
        assert not np.array_equal(result["image"], IMAGE)

    def test_p_zero_leaves_the_image(self):
        result = self.compose(p=0.0)(image=IMAGE, keypoints=LANDMARKS)
        assert np.array_equal(result["image"], IMAGE)

    def test_same_seed_same_output(self):
        first = self.compose(p=1.0, fill="random")(image=IMAGE, keypoints=face_68(32, 32, 50))["image"]
        second = self.compose(p=1.0, fill="random")(image=IMAGE, keypoints=face_68(32, 32, 50))["image"]
        assert np.array_equal(first, second)

    def test_missing_landmarks_is_a_clear_error(self):
        with pytest.raises(InvalidInputError, match="keypoints"):
            self.compose(p=1.0)(image=IMAGE, keypoints=np.zeros((0, 2)))

    def test_dropped_keypoints_name_the_fix(self):
        with pytest.raises(InvalidInputError, match="remove_invisible=False"):
            self.compose(p=1.0)(image=IMAGE, keypoints=LANDMARKS[:4])

    @pytest.mark.parametrize(
        ("kwargs", "named"),
        [({"variant": "x"}, "variant"), ({"threshold": 2}, "threshold"), ({"fill": "x"}, "fill")],
    )
    def test_bad_parameters_fail_at_construction(self, kwargs, named):
        with pytest.raises(InvalidInputError, match=named):
            facecutout.FaceCutout(**kwargs)

    def test_serialisation_round_trip(self):
        transform = facecutout.FaceCutout(variant="sensory", threshold=0.2, fill=(1, 2, 3), p=0.7)
        restored = A.from_dict(transform.to_dict())
        assert isinstance(restored, facecutout.FaceCutout)
        assert (restored.variant, restored.threshold, restored.fill, restored.p) == (
            "sensory",
            0.2,
            (1, 2, 3),
            0.7,
        )


def test_negative_zero_coordinates_are_a_point_like_any_other():
    """cv2.convexHull returns no hull for points that mix -0.0 and 0.0 (as a clipped band corner can)."""
    from facecutout.cutout.geometry import convex_hull

    hull = convex_hull(np.array([[0.0, -0.0], [0.0, 0.0], [0.0, 0.0]]))
    assert hull.tolist() == [[0.0, 0.0]]
