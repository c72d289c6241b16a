"""Stage "diffs": each fake crop's manipulated region.

A fake whose dataset ships a manipulation-mask video (FaceForensics++: ``masks/videos``) gets its
exact region: the mask frame of each crop, cut with the same box as the crop, binarised (grey > 127
is manipulated: the mask videos are compressed, so their black and white are only near 0 and 255)
and written as 0 / 255 to ``masks/<fake>/<crop>_mask.png``. Every other fake, and the crops whose
mask frame is missing or unreadable, get the grey SSIM difference to the original's crop of the
same frame in ``diffs/``.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from facecutout.data.layout import DatasetLayout, crop_name
from facecutout.data.ssim import ssim_diff
from facecutout.errors import DataError
from facecutout.fileio import read_rgb, write_image
from facecutout.preprocess.config import PreprocessConfig
from facecutout.sources import VideoRecord
from facecutout.video import read_frames

logger = logging.getLogger(__name__)

MASK_LEVEL = 127
"""A mask video's pixel is manipulated when its grey level is above this."""


def mask_frames(fake: VideoRecord, frames: list[int]) -> dict[int, np.ndarray]:
    """The fake's mask frames (grey uint8) at ``frames``; empty without a mask video or when it fails."""
    if fake.mask is None:
        return {}
    try:
        decoded = read_frames(fake.mask, frames)
    except DataError as error:
        logger.warning("mask video %s of %s unreadable, using SSIM diffs: %s", fake.mask, fake.video, error)
        return {}
    return {index: frame.max(axis=2) for index, frame in decoded.items()}


def crop_mask(mask: np.ndarray, rect: list[int]) -> np.ndarray | None:
    """The 0 / 255 region of a grey mask frame inside ``rect`` (x1, y1, x2, y2); None if it lies outside."""
    x1, y1, x2, y2 = rect
    if y2 > mask.shape[0] or x2 > mask.shape[1]:
        return None
    return np.where(mask[y1:y2, x1:x2] > MASK_LEVEL, np.uint8(255), np.uint8(0))


def fake_diffs(
    fake: VideoRecord, crops_marker: dict[str, Any], config: PreprocessConfig, layout: DatasetLayout
) -> dict[str, Any]:
    """The diffs marker of one fake: masks and diffs written, crops whose original crop is absent."""
    masks = mask_frames(fake, sorted({crop["frame"] for crop in crops_marker["crops"]}))
    written, masks_written, original_missing = 0, 0, 0
    for crop in crops_marker["crops"]:
        file = crop_name(crop["frame"], crop["person"])
        frame_mask = masks.get(crop["frame"])
        region = crop_mask(frame_mask, crop["rect"]) if frame_mask is not None else None
        if region is not None:
            write_image(layout.mask(fake.video, file), region, rgb=False)
            masks_written += 1
            continue
        original_crop = layout.crop(fake.original, file)
        if not original_crop.is_file():
            original_missing += 1
            continue
        diff = ssim_diff(read_rgb(original_crop), read_rgb(layout.crop(fake.video, file)))
        write_image(layout.diff(fake.video, file), diff, rgb=False)
        written += 1
    return {
        "signature": config.signature("diffs"),
        "status": "done",
        "written": written,
        "masks_written": masks_written,
        "original_crop_missing": original_missing,
    }
