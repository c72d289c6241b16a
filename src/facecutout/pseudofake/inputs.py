"""Real face crops to turn into pseudo-fakes (which files, and which video / frame / person each is)
and the name of a real video's pseudo-fake video."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from facecutout.data.layout import crop_name
from facecutout.errors import DataError
from facecutout.fileio import IMAGE_SUFFIXES

FAKE_SUFFIX = "_sbi"
"""Pseudo-fake video of real video V: ``V_sbi`` (self-blended image)."""
FRAME_PERSON = re.compile(r"^(\d+)_(\d+)$")


@dataclass(frozen=True)
class FrameName:
    """A face crop's place in a dataset: its video, frame number and person index."""

    video: str
    frame: int
    person: int

    @property
    def stem(self) -> str:
        return f"{self.frame}_{self.person}"

    @property
    def file(self) -> str:
        return crop_name(self.frame, self.person)


@dataclass(frozen=True)
class RealFrame(FrameName):
    """One real face crop file of a video."""

    path: Path


def fake_video(video: str) -> str:
    return f"{video}{FAKE_SUFFIX}"


def is_image(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES


def frames_of_video(video: str, files: Sequence[Path]) -> list[RealFrame]:
    """Frames of one video: ``<frame>_<person>`` names keep their numbers, other names are numbered
    in sorted order as frames of person 0."""
    named = [FRAME_PERSON.match(file.stem) for file in files]
    if all(named):
        frames = [
            RealFrame(video, int(m.group(1)), int(m.group(2)), file)
            for file, m in zip(files, named, strict=True)
        ]
    else:
        frames = [RealFrame(video, index, 0, file) for index, file in enumerate(sorted(files))]
    return sorted(frames, key=lambda frame: (frame.frame, frame.person))


def collect_real_frames(inputs: Sequence[str | Path]) -> list[RealFrame]:
    """Real face crops from image files and folders (searched recursively).

    The video of an image is the folder that holds it, so ``face_crops/`` (a folder of video
    folders) and ``face_crops/00000`` (one video) both work.
    """
    by_video: dict[str, list[Path]] = {}
    for entry in map(Path, inputs):
        if entry.is_dir():
            files = sorted(path for path in entry.rglob("*") if is_image(path))
            if not files:
                raise DataError(f"no image ({', '.join(sorted(IMAGE_SUFFIXES))}) under input folder {entry}")
        elif is_image(entry):
            files = [entry]
        else:
            raise DataError(f"input {entry} is neither an image file nor a folder")
        for file in files:
            by_video.setdefault(file.parent.name, []).append(file)
    clashes = sorted(
        video for video in by_video if video.endswith(FAKE_SUFFIX) and video[: -len(FAKE_SUFFIX)] in by_video
    )
    if clashes:
        raise DataError(
            f"input video {clashes[0]!r} has the name that the pseudo-fakes of "
            f"{clashes[0][: -len(FAKE_SUFFIX)]!r} would get; give real videos only"
        )
    frames = [frame for video, files in sorted(by_video.items()) for frame in frames_of_video(video, files)]
    seen: dict[tuple[str, str], Path] = {}
    for frame in frames:
        previous = seen.setdefault((frame.video, frame.stem), frame.path)
        if previous != frame.path:
            raise DataError(
                f"{previous} and {frame.path} both map to video {frame.video!r} frame {frame.stem}"
            )
    return frames
