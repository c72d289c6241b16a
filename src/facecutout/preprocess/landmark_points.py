"""Stage "landmarks": landmarks detected on each original crop, saved as int16 (N, 2) (x, y) arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from facecutout.fileio import read_rgb, write_npy
from facecutout.landmarks import get_detector, primary_face
from facecutout.preprocess.config import PreprocessConfig
from facecutout.preprocess.layout import OutputLayout
from facecutout.sources import VideoRecord


def crop_landmarks(
    original: VideoRecord, crops_marker: dict[str, Any], config: PreprocessConfig, layout: OutputLayout
) -> dict[str, Any]:
    """The landmarks marker of one original: files written and crops without a face, per backend."""
    crops = crops_marker["crops"]
    images = [read_rgb(layout.crop(original.video, crop["frame"], crop["person"])) for crop in crops]
    result: dict[str, Any] = {"signature": config.signature("landmarks"), "status": "done"}
    for backend in config.landmarks:
        detector = get_detector(backend, device=config.device if backend == "mtcnn" else None)
        written, no_face = 0, 0
        for crop, faces in zip(crops, detector.detect_batch(images), strict=True):
            face = primary_face(faces)
            if face is None:
                no_face += 1
                continue
            points = np.rint(face.points).astype(np.int16)
            write_npy(layout.landmarks(backend, original.video, crop["frame"], crop["person"]), points)
            written += 1
        result[backend] = {"written": written, "crops_without_face": no_face}
    return result
