"""The invariants every Face-Cutout call must satisfy, as one reusable assertion."""

from __future__ import annotations

import numpy as np

DIFF_LEVEL = 40
"""The documented grey level from which a diff pixel is manipulated (docs/manipulated_region.md),
written here rather than taken from the library: a wrong rule there cannot hide a broken overlap rule."""


def assert_cutout_invariants(image, output, region, diff, threshold, fill=0) -> None:
    """Shape/dtype kept, outside the region unchanged, inside set by the fill, overlap rule held."""
    assert output.shape == image.shape and output.dtype == image.dtype
    assert region.shape == image.shape[:2] and region.dtype == bool
    assert np.array_equal(output[~region], image[~region]), "pixels outside the region changed"
    if region.any():
        inside = output[region].reshape(int(region.sum()), -1)
        if isinstance(fill, str) and fill == "random_uniform":
            assert (inside == inside[:1]).all(), "random_uniform fill is not one colour"
        elif not isinstance(fill, str):
            expected = np.broadcast_to(np.asarray(fill, dtype=np.float64).reshape(-1), inside.shape[1:])
            if image.dtype == np.uint8:
                expected = np.rint(expected)
            assert np.allclose(inside, expected), "pixels inside the region are not the fill"
    if diff is not None:
        manipulated = diff if diff.dtype == bool else diff >= DIFF_LEVEL
        total = int(manipulated.sum())
        if total and region.any():
            hidden = int((region & manipulated).sum())
            assert hidden <= threshold * total, f"cut hides {hidden} of {total} manipulated pixels"
