"""Generic reader: a CSV listing the videos of any dataset.

Columns: ``video`` (the file, absolute or relative to the CSV's folder), ``label`` (0/1 or
REAL/FAKE), ``original`` (a fake's original video file, listed as a real row too; empty for real
videos) and optionally ``identity`` (people in the video, separated by ";"; videos without one are
grouped by face embeddings) and ``split``. Video ids are the file paths relative to the CSV's
folder without the suffix, "/" replaced by "__".
"""

from __future__ import annotations

import csv
from pathlib import Path, PurePosixPath

from facecutout.errors import DataError
from facecutout.sources.base import FAKE, REAL, SourceListing, SourceSkip, VideoRecord, finish_listing

LABELS = {"0": REAL, "1": FAKE, "REAL": REAL, "FAKE": FAKE}
REQUIRED = ("video", "label", "original")


def video_id(path_text: str) -> str:
    """A video's id from its path as written in the CSV."""
    path = PurePosixPath(path_text.replace("\\", "/"))
    parts = [part for part in path.with_suffix("").parts if part not in ("/", "..", ".")]
    return "__".join(parts)


def read_table(csv_path: str | Path, dataset: str = "custom") -> SourceListing:
    """The videos listed by the CSV file ``csv_path``."""
    csv_path = Path(csv_path)
    if not csv_path.is_file():
        raise DataError(f"no such CSV file: {csv_path}")
    base = csv_path.parent
    records: list[VideoRecord] = []
    skips: list[SourceSkip] = []
    with csv_path.open(newline="") as stream:
        reader = csv.DictReader(stream)
        missing = [column for column in REQUIRED if column not in (reader.fieldnames or [])]
        if missing:
            raise DataError(f"{csv_path}: missing column(s) {missing}; expected {list(REQUIRED)}")
        for row_number, row in enumerate(reader, start=2):
            video_text = (row.get("video") or "").strip()
            label = LABELS.get((row.get("label") or "").strip().upper())
            original_text = (row.get("original") or "").strip()
            if not video_text or label is None or (label == FAKE and not original_text):
                detail = f"{csv_path} row {row_number}: needs video, label 0/1 and, for a fake, original"
                skips.append(SourceSkip(f"row {row_number}", "bad_row", detail))
                continue
            video = video_id(video_text)
            identities = tuple(
                part.strip() for part in (row.get("identity") or "").split(";") if part.strip()
            )
            records.append(
                VideoRecord(
                    video,
                    base / video_text,
                    label,
                    video_id(original_text) if label == FAKE else video,
                    identities,
                    (row.get("split") or "").strip() or None,
                )
            )
    return finish_listing(dataset, records, skips)
