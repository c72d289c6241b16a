"""What ``facecutout explain`` writes: one Grad-CAM overlay PNG per image and model, and the grid.

Images are read in chunks, so a folder of thousands of faces needs the memory of one chunk; the
grid shows the first ``grid_rows`` images."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from facecutout.errors import DataError, InvalidInputError
from facecutout.explain.gradcam import Target, explain_faces
from facecutout.explain.grid import draw_comparison_grid
from facecutout.fileio import IMAGE_SUFFIXES, collect_files, read_rgb, require_writable_folder, write_image

logger = logging.getLogger(__name__)

GRID_NAME = "gradcam_grid.png"
CHUNK = 64
"""Images read and explained at a time."""


@dataclass
class ExplainResult:
    """The files written: ``overlays[model]`` one PNG per image (in input order), the ``grid``, and
    ``scores[model]`` the fake probability of each image."""

    overlays: dict[str, list[Path]] = field(default_factory=dict)
    scores: dict[str, list[float]] = field(default_factory=dict)
    grid: Path | None = None


def collect_images(inputs: Sequence[str | os.PathLike]) -> list[Path]:
    """The image files among ``inputs``; a folder contributes its images (sorted)."""
    images = [path for path, _ in collect_files(inputs, {"image": IMAGE_SUFFIXES}, "image")]
    seen: dict[Path, Path] = {}
    for image in images:
        key = image.resolve()
        if key in seen:
            raise DataError(f"image {image} is given twice (also as {seen[key]})")
        seen[key] = image
    return images


def unique_names(images: Sequence[Path]) -> list[str]:
    """A short distinct name per image: its stem, prefixed with as many parent folders as it takes
    to tell it from the others (face crops of the paper's layout are all ``<frame>_<person>.png``,
    one folder per video: ``00000/0_0.png`` becomes ``00000_0_0``)."""
    parts = [image.resolve().with_suffix("").parts for image in images]
    for depth in range(1, max(map(len, parts)) + 1):
        names = ["_".join(item[-depth:]) for item in parts]
        if len(set(names)) == len(names):
            return names
    raise DataError("two images resolve to the same file")


def overlay_name(name: str, model: str, models: int) -> str:
    """``<name>_gradcam.png`` for one model, ``<name>_gradcam_<model>.png`` for several."""
    if models == 1:
        return f"{name}_gradcam.png"
    return f"{name}_gradcam_{re.sub(r'[^A-Za-z0-9._-]+', '_', model)}.png"


def explain_files(
    checkpoints: Mapping[str, str | os.PathLike],
    inputs: Sequence[str | os.PathLike],
    out_dir: str | os.PathLike,
    *,
    device: str | None = None,
    target: Target = "fake",
    stage: int = -1,
    batch_size: int = 8,
    grid_rows: int = 16,
) -> ExplainResult:
    """Grad-CAM of every checkpoint (``{model name: path}``) on every face crop among ``inputs``
    (files or folders): overlays and ``gradcam_grid.png`` (first ``grid_rows`` images) in ``out_dir``."""
    from facecutout.model.checkpoint import load_classifier
    from facecutout.model.scoring import pick_device

    if not checkpoints:
        raise InvalidInputError("give at least one checkpoint")
    if grid_rows < 1:
        raise InvalidInputError(f"grid_rows must be >= 1, got {grid_rows}")
    images = collect_images(inputs)
    names = unique_names(images)
    out = require_writable_folder(out_dir)
    models = {name: load_classifier(path, pick_device(device)) for name, path in checkpoints.items()}
    result = ExplainResult({name: [] for name in models}, {name: [] for name in models})
    grid_faces, grid_explanations = [], {name: [] for name in models}
    with tqdm(total=len(images) * len(models), desc="explaining", unit="image", leave=False) as bar:
        for start in range(0, len(images), CHUNK):
            chunk, chunk_names = images[start : start + CHUNK], names[start : start + CHUNK]
            faces = [read_rgb(image) for image in chunk]
            keep = max(0, min(len(chunk), grid_rows - start))
            grid_faces.extend(zip(chunk_names[:keep], faces[:keep], strict=True))
            for name, model in models.items():
                explanations = explain_faces(
                    model, faces, target=target, stage=stage, batch_size=batch_size, progress=False
                )
                for image_name, explanation in zip(chunk_names, explanations, strict=True):
                    path = out / overlay_name(image_name, name, len(models))
                    write_image(path, explanation.overlay)
                    result.overlays[name].append(path)
                    result.scores[name].append(explanation.score)
                grid_explanations[name].extend(explanations[:keep])
                bar.update(len(chunk))
    if len(images) > grid_rows:
        logger.info("the grid shows the first %d of %d images", grid_rows, len(images))
    result.grid = draw_comparison_grid(grid_faces, grid_explanations, out / GRID_NAME, target=target)
    return result
