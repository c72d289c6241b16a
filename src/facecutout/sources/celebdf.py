"""Celeb-DF (v2) reader.

Layout: ``ROOT/Celeb-real/idA_NNNN.mp4`` (person idA), ``ROOT/Celeb-synthesis/idA_idB_NNNN.mp4``
(idA_NNNN with idB's face: original idA_NNNN, people idA and idB), ``ROOT/YouTube-real/NNNNN.mp4``
(real, people not named: grouped by face embeddings), and optionally
``ROOT/List_of_testing_videos.txt`` (lines "<label> <folder>/<file>.mp4"), the official test split.
"""

from __future__ import annotations

import re
from pathlib import Path

from facecutout.errors import DataError
from facecutout.sources.base import FAKE, REAL, SourceListing, SourceSkip, VideoRecord, finish_listing

REAL_NAME = re.compile(r"^(id\d+)_(\d+)$")
FAKE_NAME = re.compile(r"^(id\d+)_(id\d+)_(\d+)$")
TEST_LIST = "List_of_testing_videos.txt"


def official_test_videos(root: Path) -> set[str] | None:
    """Video ids of the official test list, None when the list is absent."""
    listing = root / TEST_LIST
    if not listing.is_file():
        return None
    ids = set()
    for line in listing.read_text().splitlines():
        parts = line.split()
        if parts:
            ids.add(Path(parts[-1]).stem)
    return ids


def read_celebdf(root: str | Path) -> SourceListing:
    """Every video of Celeb-real, Celeb-synthesis and YouTube-real under ``root``."""
    root = Path(root)
    folders = [root / name for name in ("Celeb-real", "Celeb-synthesis", "YouTube-real")]
    if not any(folder.is_dir() for folder in folders):
        raise DataError(f"Celeb-DF root {root}: none of Celeb-real/, Celeb-synthesis/, YouTube-real/ found")
    test = official_test_videos(root)
    records: list[VideoRecord] = []
    skips: list[SourceSkip] = []

    def split_of(video: str) -> str | None:
        return None if test is None else ("test" if video in test else "train")

    for path in sorted((root / "Celeb-real").glob("*.mp4")):
        match = REAL_NAME.match(path.stem)
        if match is None:
            skips.append(SourceSkip(str(path), "unrecognised_name", f"{path}: expected idA_NNNN.mp4"))
            continue
        records.append(VideoRecord(path.stem, path, REAL, path.stem, (match[1],), split_of(path.stem)))
    for path in sorted((root / "Celeb-synthesis").glob("*.mp4")):
        match = FAKE_NAME.match(path.stem)
        if match is None:
            skips.append(SourceSkip(str(path), "unrecognised_name", f"{path}: expected idA_idB_NNNN.mp4"))
            continue
        original = f"{match[1]}_{match[3]}"
        records.append(
            VideoRecord(path.stem, path, FAKE, original, (match[1], match[2]), split_of(path.stem))
        )
    for path in sorted((root / "YouTube-real").glob("*.mp4")):
        records.append(VideoRecord(path.stem, path, REAL, path.stem, (), split_of(path.stem)))
    return finish_listing("celebdf", records, skips)
