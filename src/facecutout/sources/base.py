"""What a dataset reader returns: one record per usable video, and the entries it had to skip."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

REAL, FAKE = 0, 1


@dataclass(frozen=True)
class VideoRecord:
    """One video of a dataset.

    Attributes:
        video: id unique within the dataset; names the video's output folders.
        path: the video file.
        label: 0 real, 1 fake.
        original: id of the real video a fake was made from (a real video's own id).
        identities: the people the dataset says appear in it (empty when it does not say:
            those videos are grouped by face embeddings instead).
        split: the dataset's official split ("train", "val", "test") when it has one.
        mask: a fake's manipulation-mask video (same frames and size, white where manipulated)
            when the dataset ships one (FaceForensics++); preprocessing crops it as the exact region.
    """

    video: str
    path: Path
    label: int
    original: str
    identities: tuple[str, ...] = ()
    split: str | None = None
    mask: Path | None = None


@dataclass(frozen=True)
class SourceSkip:
    """A dataset entry left out, with a short reason key and a detail naming the file or entry."""

    item: str
    reason: str
    detail: str


@dataclass
class SourceListing:
    """A dataset's usable videos (sorted by id) and its skipped entries."""

    dataset: str
    records: list[VideoRecord]
    skips: list[SourceSkip] = field(default_factory=list)

    def originals(self) -> list[VideoRecord]:
        return [record for record in self.records if record.label == REAL]

    def fakes_of(self) -> dict[str, list[VideoRecord]]:
        """Original id -> its fakes, each list sorted by id."""
        families: dict[str, list[VideoRecord]] = {record.video: [] for record in self.originals()}
        for record in self.records:
            if record.label == FAKE:
                families[record.original].append(record)
        return families


def finish_listing(dataset: str, records: list[VideoRecord], skips: list[SourceSkip]) -> SourceListing:
    """Check the records a reader found and build the listing.

    Counted skips: a file that does not exist ("file_missing"), a second video with the same id
    ("duplicate_video"), a fake whose original is not a usable real video ("original_missing").
    """
    skips = list(skips)
    by_id: dict[str, VideoRecord] = {}
    for record in sorted(records, key=lambda item: (item.video, str(item.path))):
        if not record.path.is_file():
            skips.append(
                SourceSkip(record.video, "file_missing", f"listed video {record.path} does not exist")
            )
        elif record.video in by_id:
            detail = f"{record.path} has the same id as {by_id[record.video].path}"
            skips.append(SourceSkip(record.video, "duplicate_video", detail))
        else:
            by_id[record.video] = record
    usable = []
    for record in by_id.values():
        if record.label == FAKE:
            original = by_id.get(record.original)
            if original is None or original.label != REAL:
                detail = f"fake {record.path}: original {record.original!r} is not an available real video"
                skips.append(SourceSkip(record.video, "original_missing", detail))
                continue
        usable.append(record)
    return SourceListing(dataset, usable, skips)
