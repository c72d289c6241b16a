"""Stage "diffs": the grey SSIM difference between each fake crop and its original's crop."""

from __future__ import annotations

from typing import Any

from facecutout.data.layout import DatasetLayout, crop_name
from facecutout.data.ssim import ssim_diff
from facecutout.fileio import read_rgb, write_image
from facecutout.preprocess.config import PreprocessConfig
from facecutout.sources import VideoRecord


def fake_diffs(
    fake: VideoRecord, crops_marker: dict[str, Any], config: PreprocessConfig, layout: DatasetLayout
) -> dict[str, Any]:
    """The diffs marker of one fake: diffs written, and crops whose original crop is absent."""
    written, original_missing = 0, 0
    for crop in crops_marker["crops"]:
        file = crop_name(crop["frame"], crop["person"])
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
        "original_crop_missing": original_missing,
    }
