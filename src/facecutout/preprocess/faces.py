"""Stage "faces": face boxes on the sampled frames of each ORIGINAL video (fakes reuse them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from facecutout.landmarks import Face
from facecutout.preprocess.config import PreprocessConfig
from facecutout.preprocess.markers import skipped
from facecutout.sources import VideoRecord
from facecutout.video import VideoReadError, read_frames


def select_faces(
    faces: list[Face], config: PreprocessConfig, scale: tuple[float, float] = (1.0, 1.0)
) -> list[dict[str, Any]]:
    """Faces scoring at least ``min_face_score``, largest first, at most ``max_faces``: box
    (x1, y1, x2, y2), score and points in full-frame pixels (detections on a frame resized by
    ``scale`` = (x, y) factors are scaled back), rounded so reruns write equal files."""
    factors = np.array(scale * 2)
    kept = sorted(
        (face for face in faces if face.score >= config.min_face_score),
        key=lambda face: (-face.area, -face.score),
    )[: config.max_faces]
    return [
        {
            "box": [round(float(value), 2) for value in np.asarray(face.box) / factors],
            "score": round(face.score, 4),
            "points": [
                [round(float(x), 2), round(float(y), 2)] for x, y in np.asarray(face.points) / factors[:2]
            ],
        }
        for face in kept
    ]


def detection_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """The frame size used for detection: the longer side at most ``max_side``."""
    scale = min(1.0, max_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


@dataclass(frozen=True)
class DetectionInput:
    """The frames of one original, decoded and resized for the detector: one detector batch."""

    indices: list[int]
    images: list[np.ndarray]
    scale: tuple[float, float]
    missing: int


def detection_input(
    record: VideoRecord, frames_marker: dict[str, Any], config: PreprocessConfig
) -> DetectionInput | dict[str, Any]:
    """Decode the sampled frames of one original and resize them for detection (the CPU half of the
    faces stage); a skipped marker when the video cannot be read or its frame size changes."""
    signature = config.signature("faces")
    try:
        frames = read_frames(record.path, frames_marker["frames"])
    except VideoReadError as error:
        return skipped(signature, error.reason, str(error))
    width, height = frames_marker["size"]
    size = detection_size(width, height, config.detect_max_side)
    indices = sorted(frames)
    images = []
    for index in indices:
        frame = frames[index]
        if frame.shape[:2] != (height, width):
            found = f"{frame.shape[1]}x{frame.shape[0]}"
            detail = f"video {record.path}: frame {index} is {found}, not {width}x{height}"
            return skipped(signature, "frame_size_changes", detail)
        if size != (width, height):
            frame = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
        images.append(np.ascontiguousarray(frame))
    missing = len(set(frames_marker["frames"]) - set(indices))
    return DetectionInput(indices, images, (size[0] / width, size[1] / height), missing)


def faces_marker(
    record: VideoRecord,
    batch: DetectionInput,
    detections: list[list[Face]],
    config: PreprocessConfig,
) -> dict[str, Any]:
    """The faces marker of one original from the detector's output on its batch."""
    signature = config.signature("faces")
    boxes = {
        str(index): select_faces(faces, config, batch.scale)
        for index, faces in zip(batch.indices, detections, strict=True)
    }
    faces_found = sum(len(value) for value in boxes.values())
    marker = {
        "signature": signature,
        "status": "done",
        "boxes": boxes,
        "decoded": len(batch.indices),
        "frames_missing": batch.missing,
        "frames_without_face": sum(1 for value in boxes.values() if not value),
        "faces": faces_found,
    }
    if faces_found == 0:
        marker.update(
            skipped(signature, "no_face", f"no face scored >= {config.min_face_score} in {record.path}")
        )
    return marker
