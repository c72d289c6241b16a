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
    vectors, present = _contenders(coords, present.T)
    edge_x, edge_y, length = _most_clockwise(vectors)
    corners = _corners(vectors, edge_x, edge_y) & present & (length > 0)
    edge_x, edge_y = edge_x * corners, edge_y * corners  # zero lines off corners
    x, y = coords
    lines = torch.stack([-edge_y, edge_x, edge_y * x - edge_x * y], -1)
    return lines.transpose(0, 1).to(points.dtype), corners.T


def _contenders(coords: torch.Tensor, present: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The tournament's vectors p_k - p_i (k, 3, i, A) as (x, y, L1 length) of points (2, n, A),
    and ``present`` (n, A) without repeated points (a point equal to an earlier present point is
    dropped).

    The k axis is padded to a power of two and comes first, so that the tournament's halves are
    contiguous blocks; the points that may not follow p_i (absent, padding or equal to p_i) are
    zero vectors. Integer arithmetic only: on CPU, comparisons into bool tensors and
    ``torch.where`` cost several times more than arithmetic.
    """
    count, batch = coords.shape[1:]
    slots = 1 << max(count - 1, 0).bit_length()
    padding = (0, 0, 0, slots - count)
    contenders = coords.new_empty((slots, 3, count, batch))
    delta = contenders[:, :2]
    torch.sub(torch.nn.functional.pad(coords, padding).transpose(0, 1)[:, :, None], coords, out=delta)
    torch.sum(delta.abs(), 1, keepdim=True, out=contenders[:, 2:])
    distinct = contenders[:, 2].sign()  # (k, i, A): 1 where p_k != p_i, else 0
    earlier = torch.ones(slots, count, dtype=coords.dtype, device=coords.device).triu_(1)  # [k, i]: k < i
    equal = (1 - distinct).mul_(torch.nn.functional.pad(present, padding)[:, None])
    present = present & (equal.mul_(earlier[..., None]).amax(0) == 0)
    distinct.mul_(torch.nn.functional.pad(present, padding)[:, None])
    return contenders.mul_(distinct[:, None]), present


def _most_clockwise(contenders: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per point i of vectors (x, y, L1 length) (k, 3, i, A), k a power of two: the most clockwise
    vector, x, y and length (i, A), the longest on ties.

    A knockout tournament of log2(k) rounds with exact integer arithmetic: the second of a pair
    wins iff it is clockwise of the first, or in the same direction and longer, i.e. iff
    2 * cross(second - first, first) + sign(its length - first's length) > 0 (cross products are
    integers). Zero vectors (points that may not follow) lose to any other; a point with only zero
    vectors gets zero. Vectors in opposite directions compare by length only, so the result is the
    most clockwise vector only where a point's vectors lie within less than a half-turn, as they
    do at hull corners.
    """
    while contenders.shape[0] > 1:
        first, second = contenders.chunk(2)
        step = second - first
        x, y, longer = step.unbind(1)
        clockwise = (x * first[:, 1]).sub_(y * first[:, 0])  # cross(second, first)
        take = longer.sign().add_(clockwise, alpha=2).clamp_(0, 1)
        contenders = step.mul_(take[:, None]).add_(first)
    return contenders[0].unbind()


def _corners(vectors: torch.Tensor, edge_x: torch.Tensor, edge_y: torch.Tensor) -> torch.Tensor:
    """(i, A) whether no vector p_k - p_i of ``vectors`` (k, 3, i, A) (zero for points that do not
    count) lies outside the edge (i, A) from p_i: on its outer side, or along it behind p_i.

    The side of p_k is cross(edge, p_k - p_i) (>= 0 inside), its place along the edge the dot
    product (< 0 behind p_i), combined as 2 * side + min(sign(along), 0).
    """
    x, y = vectors[:, 0], vectors[:, 1]
    side = (edge_x * y).sub_(edge_y * x)
    along = (edge_x * x).add_(edge_y * y)
    return along.sign_().clamp_(max=0).add_(side, alpha=2).amin(0) == 0


def widen_lines(lines: torch.Tensor) -> torch.Tensor:
    """Lines moved outward by half a pixel along their major axis (x for steep edges, y for flat ones).

    OpenCV fills a polygon together with its outline, whose pixels lie up to half a pixel (along
    the major axis) outside the exact polygon; widened lines take the same pixels except for a few
    where the outline's rounding goes the other way. Zero lines stay zero.
    """
    widened = lines.clone()
    widened[..., 2].add_(torch.maximum(lines[..., 0].abs(), lines[..., 1].abs()), alpha=0.5)
    return widened


def bounding_boxes(points: torch.Tensor, present: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """(..., 4) int64 boxes (x0, y0, x1, y1) of the rounded present points, clipped to the image.

    A box with x1 < x0 or y1 < y0 lies outside the image (or has no point).
    """
    exact = points.round()
    absent = ~present[..., None]
    extremes = torch.cat([exact, -exact], -1).masked_fill_(absent, torch.finfo(points.dtype).max).amin(-2)
    side = max(height, width)
    low, high = points.new_tensor([[0, 0, 1 - width, 1 - height], [side, side, 1, 1]]).unbind()
    boxes = extremes.clamp_(low, high).to(torch.int64)  # x0, y0, -x1, -y1
    boxes[..., 2:].neg_()
    return boxes


def compact_lines(lines: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Lines (A, E, 3) with the non-zero ones first (in their order), cut to the most non-zero
    lines of a row (at least one), and the number of non-zero lines (A,). A line is zero iff its
    normal (a, b) is.

    The order is a sort of unique keys (non-zero lines above zero ones, earlier above later), which
    needs no stable sort, and the lines are picked as rows of the flattened lines.
    """
    count, size = lines.shape[:2]
    used = (lines[..., 0] != 0) | (lines[..., 1] != 0)
    counts = used.sum(-1)
    keys = torch.arange(size, 0, -1, device=lines.device) + used * size
    order = keys.topk(max(int(counts.max()), 1), sorted=True).indices
    rows = order + torch.arange(0, count * size, size, device=lines.device)[:, None]
    return lines.reshape(-1, 3).index_select(0, rows.view(-1)).view(*order.shape, 3), counts


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
    weight = present.to(x.dtype)
    count = weight.sum(1, keepdim=True)
    following = torch.arange(1, points.shape[1] + 1, device=points.device)
    following = following * (following < count)  # the next vertex (from the last one, the first)
    edge_x, edge_y = x.gather(1, following) - x, y.gather(1, following) - y
    turns = (edge_x * edge_y.gather(1, following)).sub_(edge_y * edge_x.gather(1, following))
    turning = turns.sign_().mul_(weight).sum(1, keepdim=True)  # +-count iff all turns go the same way
    upper = edge_y.sign().mul_(2).add_(edge_x.sign()).clamp_(0, 1)  # direction angle in [0, pi)
    rises = (upper.gather(1, following) - upper).clamp_(min=0).mul_(weight).sum(1)
    convex = (turning.abs() == count)[:, 0] & (rises == 1)
    lines = torch.stack([-edge_y, edge_x, edge_y * x - edge_x * y], dim=-1)
    return (lines * (turning.sign() * weight)[..., None]).to(points.dtype), convex
