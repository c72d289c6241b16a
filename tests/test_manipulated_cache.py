"""The packed manipulated-region cache: the same M as the diff gives, read back from one bit per pixel."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from facecutout import binarize_diff
from facecutout.data.manipulated import ManipulatedCache, load_manipulated
from facecutout.data.table import load_samples
from facecutout.errors import DataError
from facecutout.fileio import read_grey, read_rgb


@pytest.fixture(scope="module")
def fakes(samples_dir):
    samples, _ = load_samples(samples_dir, ["celebdf.csv", "ffpp.csv"])
    return [sample for sample in samples if sample.label == 1][::40]


def test_the_cache_gives_back_the_region_of_the_diff(fakes, tmp_path):
    cache = ManipulatedCache(tmp_path, level=40)
    for sample in fakes:
        fake = read_rgb(sample.image)
        expected = binarize_diff(read_grey(sample.diff))
        first = cache.load(sample, fake)
        assert cache.path(sample).is_file()
        rows, columns = expected.shape  # one bit per pixel, rows padded to whole bytes, nothing else
        assert cache.path(sample).stat().st_size == rows * ((columns + 7) // 8)
        second = cache.load(sample, fake)
        assert np.array_equal(first, expected) and np.array_equal(second, expected)
        assert second.dtype == bool and second.shape == fake.shape[:2]
        assert np.array_equal(load_manipulated(sample, fake, 40), expected)


def test_each_level_has_its_own_cache(fakes, tmp_path):
    sample = fakes[0]
    fake = read_rgb(sample.image)
    strict = ManipulatedCache(tmp_path, level=120).load(sample, fake)
    loose = ManipulatedCache(tmp_path, level=40).load(sample, fake)
    assert strict.sum() < loose.sum()
    assert np.array_equal(ManipulatedCache(tmp_path, level=120).load(sample, fake), strict)


def test_a_cache_that_does_not_fit_the_crop_is_an_error_naming_it(fakes, tmp_path):
    sample = fakes[0]
    cache = ManipulatedCache(tmp_path, level=40)
    cache.load(sample, read_rgb(sample.image))
    with pytest.raises(DataError, match=str(cache.path(sample).name)):
        cache.load(sample, np.zeros((10, 10, 3), np.uint8))


def test_an_unwritable_cache_folder_only_costs_speed(fakes, tmp_path, caplog):
    folder = tmp_path / "cache"
    folder.write_text("a file where the cache folder should be")  # unwritable, even for root
    cache = ManipulatedCache(folder, level=40)
    with caplog.at_level(logging.WARNING, logger="facecutout.data.manipulated"):
        regions = [cache.load(sample, read_rgb(sample.image)) for sample in fakes[:2]]
    for sample, region in zip(fakes[:2], regions, strict=True):
        assert np.array_equal(region, binarize_diff(read_grey(sample.diff)))
    assert len([record for record in caplog.records if "cannot write" in record.getMessage()]) == 1
