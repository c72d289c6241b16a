"""Plane geometry of the candidate regions: bands, convex hulls, areas, half-planes, outline windows.

Points are (x, y) pixels with pixel (x, y) centred at the integer point (x, y), as in OpenCV's
drawing functions; the image of size (height, width) covers [-0.5, width - 0.5] x [-0.5, height - 0.5].
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np


def band_polygon(start: Sequence[float], end: Sequence[float], half_width: float) -> np.ndarray:
    """Rectangle around the segment start-end, ``half_width`` to each side and beyond each end."""
    (start_x, start_y), (end_x, end_y) = start, end
    length = math.hypot(end_x - start_x, end_y - start_y)
    if length > 1e-9:
        along_x, along_y = (end_x - start_x) / length, (end_y - start_y) / length
    else:
        along_x, along_y = 1.0, 0.0
    along_x, along_y = along_x * half_width, along_y * half_width
    across_x, across_y = -along_y, along_x
    first_x, first_y, last_x, last_y = start_x - along_x, start_y - along_y, end_x + along_x, end_y + along_y
    return np.array(
        [
            [first_x + across_x, first_y + across_y],
            [last_x + across_x, last_y + across_y],
            [last_x - across_x, last_y - across_y],
            [first_x - across_x, first_y - across_y],
        ]
    )


def convex_hull(points: np.ndarray) -> np.ndarray:
    """Convex hull (K, 2) of (x, y) points, in order; never self-intersecting. Whole-pixel (int32)
    points give an int32 hull, others a float32 one."""
    if points.dtype == np.int32:
        return cv2.convexHull(points).reshape(-1, 2)
    # + 0 turns -0.0 into 0.0: cv2.convexHull returns None for points mixing the two.
    return cv2.convexHull(points.astype(np.float32) + np.float32(0)).reshape(-1, 2)


def polygon_area(polygon: np.ndarray) -> float:
    """Area of a simple polygon (K, 2) (0 for fewer than 3 points)."""
    if len(polygon) < 3:
        return 0.0
    return float(cv2.contourArea(polygon.astype(np.float32)))


def visible_area(polygon: np.ndarray, height: int, width: int) -> float:
    """Area of the part of a convex polygon (in order) inside an (height, width) image."""
    if len(polygon) < 3:
        return 0.0
    points = polygon.astype(np.float32)
    left, top, box_width, box_height = cv2.boundingRect(points)  # whole pixels around the points
    if left >= 0 and top >= 0 and left + box_width <= width and top + box_height <= height:
        return float(cv2.contourArea(points))
    box = np.array(
        [[-0.5, -0.5], [width - 0.5, -0.5], [width - 0.5, height - 0.5], [-0.5, height - 0.5]], np.float32
    )
    area, _ = cv2.intersectConvexConvex(points, box)
    return max(float(area), 0.0)


def centroid(polygon: np.ndarray) -> tuple[float, float]:
    """The area centroid of a polygon (the mean of its vertices when it has no area)."""
    moments = cv2.moments(polygon.astype(np.float32))
    if abs(moments["m00"]) > 1e-9:
        return moments["m10"] / moments["m00"], moments["m01"] / moments["m00"]
    middle = polygon.mean(axis=0)
    return float(middle[0]), float(middle[1])


class OutlineWindows:
    """The areas of the polygons of consecutive points of a closed outline ("windows"), by the
    shoelace formula on cumulative sums computed once."""

    def __init__(self, outline: np.ndarray):
        outline = outline.astype(np.float64)
        self.count = len(outline)
        self.x, self.y = outline[:, 0], outline[:, 1]
        following = np.concatenate((outline[1:], outline[:1]))
        cross = self.x * following[:, 1] - following[:, 0] * self.y
        self.sums = np.cumsum(np.concatenate(([0.0], cross, cross)))

    def areas(self, length: int, starts: np.ndarray) -> np.ndarray:
        """Areas of the polygons of ``length`` consecutive points from each of ``starts``."""
        ends = (starts + length - 1) % self.count
        x, y = self.x, self.y
        twice = self.sums[starts + length - 1] - self.sums[starts] + x[ends] * y[starts] - x[starts] * y[ends]
        return np.abs(twice) / 2


def half_plane_part(
    polygon: np.ndarray, origin: Sequence[float], normal: Sequence[float]
) -> tuple[float, np.ndarray]:
    """The area and the polygon (float32) of the part of a convex polygon (K >= 3, in order) where
    (p - origin) . normal >= 0 (an empty polygon when none)."""
    polygon = polygon.astype(np.float32)
    (origin_x, origin_y), (normal_x, normal_y) = origin, normal
    reach = 4.0 * float(np.abs(polygon).max() + abs(origin_x) + abs(origin_y) + 1.0)
    along_x, along_y = -normal_y * reach, normal_x * reach
    side_x, side_y = normal_x * reach, normal_y * reach
    plane = np.array(
        [
            [origin_x + along_x, origin_y + along_y],
            [origin_x + along_x + side_x, origin_y + along_y + side_y],
            [origin_x - along_x + side_x, origin_y - along_y + side_y],
            [origin_x - along_x, origin_y - along_y],
        ],
        dtype=np.float32,
    )
    area, part = cv2.intersectConvexConvex(polygon, plane)
    if part is None or area <= 0:
        return 0.0, np.zeros((0, 2), np.float32)
    return float(area), part.reshape(-1, 2)
