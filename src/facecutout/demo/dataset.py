"""A small pseudo-fake dataset from one embedded face: varied "videos" of augmented frames.

Each video has its own style (scale, flip, colour cast); its frames jitter position, scale and
rotation around the face, like a head moving in a clip. Landmarks move with the same geometry
(they are not re-detected), then every frame gets its self-blended pseudo-fake.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from facecutout.data.crops import CROP_MARGIN
from facecutout.data.layout import DatasetLayout
from facecutout.demo.face import DetectedFace
from facecutout.demo.settings import EmbeddedSpec
from facecutout.pseudofake.blend import DEFAULT_BLEND, BlendSettings
from facecutout.pseudofake.writer import FaceFrame, WriteSummary, finish_dataset, write_pair

DEFAULT_SPEC = EmbeddedSpec()


@dataclass(frozen=True)
class VideoStyle:
    """What stays fixed within one video."""

    scale: float
    flip: bool
    hue: float
    saturation: float
    brightness: float


def draw_style(rng: np.random.Generator) -> VideoStyle:
    return VideoStyle(
        scale=rng.uniform(0.85, 1.15),
        flip=bool(rng.random() < 0.5),
        hue=rng.uniform(-8, 8),
        saturation=rng.uniform(0.7, 1.3),
        brightness=rng.uniform(0.8, 1.2),
    )


def recolour(image: np.ndarray, style: VideoStyle, rng: np.random.Generator) -> np.ndarray:
    """The video's colour cast (hue shift, saturation, brightness) with a little per-frame flicker."""
    hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV).astype(np.float32)
    hsv[:, :, 0] = (hsv[:, :, 0] + style.hue) % 180
    hsv[:, :, 1] *= style.saturation
    hsv[:, :, 2] *= style.brightness * rng.uniform(0.95, 1.05)
    return cv2.cvtColor(np.clip(hsv, 0, 255).astype(np.uint8), cv2.COLOR_HSV2RGB)


def frame_view(
    face: DetectedFace, style: VideoStyle, rng: np.random.Generator, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """One frame: a ``size`` x ``size`` crop around the face (jittered, rotated), and its 68 points."""
    x1, y1, x2, y2 = face.box
    side = max(x2 - x1, y2 - y1) * (1 + 2 * CROP_MARGIN) * style.scale * rng.uniform(0.97, 1.03)
    centre = np.array([(x1 + x2) / 2, (y1 + y2) / 2]) + rng.uniform(-0.04, 0.04, size=2) * side
    matrix = cv2.getRotationMatrix2D((float(centre[0]), float(centre[1])), rng.uniform(-6, 6), size / side)
    matrix[:, 2] += size / 2 - centre
    image = cv2.warpAffine(
        face.image, matrix, (size, size), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REFLECT
    )
    points = face.points68 @ matrix[:, :2].T + matrix[:, 2]
    if style.flip:
        image = np.ascontiguousarray(image[:, ::-1])
        points = np.column_stack([size - 1 - points[:, 0], points[:, 1]])
    return recolour(image, style, rng), points


def build_embedded_dataset(
    face: DetectedFace,
    out: str | Path,
    name: str,
    spec: EmbeddedSpec = DEFAULT_SPEC,
    settings: BlendSettings = DEFAULT_BLEND,
    diff_kind: str = "region",
    progress: bool = True,
) -> tuple[DatasetLayout, WriteSummary]:
    """Write ``spec.videos`` real videos of ``face`` and their pseudo-fakes in the paper's layout.

    The diffs hold the exact changed pixels by default ("region"), so the training's overlap rule
    sees the whole manipulated region; "ssim" writes the paper's grey SSIM diff instead.
    ``progress``: a bar over the frames.
    """
    layout = DatasetLayout(Path(out), name)
    rng = np.random.default_rng(spec.seed)
    summary = WriteSummary()
    frames: list[tuple[str, int, int]] = []
    with tqdm(
        total=spec.videos * spec.frames, desc=f"dataset {name}", unit="frame", disable=not progress
    ) as bar:
        for index in range(spec.videos):
            video = f"{name}_{index:02d}"
            style = draw_style(rng)
            for frame in range(0, 10 * spec.frames, 10):
                image, points = frame_view(face, style, rng, spec.size)
                summary.manipulated_share.append(
                    write_pair(
                        layout, FaceFrame(video, frame, 0, image, points), spec.seed, settings, diff_kind
                    )
                )
                summary.written += 1
                frames.append((video, frame, 0))
                bar.update(1)
    finish_dataset(layout, frames, spec.folds, summary)
    return layout, summary
