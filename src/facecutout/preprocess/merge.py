"""The merge step (the global part of stage "folds"): identity groups, folds, the CSV and the report.

It reads only the markers and embeddings on disk, so it runs once after every shard has finished,
on any machine that sees the output folder.
"""

from __future__ import annotations

import logging
from collections import Counter

import numpy as np
import pandas as pd

from facecutout.data.layout import COLUMNS, IDENTITY, DatasetLayout, assign_folds, crop_name, write_csv
from facecutout.errors import DataError
from facecutout.fileio import atomic_write_bytes
from facecutout.preprocess.balance import folds_report
from facecutout.preprocess.config import STAGES, PreprocessConfig
from facecutout.preprocess.identity import identity_groups
from facecutout.preprocess.markers import read_marker, remove_stale_temporaries
from facecutout.preprocess.report import (
    MergeReport,
    Skip,
    SourceCounts,
    StageReport,
)
from facecutout.sources import FAKE, REAL, SourceListing, VideoRecord

logger = logging.getLogger(__name__)

# Which videos each stage works on ("unnamed": originals the dataset names nobody in, to embed).
STAGE_SCOPE = {
    "frames": "all",
    "faces": "real",
    "crops": "all",
    "landmarks": "real",
    "diffs": "fake",
    "folds": "unnamed",
}


def in_scope(record: VideoRecord, scope: str) -> bool:
    if scope == "all":
        return True
    if scope == "unnamed":
        return record.label == REAL and not record.identities
    return (record.label == REAL) == (scope == "real")


# Counters summed over a stage's markers.
STAGE_COUNTS = {
    "frames": {"total": "frames_in_videos"},
    "faces": {
        "decoded": "frames_decoded",
        "frames_missing": "frames_missing",
        "frames_without_face": "frames_without_face",
        "faces": "faces",
    },
    "diffs": {
        "written": "diffs_written",
        "masks_written": "masks_written",
        "original_crop_missing": "original_crop_missing",
    },
    "folds": {"embeddings": "embeddings"},
}


def _reached(record: VideoRecord, stage: str, earlier: dict[str, dict[str, dict]]) -> bool:
    """Whether the stages before ``stage`` finished this video (else an earlier skip explains it)."""

    def done(name: str, video: str) -> bool:
        return earlier[name].get(video, {}).get("status") == "done"

    if stage == "frames":
        return True
    if stage == "faces":
        return done("frames", record.video)
    if stage == "crops":
        if record.label == REAL:
            return done("faces", record.video)
        return done("frames", record.video) and done("crops", record.original)
    return done("crops", record.video)


def _stage_report(
    listing: SourceListing,
    config: PreprocessConfig,
    layout: DatasetLayout,
    stage: str,
    skips: list[Skip],
    earlier: dict[str, dict[str, dict]],
) -> tuple[StageReport, dict[str, dict]]:
    records = [record for record in listing.records if in_scope(record, STAGE_SCOPE[stage])]
    signature = config.signature(stage)
    found = {record.video: read_marker(layout, stage, record.video, signature) for record in records}
    markers = {video: marker for video, marker in found.items() if marker is not None}
    outcome: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for record in records:
        marker = found[record.video]
        if marker is None:
            outcome["not_run" if _reached(record, stage, {**earlier, stage: markers}) else "not_reached"] += 1
            continue
        if marker["status"] == "done":
            outcome["done"] += 1
        else:
            outcome[f"{marker['status']}:{marker['reason']}"] += 1
            skips.append(skip_of(record.video, stage, marker))
        for key, name in STAGE_COUNTS.get(stage, {}).items():
            counts[name] += int(marker.get(key, 0))
        if stage == "frames" and marker["status"] == "done":
            counts["frames_selected"] += len(marker["frames"])
        if stage == "crops" and marker["status"] == "done":
            counts["crops_written"] += len(marker["crops"])
            counts["fake_frames_missing"] += int(marker.get("frames_missing", 0))
        if stage == "landmarks" and marker["status"] == "done":
            for backend in config.landmarks:
                counts[f"{backend}_landmarks_written"] += marker[backend]["written"]
                counts[f"{backend}_crops_without_face"] += marker[backend]["crops_without_face"]
    report = StageReport(
        videos=len(records), outcomes=dict(sorted(outcome.items())), counts=dict(sorted(counts.items()))
    )
    return report, markers


def skip_of(video: str, stage: str, marker: dict) -> Skip:
    """The report's entry for a video a stage skipped, or whose unit failed (even after retries)."""
    if marker["status"] == "failed":
        detail = f"{marker['detail']} ({marker.get('attempts', 1)} attempt(s); the next run retries it)"
        return Skip(video=video, stage=stage, reason=f"failed:{marker['reason']}", detail=detail)
    return Skip(video=video, stage=stage, reason=marker["reason"], detail=marker["detail"])


def build_table(
    listing: SourceListing, crops: dict[str, dict], groups: dict[str, str], folds: dict[str, int]
) -> pd.DataFrame:
    """One row per crop written, for videos whose crops are done (a fake only with its original)."""
    rows = []
    for record in listing.records:
        marker = crops.get(record.video)
        if (
            marker is None
            or marker["status"] != "done"
            or crops.get(record.original, {}).get("status") != "done"
        ):
            continue
        group = groups[record.video]
        for crop in marker["crops"]:
            rows.append(
                (
                    record.video,
                    crop_name(crop["frame"], crop["person"]),
                    record.label,
                    record.original,
                    crop["frame"],
                    folds[group],
                    listing.dataset,
                    group,
                )
            )
    table = pd.DataFrame(rows, columns=[*COLUMNS, IDENTITY])
    return table.sort_values(["video", "frame", "file"], kind="stable").reset_index(drop=True)


def merge(
    listing: SourceListing,
    config: PreprocessConfig,
    layout: DatasetLayout,
    *,
    holdout_test: bool = False,
    allow_partial: bool = False,
) -> MergeReport:
    """Group, assign folds, write ``<dataset>.csv`` and ``<dataset>_report.json``; the report."""
    skips = [
        Skip(video=skip.item, stage="sources", reason=skip.reason, detail=skip.detail)
        for skip in listing.skips
    ]
    stages: dict[str, StageReport] = {}
    markers: dict[str, dict[str, dict]] = {}
    for stage in STAGES:
        stages[stage], markers[stage] = _stage_report(listing, config, layout, stage, skips, markers)
    not_run = stages["frames"].outcomes.get("not_run", 0)
    if not_run and not allow_partial:
        raise DataError(
            f"{not_run} video(s) of {listing.dataset} were never processed (a shard not run yet, or a run "
            "interrupted); run the missing shards or rerun, or merge with --allow-partial"
        )
    embeddings = {}
    for record in listing.originals():
        if not record.identities and markers["folds"].get(record.video, {}).get("status") == "done":
            embeddings[record.video] = np.load(layout.embeddings(record.video))
    groups = identity_groups(listing.records, embeddings, config.cluster_distance)
    crops = markers["crops"]
    sizes: Counter[str] = Counter()
    for record in listing.records:
        if crops.get(record.video, {}).get("status") == "done":
            sizes[groups[record.video]] += len(crops[record.video]["crops"])
    for record in listing.records:
        sizes.setdefault(groups[record.video], 0)
    holdout = {groups[r.video] for r in listing.records if holdout_test and r.split == "test"}
    folds = assign_folds(dict(sizes), config.folds, holdout)
    table = build_table(listing, crops, groups, folds)
    for path in (layout.csv, layout.report):
        remove_stale_temporaries(path.parent, prefix=f".{path.name}.")
    write_csv(layout.csv, table)
    report = MergeReport(
        dataset=listing.dataset,
        csv=layout.csv.name,
        sources=SourceCounts(
            videos=len(listing.records),
            originals=sum(1 for r in listing.records if r.label == REAL),
            fakes=sum(1 for r in listing.records if r.label == FAKE),
            skipped=dict(sorted(Counter(skip.reason for skip in listing.skips).items())),
        ),
        stages=stages,
        folds=folds_report(listing.dataset, table, groups, config.folds, config.cluster_distance),
        skips=sorted(skips, key=lambda item: (item.stage, item.video)),
    )
    atomic_write_bytes(layout.report, report.to_json())
    return report
