"""Which prediction inputs are images and which are videos (folders are expanded, sorted)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from facecutout.fileio import IMAGE_SUFFIXES, collect_files

VIDEO_SUFFIXES = {".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg"}


def collect_inputs(inputs: Sequence[str | os.PathLike]) -> list[tuple[Path, str]]:
    """(path, kind) of every input file; a folder contributes its images and videos."""
    return collect_files(inputs, {"image": IMAGE_SUFFIXES, "video": VIDEO_SUFFIXES}, "input")
