"""The units of work of each stage: what one video (or one family) needs done, the same whichever
executor runs it.

A unit is a :class:`VideoRecord` (frames, faces, landmarks, diffs, embeddings) or an original with
its fakes (crops). Running a unit first removes what an interrupted earlier run left of it, then
writes its files and, last, its marker; it returns ``{video: marker}`` for the videos it decided.
A unit that raises has decided nothing: :func:`failed_result` turns the error into a "failed"
outcome, which the runner records so that the report names it and the next run retries it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from facecutout.data.layout import DatasetLayout
from facecutout.landmarks import LandmarkDetector, get_detector
from facecutout.preprocess.config import PreprocessConfig
from facecutout.preprocess.crops import crop_family
from facecutout.preprocess.diffs import fake_diffs
from facecutout.preprocess.faces import DetectionInput, detection_input, faces_marker
from facecutout.preprocess.frames import probe_video
from facecutout.preprocess.identity import embed_original
from facecutout.preprocess.landmark_points import crop_landmarks
from facecutout.preprocess.markers import read_marker, remove_stale_temporaries, write_marker
from facecutout.sources import VideoRecord

Family = tuple[VideoRecord, list[VideoRecord]]
Unit = VideoRecord | Family
Markers = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class StageContext:
    """What every unit of work needs; sent once to each worker process."""

    config: PreprocessConfig
    layout: DatasetLayout


def unit_videos(unit: Unit) -> tuple[VideoRecord, list[VideoRecord]]:
    """The unit's main video (the one its outcome is filed under) and the other videos it writes."""
    return unit if isinstance(unit, tuple) else (unit, [])


def clean_unit(context: StageContext, stage: str, unit: Unit) -> None:
    """Remove temporaries an interrupted earlier run left for the videos of ``unit``."""
    main, others = unit_videos(unit)
    layout = context.layout
    for video in [main.video] + [other.video for other in others]:
        for folder in layout.video_folders(video):
            remove_stale_temporaries(folder)
        remove_stale_temporaries(layout.marker(stage, video).parent, prefix=f".{video}.json.")
        remove_stale_temporaries(layout.embeddings(video).parent, prefix=f".{video}.npy.")


def _frames_unit(context: StageContext, record: VideoRecord) -> Markers:
    marker = probe_video(record, context.config)
    write_marker(context.layout, "frames", record.video, marker)
    return {record.video: marker}


def faces_input(context: StageContext, record: VideoRecord) -> DetectionInput | dict[str, Any]:
    """The CPU half of a faces unit: the original's frames decoded and resized (or a skipped marker)."""
    frames_marker = read_marker(context.layout, "frames", record.video)
    return detection_input(record, frames_marker, context.config)


def faces_output(
    context: StageContext,
    record: VideoRecord,
    batch: DetectionInput | dict[str, Any],
    detector: LandmarkDetector,
) -> Markers:
    """The detector half of a faces unit: detect on the batch, write the faces marker."""
    marker = batch
    if isinstance(batch, DetectionInput):
        marker = faces_marker(record, batch, detector.detect_batch(batch.images), context.config)
    write_marker(context.layout, "faces", record.video, marker)
    return {record.video: marker}


def _faces_unit(context: StageContext, record: VideoRecord) -> Markers:
    config = context.config
    detector = get_detector(config.detector, device=config.device)
    return faces_output(context, record, faces_input(context, record), detector)


def _crops_unit(context: StageContext, family: Family) -> Markers:
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


def _landmarks_unit(context: StageContext, record: VideoRecord) -> Markers:
    crops_marker = read_marker(context.layout, "crops", record.video)
    marker = crop_landmarks(record, crops_marker, context.config, context.layout)
    write_marker(context.layout, "landmarks", record.video, marker)
    return {record.video: marker}


def _diffs_unit(context: StageContext, record: VideoRecord) -> Markers:
    crops_marker = read_marker(context.layout, "crops", record.video)
    marker = fake_diffs(record, crops_marker, context.config, context.layout)
    write_marker(context.layout, "diffs", record.video, marker)
    return {record.video: marker}


def _embeddings_unit(context: StageContext, record: VideoRecord) -> Markers:
    crops_marker = read_marker(context.layout, "crops", record.video)
    marker = embed_original(record, crops_marker, context.config, context.layout)
    write_marker(context.layout, "folds", record.video, marker)
    return {record.video: marker}


UNIT_TASKS: dict[str, Callable[[StageContext, Any], Markers]] = {
    "frames": _frames_unit,
    "faces": _faces_unit,
    "crops": _crops_unit,
    "landmarks": _landmarks_unit,
    "diffs": _diffs_unit,
    "folds": _embeddings_unit,
}


def run_unit(stage: str, context: StageContext, unit: Unit) -> Markers:
    """Run one unit of ``stage``; errors propagate (the executor decides about retries)."""
    clean_unit(context, stage, unit)
    return UNIT_TASKS[stage](context, unit)


def failed_result(unit: Unit, error: BaseException, attempts: int = 1) -> Markers:
    """The outcome of a unit that raised: "failed", the error's type as reason, its message as detail."""
    main, _ = unit_videos(unit)
    message = str(error).strip().splitlines()
    detail = f"{type(error).__name__}: {message[0] if message else ''}"[:500]
    return {
        main.video: {
            "status": "failed",
            "reason": type(error).__name__,
            "detail": detail,
            "attempts": attempts,
        }
    }
