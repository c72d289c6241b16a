"""Rasterising convex candidates as row spans: half-plane tests at pixel centres, solved per row.

Pixel (x, y) has its centre at integer coordinates (x, y), as in OpenCV's drawing functions. A
pixel is in a candidate iff its centre lies in the candidate's box and passes every line
a * x + b * y + c >= 0. On row y each line with a != 0 bounds x from one side, so the pixels of a
convex candidate on a row are one span [left, right]: no per-pixel work is needed to measure a
candidate, only to paint the chosen one. Rows are ragged: each candidate lists only the rows of
its box, so short candidates cost no more than their height.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

ROUNDING_TOLERANCE = 1e-7
FEW_EDGES = 12
FAR = 2.0**40


@dataclass(frozen=True)
class RowSpans:
    """Rows of candidates: the pixels ``left[i]`` .. ``right[i]`` (inclusive) of image row ``row[i]``
    belong to candidate ``owner[i]``; ``right[i] == left[i] - 1`` when the candidate misses that row."""

    owner: torch.Tensor
    row: torch.Tensor
    left: torch.Tensor
    right: torch.Tensor

    def select(self, keep: torch.Tensor) -> RowSpans:
        """The rows where ``keep`` (R,) bool is set."""
        return self.take(keep.nonzero(as_tuple=True)[0])

    def take(self, index: torch.Tensor) -> RowSpans:
        """The rows ``index`` (int64), in that order."""
        return RowSpans(*(torch.index_select(part, 0, index) for part in self))

    def relabel(self, owners: torch.Tensor) -> RowSpans:
        """The same rows with owner i renamed ``owners[i]``."""
        return RowSpans(torch.index_select(owners, 0, self.owner), self.row, self.left, self.right)

    @property
    def lengths(self) -> torch.Tensor:
        """(R,) pixels of each row (0 where the candidate misses it)."""
        return self.right - self.left + 1

    def areas(self, count: int) -> torch.Tensor:
        """(count,) int64 pixels of each owner."""
        return self.per_owner(self.lengths, count)

    def per_owner(self, values: torch.Tensor, count: int) -> torch.Tensor:
        """(count,) sums of per-row ``values`` (R,) over each owner's rows."""
        return values.new_zeros(count).index_add_(0, self.owner, values)

    def __iter__(self):
        return iter((self.owner, self.row, self.left, self.right))


def concatenate_spans(parts: list[RowSpans]) -> RowSpans:
    """The rows of all ``parts`` (at least one) in order."""
    if len(parts) == 1:
        return parts[0]
    return RowSpans(*(torch.cat(pieces) for pieces in zip(*parts, strict=True)))


def row_spans(lines: torch.Tensor, boxes: torch.Tensor) -> RowSpans:
    """Row spans of A candidates: one entry per row of each candidate's box that its lines allow.

    Args:
        lines: (A, E, 3) half-plane lines (zero lines always hold), floating point.
        boxes: (A, 4) int64 (x0, y0, x1, y1), clipped to the image.

    A line with a > 0 bounds x from below on row y at x = u * y + v (u = -b / a, v = -c / a), one
    with a < 0 from above; a line with a = 0 bounds the rows. A pixel centre exactly on a line
    counts as inside: bounds are rounded inward only beyond a tolerance far below the 1 / |a|
    spacing of the rational bounds of integer lines.
    """
    a, b, c = lines.unbind(-1)
    divisor = torch.where(a == 0, 1, a)
    slope, offset = -b / divisor, -c / divisor
    # The box's columns as two more lines: x >= x0 from the left, x <= x1 from the right.
    zero = slope.new_zeros((len(boxes), 1, 1))
    first_column = torch.cat([zero, boxes[:, None, 0:1].to(lines.dtype)], 1)
    last_column = torch.cat([zero, boxes[:, None, 2:3].to(lines.dtype)], 1)
    lower_lines = torch.cat([_side_lines(slope, offset, a > 0, -float("inf")), first_column], 2)
    upper_lines = torch.cat([_side_lines(slope, offset, a < 0, float("inf")), last_column], 2)
    split = lower_lines.shape[2]
    bounds = torch.cat([lower_lines, upper_lines], 2)  # (A, 2, lower + upper lines)
    first_row, last_row = _row_range(a, b, c, boxes)
    heights = (last_row - first_row + 1).clamp(min=0)
    total = int(heights.sum())
    owner = torch.repeat_interleave(torch.arange(len(boxes), device=boxes.device), heights, output_size=total)
    starts = torch.cumsum(heights, 0) - heights
    row = torch.arange(total, device=boxes.device) - torch.index_select(starts - first_row, 0, owner)
    slopes, offsets = torch.index_select(bounds, 0, owner).unbind(1)
    bound = torch.addcmul(offsets, slopes, row.to(lines.dtype)[:, None])
    lower, upper = bound[:, :split].amax(-1), bound[:, split:].amin(-1)
    # Clamped before the integer conversion: a nearly horizontal cut line puts its bounds far
    # beyond the int64 range (the box lines keep them within it otherwise).
    left = (lower - ROUNDING_TOLERANCE).ceil().clamp(-FAR, FAR).to(torch.int64)
    right = (upper + ROUNDING_TOLERANCE).floor().clamp(-FAR, FAR).to(torch.int64)
    return RowSpans(owner, row, left, torch.maximum(right, left - 1))


def _side_lines(
    slope: torch.Tensor, offset: torch.Tensor, side: torch.Tensor, neutral: float
) -> torch.Tensor:
    """(A, 2, S) slopes and offsets of the lines where ``side`` (A, E), moved first; S is the most
    such lines of any candidate (at least 1). Padding lines (slope 0, offset ``neutral``) never bind."""
    order = torch.sort(side.to(torch.int8), dim=1, descending=True, stable=True).indices
    order = order[:, : max(int(side.sum(1).max()), 1)]
    kept = torch.gather(side, 1, order)
    return torch.stack(
        [
            torch.where(kept, torch.gather(slope, 1, order), 0),
            torch.where(kept, torch.gather(offset, 1, order), neutral),
        ],
        1,
    )


def _row_range(
    a: torch.Tensor, b: torch.Tensor, c: torch.Tensor, boxes: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """First and last rows (A,) int64 of each box that its lines with a = 0 (b * y + c >= 0) keep."""
    inf = torch.tensor(float("inf"), dtype=a.dtype, device=a.device)
    level = -c / torch.where(b == 0, 1, b)
    flat = (a == 0) & (b != 0)
    top = (torch.where(flat & (b > 0), level, -inf).amax(-1) - ROUNDING_TOLERANCE).ceil()
    bottom = (torch.where(flat & (b < 0), level, inf).amin(-1) + ROUNDING_TOLERANCE).floor()
    y0, y1 = boxes[:, 1].to(a.dtype), boxes[:, 3].to(a.dtype)
    return torch.clamp(top, y0, y1 + 1).to(torch.int64), torch.clamp(bottom, y0 - 1, y1).to(torch.int64)


def grouped_row_spans(lines: torch.Tensor, counts: torch.Tensor, boxes: torch.Tensor) -> RowSpans:
    """:func:`row_spans` of candidates with at most FEW_EDGES lines apart from the others.

    ``lines`` (A, E, 3) hold their ``counts`` (A,) non-zero lines first. The cost of row spans is
    rows x lines for every candidate, so the few big polygons (outline halves) should not set it
    for the many small ones.
    """
    many = counts > FEW_EDGES
    if not bool(many.any()) or bool(many.all()):
        return row_spans(lines, boxes)
    parts = []
    for index, edges in (
        (many.nonzero(as_tuple=True)[0], lines.shape[1]),
        ((~many).nonzero(as_tuple=True)[0], FEW_EDGES),
    ):
        parts.append(row_spans(lines[index, :edges], boxes[index]).relabel(index))
    return concatenate_spans(parts)


def span_pixels(spans: RowSpans, height: int, width: int) -> torch.Tensor:
    """Flat indices into a (B, H, W) array of every pixel of rows whose owners are images, row by row."""
    lengths = spans.lengths
    total = int(lengths.sum())
    # A pixel's flat index is its row's start plus its rank among all pixels listed minus the rank of
    # its row's first pixel.
    line_start = (spans.owner * height + spans.row) * width + spans.left
    line_base = line_start - (torch.cumsum(lengths, 0) - lengths)
    return torch.repeat_interleave(line_base, lengths, output_size=total) + torch.arange(
        total, device=lengths.device
    )


def span_regions(spans: RowSpans, batch: int, height: int, width: int) -> torch.Tensor:
    """(batch, height, width) bool: the pixels of rows whose owners are images."""
    regions = torch.zeros((batch, height, width), dtype=torch.bool, device=spans.left.device)
    regions.view(batch * height, width)[spans.owner * height + spans.row] = span_masks(spans, width)
    return regions


def span_masks(spans: RowSpans, width: int) -> torch.Tensor:
    """(R, width) bool: the columns of each row's span.

    Row j of a sliding window over ``width`` False then ``width + 1`` True values is x >= width - j
    (a view, no copy), so each mask is two gathered rows: x >= left and not x >= right + 1.
    """
    steps = torch.arange(2 * width + 1, device=spans.left.device) >= width
    at_least = steps.as_strided((width + 1, width), (1, 1))
    left = torch.index_select(at_least, 0, width - spans.left.clamp(0, width))
    past = torch.index_select(at_least, 0, width - (spans.right + 1).clamp(0, width))
    return left & ~past
