"""Choosing each image's cut on the CPU: one compiled pass over the batch (numba).

The rule and geometry of :mod:`facecutout.batched.selection` and :mod:`facecutout.batched.raster`:
the same hull lines, widening, row ranges, rounding and overlap rule, so the same cut to the pixel.
Each image measures its candidates one after another and stops at its first admissible one, and a
candidate's count stops once it exceeds the budget. On accelerators the steps of tensor operations
pay; on the CPU this pass measures half as many candidates, and its only passes over whole tensors
are zeroing the regions and totalling the masks.
"""

from __future__ import annotations

import numpy as np
import torch
from numba import njit

from facecutout.batched.candidates import CENTROID_PRECISION, Candidates
from facecutout.batched.raster import FAR, ROUNDING_TOLERANCE, RowSpans


def compiled_select(
    candidates: Candidates,
    masks: torch.Tensor | None,
    threshold: float,
    enabled: torch.Tensor,
    height: int,
    width: int,
) -> tuple[RowSpans, torch.Tensor, torch.Tensor]:
    """Row spans and ranks of each image's first admissible candidate, as
    :func:`facecutout.batched.selection.select_spans` gives them, plus the regions (B, H, W) bool.

    CPU tensors only.
    """
    batch = candidates.points.shape[0]
    outline = candidates.outline
    if outline is None:
        outline = candidates.points.new_zeros((batch, 0, 2))
    if masks is None:
        mask_bytes = np.zeros((batch, 0, 0), dtype=np.uint8)
    else:
        mask_bytes = masks.contiguous().view(torch.uint8).numpy()
    regions = torch.zeros((batch, height, width), dtype=torch.bool)
    chosen, owner, row, left, right = _choose(
        candidates.points.to(torch.float64).contiguous().numpy(),
        candidates.present.contiguous().numpy(),
        candidates.cut.to(torch.float64).contiguous().numpy(),
        outline.to(torch.float64).contiguous().numpy(),
        mask_bytes,
        masks is not None,
        float(threshold),
        enabled.contiguous().numpy(),
        regions.numpy(),
    )
    spans = RowSpans(*(torch.from_numpy(part) for part in (owner, row, left, right)))
    return spans, torch.from_numpy(chosen), regions


@njit(cache=True, nogil=True)
def _choose(points, present, cuts, outline, masks, has_masks, threshold, enabled, regions):
    """Kernel of :func:`compiled_select`: ranks (B,), the winners' rows (owner, row, left, right)
    in raster order, and the regions painted into ``regions`` (B, H, W)."""
    batch, count, size = points.shape[0], points.shape[1], points.shape[2]
    height, width = regions.shape[1], regions.shape[2]
    outline_size = outline.shape[1]
    slots = max(size, outline_size) + 2
    chosen = np.full(batch, -1, np.int64)
    owner = np.empty(batch * height, np.int64)
    rows = np.empty(batch * height, np.int64)
    lefts = np.empty(batch * height, np.int64)
    rights = np.empty(batch * height, np.int64)
    written = 0
    # Scratch space: integer points, hull corners, lines (a, b, c) and each row's span.
    xs = np.empty(slots, np.int64)
    ys = np.empty(slots, np.int64)
    order = np.empty(slots, np.int64)
    hull_x = np.empty(2 * slots, np.int64)
    hull_y = np.empty(2 * slots, np.int64)
    hull_index = np.empty(2 * slots, np.int64)
    lines = np.empty((slots + 1, 3), np.float64)
    outline_lines = np.empty((slots, 3), np.float64)
    span_left = np.empty(height, np.int64)
    span_right = np.empty(height, np.int64)
    for image in range(batch):
        if not enabled[image]:
            continue
        budget = np.inf
        if has_masks:
            total = _mask_pixels(masks[image])
            if total > 0:
                budget = threshold * total
        outline_edges = -1  # the outline hull's lines and centroid, found when a half needs them
        centre_x = centre_y = 0.0
        for rank in range(count):
            box = _box(points[image, rank], present[image, rank], height, width)
            if box[0] > box[2] or box[1] > box[3]:
                continue
            if cuts[image, rank, 0] != 0 or cuts[image, rank, 1] != 0:
                if outline_edges < 0:
                    outline_edges = _outline_hull(
                        outline[image], xs, ys, order, hull_x, hull_y, hull_index, outline_lines
                    )
                    centre_x, centre_y = _corner_centroid(
                        outline[image], xs, ys, order, hull_x, hull_y, hull_index
                    )
                edges = outline_edges
                lines[:edges] = outline_lines[:edges]
                normal_x, normal_y = cuts[image, rank, 0], cuts[image, rank, 1]
                lines[edges, 0] = normal_x
                lines[edges, 1] = normal_y
                lines[edges, 2] = -(normal_x * centre_x + normal_y * centre_y)
                edges += 1
            else:
                used = _rounded_points(points[image, rank], present[image, rank], xs, ys)
                corners = _hull(xs, ys, used, order, hull_x, hull_y, hull_index)
                edges = _edge_lines(hull_x, hull_y, corners, lines)
            _widen(lines, edges)
            first, last = _row_range(lines, edges, box)
            if not _spans(lines, edges, box, first, last, span_left, span_right):
                continue
            if has_masks and not _within_budget(masks[image], span_left, span_right, first, last, budget):
                continue
            chosen[image] = rank
            for y in range(first, last + 1):
                owner[written], rows[written] = image, y
                lefts[written], rights[written] = span_left[y - first], span_right[y - first]
                regions[image, y, lefts[written] : rights[written] + 1] = True
                written += 1
            break
    return chosen, owner[:written], rows[:written], lefts[:written], rights[:written]


@njit(cache=True, nogil=True)
def _mask_pixels(mask):
    total = 0
    for y in range(mask.shape[0]):
        for x in range(mask.shape[1]):
            total += mask[y, x]
    return total


@njit(cache=True, nogil=True)
def _rounded_points(points, present, xs, ys):
    """The present points (n, 2) rounded to integers into ``xs, ys``; returns how many."""
    used = 0
    for k in range(points.shape[0]):
        if present[k]:
            xs[used] = np.int64(np.round(points[k, 0]))
            ys[used] = np.int64(np.round(points[k, 1]))
            used += 1
    return used


@njit(cache=True, nogil=True)
def _box(points, present, height, width):
    """(x0, y0, x1, y1) of the rounded present points clipped as
    :func:`facecutout.batched.geometry.bounding_boxes` clips them (x1 < x0 when nothing is inside)."""
    side = max(height, width)
    low_x = low_y = np.inf
    high_x = high_y = -np.inf
    for k in range(points.shape[0]):
        if present[k]:
            x, y = np.round(points[k, 0]), np.round(points[k, 1])
            low_x, low_y = min(low_x, x), min(low_y, y)
            high_x, high_y = max(high_x, x), max(high_y, y)
    if low_x == np.inf:
        return side, side, -1, -1
    return (
        np.int64(min(max(low_x, 0.0), side)),
        np.int64(min(max(low_y, 0.0), side)),
        np.int64(min(max(high_x, -1.0), width - 1.0)),
        np.int64(min(max(high_y, -1.0), height - 1.0)),
    )


@njit(cache=True, nogil=True)
def _hull(xs, ys, count, order, hull_x, hull_y, hull_index):
    """Corners of the convex hull of the integer points ``xs, ys`` [:count] into ``hull_x, hull_y``
    (their indices into ``hull_index``), counter-clockwise with the inside to the left of each
    edge; returns the number of corners. Points inside an edge are no corners, repeated points
    count once (the first); collinear points give the two ends."""
    for i in range(count):  # insertion sort by (x, y), stable
        order[i] = i
        j = i
        while j > 0 and (
            xs[order[j - 1]] > xs[i] or (xs[order[j - 1]] == xs[i] and ys[order[j - 1]] > ys[i])
        ):
            order[j] = order[j - 1]
            j -= 1
        order[j] = i
    distinct = 0
    for i in range(count):
        point = order[i]
        if distinct and xs[point] == xs[order[distinct - 1]] and ys[point] == ys[order[distinct - 1]]:
            continue
        order[distinct] = point
        distinct += 1
    if distinct == 1:
        hull_x[0], hull_y[0], hull_index[0] = xs[order[0]], ys[order[0]], order[0]
        return 1
    corners = 0
    for i in range(distinct):  # the lower chain, left to right
        corners = _push_turning_left(order[i], xs, ys, hull_x, hull_y, hull_index, corners, 2)
    floor = corners + 1
    for i in range(distinct - 2, -1, -1):  # the upper chain, right to left
        corners = _push_turning_left(order[i], xs, ys, hull_x, hull_y, hull_index, corners, floor)
    return corners - 1


@njit(cache=True, nogil=True)
def _push_turning_left(point, xs, ys, hull_x, hull_y, hull_index, corners, floor):
    """Append ``point`` to a monotone chain of ``corners`` corners, first dropping the corners (down
    to ``floor``) where the chain would not turn strictly left; returns the new number of corners."""
    while corners >= floor:
        turn = (hull_x[corners - 1] - hull_x[corners - 2]) * (ys[point] - hull_y[corners - 2]) - (
            hull_y[corners - 1] - hull_y[corners - 2]
        ) * (xs[point] - hull_x[corners - 2])
        if turn > 0:
            break
        corners -= 1
    hull_x[corners], hull_y[corners], hull_index[corners] = xs[point], ys[point], point
    return corners + 1


@njit(cache=True, nogil=True)
def _edge_lines(hull_x, hull_y, corners, lines):
    """Lines (a, b, c) of the hull edges, as :func:`facecutout.batched.geometry.hull_lines` scales
    them; a single corner has none. Returns the number of lines."""
    if corners < 2:
        return 0
    for i in range(corners):
        following = i + 1 if i + 1 < corners else 0
        edge_x, edge_y = hull_x[following] - hull_x[i], hull_y[following] - hull_y[i]
        lines[i, 0] = -edge_y
        lines[i, 1] = edge_x
        lines[i, 2] = edge_y * hull_x[i] - edge_x * hull_y[i]
    return corners


@njit(cache=True, nogil=True)
def _scaled_outline_hull(outline, scale, xs, ys, order, hull_x, hull_y, hull_index):
    """:func:`_hull` of the outline (m, 2) scaled by ``scale`` and rounded; returns the corners."""
    for k in range(outline.shape[0]):
        xs[k] = np.int64(np.round(outline[k, 0] * scale))
        ys[k] = np.int64(np.round(outline[k, 1] * scale))
    return _hull(xs, ys, outline.shape[0], order, hull_x, hull_y, hull_index)


@njit(cache=True, nogil=True)
def _outline_hull(outline, xs, ys, order, hull_x, hull_y, hull_index, lines):
    """Lines of the hull of the rounded outline (m, 2) into ``lines``; returns their number."""
    corners = _scaled_outline_hull(outline, 1.0, xs, ys, order, hull_x, hull_y, hull_index)
    return _edge_lines(hull_x, hull_y, corners, lines)


@njit(cache=True, nogil=True)
def _corner_centroid(outline, xs, ys, order, hull_x, hull_y, hull_index):
    """Mean of the outline points that are corners of its hull found on 1/CENTROID_PRECISION-pixel
    points (:func:`facecutout.batched.candidates.outline_hulls`), summed in outline order."""
    count = outline.shape[0]
    corners = _scaled_outline_hull(
        outline, float(CENTROID_PRECISION), xs, ys, order, hull_x, hull_y, hull_index
    )
    is_corner = np.zeros(count, np.bool_)
    for i in range(corners if corners > 1 else 0):  # a single point has no edge, hence no corner
        is_corner[hull_index[i]] = True
    sum_x = sum_y = 0.0
    used = 0
    for k in range(count):
        if is_corner[k]:
            sum_x += outline[k, 0]
            sum_y += outline[k, 1]
            used += 1
    used = max(used, 1)
    return sum_x / used, sum_y / used


@njit(cache=True, nogil=True)
def _widen(lines, edges):
    """:func:`facecutout.batched.geometry.widen_lines` on the first ``edges`` lines."""
    for i in range(edges):
        lines[i, 2] += 0.5 * max(abs(lines[i, 0]), abs(lines[i, 1]))


@njit(cache=True, nogil=True)
def _row_range(lines, edges, box):
    """First and last rows of the box that the lines with a = 0 keep, as ``raster._row_range``."""
    top, bottom = -np.inf, np.inf
    for i in range(edges):
        a, b, c = lines[i, 0], lines[i, 1], lines[i, 2]
        if a == 0 and b != 0:
            level = -c / b
            if b > 0:
                top = max(top, level)
            else:
                bottom = min(bottom, level)
    first = min(max(np.ceil(top - ROUNDING_TOLERANCE), float(box[1])), box[3] + 1.0)
    last = min(max(np.floor(bottom + ROUNDING_TOLERANCE), box[1] - 1.0), float(box[3]))
    return np.int64(first), np.int64(last)


@njit(cache=True, nogil=True)
def _spans(lines, edges, box, first, last, span_left, span_right):
    """Each row's span as ``raster.row_spans`` finds it, into ``span_left, span_right`` (row
    first + i at i); returns whether any row has a pixel."""
    any_pixel = False
    for y in range(first, last + 1):
        lower, upper = float(box[0]), float(box[2])
        for i in range(edges):
            a = lines[i, 0]
            if a != 0:
                bound = -lines[i, 2] / a + (-lines[i, 1] / a) * y
                if a > 0:
                    lower = max(lower, bound)
                else:
                    upper = min(upper, bound)
        left = np.int64(min(max(np.ceil(lower - ROUNDING_TOLERANCE), -FAR), FAR))
        right = np.int64(min(max(np.floor(upper + ROUNDING_TOLERANCE), -FAR), FAR))
        right = max(right, left - 1)
        span_left[y - first], span_right[y - first] = left, right
        any_pixel |= right >= left
    return any_pixel


@njit(cache=True, nogil=True)
def _within_budget(mask, span_left, span_right, first, last, budget):
    """Whether the mask pixels in the spans are at most ``budget``; stops once they exceed it."""
    inside = 0
    for y in range(first, last + 1):
        for x in range(span_left[y - first], span_right[y - first] + 1):
            inside += mask[y, x]
        if inside > budget:
            return False
    return True
