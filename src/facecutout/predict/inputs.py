"""Which prediction inputs are images and which are videos (folders are expanded, sorted)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from facecutout.errors import DataError
from facecutout.fileio import IMAGE_SUFFIXES

VIDEO_SUFFIXES = {".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg"}


def input_kind(path: Path) -> str | None:
    """ "image", "video" or None (by the file suffix)."""
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in VIDEO_SUFFIXES:
        return "video"
    return None


def collect_inputs(inputs: Sequence[str | os.PathLike]) -> list[tuple[Path, str]]:
    """(path, kind) of every input file; a folder contributes its images and videos."""
    found: list[tuple[Path, str]] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found.extend((child, kind) for child in sorted(path.iterdir()) if (kind := input_kind(child)))
            continue
        if not path.is_file():
            raise DataError(f"input {path} does not exist")
        kind = input_kind(path)
        if kind is None:
            raise DataError(
                f"input {path}: unknown file type {path.suffix!r}; images: {sorted(IMAGE_SUFFIXES)}, "
                f"videos: {sorted(VIDEO_SUFFIXES)}"
            )
        found.append((path, kind))
    if not found:
        raise DataError(f"no image or video among the inputs {[str(item) for item in inputs]}")
    return found
