"""Rasterising convex candidates as row spans: half-plane tests at pixel centres, solved per row.

Pixel (x, y) has its centre at integer coordinates (x, y), as in OpenCV's drawing functions. A
pixel is in a candidate iff its centre lies in the candidate's box and passes every line
a * x + b * y + c >= 0. On row y each line with a != 0 bounds x from one side, so the pixels of a
convex candidate on a row are one span [left, right]: no per-pixel work is needed to measure a
candidate, only to paint the chosen one.
"""

from __future__ import annotations

import torch

ROUNDING_TOLERANCE = 1e-7
FEW_EDGES = 12


def row_spans(lines: torch.Tensor, boxes: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Rows (A, h) and inclusive column spans left, right (A, h) of A candidates.

    Args:
        lines: (A, E, 3) half-plane lines, E >= 1 (zero lines always hold), floating point.
        boxes: (A, 4) int64 (x0, y0, x1, y1), clipped to the image.

    Returns:
        rows = y0 + 0..h-1 with h the tallest box, and int64 spans; a row outside its box or not
        crossed by the candidate has left > right.

    A line with a > 0 bounds x from below on row y at x = u * y + v (u = -b / a, v = -c / a), one
    with a < 0 from above; a line with a = 0 bounds the rows. A pixel centre exactly on a line
    counts as inside: bounds are rounded inward only beyond a tolerance far below the 1 / |a|
    spacing of the rational bounds of integer lines.
    """
    extent = (boxes[:, 3] - boxes[:, 1] + 1).clamp(min=0)
    height = int(extent.max()) if len(boxes) else 0
    rows = boxes[:, 1:2] + torch.arange(height, device=boxes.device)
    y = rows.to(lines.dtype)
    lower, upper = _column_bounds(lines, y)
    # Clamped to the box (one past it for empty rows) before the integer conversion: a nearly
    # horizontal cut line puts its bounds far beyond the int64 range.
    first, last = boxes[:, 0:1].to(lines.dtype), boxes[:, 2:3].to(lines.dtype)
    left = torch.clamp((lower - ROUNDING_TOLERANCE).ceil(), first, last + 1)
    right = torch.clamp((upper + ROUNDING_TOLERANCE).floor(), first - 1, last)
    # Lines with a = 0 keep the rows where b * y + c >= 0.
    a, b, c = lines.unbind(-1)
    inf = torch.tensor(float("inf"), dtype=lines.dtype, device=lines.device)
    level = -c / torch.where(b == 0, 1, b)
    flat = (a == 0) & (b != 0)
    top = (torch.where(flat & (b > 0), level, -inf).amax(-1, keepdim=True) - ROUNDING_TOLERANCE).ceil()
    bottom = (torch.where(flat & (b < 0), level, inf).amin(-1, keepdim=True) + ROUNDING_TOLERANCE).floor()
    blocked = (y < top) | (y > bottom) | (rows > boxes[:, 3:4])
    left, right = left.to(torch.int64), right.to(torch.int64)
    return rows, left, torch.where(blocked, left - 1, right)


def _column_bounds(lines: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Greatest lower and least upper bound on x (A, h) that the lines (A, E, 3) put on rows y (A, h).

    -inf / inf where no line bounds that side. Each line bounds one side only, so the lines are
    ordered a > 0 first, a < 0 last, and each side evaluates only as many lines as the candidate
    with the most on that side: (A, lines, h) products with the rows innermost.
    """
    a, b, c = lines.unbind(-1)
    divisor = torch.where(a == 0, 1, a)
    slope, offset = -b / divisor, -c / divisor
    from_left, from_right = a > 0, a < 0
    order = torch.sort(a.sign(), dim=1, descending=True, stable=True).indices
    per_side = torch.stack([from_left.sum(1), from_right.sum(1)])  # (2, A)
    most_left, most_right = per_side.amax(1).tolist() if per_side.numel() else (0, 0)
    inf = torch.tensor(float("inf"), dtype=lines.dtype, device=lines.device)
    lower = _evaluate(slope, offset, from_left, order[:, : max(most_left, 1)], -inf, y).amax(1)
    upper = _evaluate(slope, offset, from_right, order[:, -max(most_right, 1) :], inf, y).amin(1)
    return lower, upper


def _evaluate(
    slope: torch.Tensor,
    offset: torch.Tensor,
    used: torch.Tensor,
    index: torch.Tensor,
    unused: torch.Tensor,
    y: torch.Tensor,
) -> torch.Tensor:
    """(A, L, h) slope * y + offset of lines ``index`` (A, L) on rows y (A, h); ``unused`` where a
    line is not ``used`` (A, E)."""
    slope = torch.gather(torch.where(used, slope, 0), 1, index)
    offset = torch.gather(torch.where(used, offset, unused), 1, index)
    return (slope[..., None] * y[:, None, :]).add_(offset[..., None])


def grouped_row_spans(
    lines: torch.Tensor, counts: torch.Tensor, boxes: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """:func:`row_spans` of candidates with at most FEW_EDGES lines apart from the others.

    ``lines`` (A, E, 3) hold their ``counts`` (A,) non-zero lines first. The cost of row spans is
    rows x lines for every candidate, so the few big polygons (outline halves) should not set it
    for the many small ones. Rows past a group's tallest box are padded as empty.
    """
    many = counts > FEW_EDGES
    if not bool(many.any()) or bool(many.all()):
        return row_spans(lines, boxes)
    groups = [
        (many.nonzero(as_tuple=True)[0], lines.shape[1]),
        ((~many).nonzero(as_tuple=True)[0], FEW_EDGES),
    ]
    spans = [(index, row_spans(lines[index, :edges], boxes[index])) for index, edges in groups]
    height = max(rows.shape[1] for _, (rows, _, _) in spans)
    rows = boxes.new_zeros((len(boxes), height))
    left = boxes.new_zeros((len(boxes), height))
    right = boxes.new_full((len(boxes), height), -1)
    for index, (group_rows, group_left, group_right) in spans:
        tall = group_rows.shape[1]
        rows[index, :tall], left[index, :tall], right[index, :tall] = group_rows, group_left, group_right
    return rows, left, right


def span_areas(left: torch.Tensor, right: torch.Tensor) -> torch.Tensor:
    """(A,) number of pixels of each candidate's spans (A, h)."""
    return (right - left + 1).clamp(min=0).sum(1)


def row_prefix_counts(masks: torch.Tensor) -> torch.Tensor:
    """(B, H, W) inclusive running count of mask pixels along each row, in the narrowest integer type."""
    width = masks.shape[2]
    dtype = torch.uint8 if width < 2**8 else torch.int16 if width < 2**15 else torch.int32
    return masks.view(torch.uint8).cumsum(2, dtype=dtype)


def span_counts(
    prefix: torch.Tensor, images: torch.Tensor, rows: torch.Tensor, left: torch.Tensor, right: torch.Tensor
) -> torch.Tensor:
    """(A,) mask pixels inside each candidate's spans, from ``row_prefix_counts`` of the masks."""
    height, width = prefix.shape[1:]
    filled = right >= left
    flat = prefix.view(-1)
    row_start = (images[:, None] * height + rows.clamp(max=height - 1)) * width
    last = _take(flat, row_start + right.clamp(0, width - 1)).to(torch.int32)
    before = _take(flat, row_start + (left - 1).clamp(0, width - 1)).to(torch.int32)
    before = torch.where(left > 0, before, 0)
    return torch.where(filled, last - before, 0).sum(1)


def span_pixels(left: torch.Tensor, right: torch.Tensor, width: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Every pixel of per-image row spans (B, H), in raster order.

    Returns the pixels' flat indices into a (B, H, W) array and their rows' flat indices into (B, H).
    """
    lengths = (right - left + 1).clamp(min=0).flatten()
    total = int(lengths.sum())
    line = torch.repeat_interleave(torch.arange(len(lengths), device=left.device), lengths, output_size=total)
    # A pixel's flat index is its row's start (row * W + left) plus its rank among the pixels listed so far
    # minus the rank of its row's first pixel.
    line_start = torch.arange(len(lengths), device=left.device) * width + left.flatten()
    line_base = line_start - (torch.cumsum(lengths, 0) - lengths)
    flat = torch.index_select(line_base, 0, line) + torch.arange(total, device=left.device)
    return flat, line


def _take(values: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """values[index] for a 1-D ``values`` and an index of any shape (index_select: fast on CPU)."""
    return torch.index_select(values, 0, index.reshape(-1)).view(index.shape)
