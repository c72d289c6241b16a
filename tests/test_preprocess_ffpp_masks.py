"""FaceForensics++ preprocessing takes the exact manipulated region from its mask videos when present."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from synthetic_videos import VideoSpec, make_ffpp, render_frames

from facecutout.data.layout import DatasetLayout
from facecutout.data.table import load_samples
from facecutout.fileio import read_grey, read_rgb
from facecutout.preprocess import PreprocessConfig, preprocess_dataset
from facecutout.sources import read_source


@pytest.fixture(scope="module")
def ffpp_run(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("ffpp")
    crops = samples_dir / "celebdf" / "face_crops" / "00000"
    originals = {
        "000": VideoSpec(read_rgb(crops / "0_0.png"), frames=6, seed=1),
        "001": VideoSpec(read_rgb(samples_dir / "pairs" / "ori_1.png"), frames=6, seed=2),
    }
    root = make_ffpp(
        folder / "raw", originals, {"Deepfakes": [("000_001", True)], "Face2Face": [("000_001", False)]}
    )
    listing = read_source("ffpp", root)
    preprocess_dataset(listing, folder / "out", PreprocessConfig(frames=3, folds=2), progress=False)
    return folder / "out", originals


def test_mask_videos_become_exact_regions_cropped_with_the_same_box(ffpp_run):
    out, originals = ffpp_run
    layout = DatasetLayout(out, "ffpp")
    marker = json.loads(layout.marker("crops", "Deepfakes_000_001").read_text())
    mask_frames = render_frames(originals["000"], mask=True)
    assert marker["crops"]
    for crop in marker["crops"]:
        file = f"{crop['frame']}_{crop['person']}.png"
        written = read_grey(layout.mask("Deepfakes_000_001", file))
        assert set(np.unique(written)) <= {0, 255}
        x1, y1, x2, y2 = crop["rect"]
        expected = mask_frames[crop["frame"]][y1:y2, x1:x2, 0] > 127
        region = written == 255
        assert region.shape == read_rgb(layout.crop("Deepfakes_000_001", file)).shape[:2]
        assert (region & expected).sum() / (region | expected).sum() > 0.95
        assert not layout.diff("Deepfakes_000_001", file).exists()


def test_fakes_without_mask_videos_keep_ssim_diffs(ffpp_run):
    out, _ = ffpp_run
    layout = DatasetLayout(out, "ffpp")
    marker = json.loads(layout.marker("crops", "Face2Face_000_001").read_text())
    for crop in marker["crops"]:
        file = f"{crop['frame']}_{crop['person']}.png"
        assert layout.diff("Face2Face_000_001", file).is_file()
        assert not layout.mask("Face2Face_000_001", file).exists()


def test_training_reads_the_masks_and_the_report_counts_them(ffpp_run):
    out, _ = ffpp_run
    samples, report = load_samples(out, ["ffpp.csv"])
    by_video: dict[str, list] = {}
    for sample in samples:
        by_video.setdefault(sample.video, []).append(sample)
    assert all(sample.exact_mask is not None for sample in by_video["Deepfakes_000_001"])
    assert all(sample.exact_mask is None and sample.diff for sample in by_video["Face2Face_000_001"])
    assert report.exact_masks == len(by_video["Deepfakes_000_001"])
    counts = json.loads((out / "ffpp_report.json").read_text())["stages"]["diffs"]["counts"]
    assert counts["masks_written"] == len(by_video["Deepfakes_000_001"])
    assert counts["diffs_written"] == len(by_video["Face2Face_000_001"])
