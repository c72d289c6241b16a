"""DFDC (Deepfake Detection Challenge) reader.

Layout: ``ROOT/dfdc_train_part_*/metadata.json`` beside the part's ``*.mp4`` files (ROOT may also
be a single part folder). Each metadata entry is ``"x.mp4": {"label": "FAKE"|"REAL",
"original": "y.mp4"}``; a fake's original may sit in any part. DFDC names no identities: videos
are grouped by face embeddings. Entries naming a file outside the part folder (an absolute path or
one with ``..``) and entries without a usable label or original are skipped and counted.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePath, PureWindowsPath

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


def entry_problem(name: str, entry: object) -> tuple[str, str] | None:
    """Why a metadata entry cannot be used, as (reason key, words), or None when it can.

    The key must name a file inside the part folder ("outside_root" otherwise: nothing outside the
    dataset is read); the entry needs a label REAL or FAKE and, for a fake, its original's file name
    as a string ("bad_metadata").
    """
    path = PurePath(name)
    if path.is_absolute() or PureWindowsPath(name).is_absolute() or ".." in path.parts:
        return "outside_root", "names a file outside the dataset folder"
    label = entry.get("label") if isinstance(entry, dict) else None
    if not isinstance(label, str) or label.upper() not in LABELS:
        return "bad_metadata", "needs label REAL or FAKE"
    original = entry.get("original")
    if LABELS[label.upper()] == FAKE and (not isinstance(original, str) or not original.strip()):
        return "bad_metadata", f"is a fake whose original must be a file name, got {original!r}"
    return None


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
            problem = entry_problem(name, entry)
            if problem is not None:
                reason, why = problem
                skips.append(SourceSkip(name, reason, f"{metadata}: entry {name!r} {why}"))
                continue
            label = LABELS[entry["label"].upper()]
            video = Path(name).stem
            original = Path(entry["original"]).stem if label == FAKE else video
            records.append(VideoRecord(video, metadata.parent / name, label, original))
    return finish_listing("dfdc", records, skips)
