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
    """Edges of the convex hull of each point set, vectorised over the first dimension.

    Args:
        points: (A, n, 2) integer-valued (x, y) points.
        present: (A, n) bool, which points belong to the set (the rest is padding).

    Returns:
        lines (A, n, 3) (a, b, c) in the points' dtype, one per point: the hull edge leaving that
        point, or a zero line; and corner flags (A, n). Every line is exact (integer arithmetic).

    Gift wrapping from every point at once: each point picks the most clockwise other point (the
    farthest one on ties) in a knockout tournament of log2(n) rounds. From a hull corner, where all
    other points lie within less than a half-turn, this is the next corner, so every hull edge is
    found; a point keeps its line only if no point lies on the outer side of it, so the rest
    (interior points, points inside an edge) adds at most redundant supporting lines, which never
    cut the hull. Repeated points count once.
    """
    count = points.shape[1]
    exact = points.round().to(torch.int64)
    x, y = exact[..., 0], exact[..., 1]
    same = (x[:, :, None] == x[:, None, :]) & (y[:, :, None] == y[:, None, :])  # (A, i, k)
    earlier = torch.ones(count, count, dtype=torch.bool, device=points.device).tril(-1)
    present = present & ~(same & earlier & present[:, None, :]).any(-1)

    # (A, i, k, 4): p_k - p_i as (x, y), its squared length, and whether p_k may follow p_i; the k
    # axis padded to a power of two with points that may not follow.
    dx, dy = x[:, None, :] - x[:, :, None], y[:, None, :] - y[:, :, None]
    usable = (present[:, None, :] & ~same).to(torch.int64)
    contenders = torch.stack([dx, dy, dx * dx + dy * dy, usable], dim=-1)
    slots = 1 << max(count - 1, 0).bit_length()
    contenders = torch.nn.functional.pad(contenders, (0, 0, 0, slots - count))
    while contenders.shape[2] > 1:
        first, second = contenders[:, :, 0::2], contenders[:, :, 1::2]
        first_x, first_y, first_length, first_usable = first.unbind(-1)
        second_x, second_y, second_length, second_usable = second.unbind(-1)
        cross = first_x * second_y - first_y * second_x
        farther = (
            (cross == 0) & (first_x * second_x + first_y * second_y > 0) & (second_length > first_length)
        )
        take = (second_usable > 0) & ((first_usable == 0) | (cross < 0) | farther)
        contenders = torch.where(take[..., None], second, first)
    edge_x, edge_y, _, found = contenders[:, :, 0].unbind(-1)  # (A, i)
    found = found > 0

    side = edge_x[:, :, None] * dy - edge_y[:, :, None] * dx
    supporting = ((side >= 0) | ~present[:, None, :]).all(-1) & present & found
    behind = (side == 0) & (edge_x[:, :, None] * dx + edge_y[:, :, None] * dy < 0) & present[:, None, :]
    corners = supporting & ~behind.any(-1)

    c = edge_y * x - edge_x * y
    lines = torch.stack([-edge_y, edge_x, c], dim=-1) * supporting[..., None]
    return lines.to(points.dtype), corners


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


def convex_quad_lines(points: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Edge lines of quadrilaterals given as vertices in cyclic order, where they are strictly convex.

    Args:
        points: (A, 4, 2) integer-valued (x, y) vertices, in either direction around the polygon.

    Returns:
        lines (A, 4, 3) in the convention of :func:`hull_lines` (inside: a * x + b * y + c >= 0,
        exact, one line per edge, scaled by the edge length as there) and flags (A,): whether the
        vertices turn strictly the same way at every corner, i.e. form a strictly convex polygon
        whose hull edges are exactly these lines. Lines of unflagged quadrilaterals are meaningless.

    Bands are such quadrilaterals: this spares them the general hull.
    """
    exact = points.round().to(torch.int64)
    edges = torch.roll(exact, -1, dims=1) - exact  # edge i runs from vertex i to vertex i + 1
    edge_x, edge_y = edges.unbind(-1)
    turns = edge_x * torch.roll(edge_y, -1, dims=1) - edge_y * torch.roll(edge_x, -1, dims=1)
    clockwise = (turns > 0).all(1)
    convex = clockwise | (turns < 0).all(1)
    orientation = torch.where(clockwise, 1, -1)[:, None]
    x, y = exact.unbind(-1)
    lines = torch.stack([-edge_y, edge_x, edge_y * x - edge_x * y], dim=-1) * orientation[..., None]
    return lines.to(points.dtype), convex
