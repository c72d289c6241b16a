"""Which pixels a candidate polygon covers: the one rasterisation rule of Face-Cutout.

A candidate's vertices are rounded to whole pixels and replaced by their convex hull
(:func:`hull_vertices`). Pixel (x, y) has its centre at the integer point (x, y), as in OpenCV's
drawing functions, and belongs to the region iff that point lies in the closed hull: inside the
hull's box and on the inner side of (or on) every edge. With integer vertices the test is exact
integer arithmetic, so the per-image version (numpy, here) and the batched version (torch,
:mod:`facecutout.batched.raster`) give the same pixels on any device.

On row y, an edge from (px, py) along (ex, ey) keeps the x with ey * (x - px) <= ex * (y - py): a
bound from the right when ey > 0, from the left when ey < 0, and the whole row or none when
ey = 0. Every row of a convex region is therefore one span of columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Region:
    """A cut region: boolean ``mask`` covering rows y0.. and columns x0.. of the image."""

    y0: int
    x0: int
    mask: np.ndarray

    @property
    def window(self) -> tuple[slice, slice]:
        height, width = self.mask.shape
        return slice(self.y0, self.y0 + height), slice(self.x0, self.x0 + width)

    @property
    def area(self) -> int:
        return int(np.count_nonzero(self.mask))

    def full_mask(self, height: int, width: int) -> np.ndarray:
        """Return the region as an (height, width) boolean mask."""
        full = np.zeros((height, width), dtype=bool)
        full[self.window] = self.mask
        return full


def hull_vertices(polygon: np.ndarray) -> np.ndarray:
    """(V, 2) int64 (x, y) vertices of the convex hull of the polygon's rounded vertices, in cyclic
    order with a non-negative signed area (V = 1 or 2 for a point or a segment)."""
    points = np.rint(np.asarray(polygon, dtype=np.float64)).astype(np.int32).reshape(-1, 2)
    hull = cv2.convexHull(points).reshape(-1, 2).astype(np.int64)
    if len(hull) > 2 and _doubled_area(hull) < 0:
        hull = hull[::-1]
    return hull


def _doubled_area(vertices: np.ndarray) -> int:
    x, y = vertices[:, 0], vertices[:, 1]
    return int((x * np.roll(y, -1) - np.roll(x, -1) * y).sum())


def rasterize(polygon: np.ndarray, height: int, width: int) -> Region | None:
    """The pixels of an (height, width) image inside the hull of ``polygon`` (K, 2) (x, y); None if none."""
    vertices = hull_vertices(polygon)
    x, y = vertices[:, 0], vertices[:, 1]
    x0, x1 = max(int(x.min()), 0), min(int(x.max()), width - 1)
    y0, y1 = max(int(y.min()), 0), min(int(y.max()), height - 1)
    if x1 < x0 or y1 < y0:
        return None
    edge_x, edge_y = np.roll(x, -1) - x, np.roll(y, -1) - y
    rows = np.arange(y0, y1 + 1)
    # limit[e, r] = ex * (y - py): the edge keeps ey * (x - px) <= limit.
    limit = edge_x[:, None] * (rows - y[:, None])
    left = np.full(len(rows), x0, dtype=np.int64)
    right = np.full(len(rows), x1, dtype=np.int64)
    rising, falling, flat = edge_y > 0, edge_y < 0, edge_y == 0
    if rising.any():
        bounds = x[rising, None] + limit[rising] // edge_y[rising, None]
        right = np.minimum(right, bounds.min(axis=0))
    if falling.any():
        bounds = x[falling, None] - (-limit[falling] // edge_y[falling, None])
        left = np.maximum(left, bounds.max(axis=0))
    if flat.any():
        right = np.where((limit[flat] >= 0).all(axis=0), right, left - 1)
    columns = np.arange(x0, x1 + 1)
    mask = (columns >= left[:, None]) & (columns <= right[:, None])
    if not mask.any():
        return None
    return Region(y0, x0, mask)
