"""Self-blended pseudo-fakes: the region is exactly what changed, it stays on the face, files and CSV."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.ndimage import distance_transform_edt
from scipy.spatial import Delaunay

from facecutout.errors import DataError, InvalidInputError
from facecutout.fileio import read_grey, read_rgb, write_image, write_npy
from facecutout.pseudofake import BlendSettings, make_pseudo_fake
from facecutout.pseudofake.from_files import write_pseudo_fake_dataset


@pytest.fixture(scope="module")
def astronaut_face() -> tuple[np.ndarray, np.ndarray]:
    """The astronaut's face crop and its 68 dlib landmarks."""
    from skimage.data import astronaut

    from facecutout.landmarks import get_detector, primary_face

    crop = np.ascontiguousarray(astronaut()[30:230, 130:320])
    face = primary_face(get_detector("dlib68").detect(crop))
    assert face is not None
    return crop, face.points


def changed_pixels(fake: np.ndarray, original: np.ndarray) -> np.ndarray:
    return np.any(fake.astype(np.int16) != original.astype(np.int16), axis=2)


def hull_of(points: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The pixels inside the convex hull of ``points`` (a Delaunay triangulation: independent of the
    rasterisation the blending uses)."""
    rows, columns = np.mgrid[0 : shape[0], 0 : shape[1]]
    pixels = np.stack([columns.ravel(), rows.ravel()], axis=1)
    return (Delaunay(points).find_simplex(pixels) >= 0).reshape(shape[:2])


def diagonal(points: np.ndarray) -> float:
    """The face size the settings are fractions of: the diagonal of the points' bounding box."""
    return float(np.hypot(*(points.max(axis=0) - points.min(axis=0))))


def sensory_points(points_68: np.ndarray) -> np.ndarray:
    """The 5 MTCNN points (eye centres, nose tip, mouth corners) of 68 iBUG points."""
    return np.stack(
        [points_68[36:42].mean(0), points_68[42:48].mean(0), points_68[30], points_68[48], points_68[54]]
    )


def check_region(pseudo, image: np.ndarray, face: np.ndarray, reach: float) -> None:
    """The region is exactly what changed, covers the eyes-nose-mouth hull of the face and stays
    within ``reach`` pixels of ``face``'s hull, a bound that leaves a good part of the image out."""
    assert pseudo.fake.shape == image.shape and pseudo.fake.dtype == np.uint8
    np.testing.assert_array_equal(pseudo.original, image)
    np.testing.assert_array_equal(pseudo.region, changed_pixels(pseudo.fake, image))
    points = face if len(face) == 5 else sensory_points(face)
    assert pseudo.region[hull_of(points, image.shape)].all(), "the eyes, nose and mouth are not all blended"
    distance = distance_transform_edt(~hull_of(face, image.shape))
    near = distance <= reach
    assert (~near).mean() > 0.3, "the bound must leave part of the image out to test anything"
    assert not (pseudo.region & ~near).any(), (
        f"changed pixels {distance[pseudo.region].max():.1f} px from the face"
    )


SHARP = BlendSettings(mask_grow=(0.0, 0.0), edge_softness=(0.01, 0.01))
"""A mask exactly the hull with a thin soft edge: the bounds below are then a few pixels wide."""


@pytest.mark.parametrize("settings", [BlendSettings(), SHARP], ids=["default", "sharp"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_region_is_exactly_the_changed_pixels_68_points(astronaut_face, seed, settings):
    """68 points: the change stays within the face hull grown by the largest mask growth plus the blur
    tail (4 sigma), and it covers the core of the hull (shrunk by the largest erosion plus 2 sigma)."""
    image, points = astronaut_face
    size = diagonal(points)
    outer = (settings.mask_grow[1] + 4 * settings.edge_softness[1]) * size + 1
    pseudo = make_pseudo_fake(image, points, seed=seed, settings=settings)
    check_region(pseudo, image, points, reach=outer)
    depth = distance_transform_edt(hull_of(points, image.shape))
    inner = (-settings.mask_grow[0] + 2 * settings.edge_softness[1]) * size + 1
    core = depth > inner
    assert core.any() and pseudo.region[core].mean() > 0.99


def test_five_points_blend_the_face_their_68_points_outline(astronaut_face):
    """5 points span eyes to mouth only; the blend still stays on the face the 68 points outline."""
    image, points = astronaut_face
    settings = BlendSettings()
    outer = (settings.mask_grow[1] + 4 * settings.edge_softness[1]) * diagonal(points) + 1
    for seed in range(4):
        pseudo = make_pseudo_fake(image, sensory_points(points), seed=seed, settings=settings)
        check_region(pseudo, image, points, reach=outer)


def test_region_is_exactly_the_changed_pixels_on_real_crops_with_5_points(samples_dir):
    """Real crops with only their 5 points: the change stays within 0.6 face sizes of their hull
    (the 5-point hull is scaled up to reach brows and chin; measured at most 0.44 on these crops)."""
    settings = BlendSettings()
    crops = sorted((samples_dir / "celebdf" / "face_crops" / "00001").glob("*.png"))[:6]
    assert crops
    for index, crop in enumerate(crops):
        image = read_rgb(crop)
        points = np.load(samples_dir / "celebdf" / "original_landmarks" / "00001" / f"{crop.stem}.npy")
        assert points.shape == (5, 2)
        pseudo = make_pseudo_fake(image, points, seed=index, settings=settings)
        check_region(pseudo, image, points, reach=0.6 * diagonal(points))


def test_same_seed_same_fake_and_seeds_differ(astronaut_face):
    image, points = astronaut_face
    first, again, other = (make_pseudo_fake(image, points, seed=seed) for seed in (7, 7, 8))
    np.testing.assert_array_equal(first.fake, again.fake)
    assert not np.array_equal(first.fake, other.fake)


def test_bad_inputs_are_named(astronaut_face):
    image, points = astronaut_face
    with pytest.raises(InvalidInputError, match="image"):
        make_pseudo_fake(image[:, :, 0], points)
    with pytest.raises(InvalidInputError, match="image"):
        make_pseudo_fake(image.astype(np.float32), points)
    with pytest.raises(InvalidInputError, match="landmarks"):
        make_pseudo_fake(image, points[:10])
    with pytest.raises(InvalidInputError, match="span only"):
        make_pseudo_fake(image, points - 1000)


def write_real_videos(root: Path, face: tuple[np.ndarray, np.ndarray], videos: int, frames: int) -> Path:
    """Real 'videos' of shifted astronaut crops in face_crops/<video>/<frame>_0.png, landmarks beside."""
    image, points = face
    for video in range(videos):
        for frame in range(frames):
            dx, dy = 3 * video, 2 * frame
            shifted = np.ascontiguousarray(np.roll(image, (dy, dx), axis=(0, 1)))
            write_image(root / "face_crops" / f"v{video}" / f"{10 * frame}_0.png", shifted)
            write_npy(root / "original_landmarks" / f"v{video}" / f"{10 * frame}_0.npy", points + [dx, dy])
    return root


def test_dataset_layout_csv_folds_and_masks_on_disk(tmp_path, astronaut_face):
    real = write_real_videos(tmp_path / "real", astronaut_face, videos=3, frames=2)
    (real / "face_crops" / "v2" / "20_0.png").write_bytes(b"not an image")
    out = tmp_path / "out"
    layout, summary = write_pseudo_fake_dataset(
        [real / "face_crops"], out, "sbi", landmarks=real / "original_landmarks", folds=3, seed=1
    )
    assert summary.written == 6 and summary.kept == 0
    assert summary.skipped_count == 1 and any(
        "20_0.png" in item for items in summary.skipped.values() for item in items
    )
    table = pd.read_csv(layout.csv, dtype={"video": str, "original": str})
    assert list(table.columns) == ["video", "file", "label", "original", "frame", "fold", "dataset"]
    assert len(table) == 12 and (table["label"] == 1).sum() == 6 and set(table["dataset"]) == {"sbi"}
    assert table.groupby("original")["fold"].nunique().max() == 1
    assert sorted(table.groupby("original")["fold"].first()) == [0, 1, 2]
    for row in table[table["label"] == 1].itertuples():
        stem = Path(row.file).stem
        fake = read_rgb(out / "sbi" / "face_crops" / row.video / row.file)
        real_crop = read_rgb(out / "sbi" / "face_crops" / row.original / row.file)
        mask = read_grey(out / "sbi" / "masks" / row.video / f"{stem}_mask.png") > 0
        np.testing.assert_array_equal(mask, changed_pixels(fake, real_crop))
        diff = read_grey(out / "sbi" / "diffs" / row.video / f"{stem}_diff.png")
        assert diff.shape == mask.shape and diff[mask].mean() > diff[~mask].mean()
        assert np.load(out / "sbi" / "original_landmarks" / row.original / f"{stem}.npy").shape == (68, 2)
    again_layout, again = write_pseudo_fake_dataset(
        [real / "face_crops"], out, "sbi", landmarks=real / "original_landmarks", folds=3, seed=1
    )
    assert again.written == 0 and again.kept == 6
    pd.testing.assert_frame_equal(
        pd.read_csv(again_layout.csv, dtype=str), pd.read_csv(layout.csv, dtype=str)
    )
    with pytest.raises(DataError, match="another seed"):
        write_pseudo_fake_dataset(
            [real / "face_crops"], out, "sbi", landmarks=real / "original_landmarks", folds=3, seed=2
        )
    _, redone = write_pseudo_fake_dataset(
        [real / "face_crops"], out, "sbi", landmarks=real / "original_landmarks", seed=2, overwrite=True
    )
    assert redone.written == 6 and redone.kept == 0


def test_folds_keep_each_video_with_its_fake_and_balance_rows(tmp_path):
    from facecutout.data.layout import DatasetLayout
    from facecutout.pseudofake.writer import csv_table

    frames = [("a", frame, 0) for frame in range(4)] + [("b", 0, 0), ("c", 0, 0), ("d", 0, 0), ("d", 1, 0)]
    table = csv_table(DatasetLayout(tmp_path, "sbi"), frames, folds=2)
    assert table.groupby("original")["fold"].nunique().max() == 1
    assert set(table[table["label"] == 1]["video"]) == {"a_sbi", "b_sbi", "c_sbi", "d_sbi"}
    assert table.groupby("original")["fold"].first().to_dict() == {"a": 0, "b": 1, "c": 1, "d": 1}
    assert table["fold"].value_counts().to_dict() == {0: 8, 1: 8}


def test_no_usable_input_is_a_data_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no image"):
        write_pseudo_fake_dataset([tmp_path / "empty"], tmp_path / "out")
    with pytest.raises(DataError, match="neither an image file nor a folder"):
        write_pseudo_fake_dataset([tmp_path / "missing.png"], tmp_path / "out")


def test_command_on_shared_real_crops_with_detection(tmp_path, samples_dir):
    crops = sorted((samples_dir / "celebdf" / "face_crops" / "00000").glob("*.png"))[:3]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "facecutout.cli",
            "pseudofake",
            *map(str, crops),
            "--out",
            str(tmp_path),
            "--folds",
            "2",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["pairs_written"] == 3 and printed["skipped"] == 0
    summary = json.loads((tmp_path / "pseudofake_summary.json").read_text())
    assert list(summary) == [
        "csv",
        "root",
        "pairs_written",
        "pairs_kept",
        "skipped",
        "skipped_by_reason",
        "mean_manipulated_share",
    ]
    assert {key: summary[key] for key in printed} == printed and 0 < summary["mean_manipulated_share"] < 1
    table = pd.read_csv(tmp_path / "pseudofake.csv", dtype={"video": str, "original": str})
    assert set(table["video"]) == {"00000", "00000_sbi"}
    assert (
        tmp_path / "pseudofake" / "original_landmarks" / "00000" / crops[0].with_suffix(".npy").name
    ).is_file()


def test_pseudo_fakes_of_the_shared_real_crops_are_accepted_by_the_training_data(tmp_path, samples_dir):
    """Both real videos -> pseudo-fakes -> the training datamodule: folds split by video, fakes carry
    their landmarks and a non-empty manipulated region through the augmentations."""
    from facecutout.model.config import DataConfig
    from facecutout.train.datamodule import FaceDataModule

    crops = samples_dir / "celebdf" / "face_crops"
    chosen = [path for video in ("00000", "00001") for path in sorted((crops / video).glob("*.png"))[:8]]
    layout, summary = write_pseudo_fake_dataset(
        chosen,
        tmp_path,
        "sbi",
        landmarks=samples_dir / "celebdf" / "original_landmarks",
        folds=2,
    )
    assert summary.written == 16 and summary.skipped_count == 0
    config = DataConfig(
        root=str(tmp_path),
        csvs=["sbi.csv"],
        val_fold=0,
        image_size=64,
        num_workers=0,
        augmentation="face_cutout",
        augmentation_p=1.0,
        cutout_on_device=True,
    )
    module = FaceDataModule(config, seed=0)
    module.setup("fit")
    assert module.train_samples and module.val_samples
    assert {s.original for s in module.train_samples}.isdisjoint({s.original for s in module.val_samples})
    fakes = [index for index, sample in enumerate(module.train_samples) if sample.label == 1]
    assert all(module.train_samples[index].diff is not None for index in fakes)
    item = module.train_dataset[fakes[0]]
    assert item["image"].shape == (3, 64, 64) and item["has_landmarks"]
    assert item["manipulated"].any()


def test_region_diffs_give_the_training_rule_exactly_the_changed_pixels(tmp_path, astronaut_face):
    from facecutout import binarize_diff

    real = write_real_videos(tmp_path / "real", astronaut_face, videos=1, frames=2)
    layout, summary = write_pseudo_fake_dataset(
        [real / "face_crops"],
        tmp_path / "out",
        "sbi",
        landmarks=real / "original_landmarks",
        diff_kind="region",
    )
    assert summary.written == 2
    for file in ("0_0.png", "10_0.png"):
        changed = changed_pixels(read_rgb(layout.crop("v0_sbi", file)), read_rgb(layout.crop("v0", file)))
        np.testing.assert_array_equal(binarize_diff(read_grey(layout.diff("v0_sbi", file))), changed)
    with pytest.raises(InvalidInputError, match="diff_kind"):
        write_pseudo_fake_dataset([real / "face_crops"], tmp_path / "other", diff_kind="exact")


def test_inputs_whose_names_clash_with_the_fakes_are_refused(tmp_path, astronaut_face):
    real = write_real_videos(tmp_path / "real", astronaut_face, videos=1, frames=1)
    write_image(real / "face_crops" / "v0_sbi" / "0_0.png", astronaut_face[0])
    with pytest.raises(DataError, match="v0_sbi"):
        write_pseudo_fake_dataset([real / "face_crops"], tmp_path / "out")


def test_a_face_outside_the_image_is_a_counted_skip(tmp_path, astronaut_face):
    image, points = astronaut_face
    write_image(tmp_path / "real" / "v0" / "0_0.png", image)
    write_image(tmp_path / "real" / "v0" / "10_0.png", image)
    write_npy(tmp_path / "marks" / "v0" / "0_0.npy", points)
    write_npy(tmp_path / "marks" / "v0" / "10_0.npy", np.full_like(points, -500.0))
    layout, summary = write_pseudo_fake_dataset(
        [tmp_path / "real"], tmp_path / "out", landmarks=tmp_path / "marks", folds=1
    )
    assert summary.written == 1 and summary.skipped_count == 1
    assert any("span only" in reason for reason in summary.skipped)
    assert len(pd.read_csv(layout.csv)) == 2


def test_a_pseudo_fake_that_changes_nothing_is_refused(tmp_path, astronaut_face):
    from facecutout.data.layout import DatasetLayout
    from facecutout.pseudofake.writer import FaceFrame, write_pair

    _, points = astronaut_face
    flat = np.full((200, 190, 3), 128, dtype=np.uint8)
    still = BlendSettings(colour_shift=0.0, contrast=0.0, saturation=0.0, warp_scale=0.0, warp_shift=0.0)
    layout = DatasetLayout(tmp_path, "flat")
    with pytest.raises(DataError, match="changed no pixel"):
        write_pair(layout, FaceFrame("v", 0, 0, flat, points), 0, still)
    assert not layout.folder.exists()
