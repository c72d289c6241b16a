"""Which pixels a candidate polygon covers.

The per-image version rounds a candidate's vertices to whole pixels and fills the polygon with
``cv2.fillConvexPoly``, which fills it and draws its outline with integer line stepping (pixel
(x, y) has its centre at the integer point (x, y)). The batched version
(:mod:`facecutout.batched.raster`) tests pixel centres against the hull of the same rounded
vertices, each edge moved out by half a pixel along its major axis; the two agree except on
outline pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Region:
    """A cut region: boolean ``mask`` covering rows y0.. and columns x0.. of the image.

    ``polygon`` holds the integer (x, y) vertices in image coordinates whose rasterisation
    (cv2.fillConvexPoly) is exactly ``mask``, so a constant fill can draw it in place.
    """

    y0: int
    x0: int
    mask: np.ndarray
    polygon: np.ndarray

    @property
    def window(self) -> tuple[slice, slice]:
        height, width = self.mask.shape
        return slice(self.y0, self.y0 + height), slice(self.x0, self.x0 + width)

    @property
    def area(self) -> int:
        return cv2.countNonZero(self.mask.view(np.uint8))

    def full_mask(self, height: int, width: int) -> np.ndarray:
        """Return the region as an (height, width) boolean mask."""
        full = np.zeros((height, width), dtype=bool)
        full[self.window] = self.mask
        return full


def pixel_points(polygon: np.ndarray) -> np.ndarray:
    """The polygon's vertices rounded to whole pixels, int32 (int32 vertices as they are)."""
    return polygon if polygon.dtype == np.int32 else np.rint(polygon).astype(np.int32)


def footprint(polygon: np.ndarray, height: int, width: int) -> Region | None:
    """The pixels of an image that a convex polygon (K, 2) of (x, y) points fills, as a Region that
    may cover none (None when its box misses the image)."""
    points = pixel_points(polygon)
    left, top, box_width, box_height = cv2.boundingRect(points)
    x0, y0 = max(left, 0), max(top, 0)
    x1, y1 = min(left + box_width, width), min(top + box_height, height)
    if x1 <= x0 or y1 <= y0:
        return None
    local = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
    cv2.fillConvexPoly(local, points - np.array([x0, y0], dtype=np.int32), 1)
    return Region(y0, x0, local.view(bool), points)


def rasterize(polygon: np.ndarray, height: int, width: int) -> Region | None:
    """Fill a convex polygon (K, 2) of (x, y) points inside an image; None if nothing is inside."""
    region = footprint(polygon, height, width)
    return region if region is not None and region.area else None


def covered_count(region: Region, mask: np.ndarray) -> int:
    """How many set pixels of ``mask`` (H, W uint8 0/1) the region covers."""
    return cv2.countNonZero(cv2.bitwise_and(mask[region.window], region.mask.view(np.uint8)))


def hull_vertices(polygon: np.ndarray) -> np.ndarray:
    """(V, 2) int64 (x, y) vertices of the convex hull of the polygon's rounded vertices, in the
    cyclic order that keeps the hull on the left of every edge (V = 1 or 2 for a point or a segment)."""
    points = pixel_points(polygon).reshape(-1, 2)
    return cv2.convexHull(points, clockwise=False).reshape(-1, 2).astype(np.int64)
