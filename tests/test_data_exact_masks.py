"""An exact manipulated-region mask (masks/, as pseudofake writes it) is what training constrains by."""

from __future__ import annotations

import numpy as np

from facecutout import binarize_diff
from facecutout.data.diffs import load_diff
from facecutout.data.table import load_samples
from facecutout.fileio import read_grey, read_rgb
from facecutout.pseudofake.from_files import write_pseudo_fake_dataset


def test_exact_masks_take_precedence_over_the_ssim_diff(tmp_path, samples_dir):
    crops = sorted((samples_dir / "celebdf" / "face_crops" / "00000").glob("*.png"))[:3]
    landmarks = samples_dir / "celebdf" / "original_landmarks"
    write_pseudo_fake_dataset(crops, tmp_path, "sbi", landmarks=landmarks)
    samples, report = load_samples(tmp_path, ["sbi.csv"])
    fakes = [sample for sample in samples if sample.label == 1]
    assert fakes and report.exact_masks == len(fakes)
    for sample in fakes:
        assert sample.exact_mask is not None and sample.diff is not None
        exact = read_grey(sample.exact_mask) > 0
        ssim_region = binarize_diff(read_grey(sample.diff))
        assert not np.array_equal(ssim_region, exact), "the SSIM diff should differ from the exact region"
        diff = load_diff(sample, read_rgb(sample.image))
        for level in (1, 40, 255):
            assert np.array_equal(binarize_diff(diff, level=level), exact)


def test_fakes_without_a_mask_keep_their_ssim_diff(tmp_path, samples_dir):
    crops = sorted((samples_dir / "celebdf" / "face_crops" / "00001").glob("*.png"))[:2]
    landmarks = samples_dir / "celebdf" / "original_landmarks"
    write_pseudo_fake_dataset(crops, tmp_path, "sbi", landmarks=landmarks)
    for mask in (tmp_path / "sbi" / "masks").rglob("*.png"):
        mask.unlink()
    samples, report = load_samples(tmp_path, ["sbi.csv"])
    assert report.exact_masks == 0
    for sample in (sample for sample in samples if sample.label == 1):
        assert sample.exact_mask is None
        assert np.array_equal(load_diff(sample, read_rgb(sample.image)), read_grey(sample.diff))
