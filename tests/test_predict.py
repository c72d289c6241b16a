"""Prediction on generated images and a short OpenCV video holding a real face crop."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from model_checkpoints import write_checkpoint

from facecutout.cli import main
from facecutout.errors import DataError
from facecutout.model.aggregate import confident_score
from facecutout.predict.inputs import collect_inputs
from facecutout.predict.predict import crop_faces, predict

FRAMES = 8


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> Path:
    return write_checkpoint(tmp_path_factory.mktemp("ckpt") / "model.ckpt")


@pytest.fixture(scope="module")
def media(samples_dir, tmp_path_factory) -> dict[str, Path]:
    """A frame with a real face crop on a grey background, as a PNG and as a short mp4 (the face drifts)."""
    folder = tmp_path_factory.mktemp("media")
    face = cv2.imread(str(samples_dir / "celebdf" / "face_crops" / "00000" / "0_0.png"))
    height, width = face.shape[:2]
    size = (width + 60, height + 60)
    canvas = np.full((size[1], size[0], 3), 90, np.uint8)
    writer = cv2.VideoWriter(str(folder / "clip.mp4"), cv2.VideoWriter_fourcc(*"mp4v"), 10, size)
    assert writer.isOpened()
    for index in range(12):
        frame = canvas.copy()
        frame[30 + index % 4 : 30 + index % 4 + height, 30 : 30 + width] = face
        writer.write(frame)
    writer.release()
    still = canvas.copy()
    still[30 : 30 + height, 30 : 30 + width] = face
    cv2.imwrite(str(folder / "still.png"), still)
    cv2.imwrite(str(folder / "blank.png"), canvas)
    (folder / "broken.mp4").write_bytes(b"\x00" * 2048)
    return {name: folder / name for name in ("clip.mp4", "still.png", "blank.png", "broken.mp4")}


def test_video_and_image_are_scored_from_detected_faces(checkpoint, media):
    clip, still = predict(checkpoint, [media["clip.mp4"], media["still.png"]], frames=FRAMES, device="cpu")
    assert clip.kind == "video" and clip.error is None
    assert clip.frames == FRAMES and clip.faces >= FRAMES - 1
    assert 0.0 <= clip.score <= 1.0 and clip.label in ("fake", "real")
    assert clip.score_mean == pytest.approx(np.mean(clip.face_scores), abs=1e-5)
    assert clip.score_confident == pytest.approx(confident_score(clip.face_scores), abs=1e-5)
    assert clip.score == clip.score_confident  # the default strategy
    assert still.kind == "image" and still.faces == 1 and still.score == pytest.approx(still.face_scores[0])


def test_inputs_without_face_or_unreadable_are_reported_not_fatal(checkpoint, media):
    blank, broken = predict(
        checkpoint, [media["blank.png"], media["broken.mp4"]], frames=FRAMES, device="cpu"
    )
    assert blank.score is None and blank.error == "no face found"
    assert broken.score is None and "broken.mp4" in broken.error


def test_no_detect_scores_whole_images(checkpoint, media):
    (record,) = predict(checkpoint, [media["blank.png"]], detector=None, device="cpu")
    assert record.faces == 1 and 0.0 <= record.score <= 1.0


def test_crop_has_a_third_of_the_box_as_margin():
    from facecutout.landmarks.base import Face

    frame = np.zeros((300, 300, 3), np.uint8)
    face = Face(box=np.array([90.0, 90.0, 180.0, 210.0]), score=0.99, points=np.zeros((5, 2)))
    (crop,) = crop_faces(frame, [face], min_score=0.9)
    assert crop.shape[:2] == (120 + 2 * 40, 90 + 2 * 30)
    assert crop_faces(frame, [Face(face.box, 0.5, face.points)], min_score=0.9) == []


def test_folders_contribute_their_images_and_videos(media):
    found = collect_inputs([media["clip.mp4"].parent])
    assert [(path.name, kind) for path, kind in found] == [
        ("blank.png", "image"),
        ("broken.mp4", "video"),
        ("clip.mp4", "video"),
        ("still.png", "image"),
    ]


def test_unknown_input_types_are_errors(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(DataError, match="notes.txt: unknown file type"):
        collect_inputs([tmp_path / "notes.txt"])
    with pytest.raises(DataError, match="does not exist"):
        collect_inputs([tmp_path / "absent.mp4"])


def test_predict_command_writes_json(checkpoint, media, tmp_path, capsys):
    out = tmp_path / "predictions.json"
    code = main(
        [
            "predict",
            "--checkpoint",
            str(checkpoint),
            str(media["still.png"]),
            "--frames",
            "4",
            "--device",
            "cpu",
            "--json",
            str(out),
        ]
    )
    assert code == 0 and "still.png" in capsys.readouterr().out
    records = json.loads(out.read_text())
    assert records[0]["input"].endswith("still.png") and records[0]["faces"] == 1
