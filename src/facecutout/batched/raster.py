"""Rasterising many hulls at once on tensors, as close to the per-image ``cv2.fillConvexPoly`` as
half-planes allow.

Pixel (x, y) has its centre at the integer point (x, y). It belongs to a hull iff it lies in the
hull's box (clipped to the image) and passes every edge moved out by half a pixel along the edge's
major axis: for an edge from (px, py) along (ex, ey), 2 * (ex * (y - py) - ey * (x - px)) +
max(|ex|, |ey|) >= 0. cv2 also takes the pixels its outline stepping reaches, so the two differ
only on outline pixels. With integer vertices the test is exact integer arithmetic, solved per
row: each row of a convex hull is one span of columns.
"""

from __future__ import annotations

import torch


def hull_masks(vertices: torch.Tensor, counts: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """(A, height, width) bool: the pixels of A hulls, ``vertices`` (A, V, 2) int64 in the order of
    :func:`facecutout.cutout.raster.hull_vertices`, padded by repeating the last vertex, ``counts``
    (A,) (0: an empty mask)."""
    x, y = vertices[..., 0], vertices[..., 1]
    edge_x, edge_y = torch.roll(x, -1, 1) - x, torch.roll(y, -1, 1) - y
    rows = torch.arange(height, device=vertices.device)
    # Edge e keeps the columns c with 2 * ey * (c - px) <= limit[a, e, r] on row r:
    # c <= px + floor(limit / 2ey) when ey > 0; c >= px - floor(limit / -2ey) when ey < 0.
    widening = torch.maximum(edge_x.abs(), edge_y.abs())[..., None]
    limit = 2 * edge_x[..., None] * (rows - y[..., None]) + widening
    quotient = torch.div(limit, 2 * edge_y.abs().clamp(min=1)[..., None], rounding_mode="floor")
    bounds = x[..., None] + edge_y.sign()[..., None] * quotient
    far = width + 1
    right = torch.where((edge_y > 0)[..., None], bounds, far).amin(1)
    left = torch.where((edge_y < 0)[..., None], bounds, -far).amax(1)
    right = torch.minimum(right, x.amax(1, keepdim=True).clamp(max=width - 1))
    left = torch.maximum(left, x.amin(1, keepdim=True).clamp(min=0))
    # A horizontal edge of a convex hull lies on its top or bottom row: the box's rows obey it.
    in_rows = (rows >= y.amin(1, keepdim=True)) & (rows <= y.amax(1, keepdim=True))
    valid = in_rows & (counts > 0)[:, None]
    columns = torch.arange(width, device=vertices.device)
    inside = (columns >= left[..., None]) & (columns <= right[..., None])
    return inside & valid[..., None]
