"""Pseudo-fake datasets from real face crops on disk: landmarks read from .npy files or detected."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from facecutout.data.layout import DatasetLayout
from facecutout.errors import DataError, FaceCutoutError
from facecutout.fileio import atomic_write_bytes, read_rgb
from facecutout.pseudofake.blend import DEFAULT_BLEND, BlendSettings
from facecutout.pseudofake.inputs import RealFrame, collect_real_frames
from facecutout.pseudofake.writer import (
    FaceFrame,
    WriteSummary,
    check_diff_kind,
    finish_dataset,
    is_written,
    write_pair,
)


class LandmarkSource:
    """Landmarks of a real frame: ``root/<video>/<frame>_<person>.npy`` when a root is given (the
    paper's ``original_landmarks`` layout), else the primary face found by a detector backend."""

    def __init__(self, root: str | Path | None, backend: str):
        self.root = Path(root) if root is not None else None
        self.backend = backend

    def file_for(self, frame: RealFrame) -> Path:
        assert self.root is not None
        return self.root / frame.video / f"{frame.stem}.npy"

    def __call__(self, frame: RealFrame, image: np.ndarray) -> tuple[np.ndarray | None, str]:
        """The landmarks, or None with the reason they are missing."""
        if self.root is not None:
            path = self.file_for(frame)
            if not path.is_file():
                return None, "no landmarks file"
            try:
                return np.load(path), ""
            except (OSError, ValueError) as error:
                raise DataError(f"cannot read landmarks {path}: {error}") from None
        from facecutout.landmarks import get_detector, primary_face

        face = primary_face(get_detector(self.backend).detect(image))
        return (face.points, "") if face is not None else (None, "no face detected")


def check_same_recipe(layout: DatasetLayout, recipe: dict[str, Any], overwrite: bool) -> None:
    """Pairs kept from an earlier run must come from the same seed, diff kind and blend settings:
    the recipe is stored in ``NAME/recipe.json`` and a different one is an error (or, with
    ``overwrite``, replaced)."""
    path = layout.recipe
    text = json.dumps(recipe, indent=2, sort_keys=True)
    if path.is_file() and not overwrite and json.loads(path.read_text()) != json.loads(text):
        raise DataError(
            f"{layout.folder} was written with another seed, diff kind or blend settings ({path}); "
            "use --overwrite or another --out"
        )
    atomic_write_bytes(path, text.encode())


def write_pseudo_fake_dataset(
    inputs: Sequence[str | Path],
    out: str | Path,
    name: str = "pseudofake",
    *,
    landmarks: str | Path | None = None,
    backend: str = "dlib68",
    folds: int = 5,
    seed: int = 0,
    settings: BlendSettings = DEFAULT_BLEND,
    diff_kind: str = "ssim",
    overwrite: bool = False,
) -> tuple[DatasetLayout, WriteSummary]:
    """Turn real face crops into a pseudo-fake dataset in the paper's layout under ``out``.

    ``diff_kind``: what diffs/ holds, "ssim" (the paper's grey SSIM diff) or "region" (the exact
    changed pixels; see writer.DIFF_KINDS). Pairs already on disk are kept unless ``overwrite``.
    Frames without landmarks and unreadable images are skipped and counted by reason. Returns the
    layout and the summary.
    """
    check_diff_kind(diff_kind)
    layout = DatasetLayout(Path(out), name)
    check_same_recipe(layout, {"seed": seed, "diff_kind": diff_kind, "settings": asdict(settings)}, overwrite)
    source = LandmarkSource(landmarks, backend)
    summary = WriteSummary()
    done: list[tuple[str, int, int]] = []
    for frame in tqdm(collect_real_frames(inputs), desc="pseudo-fakes", unit="face"):
        item = str(frame.path)
        if not overwrite and is_written(layout, frame.video, frame.file):
            summary.kept += 1
        else:
            try:
                image = read_rgb(frame.path)
                points, reason = source(frame, image)
                if points is None:
                    summary.skip(reason, item)
                    continue
                face = FaceFrame(frame.video, frame.frame, frame.person, image, points)
                summary.manipulated_share.append(write_pair(layout, face, seed, settings, diff_kind))
            except FaceCutoutError as error:
                summary.skip(f"{type(error).__name__}: {error}", item)
                continue
            summary.written += 1
        done.append((frame.video, frame.frame, frame.person))
    if not done:
        raise DataError(f"no pseudo-fake could be made from {list(map(str, inputs))}: {summary.skipped}")
    finish_dataset(layout, done, folds, summary)
    return layout, summary
