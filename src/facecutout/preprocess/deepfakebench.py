"""Training CSVs over a DeepfakeBench tree, its files used in place.

For each dataset of a DeepfakeBench JSON (:mod:`facecutout.sources.deepfakebench`), one
``OUT/<dataset>.csv`` with a row per listed frame whose image exists, naming the frame, its 81
landmarks and (FaceForensics++ fakes) its mask file in the path columns
(:data:`facecutout.data.layout.PATH_COLUMNS`): nothing is copied. A fake's mask is its exact
manipulated region; a fake without one is trained on but never cut (DeepfakeBench aligns every
video on its own, so no SSIM diff to the original can be computed). Folds keep identity groups
whole: a video with its original and every video sharing a person (FF++: fake ``A_B`` with originals
A and B). With ``holdout_test``, the groups of a label's test videos get the held-out fold -1, unless
that label lists all its videos under test (DeepfakeBench does so for datasets without a split).
``OUT/<dataset>_report.json`` counts what was found and skipped.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from facecutout.data.layout import COLUMNS, IDENTITY, PATH_COLUMNS, DatasetLayout, assign_folds, write_csv
from facecutout.errors import DataError
from facecutout.fileio import atomic_write_bytes
from facecutout.preprocess.balance import folds_report
from facecutout.preprocess.identity import identity_groups
from facecutout.preprocess.report import FoldsReport
from facecutout.schema import ReportModel
from facecutout.sources.base import FAKE, REAL, VideoRecord
from facecutout.sources.deepfakebench import BenchFrame, BenchVideo, read_deepfakebench


class ConversionReport(ReportModel):
    """What one dataset's CSV holds and what was left out."""

    dataset: str
    csv: str
    videos: int
    real_videos: int
    fake_videos: int
    fakes_without_original: int
    frames_listed: int
    frames_missing: int
    rows_without_landmarks: int
    fake_rows_with_mask: int
    fake_rows_without_mask: int
    folds: FoldsReport


def chosen_frames(frames: tuple[BenchFrame, ...], count: int | None) -> list[BenchFrame]:
    """``count`` evenly spaced frames (all when None or when there are fewer)."""
    if count is None or len(frames) <= count:
        return list(frames)
    return [frames[int(i)] for i in np.unique(np.linspace(0, len(frames) - 1, count).round())]


def _records(videos: list[BenchVideo]) -> tuple[list[VideoRecord], int]:
    """Videos as source records (a fake's original found among the real videos by name)."""
    reals = {video.name: video.video for video in videos if video.label == REAL}
    records, orphans = [], 0
    for video in videos:
        original = video.video if video.label == REAL else reals.get(video.original or "")
        if original is None:
            orphans += 1
            original = video.video
        folder = video.frames[0].image.parent
        records.append(VideoRecord(video.video, folder, video.label, original, video.people))
    return records, orphans


def held_out(videos: list[BenchVideo]) -> set[str]:
    """The test videos of each label that does not list all its videos under test."""
    held: set[str] = set()
    for label in {video.label_name for video in videos}:
        of_label = [video for video in videos if video.label_name == label]
        test = {video.video for video in of_label if "test" in video.splits}
        if len(test) < len(of_label):
            held |= test
    return held


def dataset_table(
    videos: list[BenchVideo], frames: int | None, folds: int, holdout_test: bool
) -> tuple[pd.DataFrame, dict[str, int], dict[str, str]]:
    """The CSV rows of one dataset's videos, the counts for its report, and each video's identity group."""
    records, orphans = _records(videos)
    groups = identity_groups(records, {}, threshold=0.0)
    chosen = {video.video: chosen_frames(video.frames, frames) for video in videos}
    present = {key: [frame for frame in value if frame.image.is_file()] for key, value in chosen.items()}
    sizes = Counter({groups[video.video]: len(present[video.video]) for video in videos})
    holdout = {groups[video] for video in held_out(videos)} if holdout_test else set()
    fold_of = assign_folds(dict(sizes), folds, holdout)
    rows = []
    for video, record in zip(videos, records, strict=True):
        group = groups[video.video]
        for frame in present[video.video]:
            mask = frame.mask if video.label == FAKE else None
            rows.append(
                (
                    video.video,
                    frame.name,
                    video.label,
                    record.original,
                    frame.index,
                    fold_of[group],
                    video.dataset,
                    group,
                    str(frame.image.resolve()),
                    str(frame.landmarks.resolve()) if frame.landmarks else "",
                    str(mask.resolve()) if mask else "",
                )
            )
    table = pd.DataFrame(rows, columns=[*COLUMNS, IDENTITY, *PATH_COLUMNS])
    fakes = table[table["label"] == FAKE]
    counts = {
        "fakes_without_original": orphans,
        "frames_listed": sum(len(value) for value in chosen.values()),
        "frames_missing": sum(len(chosen[key]) - len(present[key]) for key in chosen),
        "rows_without_landmarks": int((table["landmarks_path"] == "").sum()),
        "fake_rows_with_mask": int((fakes["mask_path"] != "").sum()),
        "fake_rows_without_mask": int((fakes["mask_path"] == "").sum()),
    }
    return table, counts, groups


def convert_deepfakebench(
    json_path: str | Path,
    out: str | Path,
    *,
    base: str | Path | None = None,
    compression: str = "c23",
    frames: int | None = None,
    folds: int = 5,
    holdout_test: bool = False,
) -> list[ConversionReport]:
    """Write ``OUT/<dataset>.csv`` and ``OUT/<dataset>_report.json`` for every dataset of the JSON."""
    if frames is not None and frames < 1:
        raise DataError(f"frames must be a positive number of frames per video, got {frames}")
    if folds < 2:
        raise DataError(f"folds must be at least 2, got {folds}")
    reports = []
    for dataset, videos in read_deepfakebench(json_path, base, compression).items():
        if not videos:
            raise DataError(f"{json_path}: dataset {dataset!r} lists no video with frames")
        table, counts, groups = dataset_table(videos, frames, folds, holdout_test)
        layout = DatasetLayout(Path(out), dataset)
        layout.root.mkdir(parents=True, exist_ok=True)
        write_csv(layout.csv, table)
        report = ConversionReport(
            dataset=dataset,
            csv=layout.csv.name,
            videos=len(videos),
            real_videos=sum(1 for video in videos if video.label == REAL),
            fake_videos=sum(1 for video in videos if video.label == FAKE),
            fakes_without_original=counts["fakes_without_original"],
            frames_listed=counts["frames_listed"],
            frames_missing=counts["frames_missing"],
            rows_without_landmarks=counts["rows_without_landmarks"],
            fake_rows_with_mask=counts["fake_rows_with_mask"],
            fake_rows_without_mask=counts["fake_rows_without_mask"],
            folds=folds_report(dataset, table, groups, folds, cluster_distance=None),
        )
        atomic_write_bytes(layout.report, report.to_json())
        reports.append(report)
    return reports
