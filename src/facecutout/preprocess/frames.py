"""Stage "frames": how many frames each video has, its frame size and the frame indices to use."""

from __future__ import annotations

from typing import Any

from facecutout.preprocess.config import PreprocessConfig
from facecutout.preprocess.markers import skipped
from facecutout.sources import VideoRecord
from facecutout.video import VideoReadError, frame_count, frame_size, sample_indices


def probe_video(record: VideoRecord, config: PreprocessConfig) -> dict[str, Any]:
    """The frames marker of one video: frame count, (width, height) and the chosen indices."""
    signature = config.signature("frames")
    try:
        total = frame_count(record.path)
        width, height = frame_size(record.path)
    except VideoReadError as error:
        return skipped(signature, error.reason, str(error))
    if width <= 0 or height <= 0:
        return skipped(signature, "unreadable", f"video {record.path} declares frame size {width}x{height}")
    indices = sample_indices(total, count=config.frames, stride=config.stride)
    return {
        "signature": signature,
        "status": "done",
        "total": total,
        "size": [width, height],
        "frames": indices,
    }
