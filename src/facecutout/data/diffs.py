"""The fake's grey SSIM diff: read from diffs/, or computed from the original's crop of the same frame."""

from __future__ import annotations

import numpy as np

from facecutout.data.table import Sample
from facecutout.errors import DataError
from facecutout.fileio import read_grey, read_rgb
from facecutout.preprocess.ssim import ssim_diff


def load_diff(sample: Sample, fake: np.ndarray) -> np.ndarray | None:
    """The diff of a fake sample (uint8, the crop's size), or None for reals and fakes without one."""
    if sample.diff is not None:
        diff = read_grey(sample.diff)
    elif sample.original_image is not None:
        original = read_rgb(sample.original_image)
        if original.shape != fake.shape:
            raise DataError(
                f"{sample.row}: original crop {sample.original_image} is {original.shape[:2]} but the fake "
                f"{sample.image} is {fake.shape[:2]}; both must be cut with the original's box"
            )
        diff = ssim_diff(original, fake)
    else:
        return None
    if diff.shape != fake.shape[:2]:
        raise DataError(f"{sample.row}: diff {sample.diff} is {diff.shape} but the crop is {fake.shape[:2]}")
    return diff
