"""The fake's manipulated-region evidence: an exact mask from masks/, else its grey SSIM diff (read from
diffs/, or computed from the original's crop of the same frame)."""

from __future__ import annotations

import numpy as np

from facecutout.data.ssim import ssim_diff
from facecutout.data.table import Sample
from facecutout.errors import DataError
from facecutout.fileio import read_grey, read_rgb


def load_diff(sample: Sample, fake: np.ndarray) -> np.ndarray | None:
    """The diff of a fake sample (uint8, the crop's size), or None for reals and fakes without one.

    An exact mask is returned as a diff of 255 inside the region and 0 outside, so every diff level
    in 1..255 turns it back into exactly that region, also after geometric transforms (nearest).
    """
    if sample.exact_mask is not None:
        diff = np.where(read_grey(sample.exact_mask) > 0, np.uint8(255), np.uint8(0))
    elif sample.diff is not None:
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
        source = sample.exact_mask or sample.diff
        raise DataError(f"{sample.row}: diff {source} is {diff.shape} but the crop is {fake.shape[:2]}")
    return diff
