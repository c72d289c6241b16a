"""Stage "crops": crop each original and every fake made from it with the original's boxes."""

from __future__ import annotations

from typing import Any

import numpy as np

from facecutout.data.crops import crop_rectangle
from facecutout.data.layout import DatasetLayout, crop_name
from facecutout.fileio import write_image
from facecutout.preprocess.config import PreprocessConfig
from facecutout.preprocess.markers import skipped
from facecutout.sources import VideoRecord
from facecutout.video import VideoReadError, read_frames

MIN_CROP_SIDE = 16


def planned_crops(faces_marker: dict[str, Any], config: PreprocessConfig, size: list[int]) -> list[dict]:
    """Every crop of a family: frame, person, crop rectangle, and the face box and detector points
    in crop coordinates."""
    width, height = size
    plan = []
    for frame_text, faces in sorted(faces_marker["boxes"].items(), key=lambda item: int(item[0])):
        for person, face in enumerate(faces):
            x1, y1, x2, y2 = crop_rectangle(face["box"], config.margin, width, height)
            if min(x2 - x1, y2 - y1) < MIN_CROP_SIDE:
                continue
            box = face["box"]
            inner = [
                round(box[0] - x1, 2),
                round(box[1] - y1, 2),
                round(box[2] - x1, 2),
                round(box[3] - y1, 2),
            ]
            points = [[round(x - x1, 2), round(y - y1, 2)] for x, y in face["points"]]
            plan.append(
                {
                    "frame": int(frame_text),
                    "person": person,
                    "rect": [x1, y1, x2, y2],
                    "box": inner,
                    "points": points,
                }
            )
    return plan


def write_crops(
    record: VideoRecord, plan: list[dict], frames: dict[int, np.ndarray], layout: DatasetLayout
) -> list[dict]:
    """Write the planned crops of the frames available; the crops written."""
    written = []
    for crop in plan:
        frame = frames.get(crop["frame"])
        if frame is None:
            continue
        x1, y1, x2, y2 = crop["rect"]
        write_image(layout.crop(record.video, crop_name(crop["frame"], crop["person"])), frame[y1:y2, x1:x2])
        written.append(crop)
    return written


def crop_family(
    original: VideoRecord,
    fakes: list[tuple[VideoRecord, dict[str, Any]]],
    frames_marker: dict[str, Any],
    faces_marker: dict[str, Any],
    config: PreprocessConfig,
    layout: DatasetLayout,
) -> dict[str, dict[str, Any]]:
    """Crops markers of an original and its fakes (each fake given with its frames marker)."""
    signature = config.signature("crops")
    size = frames_marker["size"]
    plan = planned_crops(faces_marker, config, size)
    markers: dict[str, dict[str, Any]] = {}
    if not plan:
        detail = f"no face box of {original.path} gives a crop of at least {MIN_CROP_SIDE} px"
        markers[original.video] = skipped(signature, "face_too_small", detail)
        return markers
    wanted = sorted({crop["frame"] for crop in plan})
    try:
        frames = read_frames(original.path, wanted)
    except VideoReadError as error:
        markers[original.video] = skipped(signature, error.reason, str(error))
        return markers
    written = write_crops(original, plan, frames, layout)
    markers[original.video] = {"signature": signature, "status": "done", "crops": written}
    planned = [crop for crop in plan if crop in written]
    for fake, fake_frames_marker in fakes:
        if fake_frames_marker.get("status") != "done":
            continue
        if fake_frames_marker["size"] != size:
            detail = (
                f"fake {fake.path} is {fake_frames_marker['size']}, its original {original.path} is {size}"
            )
            markers[fake.video] = skipped(signature, "frame_size_mismatch", detail)
            continue
        try:
            fake_frames = read_frames(fake.path, wanted)
        except VideoReadError as error:
            markers[fake.video] = skipped(signature, error.reason, str(error))
            continue
        mismatched = [index for index, frame in fake_frames.items() if frame.shape != frames[index].shape]
        if mismatched:
            detail = f"fake {fake.path}: frame {mismatched[0]} differs in size from its original's"
            markers[fake.video] = skipped(signature, "frame_size_mismatch", detail)
            continue
        fake_written = write_crops(fake, planned, fake_frames, layout)
        markers[fake.video] = {
            "signature": signature,
            "status": "done",
            "crops": fake_written,
            "frames_missing": sum(1 for index in frames if index not in fake_frames),
        }
    return markers
