"""Preprocessing options and the per-stage signatures that decide whether earlier work is reusable."""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from pydantic import ConfigDict, Field, StrictInt

from facecutout.data.crops import CROP_MARGIN
from facecutout.data.layout import LANDMARK_FOLDERS
from facecutout.errors import InvalidInputError
from facecutout.schema import ConfigModel

STAGES = ("frames", "faces", "crops", "landmarks", "diffs", "folds")

# Which options each stage's output depends on (besides the stages before it).
STAGE_OPTIONS = {
    "frames": ("frames", "stride"),
    "faces": ("detector", "min_face_score", "max_faces", "detect_max_side"),
    "crops": ("margin",),
    "landmarks": ("landmarks", "redetect_landmarks"),
    "diffs": (),
    "folds": ("embed_frames",),
}


class PreprocessConfig(ConfigModel):
    """What to extract from each video.

    Attributes:
        frames: N evenly spaced frames per video (None: every ``stride``-th frame, or all).
        stride: every k-th frame (with ``frames``: at most ``frames`` of them).
        detector: face detector backend for the boxes ("mtcnn").
        min_face_score: faces scored below this are ignored.
        max_faces: most faces kept per frame (largest first); person index = rank by size.
        detect_max_side: frames are downscaled to this longer side for detection (boxes scaled back).
        margin: crop margin around the box, as a share of the box size on each side.
        landmarks: landmark sets saved for the original crops ("mtcnn" 5 points, "dlib68" 68).
        redetect_landmarks: run MTCNN again on each crop for the 5 points; by default the points
            MTCNN returned with the face box (faces stage) are moved into crop coordinates.
        folds: number of folds.
        cluster_distance: dlib embeddings closer than this (Euclidean) are the same person.
        embed_frames: frames per original embedded for identity clustering.
        device: torch device for the detector (None: CUDA when available); it changes no output,
            so it is left out of equality and of the signatures.
    """

    model_config = ConfigDict(frozen=True)

    frames: StrictInt | None = Field(32, ge=1)
    stride: StrictInt | None = Field(None, ge=1)
    detector: str = "mtcnn"
    min_face_score: float = Field(0.9, ge=0.0, le=1.0)
    max_faces: StrictInt = Field(2, ge=1)
    detect_max_side: StrictInt = Field(1024, ge=32)
    margin: float = Field(CROP_MARGIN, ge=0.0, le=2.0)
    landmarks: tuple[Literal[tuple(LANDMARK_FOLDERS)], ...] = ("mtcnn",)  # type: ignore[valid-type]
    redetect_landmarks: bool = False
    folds: StrictInt = Field(5, ge=2)
    cluster_distance: float = Field(0.6, gt=0.0)
    embed_frames: StrictInt = Field(3, ge=1)
    device: str | None = None

    def _compared(self) -> dict:
        return self.model_dump(exclude={"device"})

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PreprocessConfig):
            return NotImplemented
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(tuple(self._compared().items()))

    def signature(self, stage: str) -> str:
        """A short hash of every option ``stage``'s output depends on, its earlier stages' included."""
        if stage not in STAGES:
            raise InvalidInputError(f"stage: unknown stage {stage!r}; choose from {list(STAGES)}")
        values = self.model_dump()
        relevant = {}
        for name in STAGES[: STAGES.index(stage) + 1]:
            relevant.update({option: values[option] for option in STAGE_OPTIONS[name]})
        text = json.dumps(relevant, sort_keys=True, default=list)
        return hashlib.sha1(text.encode()).hexdigest()[:16]


class RayConfig(ConfigModel):
    """Where and how ``--executor ray`` runs.

    Attributes:
        address: the Ray cluster to join (None: the one ``RAY_ADDRESS`` names, else a new local
            instance on this machine).
        cpus: CPUs of a new local instance (None: all of this machine's); not with ``address``.
        gpus_per_actor: GPU share of each face-detection actor, fractions allowed (None: 1 when the
            cluster has GPUs, else 0: detection actors on the CPU).
        detectors: face-detection actors (None: as many as the GPUs allow at ``gpus_per_actor``;
            on the CPU, one per ``CPU_PER_DETECTOR`` CPUs of the cluster, at least one).
        retries: how often Ray retries a unit that raised or whose worker died before it counts
            as failed.
    """

    model_config = ConfigDict(frozen=True)

    address: str | None = None
    cpus: StrictInt | None = Field(None, ge=1)
    gpus_per_actor: float | None = Field(None, ge=0.0)
    detectors: StrictInt | None = Field(None, ge=1)
    retries: StrictInt = Field(3, ge=0)
