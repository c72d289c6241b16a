"""The rasterisation rule of :mod:`facecutout.cutout.raster` on tensors, for many hulls at once.

Pixel (x, y) belongs to a hull iff the integer point (x, y) lies in the hull's box (clipped to the
image) and on the inner side of (or on) every edge; per row that is one span of columns. Integer
arithmetic on any device gives exactly the per-image pixels.
"""

from __future__ import annotations

import torch


def hull_masks(vertices: torch.Tensor, counts: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """(A, height, width) bool: the pixels of A hulls, ``vertices`` (A, V, 2) int64 padded by
    repeating the last vertex, ``counts`` (A,) (0: an empty mask)."""
    x, y = vertices[..., 0], vertices[..., 1]
    edge_x, edge_y = torch.roll(x, -1, 1) - x, torch.roll(y, -1, 1) - y
    rows = torch.arange(height, device=vertices.device)
    # limit[a, e, r] = ex * (r - py): edge e keeps the columns c with ey * (c - px) <= limit.
    limit = edge_x[..., None] * (rows - y[..., None])
    # c <= px + floor(limit / ey) when ey > 0; c >= px - floor(limit / -ey) when ey < 0.
    quotient = torch.div(limit, edge_y.abs().clamp(min=1)[..., None], rounding_mode="floor")
    bounds = x[..., None] + edge_y.sign()[..., None] * quotient
    far = width + 1
    right = torch.where((edge_y > 0)[..., None], bounds, far).amin(1)
    left = torch.where((edge_y < 0)[..., None], bounds, -far).amax(1)
    right = torch.minimum(right, x.amax(1, keepdim=True).clamp(max=width - 1))
    left = torch.maximum(left, x.amin(1, keepdim=True).clamp(min=0))
    # Horizontal edges lie on a convex hull's top or bottom row: the box's rows obey them.
    in_rows = (rows >= y.amin(1, keepdim=True)) & (rows <= y.amax(1, keepdim=True))
    valid = in_rows & (counts > 0)[:, None]
    columns = torch.arange(width, device=vertices.device)
    inside = (columns >= left[..., None]) & (columns <= right[..., None])
    return inside & valid[..., None]
