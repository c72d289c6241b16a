"""Counting mask pixels in row spans, from running sums of mask rows packed into int64 lanes.

A (B, H, W) bool mask is read as int64 words of 64 / L lanes (L = 8, 16 or 32 bits), one pixel a
lane: with 8-bit lanes that is a free view of the bool bytes. A running sum of the words along each
row adds lane by lane, so lane k of word j counts the mask pixels of lane k in words 0..j; it never
carries into the next lane (nor into the sign bit) while the row has fewer than 2**(L - 1) words:
8-bit lanes serve rows up to 1016 pixels. The scan touches W / 8 words per row instead of W pixels.

The lane counts of a row through column x are the running word j = x // P (P pixels a word) minus
that word's own lanes after x. The count of a span [left, right] is the lane-wise difference of the
vectors through right and through left - 1 (never negative in any lane, so no borrow crosses
lanes), summed over its lanes.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from facecutout.batched.raster import RowSpans
from facecutout.errors import InvalidInputError

WORD_BITS = 64


def lane_bits(width: int) -> int:
    """The narrowest lane (8, 16 or 32 bits) whose running counts on rows of ``width`` pixels stay
    below half its range, so that no word ever reaches the sign bit."""
    for bits in (8, 16, 32):
        pixels_per_word = WORD_BITS // bits
        if -(-width // pixels_per_word) < 2 ** (bits - 1):
            return bits
    raise InvalidInputError(f"rows of {width} pixels are too wide to count")


def lane_sum(words: torch.Tensor, bits: int) -> torch.Tensor:
    """Sum of the lanes of int64 ``words`` whose lanes of ``bits`` bits are non-negative counts."""
    return _fold_halves(_widen_lanes(words, bits, WORD_BITS // 2))


@dataclass(frozen=True)
class MaskCounts:
    """Packed rows and their running sums of (B, H, W) bool masks; see the module docstring."""

    words: torch.Tensor  # (B, H, J) int64, P pixels a word
    running: torch.Tensor  # (B, H, J) int64, running lane-wise sums of ``words`` along each row
    bits: int
    width: int

    @staticmethod
    def of(masks: torch.Tensor, bits: int | None = None) -> MaskCounts:
        """Pack ``masks`` (B, H, W) bool with lanes of ``bits`` bits (default: :func:`lane_bits`)."""
        width = masks.shape[2]
        bits = lane_bits(width) if bits is None else bits
        per_word = WORD_BITS // bits
        lanes = masks.view(torch.uint8) if bits == 8 else masks.to({16: torch.int16, 32: torch.int32}[bits])
        padding = -width % per_word
        if padding:
            lanes = torch.nn.functional.pad(lanes, (0, padding))
        words = lanes.contiguous().view(torch.int64)
        return MaskCounts(words, words.cumsum(2), bits, width)

    @property
    def pixels_per_word(self) -> int:
        return WORD_BITS // self.bits

    def totals(self) -> torch.Tensor:
        """(B,) int64 mask pixels of each image."""
        return lane_sum(self.running[:, :, -1], self.bits).sum(1)

    def span_counts(self, spans: RowSpans, images: torch.Tensor) -> torch.Tensor:
        """(A,) mask pixels inside each candidate's row spans; candidate a belongs to image ``images[a]``.

        Columns outside the image are clipped.
        """
        height, words_per_row = self.words.shape[1:]
        image = torch.index_select(images, 0, spans.owner)
        row_start = (image * height + spans.row) * words_per_row
        ends = torch.stack([spans.left - 1, spans.right]).clamp(-1, self.width - 1)
        through = self._counts_through(row_start.expand_as(ends), ends)
        # Lanes widened to 32 bits before the sum over a candidate's rows, which then cannot overflow them.
        per_row = _widen_lanes(through[1] - through[0], self.bits, WORD_BITS // 2)
        return _fold_halves(spans.per_owner(per_row, len(images)))

    def _counts_through(self, row_start: torch.Tensor, column: torch.Tensor) -> torch.Tensor:
        """Lane vectors counting each row's mask pixels in columns 0..column (column >= -1)."""
        shift = self.pixels_per_word.bit_length() - 1
        word = column.clamp(min=0) >> shift
        flat = (row_start + word).reshape(-1)
        running = torch.index_select(self.running.view(-1), 0, flat)
        own = torch.index_select(self.words.view(-1), 0, flat)
        # Column -1 takes word 0 and masks all of its lanes: its running count minus itself.
        lane = column - ((word << shift) - 1)
        after = torch.index_select(
            _lanes_after(self.pixels_per_word, self.bits, column.device), 0, lane.view(-1)
        )
        return (running - (own & after)).view(column.shape)


def _widen_lanes(words: torch.Tensor, bits: int, target: int) -> torch.Tensor:
    """Pairs of neighbouring lanes added into lanes of twice the width, until lanes of ``target`` bits."""
    while bits < target:
        low = sum(((1 << bits) - 1) << shift for shift in range(0, WORD_BITS, 2 * bits))
        words = (words & low) + ((words >> bits) & low)
        bits *= 2
    return words


def _fold_halves(words: torch.Tensor) -> torch.Tensor:
    """Sum of the two 32-bit lanes of int64 ``words``."""
    return (words & 0xFFFFFFFF) + ((words >> 32) & 0xFFFFFFFF)


def _lanes_after(per_word: int, bits: int, device: torch.device) -> torch.Tensor:
    """(per_word + 1,) int64 masks: entry i + 1 covers the lanes above lane i, entry 0 all lanes."""
    masks = []
    for lane in range(-1, per_word):
        value = (((1 << WORD_BITS) - 1) >> ((lane + 1) * bits)) << ((lane + 1) * bits)
        masks.append(value - (1 << WORD_BITS) if value >= 1 << (WORD_BITS - 1) else value)  # as int64
    return torch.tensor(masks, dtype=torch.int64, device=device)
