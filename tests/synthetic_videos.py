"""Small real video datasets for the tests and benchmarks, in the DFDC, Celeb-DF and FF++ layouts.

An original video shows a real face photo moving over a textured background; a fake is the same
video with the face region altered inside an ellipse (colour shift and blur), as a face swap
changes the inner face and leaves the rest. Videos are mp4 (mp4v) written with OpenCV.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from facecutout.errors import InvalidInputError


@dataclass(frozen=True)
class VideoSpec:
    """One synthetic video: which face photo, the frame size, number of frames and background seed."""

    face: np.ndarray
    frames: int = 12
    size: tuple[int, int] = (224, 192)
    seed: int = 0
    face_height: int = 120


def background(size: tuple[int, int], seed: int) -> np.ndarray:
    """A smooth colour gradient with mild texture, different per seed."""
    width, height = size
    rng = np.random.default_rng(seed)
    low = cv2.resize(rng.integers(40, 215, (3, 4, 3), dtype=np.uint8), (width, height), cv2.INTER_CUBIC)
    noise = rng.normal(0, 6, (height, width, 3))
    return np.clip(low.astype(np.float64) + noise, 0, 255).astype(np.uint8)


def face_positions(spec: VideoSpec, face_size: tuple[int, int]) -> list[tuple[int, int]]:
    """Top-left corner of the face in each frame: a slow diagonal drift."""
    width, height = spec.size
    face_w, face_h = face_size
    room_x, room_y = max(width - face_w, 0), max(height - face_h, 0)
    positions = []
    for index in range(spec.frames):
        t = index / max(spec.frames - 1, 1)
        positions.append((int(room_x * (0.25 + 0.5 * t)), int(room_y * (0.4 + 0.2 * t))))
    return positions


def face_ellipse(height: int, width: int) -> np.ndarray:
    """The manipulated ellipse over the inner face of a (height, width) face image: 255 inside."""
    mask = np.zeros((height, width), np.uint8)
    cv2.ellipse(
        mask, (width // 2, int(height * 0.55)), (int(width * 0.28), int(height * 0.3)), 0, 0, 360, 255, -1
    )
    return mask


def alter_face(face: np.ndarray) -> np.ndarray:
    """The "manipulation": inside an ellipse over the inner face, shift colours and blur."""
    height, width = face.shape[:2]
    mask = cv2.GaussianBlur(face_ellipse(height, width), (0, 0), 3).astype(np.float32)[..., None] / 255.0
    shifted = cv2.GaussianBlur(face, (0, 0), 2.5).astype(np.float32) + np.array(
        [40.0, -25.0, 30.0], np.float32
    )
    blended = face.astype(np.float32) * (1 - mask) + np.clip(shifted, 0, 255) * mask
    return np.clip(blended, 0, 255).astype(np.uint8)


def iter_frames(spec: VideoSpec, fake: bool = False, mask: bool = False) -> Iterator[np.ndarray]:
    """The RGB frames of a video, one at a time (long high-resolution videos do not fit in memory);
    with ``mask``, the fake's manipulation mask (white ellipse on black)."""
    scale = spec.face_height / spec.face.shape[0]
    face = cv2.resize(
        spec.face, (max(1, round(spec.face.shape[1] * scale)), spec.face_height), cv2.INTER_AREA
    )
    if fake:
        face = alter_face(face)
    if mask:
        face = np.repeat(face_ellipse(*face.shape[:2])[..., None], 3, axis=2)
    base = np.zeros_like(background(spec.size, spec.seed)) if mask else background(spec.size, spec.seed)
    for x, y in face_positions(spec, (face.shape[1], face.shape[0])):
        frame = base.copy()
        h = min(face.shape[0], frame.shape[0] - y)
        w = min(face.shape[1], frame.shape[1] - x)
        frame[y : y + h, x : x + w] = face[:h, :w]
        yield frame


def render_frames(spec: VideoSpec, fake: bool = False, mask: bool = False) -> list[np.ndarray]:
    """The RGB frames of a video (or of its manipulation mask, with ``mask``)."""
    return list(iter_frames(spec, fake, mask))


def write_video(path: str | Path, frames: Iterable[np.ndarray], fps: float = 25.0) -> None:
    """Write RGB frames as an mp4v video."""
    frames = iter(frames)
    first = next(frames, None)
    if first is None:
        raise InvalidInputError(f"frames: no frame to write to {path}")
    height, width = first.shape[:2]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    if not writer.isOpened():
        raise InvalidInputError(f"path: OpenCV cannot write an mp4v video to {path}")
    for frame in itertools.chain([first], frames):
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()


def write_pair(original_path: Path, fake_paths: list[Path], spec: VideoSpec) -> None:
    write_video(original_path, iter_frames(spec))
    for fake_path in fake_paths:
        write_video(fake_path, iter_frames(spec, fake=True))


def make_dfdc(root: str | Path, specs: dict[str, VideoSpec], fakes_per_original: int = 1) -> Path:
    """A DFDC part folder: originals ``<name>.mp4``, fakes ``<name>_fake<k>.mp4``, metadata.json."""
    part = Path(root) / "dfdc_train_part_0"
    metadata = {}
    for name, spec in sorted(specs.items()):
        fakes = [f"{name}_fake{k}.mp4" for k in range(fakes_per_original)]
        write_pair(part / f"{name}.mp4", [part / fake for fake in fakes], spec)
        metadata[f"{name}.mp4"] = {"label": "REAL", "split": "train"}
        for fake in fakes:
            metadata[fake] = {"label": "FAKE", "original": f"{name}.mp4", "split": "train"}
    (part / "metadata.json").write_text(json.dumps(metadata, indent=1, sort_keys=True))
    return Path(root)


def make_celebdf(
    root: str | Path, people: dict[str, list[VideoSpec]], swaps: list[tuple[str, str, int]]
) -> Path:
    """A Celeb-DF v2 folder: ``Celeb-real/<id>_<NNNN>.mp4`` per person and video, and for each
    (target id, source id, video number) a fake ``Celeb-synthesis/<target>_<source>_<NNNN>.mp4``."""
    root = Path(root)
    for person, specs in sorted(people.items()):
        for number, spec in enumerate(specs):
            fakes = [
                root / "Celeb-synthesis" / f"{target}_{source}_{number:04d}.mp4"
                for target, source, swap_number in swaps
                if target == person and swap_number == number
            ]
            write_pair(root / "Celeb-real" / f"{person}_{number:04d}.mp4", fakes, spec)
    return root


def make_ffpp(
    root: str | Path, originals: dict[str, VideoSpec], fakes: dict[str, list[tuple[str, bool]]]
) -> Path:
    """A FaceForensics++ folder at c23: ``original_sequences/youtube/c23/videos/<NNN>.mp4`` per
    original; for each method, fakes ``TTT_SSS.mp4`` (TTT's video altered) and, where asked, their
    mask videos in ``manipulated_sequences/<method>/masks/videos``."""
    root = Path(root)
    for name, spec in sorted(originals.items()):
        write_video(
            root / "original_sequences" / "youtube" / "c23" / "videos" / f"{name}.mp4", render_frames(spec)
        )
    for method, pairs in sorted(fakes.items()):
        for pair, with_mask in pairs:
            spec = originals[pair.split("_")[0]]
            folder = root / "manipulated_sequences" / method
            write_video(folder / "c23" / "videos" / f"{pair}.mp4", render_frames(spec, fake=True))
            if with_mask:
                write_video(folder / "masks" / "videos" / f"{pair}.mp4", render_frames(spec, mask=True))
    return root
