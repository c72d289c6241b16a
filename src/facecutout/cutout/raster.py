"""Which pixels a candidate polygon covers: the one rasterisation rule of Face-Cutout.

A candidate's vertices are rounded to whole pixels and replaced by their convex hull
(:func:`hull_vertices`). Pixel (x, y) has its centre at the integer point (x, y), as in OpenCV's
drawing functions, and belongs to the region iff that point lies in the closed hull: inside the
hull's box and on the inner side of (or on) every edge. With integer vertices the test is exact
integer arithmetic, so the per-image version (numpy, here) and the batched version (torch,
:mod:`facecutout.batched.raster`) give the same pixels on any device.

On row y, an edge from (px, py) along (ex, ey) keeps the x with ey * (x - px) <= ex * (y - py): a
bound from the right when ey > 0, from the left when ey < 0; a horizontal edge (ey = 0) of a
convex polygon lies on its top or bottom row, which the box already gives. Every row of a convex
region is therefore one span of columns.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    """(V, 2) int64 (x, y) vertices of the convex hull of the polygon's rounded vertices, in the
    cyclic order whose edges have the hull on their left (V = 1 or 2 for a point or a segment)."""
    points = np.rint(polygon).astype(np.int32).reshape(-1, 2)
    return cv2.convexHull(points, clockwise=False).reshape(-1, 2).astype(np.int64)


@dataclass(frozen=True)
class CandidateSpans:
    """The rows of k candidates: on image row ``y0 + r`` candidate i covers the columns
    ``left[i, r]`` .. ``right[i, r]`` (none where right < left); ``boxes`` (k, 4) are their
    (x0, y0, x1, y1) boxes clipped to the image (x1 < x0 or y1 < y0 when empty)."""

    y0: int
    left: np.ndarray
    right: np.ndarray
    boxes: np.ndarray

    def areas(self) -> np.ndarray:
        """(k,) pixels of each candidate."""
        return np.maximum(self.right - self.left + 1, 0).sum(axis=1)

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """(k,) pixels of ``mask`` (H, W uint8 0/1) inside each candidate, from one integral image of
        the band of rows the candidates span."""
        x0 = min(int(self.boxes[:, 0].min()), mask.shape[1] - 1)
        x1 = max(int(self.boxes[:, 2].max()), x0)
        band = mask[self.y0 : self.y0 + self.left.shape[1], x0 : x1 + 1]
        integral = cv2.integral(band)  # (h + 1, w + 1): integral[r, c] = band[:r, :c].sum()
        # Columns as integral indices within the band; an empty row counts from left to left.
        width = x1 + 1 - x0
        left = np.minimum(self.left - x0, width)
        right = np.minimum(np.maximum(self.right + 1 - x0, left), width)
        rows = np.arange(band.shape[0])
        per_row = (
            integral[rows + 1, right]
            - integral[rows, right]
            - integral[rows + 1, left]
            + integral[rows, left]
        )
        return per_row.sum(axis=1)

    def region(self, index: int) -> Region | None:
        """Candidate ``index`` as a Region (None when it covers no pixel)."""
        x0, y0, x1, y1 = (int(value) for value in self.boxes[index])
        if x1 < x0 or y1 < y0:
            return None
        rows = slice(y0 - self.y0, y1 + 1 - self.y0)
        columns = np.arange(x0, x1 + 1)
        mask = (columns >= self.left[index, rows, None]) & (columns <= self.right[index, rows, None])
        return Region(y0, x0, mask) if mask.any() else None


def candidate_spans(hulls: Sequence[np.ndarray], height: int, width: int) -> CandidateSpans:
    """Row spans of hulls from :func:`hull_vertices` in an (height, width) image, all at once."""
    size = max(len(hull) for hull in hulls)
    vertices = np.empty((len(hulls), size, 2), dtype=np.int64)
    for index, hull in enumerate(hulls):
        vertices[index, : len(hull)] = hull
        vertices[index, len(hull) :] = hull[-1]  # padding: zero-length edges, and the same closing edge
    x, y = vertices[..., 0], vertices[..., 1]
    boxes = np.stack(
        [
            x.min(axis=1).clip(0),
            y.min(axis=1).clip(0),
            x.max(axis=1).clip(None, width - 1),
            y.max(axis=1).clip(None, height - 1),
        ],
        axis=1,
    )
    first = min(int(boxes[:, 1].min()), height - 1)
    last = max(int(boxes[:, 3].max()), first)
    rows = np.arange(first, last + 1)
    following = np.concatenate([vertices[:, 1:], vertices[:, :1]], axis=1)
    edge_x, edge_y = np.moveaxis(following - vertices, -1, 0)
    # Edge e keeps the columns c with ey * (c - px) <= ex * (r - py) on row r: c <= px + floor(. / ey)
    # when ey > 0, c >= px - floor(. / -ey) when ey < 0. A horizontal edge of a convex polygon lies on
    # its top or bottom row, which its box already gives.
    limit = edge_x[..., None] * (rows - y[..., None])
    steps = np.sign(edge_y)[..., None] * (limit // np.maximum(np.abs(edge_y), 1)[..., None])
    bounds = x[..., None] + steps
    right = np.where(edge_y[..., None] > 0, bounds, width).min(axis=1)
    left = np.where(edge_y[..., None] < 0, bounds, -1).max(axis=1)
    left = np.maximum(left, boxes[:, 0, None])
    right = np.minimum(right, boxes[:, 2, None])
    outside = (rows < boxes[:, 1, None]) | (rows > boxes[:, 3, None])
    right[outside] = left[outside] - 1
    return CandidateSpans(first, left, right, boxes)


def rasterize(polygon: np.ndarray, height: int, width: int) -> Region | None:
    """The pixels of an (height, width) image inside the hull of ``polygon`` (K, 2) (x, y); None if none."""
    return candidate_spans([hull_vertices(polygon)], height, width).region(0)
