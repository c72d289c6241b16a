"""Run the per-video stages over a dataset: resumable, in worker processes, one shard of the videos.

Each stage hands out units of work (a video, an original, or an original with its fakes), skips
units whose marker already carries the current signature, and writes a unit's marker after its
files. A unit that raises is logged, counted as failed in this run and retried by the next run.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from tqdm import tqdm

from facecutout.data.layout import DatasetLayout
from facecutout.preprocess.config import STAGES, PreprocessConfig
from facecutout.preprocess.crops import crop_family
from facecutout.preprocess.diffs import fake_diffs
from facecutout.preprocess.faces import detect_boxes
from facecutout.preprocess.frames import probe_video
from facecutout.preprocess.identity import embed_original
from facecutout.preprocess.landmark_points import crop_landmarks
from facecutout.preprocess.markers import read_marker, remove_stale_temporaries, write_marker
from facecutout.preprocess.report import StageRun
from facecutout.preprocess.sharding import shard_of
from facecutout.preprocess.workers import init_worker
from facecutout.sources import SourceListing, VideoRecord

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StageContext:
    """What every unit of work needs; pickled to the worker processes."""

    config: PreprocessConfig
    layout: DatasetLayout
    identities_needed: bool


def _done(marker: dict | None) -> bool:
    return marker is not None and marker.get("status") == "done"


def _clean(layout: DatasetLayout, stage: str, videos: list[str]) -> None:
    """Remove temporaries an interrupted earlier run left for these videos."""
    for video in videos:
        for folder in layout.video_folders(video):
            remove_stale_temporaries(folder)
        remove_stale_temporaries(layout.marker(stage, video).parent, prefix=f".{video}.json.")
        remove_stale_temporaries(layout.embeddings(video).parent, prefix=f".{video}.npy.")


def _frames_unit(context: StageContext, record: VideoRecord) -> dict[str, dict]:
    marker = probe_video(record, context.config)
    write_marker(context.layout, "frames", record.video, marker)
    return {record.video: marker}


def _faces_unit(context: StageContext, record: VideoRecord) -> dict[str, dict]:
    frames_marker = read_marker(context.layout, "frames", record.video)
    marker = detect_boxes(record, frames_marker, context.config)
    write_marker(context.layout, "faces", record.video, marker)
    return {record.video: marker}


def _crops_unit(context: StageContext, family: tuple[VideoRecord, list[VideoRecord]]) -> dict[str, dict]:
    original, fakes = family
    layout = context.layout
    fakes_with_frames = [(fake, read_marker(layout, "frames", fake.video) or {}) for fake in fakes]
    markers = crop_family(
        original,
        fakes_with_frames,
        read_marker(layout, "frames", original.video),
        read_marker(layout, "faces", original.video),
        context.config,
        layout,
    )
    # The original's marker last: it is what marks the whole family as done.
    for video, marker in sorted(markers.items(), key=lambda item: item[0] == original.video):
        write_marker(layout, "crops", video, marker)
    return markers


def _landmarks_unit(context: StageContext, record: VideoRecord) -> dict[str, dict]:
    crops_marker = read_marker(context.layout, "crops", record.video)
    marker = crop_landmarks(record, crops_marker, context.config, context.layout)
    write_marker(context.layout, "landmarks", record.video, marker)
    return {record.video: marker}


def _diffs_unit(context: StageContext, record: VideoRecord) -> dict[str, dict]:
    crops_marker = read_marker(context.layout, "crops", record.video)
    marker = fake_diffs(record, crops_marker, context.config, context.layout)
    write_marker(context.layout, "diffs", record.video, marker)
    return {record.video: marker}


def _embeddings_unit(context: StageContext, record: VideoRecord) -> dict[str, dict]:
    crops_marker = read_marker(context.layout, "crops", record.video)
    marker = embed_original(record, crops_marker, context.config, context.layout)
    write_marker(context.layout, "folds", record.video, marker)
    return {record.video: marker}


def _guarded(
    stage: str, task: Callable[[StageContext, Any], dict[str, dict]], context: StageContext, unit: Any
) -> dict:
    """Run one unit after removing what an interrupted run left of it; an unexpected error becomes
    a "failed" result instead of ending the run."""
    original, fakes = unit if isinstance(unit, tuple) else (unit, [])
    try:
        _clean(context.layout, stage, [original.video] + [fake.video for fake in fakes])
        return task(context, unit)
    except Exception as error:  # noqa: BLE001 - reported per unit, retried by the next run
        logger.exception("%s of %s failed", stage, original.video)
        return {original.video: {"status": "failed", "reason": type(error).__name__, "detail": str(error)}}


class StageRunner:
    """Runs the per-video part of the stages for the videos of one shard."""

    def __init__(
        self,
        listing: SourceListing,
        config: PreprocessConfig,
        layout: DatasetLayout,
        *,
        workers: int = 1,
        shard: tuple[int, int] | None = None,
        progress: bool = True,
    ):
        self.listing = listing
        self.layout = layout
        self.workers = workers
        self.progress = progress
        self.config = config
        identities_needed = any(not record.identities for record in listing.originals())
        self.context = StageContext(config, layout, identities_needed)
        families = listing.fakes_of()
        self.originals = [
            record
            for record in listing.originals()
            if shard is None or shard_of(record.video, shard[1]) == shard[0]
        ]
        self.families = [(original, families[original.video]) for original in self.originals]

    def _units(self, stage: str) -> tuple[Callable, list]:
        """The task and the units of ``stage`` still to do (markers with the current signature skip)."""
        layout, signature = self.layout, self.config.signature(stage)

        def pending(video: str) -> bool:
            return read_marker(layout, stage, video, signature) is None

        def upstream_done(previous: str, video: str) -> bool:
            return _done(read_marker(layout, previous, video, self.config.signature(previous)))

        if stage == "frames":
            videos = [record for original, fakes in self.families for record in (original, *fakes)]
            return _frames_unit, [record for record in videos if pending(record.video)]
        if stage == "faces":
            units = [o for o in self.originals if pending(o.video) and upstream_done("frames", o.video)]
            return _faces_unit, units
        if stage == "crops":
            # a family is redone whole when its original or any fake (e.g. one added later) lacks a marker
            units = [
                (original, fakes)
                for original, fakes in self.families
                if upstream_done("faces", original.video)
                and (
                    pending(original.video)
                    or any(pending(fake.video) and upstream_done("frames", fake.video) for fake in fakes)
                )
            ]
            return _crops_unit, units
        if stage == "landmarks":
            units = [o for o in self.originals if pending(o.video) and upstream_done("crops", o.video)]
            return _landmarks_unit, units
        if stage == "diffs":
            units = [
                fake
                for original, fakes in self.families
                if upstream_done("crops", original.video)
                for fake in fakes
                if pending(fake.video) and upstream_done("crops", fake.video)
            ]
            return _diffs_unit, units
        if stage == "folds":
            if not self.context.identities_needed:
                return _embeddings_unit, []
            units = [
                o
                for o in self.originals
                if not o.identities and pending(o.video) and upstream_done("crops", o.video)
            ]
            return _embeddings_unit, units
        raise ValueError(f"unknown stage {stage!r}")

    def _results(self, executor: Executor | None, stage: str, task: Callable, units: list) -> Iterator[dict]:
        if executor is None:
            for unit in units:
                yield _guarded(stage, task, self.context, unit)
            return
        futures = [executor.submit(_guarded, stage, task, self.context, unit) for unit in units]
        for future in futures:
            yield future.result()

    def run(self, stages: tuple[str, ...]) -> dict[str, StageRun]:
        """Run ``stages`` (in pipeline order); per stage: units run, outcomes by status/reason."""
        summary: dict[str, StageRun] = {}
        executor = None
        if self.workers > 1:
            executor = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=init_worker,
                initargs=(os.getpid(),),
            )
        try:
            for stage in STAGES:
                if stage not in stages:
                    continue
                task, units = self._units(stage)
                outcomes: Counter[str] = Counter()
                label = "embeddings" if stage == "folds" else stage
                with tqdm(total=len(units), desc=label, unit="unit", disable=not self.progress) as bar:
                    for result in self._results(executor, stage, task, units):
                        for marker in result.values():
                            status = marker.get("status", "failed")
                            outcomes[status if status == "done" else f"{status}:{marker.get('reason')}"] += 1
                        bar.update(1)
                summary[stage] = StageRun(units=len(units), outcomes=dict(sorted(outcomes.items())))
        finally:
            if executor is not None:
                # after an error or an interrupt, units not started yet are dropped, not run
                executor.shutdown(wait=True, cancel_futures=True)
        return summary
