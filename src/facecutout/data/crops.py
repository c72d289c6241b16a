"""How a face crop is cut from a frame: the detector's box grown by a margin on each side.

Preprocessing cuts the dataset's crops this way and prediction cuts the faces it scores the same
way, so a trained detector sees the framing it was trained on.
"""

from __future__ import annotations

CROP_MARGIN = 1 / 3
"""The paper's margin: a third of the box size added on each side."""


def crop_rectangle(box: list[float], margin: float, width: int, height: int) -> tuple[int, int, int, int]:
    """The crop (x1, y1, x2, y2) of a face box grown by ``margin`` of its size on each side, in the frame."""
    x1, y1, x2, y2 = (int(value) for value in box[:4])
    pad_x, pad_y = int((x2 - x1) * margin), int((y2 - y1) * margin)
    return max(x1 - pad_x, 0), max(y1 - pad_y, 0), min(x2 + pad_x, width), min(y2 + pad_y, height)
