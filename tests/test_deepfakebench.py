"""DeepfakeBench as a client: its preprocessed tree converted in place and trained on, and FaceCutout
inside DeepfakeBench's own ``data_aug`` transforms with 81 landmarks and float masks."""

from __future__ import annotations

import json
import math
from pathlib import Path

import albumentations as A
import cv2
import numpy as np
import pandas as pd
import pytest
from deepfakebench_tree import build_tree

from facecutout import FaceCutout, InvalidInputError, binarize_diff
from facecutout.cli import main
from facecutout.data.augment import CutoutSettings, TrainTransform
from facecutout.data.dataset import FaceCropDataset
from facecutout.data.diffs import load_diff
from facecutout.data.table import load_samples
from facecutout.fileio import read_rgb
from facecutout.sources.deepfakebench import label_of, people_of, read_deepfakebench

MODEL = "mobilenetv3_small_050"
RESOLUTION = 256  # DeepfakeBench's config 'resolution'


@pytest.fixture(scope="module")
def converted(samples_dir, tmp_path_factory) -> tuple[Path, Path, int]:
    root = tmp_path_factory.mktemp("deepfakebench")
    json_path = build_tree(samples_dir, root / "datasets")
    out = root / "csvs"
    code = main(
        ["from-deepfakebench", str(json_path), "--out", str(out), "--base", str(root / "datasets")]
        + ["--folds", "2", "--holdout-test"]
    )
    return root / "datasets", out, code


def table(out: Path, dataset: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{dataset}.csv", dtype={"video": str, "original": str}, keep_default_na=False)


def test_one_csv_per_dataset_pointing_at_the_tree_in_place(converted):
    tree, out, code = converted
    assert code == 0
    assert sorted(path.name for path in out.iterdir()) == [
        "Celeb-DF-v2.csv",
        "Celeb-DF-v2_report.json",
        "FaceForensics++.csv",
        "FaceForensics++_report.json",
    ]
    ff = table(out, "FaceForensics++")
    assert len(ff) == 8 * 4 and set(ff["file"]) == {"000.png", "001.png", "002.png", "003.png"}
    for column in ("image_path", "landmarks_path"):
        assert all(Path(path).is_file() and Path(path).is_relative_to(tree.resolve()) for path in ff[column])
    assert all(path.endswith(f"/frames/{video.split('_', 1)[1]}/{file}") for path, video, file in
               zip(ff["image_path"], ff["video"], ff["file"], strict=True))  # fmt: skip
    with_mask = ff[ff["mask_path"] != ""]
    assert set(with_mask["video"]) == {"FF-DF_000_003", "FF-DF_001_870", "FF-DF_002_006"}
    assert all("/Deepfakes/c23/masks/" in path for path in with_mask["mask_path"])
    assert (ff[ff["label"] == 0]["mask_path"] == "").all()
    celeb = table(out, "Celeb-DF-v2")  # relative frame paths, resolved from --base
    assert len(celeb) == 3 * 4 and all(Path(path).is_file() for path in celeb["image_path"])


def test_folds_keep_identities_together_and_hold_out_the_test_split(converted):
    _, out, _ = converted
    ff = table(out, "FaceForensics++")
    fold = ff.groupby("video")["fold"].unique().map(lambda values: int(values[0]))
    linked = ["FF-real_000", "FF-real_003", "FF-DF_000_003", "FF-DF_003_000"]  # A_B with A and B
    assert len({fold[video] for video in linked}) == 1 and fold[linked[0]] >= 0
    assert ff[ff["video"].isin(linked)]["identity"].nunique() == 1
    assert ff["identity"].nunique() == 3  # {000, 003}, {001, 870}, {002, 006}
    assert fold["FF-DF_002_006"] == fold["FF-real_002"] == -1  # the test pair, held out
    assert fold["FF-DF_001_870"] == fold["FF-real_001"] >= 0
    assert (ff[ff["video"] == "FF-DF_000_003"]["original"] == "FF-real_000").all()
    celeb = table(out, "Celeb-DF-v2")
    fold = celeb.groupby("video")["fold"].first()
    assert fold["CelebDFv2_fake_id0_id1_0007"] == fold["CelebDFv2_real_id0_0007"] >= 0
    assert fold["CelebDFv2_real_00001"] == -1  # Celeb-DF's train lists every video; test the test ones
    for dataset in ("FaceForensics++", "Celeb-DF-v2"):
        assert main(["check-leakage", str(out / f"{dataset}.csv")]) == 0


def test_rows_read_as_samples_with_81_landmarks_and_exact_masks(converted):
    _, out, _ = converted
    samples, report = load_samples(out, ["FaceForensics++.csv"])
    assert report.kept == 32 and report.without_landmarks == 0
    assert report.exact_masks == 12 and report.fakes_without_diff == 4
    for sample in samples:
        assert np.load(sample.landmarks).shape == (81, 2)
        if sample.exact_mask is not None:
            diff = load_diff(sample, read_rgb(sample.image))
            assert set(np.unique(diff)) <= {0, 255} and diff.any()
        assert sample.diff is None and sample.original_image is None  # never a diff from another crop


def test_face_cutout_cuts_the_81_point_faces_within_the_threshold(converted):
    _, out, _ = converted
    samples, _ = load_samples(out, ["FaceForensics++.csv"])
    transform = TrainTransform(96, CutoutSettings(p=1.0, threshold=0.3))
    dataset = FaceCropDataset(samples, 96, transform, with_masks=True)
    cut = 0
    for index in range(len(dataset)):
        item = dataset[(index, 0)]  # seeded as an epoch of seed 0
        region, manipulated = item["region"].numpy(), item["manipulated"].numpy()
        cut += bool(region.any())
        if manipulated.any():
            # The rule holds in the crop as read, where the cut is chosen; resizing and the affine
            # transform resample both masks, which moves their overlap by a few pixels.
            assert item["cut_hidden_share"] <= 0.3
            assert (region & manipulated).sum() <= 0.33 * manipulated.sum()
        if samples[index].label == 1 and samples[index].exact_mask is None:
            assert not region.any()  # a fake without its region is never cut
    assert cut >= 20


def test_facecutout_trains_on_the_converted_csv(converted, tmp_path):
    _, out, _ = converted
    run = tmp_path / "run"
    code = main(
        ["train", "--data", str(out), "--csv", "FaceForensics++.csv", "--model", MODEL]
        + ["--image-size", "64", "--epochs", "1", "--batch-size", "4", "--val-fold", "1"]
        + ["--workers", "0", "--out", str(run), "--no-pretrained", "data.augmentation_p=1.0"]
        + ["trainer.limit_train_batches=2", "trainer.progress_bar=false", "trainer.num_sanity_val_steps=0"]
    )
    assert code == 0 and (run / "best.ckpt").is_file()
    history = json.loads((run / "history.json").read_text())
    assert len(history) == 1 and math.isfinite(history[0]["train_loss"])


def deepfakebench_data_aug(remove_invisible: bool | None) -> A.Compose:
    """DeepfakeBench's ``init_data_aug_method`` with its detector configs' values, FaceCutout last.

    As DeepfakeBench builds it with landmarks (its IsotropicResize OneOf has p=0 then); albumentations
    2 spells ImageCompression's quality_lower / quality_upper as quality_range. ``remove_invisible``
    None keeps DeepfakeBench's ``KeypointParams(format='xy')`` as it is.
    """
    keypoints = (
        A.KeypointParams(format="xy")
        if remove_invisible is None
        else A.KeypointParams(format="xy", remove_invisible=remove_invisible)
    )
    return A.Compose(
        [
            A.HorizontalFlip(p=0.5),
            A.Rotate(limit=(-10, 10), p=0.5),
            A.GaussianBlur(blur_limit=(3, 7), p=0.5),
            A.OneOf(
                [
                    A.RandomBrightnessContrast(brightness_limit=(-0.1, 0.1), contrast_limit=(-0.1, 0.1)),
                    A.FancyPCA(),
                    A.HueSaturationValue(),
                ],
                p=0.5,
            ),
            A.ImageCompression(quality_range=(40, 100), p=0.5),
            FaceCutout(threshold=0.3, p=1.0),
        ],
        keypoint_params=keypoints,
    )


def deepfakebench_inputs(sample) -> dict:
    """image, keypoints and mask as DeepfakeBench's load_rgb / load_landmark / load_mask give them."""
    image = read_rgb(sample.image)
    height, width = image.shape[:2]
    image = cv2.resize(image, (RESOLUTION, RESOLUTION), interpolation=cv2.INTER_CUBIC)
    landmarks = np.load(sample.landmarks) * [RESOLUTION / width, RESOLUTION / height]  # frames are 256 there
    inputs = {"image": image, "keypoints": landmarks}
    if sample.exact_mask is not None:
        mask = cv2.resize(cv2.imread(str(sample.exact_mask), 0), (RESOLUTION, RESOLUTION)) / 255
        mask = np.float32(mask)
        if mask.max() > 0:
            inputs["mask"] = mask
    return inputs


def tight_inputs(sample) -> dict:
    """DeepfakeBench's inputs cut to the landmarks' box: the outline touches the frame's edges, as
    the forehead and jaw points come close to them in DeepfakeBench's aligned crops."""
    inputs = deepfakebench_inputs(sample)
    points = inputs["keypoints"]
    x1, y1 = np.maximum(np.floor(points.min(0)), 0).astype(int)
    x2, y2 = np.minimum(np.ceil(points.max(0)) + 1, RESOLUTION).astype(int)
    scale = [RESOLUTION / (x2 - x1), RESOLUTION / (y2 - y1)]
    image = cv2.resize(inputs["image"][y1:y2, x1:x2], (RESOLUTION, RESOLUTION), interpolation=cv2.INTER_CUBIC)
    tight = {"image": image, "keypoints": (points - [x1, y1]) * scale}
    if "mask" in inputs:
        tight["mask"] = cv2.resize(inputs["mask"][y1:y2, x1:x2], (RESOLUTION, RESOLUTION))
    return tight


def test_facecutout_in_deepfakebench_data_aug_with_81_points_and_float_masks(converted):
    _, out, _ = converted
    samples, _ = load_samples(out, ["FaceForensics++.csv"])
    transform = deepfakebench_data_aug(remove_invisible=False)
    cutout = transform.transforms[-1]
    transform.set_random_seed(0)
    checked = outside = 0
    for sample in samples:
        inputs = tight_inputs(sample)
        assert inputs["keypoints"].shape == (81, 2)
        if "mask" in inputs:
            assert inputs["mask"].dtype == np.float32 and 0 < inputs["mask"].max() <= 1
            assert ((inputs["mask"] > 0) & (inputs["mask"] < 1)).any()  # interpolated edges
        result = transform(**inputs)
        assert result["image"].shape == (RESOLUTION, RESOLUTION, 3) and len(result["keypoints"]) == 81
        outside += bool(((result["keypoints"] < 0) | (result["keypoints"] >= RESOLUTION)).any())
        region = cutout.get_applied_params()["region"]
        if "mask" in inputs:
            manipulated = binarize_diff(result["mask"])
            assert manipulated.any()
            if region is not None:
                assert (
                    region.full_mask(RESOLUTION, RESOLUTION) & manipulated
                ).sum() <= 0.3 * manipulated.sum()
                checked += 1
    assert checked >= 8 and outside >= 3  # points Rotate moved out are kept, and clipped by FaceCutout


def test_deepfakebench_keypoint_params_as_shipped_get_the_remove_invisible_hint(converted):
    """With KeypointParams(format='xy') Rotate drops the points it moves out; exactly then FaceCutout
    fails, and its error names that cause."""
    _, out, _ = converted
    samples, _ = load_samples(out, ["FaceForensics++.csv"])
    with_cutout = deepfakebench_data_aug(remove_invisible=None)
    without_cutout = A.Compose(with_cutout.transforms[:-1], keypoint_params=A.KeypointParams(format="xy"))
    dropped = 0
    for seed, sample in enumerate(samples):
        inputs = tight_inputs(sample)
        without_cutout.set_random_seed(seed)
        kept = len(without_cutout(**inputs)["keypoints"])
        dropped += kept < 81
        with_cutout.set_random_seed(seed)
        if kept == 81:
            with_cutout(**inputs)
            continue
        with pytest.raises(
            InvalidInputError, match=rf"has {kept} points.*81 \(dlib81\).*remove_invisible=False"
        ):
            with_cutout(**inputs)
    assert dropped >= 3, "no rotation moved a landmark out of the image"


@pytest.mark.parametrize(
    ("name", "label", "expected"),
    [
        ("000", 0, ("000", ("000",))),
        ("000_003", 1, ("000", ("000", "003"))),
        ("01__exit_phone_room", 0, ("01__exit_phone_room", ("01",))),
        ("01_02__exit_phone_room__YVGY8LOK", 1, ("01__exit_phone_room", ("01", "02"))),
        ("id0_0007", 0, ("id0_0007", ("id0",))),
        ("id0_id1_0007", 1, ("id0_0007", ("id0", "id1"))),
        ("aabbccddee", 1, (None, ())),
        ("aabbccddee", 0, ("aabbccddee", ())),
    ],
)
def test_originals_and_people_from_each_datasets_naming(name, label, expected):
    assert people_of(name, label) == expected


def test_json_quirks_labels_compressions_and_frame_order(tmp_path):
    listed = [f"root/frames/v1/{index}.png" for index in (1000, 999, 5)]
    document = {
        "DFDC": {
            "DFDC_Real": {"train": {"v1": {"label": "DFDC_Real", "frames": listed}}, "val": {}},
            # rearrange.py writes DFDC's val as one entry instead of a mapping of videos
            "DFDC_Fake": {"val": {"label": "DFDC_Fake", "frames": ["root/frames/v2/0.png"]}},
        },
        "FF-DF": {
            "FF-DF": {
                "test": {
                    "c23": {"000_003": {"label": "FF-DF", "frames": ["a/frames/000_003/0.png"]}},
                    "c40": {"000_003": {"label": "FF-DF", "frames": ["b/frames/000_003/0.png"]}},
                }
            }
        },
    }
    path = tmp_path / "dataset.json"
    path.write_text(json.dumps(document))
    datasets = read_deepfakebench(path, base=tmp_path, compression="c40")
    fake, real = datasets["DFDC"]  # sorted by video
    assert (fake.video, fake.label, fake.splits) == ("DFDC_Fake_v2", 1, {"val"})
    assert real.label == 0 and [frame.index for frame in real.frames] == [5, 999, 1000]
    (ff,) = datasets["FF-DF"]
    assert ff.frames[0].image == tmp_path / "b/frames/000_003/0.png" and ff.original == "000"
    assert label_of("CelebDFv2_real") == label_of("DFDC_Real") == 0 and label_of("DFDCP_FakeA") == 1
