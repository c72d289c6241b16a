"""DFDC (Deepfake Detection Challenge) reader.

Layout: ``ROOT/dfdc_train_part_*/metadata.json`` beside the part's ``*.mp4`` files (ROOT may also
be a single part folder). Each metadata entry is ``"x.mp4": {"label": "FAKE"|"REAL",
"original": "y.mp4"}``; a fake's original may sit in any part. DFDC names no identities: videos
are grouped by face embeddings.
"""

from __future__ import annotations

import json
from pathlib import Path

from facecutout.errors import DataError
from facecutout.sources.base import FAKE, REAL, SourceListing, SourceSkip, VideoRecord, finish_listing

LABELS = {"REAL": REAL, "FAKE": FAKE}


def metadata_files(root: Path) -> list[Path]:
    if (root / "metadata.json").is_file():
        return [root / "metadata.json"]
    files = sorted(root.glob("*/metadata.json"))
    if not files:
        raise DataError(
            f"DFDC root {root}: no metadata.json in it or in its part folders (dfdc_train_part_*)"
        )
    return files


def read_dfdc(root: str | Path) -> SourceListing:
    """The videos listed by every ``metadata.json`` under ``root``."""
    root = Path(root)
    records: list[VideoRecord] = []
    skips: list[SourceSkip] = []
    for metadata in metadata_files(root):
        try:
            entries = json.loads(metadata.read_text())
            if not isinstance(entries, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as error:
            skips.append(SourceSkip(str(metadata), "metadata_unreadable", f"{metadata}: {error}"))
            continue
        for name, entry in sorted(entries.items()):
            label = LABELS.get(str(entry.get("label", "")).upper()) if isinstance(entry, dict) else None
            original = entry.get("original") if isinstance(entry, dict) else None
            if label is None or (label == FAKE and not original):
                detail = f"{metadata}: entry {name!r} needs label REAL/FAKE and a fake needs an original"
                skips.append(SourceSkip(name, "bad_metadata", detail))
                continue
            video = Path(name).stem
            records.append(
                VideoRecord(video, metadata.parent / name, label, Path(original).stem if label else video)
            )
    return finish_listing("dfdc", records, skips)
