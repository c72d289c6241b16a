"""Preprocessing options and the per-stage signatures that decide whether earlier work is reusable."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from facecutout.data.crops import CROP_MARGIN
from facecutout.data.layout import LANDMARK_FOLDERS
from facecutout.errors import InvalidInputError

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


@dataclass(frozen=True)
class PreprocessConfig:
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
        device: torch device for the detector (None: CUDA when available).
    """

    frames: int | None = 32
    stride: int | None = None
    detector: str = "mtcnn"
    min_face_score: float = 0.9
    max_faces: int = 2
    detect_max_side: int = 1024
    margin: float = CROP_MARGIN
    landmarks: tuple[str, ...] = ("mtcnn",)
    redetect_landmarks: bool = False
    folds: int = 5
    cluster_distance: float = 0.6
    embed_frames: int = 3
    device: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        checks = {
            "frames": self.frames is None or self.frames >= 1,
            "stride": self.stride is None or self.stride >= 1,
            "min_face_score": 0.0 <= self.min_face_score <= 1.0,
            "max_faces": self.max_faces >= 1,
            "detect_max_side": self.detect_max_side >= 32,
            "margin": 0.0 <= self.margin <= 2.0,
            "folds": self.folds >= 2,
            "cluster_distance": self.cluster_distance > 0,
            "embed_frames": self.embed_frames >= 1,
        }
        for name, ok in checks.items():
            if not ok:
                raise InvalidInputError(f"{name}: invalid value {getattr(self, name)!r}")
        unknown = [name for name in self.landmarks if name not in LANDMARK_FOLDERS]
        if unknown:
            raise InvalidInputError(
                f"landmarks: unknown backend(s) {unknown}; choose from {list(LANDMARK_FOLDERS)}"
            )

    def signature(self, stage: str) -> str:
        """A short hash of every option ``stage``'s output depends on, its earlier stages' included."""
        if stage not in STAGES:
            raise InvalidInputError(f"stage: unknown stage {stage!r}; choose from {list(STAGES)}")
        values = asdict(self)
        relevant = {}
        for name in STAGES[: STAGES.index(stage) + 1]:
            relevant.update({option: values[option] for option in STAGE_OPTIONS[name]})
        text = json.dumps(relevant, sort_keys=True, default=list)
        return hashlib.sha1(text.encode()).hexdigest()[:16]
