"""Convex candidates as half-planes on tensors.

A candidate is the convex hull of a few integer points (the rounded polygon vertices, as the
per-image rasteriser rounds them) optionally cut by one more half-plane. It is stored as lines
(a, b, c): a pixel centre (x, y) is inside iff a * x + b * y + c >= 0 for every line. Zero lines
(0, 0, 0) are padding and always hold.
"""

from __future__ import annotations

import torch

INT32_COORDINATE_LIMIT = 2**13
FLOAT64_COORDINATE_LIMIT = 2**24


def geometry_dtype(device: torch.device) -> torch.dtype:
    """float64 for landmark geometry where the device has it (MPS does not)."""
    return torch.float32 if device.type == "mps" else torch.float64


def exact_coordinates(points: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """x, y (A, n) of integer-valued points (A, n, 2) in the fastest type that keeps the hull exact.

    int32 while every coordinate is below INT32_COORDINATE_LIMIT in magnitude: differences then
    stay below 2**14, and the hull's cross products (doubled) and the lines' offsets below 2**31.
    Above that, float64 points stay float64 (integers below 2**53 are exact, and all products stay
    below that while coordinates are below FLOAT64_COORDINATE_LIMIT); the rest becomes int64.
    """
    exact = points.round()
    largest = float(exact.abs().amax()) if exact.numel() else 0.0
    if largest < INT32_COORDINATE_LIMIT:
        exact = exact.to(torch.int32)
    elif exact.dtype != torch.float64 or largest >= FLOAT64_COORDINATE_LIMIT:
        exact = exact.to(torch.int64)
    return exact[..., 0], exact[..., 1]


def hull_lines(points: torch.Tensor, present: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Edges of the convex hull of each point set, vectorised over the first dimension.

    Args:
        points: (A, n, 2) (x, y) points, rounded here to integers (n >= 1).
        present: (A, n) bool, which points belong to the set (the rest is padding).

    Returns:
        lines (A, n, 3) (a, b, c) in the points' dtype, one per point: the hull edge leaving that
        point if it is a hull corner, else a zero line; and the corner flags (A, n). Every line is
        exact (integer arithmetic, in the type :func:`exact_coordinates` picks). A single point has
        no line; the hull of collinear points is the segment between its ends, as two opposite lines.

    Gift wrapping from every point at once (:func:`_most_clockwise`). From a hull corner, where all
    other points lie within less than a half-turn, the pick is the next corner, so every hull edge
    is found. A point is a corner iff no point lies on the outer side of its edge nor behind it on
    the edge's line: that rules out interior points and points inside an edge, whatever they
    picked. Repeated points count once.
    """
    x, y = exact_coordinates(points)
    coords = torch.stack([x.T, y.T])  # (2, n, A): the batch last, so that every operation runs along it
    contenders, present = _contenders(coords, present.T)
    edge_x, edge_y = _most_clockwise(contenders)  # (i, A)
    x, y = coords
    a, b, c = -edge_y, edge_x, edge_y * x - edge_x * y
    corners = _corners(a, b, c, x, y, present) & ((edge_x != 0) | (edge_y != 0))
    lines = torch.stack([a.T, b.T, c.T], dim=-1) * corners.T[..., None]
    return lines.to(points.dtype), corners.T


def _contenders(coords: torch.Tensor, present: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The tournament's vectors p_k - p_i with their L1 lengths (3, k, i, A) of points (2, n, A), and
    ``present`` (n, A) without repeated points (a point equal to an earlier present point is dropped).

    The k axis is padded to a power of two and comes first, so that the tournament's halves are
    contiguous blocks; the points that may not follow p_i (absent, padding or equal to p_i) are
    zero vectors. Integer arithmetic only: on CPU, comparisons into bool tensors and
    ``torch.where`` cost several times more than arithmetic.
    """
    count = coords.shape[1]
    slots = 1 << max(count - 1, 0).bit_length()
    contenders = coords.new_empty((3, slots, *coords.shape[1:]))
    delta = contenders[:2]
    padded = torch.nn.functional.pad(coords, (0, 0, 0, slots - count))  # (2, k, A)
    torch.sub(padded[:, :, None], coords[:, None], out=delta)
    torch.abs(delta[0], out=contenders[2]).add_(delta[1].abs())
    distinct = contenders[2].sign()  # 1 where p_k != p_i, else 0
    earlier = torch.ones(count, count, dtype=torch.bool, device=coords.device).triu(1)  # [k, i]: k < i
    repeated = (1 - distinct[:count]).mul_(earlier[..., None]).mul_(present[:, None]).amax(0)
    present = present & (repeated == 0)
    contenders.mul_(distinct.mul_(torch.nn.functional.pad(present, (0, 0, 0, slots - count))[:, None]))
    return contenders, present


def _most_clockwise(contenders: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per point i of vectors (x, y, L1 length) (3, k, i, A), k a power of two: the most clockwise
    vector (i, A) x, y, the longest on ties.

    A knockout tournament of log2(k) rounds with exact integer arithmetic: the second of a pair
    wins iff it is clockwise of the first, or in the same direction and longer. Zero vectors
    (points that may not follow) lose to any other; a point with only zero vectors gets zero.
    Vectors in opposite directions tie (the first wins), so the result is the most clockwise vector
    only where a point's vectors lie within less than a half-turn, as they do at hull corners.
    """
    while contenders.shape[1] > 1:
        half = contenders.shape[1] // 2
        first, second = contenders[:, :half], contenders[:, half:]
        clockwise = (first[1] * second[0]).sub_(first[0] * second[1]).sign_()  # cross(second, first)
        longer = (second[2] - first[2]).sign_()
        take = clockwise.mul_(2).add_(longer).clamp_(0, 1)  # 1 iff clockwise, or parallel and longer
        contenders = (second - first).mul_(take).add_(first)
    return contenders[0, 0], contenders[1, 0]


def _corners(
    a: torch.Tensor, b: torch.Tensor, c: torch.Tensor, x: torch.Tensor, y: torch.Tensor, present: torch.Tensor
) -> torch.Tensor:
    """(i, A) whether no present point p_k lies outside the edge line (a, b, c) (i, A) from p_i:
    on its outer side, or on it behind p_i. Points x, y and ``present`` are (n, A).

    In place on (i, k, A) products: side = a_i x_k + b_i y_k + c_i (>= 0 inside) and
    along = (p_k - p_i) . (b_i, -a_i) (< 0 behind p_i), combined as 2 * side + min(sign(along), 0).
    """
    side = a[:, None] * x
    side.add_(b[:, None] * y).add_(c[:, None])
    along = b[:, None] * x
    along.sub_(a[:, None] * y).sub_((b * x - a * y)[:, None])
    outside = side.mul_(2).add_(along.sign_().clamp_(max=0)).mul_(present)
    return (outside.amin(1) >= 0) & present


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


def convex_polygon_lines(points: torch.Tensor, present: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Edge lines of polygons given as vertices in cyclic order, where they are strictly convex.

    Args:
        points: (A, n, 2) integer-valued (x, y) vertices, in either direction around the polygon.
        present: (A, n) bool, each polygon's vertices first, then padding.

    Returns:
        lines (A, n, 3) in the convention of :func:`hull_lines` (inside: a * x + b * y + c >= 0,
        exact, scaled by the edge length as there): one per vertex, the edge to the next vertex,
        zero on padding; and flags (A,): whether the polygon is strictly convex, its hull edges
        then exactly these lines. Lines of unflagged polygons are meaningless.

    Strictly convex: every corner turns strictly the same way (so no repeated or collinear
    vertices, and at least 3), and the edges go around once. Each turn being less than a
    half-turn, the edge directions cross from the lower half-plane (angles in [pi, 2 pi)) into the
    upper one once per revolution; a star polygon crosses more often. Bands and many runs and
    subsets of the outline are such polygons: this spares them the general hull.
    """
    x, y = exact_coordinates(points)
    count = present.sum(1)
    following = (torch.arange(points.shape[1], device=points.device) + 1) % count.clamp(min=1)[:, None]
    edge_x, edge_y = x.gather(1, following) - x, y.gather(1, following) - y
    turns = edge_x * edge_y.gather(1, following) - edge_y * edge_x.gather(1, following)
    turning = turns.sign_().mul_(present).sum(1)  # +-count iff all turns go the same way
    upper = (edge_y.sign() * 2 + edge_x.sign()).clamp_(0, 1)  # direction angle in [0, pi)
    rises = (upper.gather(1, following) - upper).clamp_(min=0).mul_(present).sum(1)
    convex = (turning.abs() == count) & (rises == 1)
    lines = torch.stack([-edge_y, edge_x, edge_y * x - edge_x * y], dim=-1)
    return (lines * (turning.sign()[:, None] * present)[..., None]).to(points.dtype), convex
