"""Per-video, per-stage completion markers: JSON written atomically after the video's files.

A marker records the stage signature, the outcome ("done" or "skipped" with a reason) and what
the stage produced. A video whose marker is present with the current signature is not redone;
a video killed half way has no marker, so it is redone and its files are overwritten with the
same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from facecutout.data.layout import DatasetLayout
from facecutout.fileio import atomic_write_bytes


def to_json_bytes(value: Any) -> bytes:
    """Deterministic JSON: sorted keys, fixed separators, trailing newline."""
    return (json.dumps(value, sort_keys=True, indent=1) + "\n").encode()


def write_marker(layout: DatasetLayout, stage: str, video: str, marker: dict[str, Any]) -> None:
    atomic_write_bytes(layout.marker(stage, video), to_json_bytes(marker))


def read_marker(layout: DatasetLayout, stage: str, video: str, signature: str | None = None) -> dict | None:
    """The marker of ``video`` at ``stage``, None when absent, unreadable or of another signature."""
    path = layout.marker(stage, video)
    if not path.is_file():
        return None
    try:
        marker = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if signature is not None and marker.get("signature") != signature:
        return None
    return marker


def skipped(signature: str, reason: str, detail: str) -> dict[str, Any]:
    return {"signature": signature, "status": "skipped", "reason": reason, "detail": detail}


def remove_stale_temporaries(folder: Path, prefix: str = ".") -> None:
    """Delete temporary files an interrupted atomic write left in ``folder`` (names ``.<file>.*.tmp``)."""
    if folder.is_dir():
        for path in folder.glob(f"{prefix}*.tmp"):
            path.unlink(missing_ok=True)
