"""FaceForensics++ reader.

Layout: ``ROOT/original_sequences/youtube/<compression>/videos/NNN.mp4`` and
``ROOT/manipulated_sequences/<method>/<compression>/videos/TTT_SSS.mp4`` (TTT's video with SSS's
face: original NNN = TTT, people TTT and SSS). The official ``splits/{train,val,test}.json``
(lists of ["TTT", "SSS"] pairs) give each video its split when present. Video ids: ``NNN`` for
originals, ``<method>_TTT_SSS`` for fakes (several methods fake the same pair). A fake's exact
manipulation mask, ``ROOT/manipulated_sequences/<method>/masks/videos/TTT_SSS.mp4`` (FF++ ships
them for every method but FaceShifter), is attached to its record when present.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from facecutout.errors import DataError
from facecutout.sources.base import FAKE, REAL, SourceListing, SourceSkip, VideoRecord, finish_listing

COMPRESSIONS = ("raw", "c23", "c40")
FAKE_NAME = re.compile(r"^(\d+)_(\d+)$")


def official_splits(folder: Path) -> dict[str, str]:
    """Video id (NNN or TTT_SSS) -> split, from ``folder/{train,val,test}.json``; empty when absent."""
    splits: dict[str, str] = {}
    for split in ("train", "val", "test"):
        file = folder / f"{split}.json"
        if not file.is_file():
            continue
        try:
            pairs = json.loads(file.read_text())
            for target, source in pairs:
                splits[str(target)] = splits[str(source)] = split
                splits[f"{target}_{source}"] = splits[f"{source}_{target}"] = split
        except (OSError, ValueError, TypeError) as error:
            raise DataError(
                f"FF++ split file {file}: expected a JSON list of [id, id] pairs ({error})"
            ) from None
    return splits


def read_ffpp(
    root: str | Path,
    *,
    compression: str = "c23",
    methods: Sequence[str] | None = None,
    splits_dir: str | Path | None = None,
) -> SourceListing:
    """The youtube originals and the fakes of ``methods`` (all present when None) at ``compression``."""
    root = Path(root)
    if compression not in COMPRESSIONS:
        raise DataError(f"compression must be one of {COMPRESSIONS}, got {compression!r}")
    originals_dir = root / "original_sequences" / "youtube" / compression / "videos"
    if not originals_dir.is_dir():
        raise DataError(f"FF++ root {root}: no {originals_dir.relative_to(root)} folder")
    manipulated = root / "manipulated_sequences"
    available = (
        sorted(path.name for path in manipulated.iterdir() if path.is_dir()) if manipulated.is_dir() else []
    )
    chosen = list(methods) if methods else available
    for method in chosen:
        if method not in available:
            raise DataError(f"FF++ method {method!r} not found under {manipulated}; found {available}")
    splits = official_splits(Path(splits_dir) if splits_dir else root / "splits")
    records: list[VideoRecord] = []
    skips: list[SourceSkip] = []
    for path in sorted(originals_dir.glob("*.mp4")):
        records.append(VideoRecord(path.stem, path, REAL, path.stem, (path.stem,), splits.get(path.stem)))
    for method in chosen:
        for path in sorted((manipulated / method / compression / "videos").glob("*.mp4")):
            match = FAKE_NAME.match(path.stem)
            if match is None:
                skips.append(SourceSkip(str(path), "unrecognised_name", f"{path}: expected TTT_SSS.mp4"))
                continue
            target, source = match[1], match[2]
            video = f"{method}_{path.stem}"
            mask = manipulated / method / "masks" / "videos" / path.name
            records.append(
                VideoRecord(
                    video,
                    path,
                    FAKE,
                    target,
                    (target, source),
                    splits.get(path.stem),
                    mask if mask.is_file() else None,
                )
            )
    return finish_listing("ffpp", records, skips)
