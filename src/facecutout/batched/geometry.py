"""Convex candidates as half-planes on tensors.

A candidate is the convex hull of a few integer points (the rounded polygon vertices, as the
per-image rasteriser rounds them) optionally cut by one more half-plane. It is stored as lines
(a, b, c): a pixel centre (x, y) is inside iff a * x + b * y + c >= 0 for every line. Zero lines
(0, 0, 0) are padding and always hold.
"""

from __future__ import annotations

import torch


def geometry_dtype(device: torch.device) -> torch.dtype:
    """float64 for landmark geometry where the device has it (MPS does not)."""
    return torch.float32 if device.type == "mps" else torch.float64


def hull_lines(points: torch.Tensor, present: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Edges of the convex hull of each point set, vectorised over all leading dimensions.

    Args:
        points: (..., n, 2) integer-valued (x, y) points.
        present: (..., n) bool, which points belong to the set (the rest is padding).

    Returns:
        lines (..., n, 3) (a, b, c) as float, hull edges first, zero lines after; and vertex
        flags (..., n) marking the hull's corner points. Edge i -> j is a hull edge iff every other
        point lies strictly to its inner side or on the segment itself, so collinear points, and
        repeated points, never make extra corners. A set of one distinct point has no edge.
    """
    count = points.shape[-2]
    exact = points.round().to(torch.int64)
    same = (exact[..., :, None, :] == exact[..., None, :, :]).all(-1)
    earlier = torch.ones(count, count, dtype=torch.bool, device=points.device).tril(-1)
    present = present & ~(same & earlier & present[..., None, :]).any(-1)

    edge = exact[..., None, :, :] - exact[..., :, None, :]  # [..., i, j] = p_j - p_i
    # cross / dot of edge i -> j with p_k - p_i, laid out as [..., i, j, k].
    cross = (
        edge[..., :, :, None, 0] * edge[..., :, None, :, 1]
        - edge[..., :, :, None, 1] * edge[..., :, None, :, 0]
    )
    dot = (
        edge[..., :, :, None, 0] * edge[..., :, None, :, 0]
        + edge[..., :, :, None, 1] * edge[..., :, None, :, 1]
    )
    length2 = (edge * edge).sum(-1)
    on_segment = (cross == 0) & (dot >= 0) & (dot <= length2[..., None])
    supported = ((cross > 0) | on_segment | ~present[..., None, None, :]).all(-1)
    is_edge = supported & present[..., :, None] & present[..., None, :] & (length2 > 0)

    start = exact[..., :, None, :].expand_as(edge)
    a = -edge[..., 1]
    b = edge[..., 0]
    c = edge[..., 1] * start[..., 0] - edge[..., 0] * start[..., 1]
    lines = torch.stack([a, b, c], dim=-1).to(points.dtype) * is_edge[..., None]
    flat_lines = lines.flatten(-3, -2)
    flat_edges = is_edge.flatten(-2).to(torch.int8)
    first = torch.sort(flat_edges, dim=-1, descending=True, stable=True).indices[..., :count]
    compact = torch.gather(flat_lines, -2, first[..., None].expand(*first.shape, 3))
    return compact, is_edge.any(-1)


def widen_lines(lines: torch.Tensor) -> torch.Tensor:
    """Lines moved outward by half a pixel along their major axis (x for steep edges, y for flat ones).

    OpenCV fills a polygon together with its outline, whose pixels lie up to half a pixel (along
    the major axis) outside the exact polygon; widened lines take the same pixels except for a few
    where the outline's rounding goes the other way. Zero lines stay zero.
    """
    margin = 0.5 * torch.maximum(lines[..., 0].abs(), lines[..., 1].abs())
    return torch.cat([lines[..., :2], (lines[..., 2] + margin)[..., None]], dim=-1)


def bounding_boxes(points: torch.Tensor, present: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """(..., 4) int64 boxes (x0, y0, x1, y1) of the rounded present points, clipped to the image.

    A box with x1 < x0 or y1 < y0 lies outside the image (or has no point).
    """
    exact = points.round()
    big = torch.finfo(points.dtype).max
    low = torch.where(present[..., None], exact, big).amin(-2)
    high = torch.where(present[..., None], exact, -big).amax(-2)
    low = low.clamp(min=0, max=max(height, width)).to(torch.int64)
    high = high.clamp(min=-1, max=max(height, width)).to(torch.int64)
    x0, y0 = low.unbind(-1)
    x1, y1 = high.unbind(-1)
    return torch.stack([x0, y0, x1.clamp(max=width - 1), y1.clamp(max=height - 1)], dim=-1)


def compact_lines(lines: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Move the non-zero lines first; return them and the number of non-zero lines (...,)."""
    used = (lines != 0).any(-1)
    order = torch.sort(used.to(torch.int8), dim=-1, descending=True, stable=True).indices
    return torch.gather(lines, -2, order[..., None].expand_as(lines)), used.sum(-1)
