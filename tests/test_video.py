"""Frame sampling and selective decoding on real mp4 files written with OpenCV."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from facecutout.errors import DataError, InvalidInputError
from facecutout.video import frame_count, read_frames, sample_indices


def write_numbered_video(path: Path, frames: int, size: tuple[int, int] = (96, 64)) -> None:
    """An mp4v video whose frame i is uniformly grey level 8 * i (its number survives compression)."""
    width, height = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 25, (width, height))
    for index in range(frames):
        writer.write(np.full((height, width, 3), 8 * index % 256, np.uint8))
    writer.release()


@pytest.fixture(scope="module")
def numbered_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("video") / "numbered.mp4"
    write_numbered_video(path, 30)
    return path


def frame_number(frame: np.ndarray) -> int:
    return int(round(float(frame.mean()) / 8))


def test_sample_indices_even_stride_and_short_videos() -> None:
    assert sample_indices(300, count=4) == [0, 75, 150, 225]
    assert sample_indices(10, stride=3) == [0, 3, 6, 9]
    assert sample_indices(10, stride=3, count=2) == [0, 3]
    assert sample_indices(5, count=32) == [0, 1, 2, 3, 4]
    assert sample_indices(4) == [0, 1, 2, 3]
    spaced = sample_indices(301, count=32)
    assert len(spaced) == 32 and spaced == sorted(set(spaced)) and spaced[-1] < 301
    with pytest.raises(InvalidInputError, match="count"):
        sample_indices(10, count=0)
    with pytest.raises(InvalidInputError, match="stride"):
        sample_indices(10, stride=0)


def test_frame_count_and_selected_frames_are_the_right_ones(numbered_video: Path) -> None:
    assert frame_count(numbered_video) == 30
    frames = read_frames(numbered_video, [20, 3, 0, 29, 3])
    assert sorted(frames) == [0, 3, 20, 29]
    for index, frame in frames.items():
        assert frame.shape == (64, 96, 3) and frame.dtype == np.uint8
        assert frame_number(frame) == index


@pytest.mark.parametrize("seek_gap", [0, 5, 1000])
def test_seeking_and_grabbing_give_the_same_frames(numbered_video: Path, seek_gap: int) -> None:
    frames = read_frames(numbered_video, [1, 14, 27], seek_gap=seek_gap)
    assert {index: frame_number(frame) for index, frame in frames.items()} == {1: 1, 14: 14, 27: 27}


def test_indices_past_the_end_are_absent(numbered_video: Path) -> None:
    frames = read_frames(numbered_video, [28, 29, 30, 45])
    assert sorted(frames) == [28, 29]


def test_bad_videos_raise_data_errors_naming_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.mp4"
    with pytest.raises(DataError, match="missing.mp4"):
        frame_count(missing)
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"this is not a video" * 100)
    with pytest.raises(DataError, match="garbage.mp4"):
        frame_count(garbage)
    with pytest.raises(DataError, match="garbage.mp4"):
        read_frames(garbage, [0])
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match="empty.mp4"):
        frame_count(empty)


def test_truncated_videos(numbered_video: Path, tmp_path: Path) -> None:
    # An mp4 cut in half loses its index (moov atom, written last): unreadable.
    data = numbered_video.read_bytes()
    truncated_mp4 = tmp_path / "truncated.mp4"
    truncated_mp4.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="truncated.mp4"):
        read_frames(truncated_mp4, range(30))
    # An AVI cut in half declares 30 frames but holds fewer: the frames it holds come back.
    avi = tmp_path / "numbered.avi"
    writer = cv2.VideoWriter(str(avi), cv2.VideoWriter_fourcc(*"MJPG"), 25, (96, 64))
    for index in range(30):
        writer.write(np.full((64, 96, 3), 8 * index, np.uint8))
    writer.release()
    truncated_avi = tmp_path / "truncated.avi"
    truncated_avi.write_bytes(avi.read_bytes()[: avi.stat().st_size // 2])
    assert frame_count(truncated_avi) == 30
    frames = read_frames(truncated_avi, range(30))
    assert 0 < len(frames) < 30
    assert all(frame_number(frame) == index for index, frame in frames.items())
