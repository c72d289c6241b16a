"""Landmarks for every image of a folder: one .npy per image, resumable, with counted skips."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from facecutout.errors import DataError
from facecutout.fileio import IMAGE_SUFFIXES, atomic_write_bytes, read_rgb, write_npy
from facecutout.landmarks.base import LandmarkDetector, primary_face
from facecutout.landmarks.images import MIN_IMAGE_SIDE, is_too_small

logger = logging.getLogger(__name__)

NO_FACE_FILE = "no_face.txt"
SKIPPED_FILE = "skipped.txt"
BACKEND_FILE = "landmarks.json"
_JPEG_SUFFIXES = frozenset({".jpg", ".jpeg"})
_JPEG_END = b"\xff\xd9"
_JPEG_TAIL_BYTES = 4096


@dataclass
class FolderSummary:
    """What a folder run did; paths are relative to the input folder."""

    images: int = 0
    written: int = 0
    kept: int = 0
    multi_face: int = 0
    no_face: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Job:
    name: str
    source: Path
    target: Path


def find_images(input_path: str | os.PathLike) -> tuple[Path, list[Path]]:
    """The folder that names are relative to, and the image files under ``input_path`` (sorted)."""
    root = Path(input_path)
    if root.is_file():
        return root.parent, [root]
    if not root.is_dir():
        raise DataError(f"input {root} is neither an image file nor a folder")
    files = sorted(path for path in root.rglob("*") if path.suffix.lower() in IMAGE_SUFFIXES)
    files = [path for path in files if path.is_file()]
    return root, files


def read_for_detection(path: Path) -> np.ndarray:
    """Read an image as RGB uint8, or raise DataError saying why it cannot be used."""
    if path.suffix.lower() in _JPEG_SUFFIXES and not _jpeg_is_complete(path):
        raise DataError(f"truncated JPEG {path}: no end-of-image marker")
    image = read_rgb(path)
    if is_too_small(image):
        height, width = image.shape[:2]
        raise DataError(f"image {path} is too small: {width}x{height} px (a side < {MIN_IMAGE_SIDE})")
    return image


def _jpeg_is_complete(path: Path) -> bool:
    with path.open("rb") as stream:
        stream.seek(0, os.SEEK_END)
        stream.seek(max(stream.tell() - _JPEG_TAIL_BYTES, 0))
        return _JPEG_END in stream.read()


def detect_folder(
    input_path: str | os.PathLike,
    out_dir: str | os.PathLike,
    detector: LandmarkDetector,
    *,
    overwrite: bool = False,
    batch_size: int = 16,
    progress: bool = True,
) -> FolderSummary:
    """Write the largest face's points (float32 (N, 2)) of each image to ``out_dir`` as .npy.

    The .npy keeps the image's relative path. Existing outputs are kept unless ``overwrite``; an
    overwritten image that is now skipped or has no face loses its old output.
    Images with no face are listed in ``out_dir/no_face.txt``; unreadable, truncated or tiny
    images are skipped and listed with the reason in ``out_dir/skipped.txt``. ``out_dir/landmarks.json``
    records the backend, so that a resumed run never mixes 5- and 68-point files.
    """
    root, files = find_images(input_path)
    out = Path(out_dir)
    _claim(out, detector, overwrite)
    summary = FolderSummary(images=len(files))
    batch: list[tuple[_Job, np.ndarray]] = []
    with tqdm(total=len(files), unit="img", desc=f"landmarks ({detector.name})", disable=not progress) as bar:
        for job in _jobs(root, files, out, summary):
            if job.target.exists() and not overwrite:
                summary.kept += 1
                bar.update()
                continue
            try:
                batch.append((job, read_for_detection(job.source)))
            except DataError as error:
                job.target.unlink(missing_ok=True)
                _skip(summary, job.name, str(error))
                bar.update()
                continue
            if len(batch) >= batch_size:
                _detect_and_write(detector, batch, summary)
                bar.update(len(batch))
                batch = []
        if batch:
            _detect_and_write(detector, batch, summary)
            bar.update(len(batch))
    _write_lists(out, summary)
    return summary


def _claim(out: Path, detector: LandmarkDetector, overwrite: bool) -> None:
    """Record the backend in ``out``; refuse to resume landmarks of another backend."""
    marker = out / BACKEND_FILE
    record = {"backend": detector.name, "num_points": detector.num_points}
    if marker.is_file() and not overwrite:
        try:
            earlier = json.loads(marker.read_text())
        except (OSError, ValueError) as error:
            raise DataError(f"cannot read {marker}: {error}") from None
        if earlier != record:
            raise DataError(
                f"{out} holds landmarks of {earlier}, not {record}: use another --out or --overwrite"
            )
    atomic_write_bytes(marker, (json.dumps(record) + "\n").encode())


def _jobs(root: Path, files: list[Path], out: Path, summary: FolderSummary) -> Iterator[_Job]:
    """One job per image; an image whose output name is taken by another image is skipped."""
    owners: dict[Path, str] = {}
    for file in files:
        name = file.relative_to(root).as_posix()
        target = out / Path(name).with_suffix(".npy")
        if target in owners:
            _skip(summary, name, f"its output {target} is already written for {owners[target]}")
            continue
        owners[target] = name
        yield _Job(name, file, target)


def _skip(summary: FolderSummary, name: str, reason: str) -> None:
    logger.warning("skipped %s: %s", name, reason)
    summary.skipped.append((name, reason))


def _detect_and_write(
    detector: LandmarkDetector, batch: list[tuple[_Job, np.ndarray]], summary: FolderSummary
) -> None:
    found = detector.detect_batch([image for _, image in batch])
    for (job, _), faces in zip(batch, found, strict=True):
        face = primary_face(faces)
        if face is None:
            job.target.unlink(missing_ok=True)
            summary.no_face.append(job.name)
            continue
        summary.multi_face += len(faces) > 1
        write_npy(job.target, face.points.astype(np.float32))
        summary.written += 1


def _write_lists(out: Path, summary: FolderSummary) -> None:
    no_face = "".join(f"{name}\n" for name in summary.no_face)
    skipped = "".join(f"{name}\t{reason}\n" for name, reason in summary.skipped)
    atomic_write_bytes(out / NO_FACE_FILE, no_face.encode())
    atomic_write_bytes(out / SKIPPED_FILE, skipped.encode())
