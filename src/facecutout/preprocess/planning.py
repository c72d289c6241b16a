"""Which units of work a family (an original and its fakes) still needs, stage by stage.

A family goes through the stages in dependency levels: frames, then faces, then crops, then
landmarks, diffs and embeddings together. The units of a level are decided once every unit of
the level before has finished, from the markers: those on disk when the run started, updated with
what this run's units returned (so the driver never depends on seeing other machines' writes).
"""

from __future__ import annotations

from typing import Any

from facecutout.data.layout import DatasetLayout
from facecutout.preprocess.config import PreprocessConfig
from facecutout.preprocess.markers import read_marker
from facecutout.preprocess.units import Family, Unit
from facecutout.sources import VideoRecord

LEVELS: tuple[tuple[str, ...], ...] = (("frames",), ("faces",), ("crops",), ("landmarks", "diffs", "folds"))


class MarkerCache:
    """The markers with the current signatures: read from disk on first use, then kept up to date."""

    def __init__(self, layout: DatasetLayout, config: PreprocessConfig):
        self.layout = layout
        self.signatures = {stage: config.signature(stage) for level in LEVELS for stage in level}
        self._markers: dict[tuple[str, str], dict[str, Any] | None] = {}

    def get(self, stage: str, video: str) -> dict[str, Any] | None:
        key = (stage, video)
        if key not in self._markers:
            self._markers[key] = read_marker(self.layout, stage, video, self.signatures[stage])
        return self._markers[key]

    def update(self, stage: str, markers: dict[str, dict[str, Any]]) -> None:
        for video, marker in markers.items():
            self._markers[(stage, video)] = marker

    def pending(self, stage: str, video: str) -> bool:
        """No marker with the current signature, or one of a unit that failed: to be (re)done."""
        marker = self.get(stage, video)
        return marker is None or marker.get("status") == "failed"

    def done(self, stage: str, video: str) -> bool:
        marker = self.get(stage, video)
        return marker is not None and marker.get("status") == "done"


def family_units(stage: str, family: Family, markers: MarkerCache) -> list[Unit]:
    """The units of ``stage`` this family still needs, given what the earlier stages decided."""
    original, fakes = family
    if stage == "frames":
        return [record for record in (original, *fakes) if markers.pending("frames", record.video)]
    if stage == "faces":
        return _original_unit("faces", "frames", original, markers)
    if stage == "crops":
        # the family is redone whole when its original or any fake (e.g. one added later) lacks a marker
        if not markers.done("faces", original.video):
            return []
        fake_missing = any(
            markers.pending("crops", fake.video) and markers.done("frames", fake.video) for fake in fakes
        )
        return [family] if markers.pending("crops", original.video) or fake_missing else []
    if stage == "landmarks":
        return _original_unit("landmarks", "crops", original, markers)
    if stage == "diffs":
        if not markers.done("crops", original.video):
            return []
        return [
            fake
            for fake in fakes
            if markers.pending("diffs", fake.video) and markers.done("crops", fake.video)
        ]
    if stage == "folds":  # embeddings, for originals the dataset names nobody in
        return [] if original.identities else _original_unit("folds", "crops", original, markers)
    raise ValueError(f"unknown stage {stage!r}")


def _original_unit(stage: str, previous: str, original: VideoRecord, markers: MarkerCache) -> list[Unit]:
    """``[original]`` when its ``stage`` is still to do and its ``previous`` stage is done."""
    needed = markers.pending(stage, original.video) and markers.done(previous, original.video)
    return [original] if needed else []
