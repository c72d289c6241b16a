"""Stage "landmarks": landmarks detected on each original crop, saved as int16 (N, 2) (x, y) arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from facecutout.data.layout import LANDMARK_FOLDERS, DatasetLayout, crop_name
from facecutout.fileio import read_rgb, write_npy
from facecutout.landmarks import get_detector, primary_face
from facecutout.preprocess.config import PreprocessConfig
from facecutout.sources import VideoRecord


def crop_size(crop: dict) -> np.ndarray:
    x1, y1, x2, y2 = crop["rect"]
    return np.array([x2 - x1, y2 - y1])


def common_canvas(images: list[np.ndarray]) -> list[np.ndarray]:
    """The images padded with black at the right and bottom to one size: a single detector batch,
    and pixel coordinates unchanged."""
    height = max(image.shape[0] for image in images)
    width = max(image.shape[1] for image in images)
    padded = []
    for image in images:
        canvas = np.zeros((height, width, 3), np.uint8)
        canvas[: image.shape[0], : image.shape[1]] = image
        padded.append(canvas)
    return padded


def crop_landmarks(
    original: VideoRecord, crops_marker: dict[str, Any], config: PreprocessConfig, layout: DatasetLayout
) -> dict[str, Any]:
    """The landmarks marker of one original: files written and crops without a face, per backend.

    The face detector's own points (MTCNN's 5) come from the faces stage, moved into the crop,
    unless ``redetect_landmarks``. Other backends run on the crops, padded to one size so the
    detector sees one batch (coordinates are unchanged). Points are rounded and clipped into
    the crop (a face cut by the frame edge can put one outside).
    """
    crops = crops_marker["crops"]
    needs_images = config.redetect_landmarks or any(
        backend != config.detector for backend in config.landmarks
    )
    batch = []
    if needs_images and crops:
        batch = common_canvas(
            [
                read_rgb(layout.crop(original.video, crop_name(crop["frame"], crop["person"])))
                for crop in crops
            ]
        )
    result: dict[str, Any] = {"signature": config.signature("landmarks"), "status": "done"}
    for backend in config.landmarks:
        if backend == config.detector and not config.redetect_landmarks:
            found = [np.asarray(crop["points"], np.float64) for crop in crops]
        else:
            detector = get_detector(backend, device=config.device if backend == "mtcnn" else None)
            faces = [primary_face(in_crop) for in_crop in detector.detect_batch(batch)]
            found = [None if face is None else face.points for face in faces]
        written, no_face = 0, 0
        for crop, points in zip(crops, found, strict=True):
            if points is None:
                no_face += 1
                continue
            points = np.clip(np.rint(points), 0, crop_size(crop) - 1).astype(np.int16)
            file = crop_name(crop["frame"], crop["person"])
            write_npy(layout.landmarks(original.video, file, LANDMARK_FOLDERS[backend]), points)
            written += 1
        result[backend] = {"written": written, "crops_without_face": no_face}
    return result
