"""A labelled comparison grid: one row per face (its label, e.g. real / fake), one column for the
face itself and one per model with that model's Grad-CAM overlay and fake probability."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from facecutout.errors import InvalidInputError
from facecutout.explain.gradcam import Explanation, Target, explain_faces
from facecutout.fileio import atomic_write_bytes

CELL_INCHES = 2.0
"""Side of one picture of the grid."""
CAPTION_INCHES = 0.3
"""Height of the score line above each picture."""
HEADER_INCHES = 0.45
"""Height of the column names above the first row."""
FOOTER_INCHES = 0.5
"""Height of the note under the grid."""
LABEL_INCHES = 0.45
"""Width of the row labels left of the first column."""
DPI = 100


def grid_inches(rows: int, models: int) -> tuple[float, float]:
    """(width, height) in inches of a grid of ``rows`` faces and ``models`` model columns."""
    return (
        LABEL_INCHES + (models + 1) * CELL_INCHES,
        HEADER_INCHES + rows * (CELL_INCHES + CAPTION_INCHES) + FOOTER_INCHES,
    )


def _label_colour(label: str) -> str:
    return {"fake": "firebrick", "real": "forestgreen"}.get(label.strip().lower(), "black")


def _caption(explanation: Explanation) -> str:
    """The model's fake probability, and a word when the map is empty (no evidence for the target)."""
    caption = f"p(fake) = {explanation.score:.2f}"
    if not explanation.heatmap.any():
        caption += ", empty map"
    return caption


def draw_comparison_grid(
    faces: Sequence[tuple[str, np.ndarray]],
    explanations: Mapping[str, Sequence[Explanation]],
    path: str | os.PathLike,
    target: Target = "fake",
) -> Path:
    """Write the grid PNG to ``path`` from explanations already computed: ``explanations[model][i]``
    is model ``model`` on ``faces[i]`` (a (label, RGB uint8 face) pair)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not faces or not explanations:
        raise InvalidInputError("a comparison grid needs at least one face and one model")
    for model, items in explanations.items():
        if len(items) != len(faces):
            raise InvalidInputError(f"model {model!r} has {len(items)} explanations for {len(faces)} faces")
    width, height = grid_inches(len(faces), len(explanations))
    figure = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)
    row_height = CELL_INCHES + CAPTION_INCHES
    for row, (label, face) in enumerate(faces):
        bottom = height - HEADER_INCHES - row * row_height - row_height
        pictures = [(face, None)] + [(items[row].overlay, items[row]) for items in explanations.values()]
        for column, (picture, explanation) in enumerate(pictures):
            left = LABEL_INCHES + column * CELL_INCHES
            axes = figure.add_axes(
                (left / width, bottom / height, CELL_INCHES / width, CELL_INCHES / height), frameon=False
            )
            axes.imshow(picture)
            axes.set_xticks([])
            axes.set_yticks([])
            if explanation is not None:
                axes.set_title(_caption(explanation), fontsize=9, pad=3)
        figure.text(
            (LABEL_INCHES / 2) / width,
            (bottom + CELL_INCHES / 2) / height,
            label,
            rotation=90,
            ha="center",
            va="center",
            fontsize=11,
            fontweight="bold",
            color=_label_colour(label),
        )
    for column, name in enumerate(["face", *explanations]):
        figure.text(
            (LABEL_INCHES + (column + 0.5) * CELL_INCHES) / width,
            (height - HEADER_INCHES / 2) / height,
            name,
            ha="center",
            va="center",
            fontsize=11,
            fontweight="bold",
        )
    layers = ", ".join(sorted({items[0].layer for items in explanations.values()}))
    figure.text(
        0.5,
        (FOOTER_INCHES / 2) / height,
        f"Grad-CAM of the {target} logit at the backbone stage {layers}; red = most evidence,\n"
        "each map scaled to its own maximum: the maps compare where a model looks, not how strongly.",
        ha="center",
        va="center",
        fontsize=8,
        color="dimgray",
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    atomic_write_bytes(path, buffer.getvalue())
    return Path(path)


def write_comparison_grid(
    checkpoints: Mapping[str, str | os.PathLike],
    faces: Sequence[tuple[str, np.ndarray]],
    path: str | os.PathLike,
    *,
    device: str | None = None,
    target: Target = "fake",
    stage: int = -1,
    progress: bool = True,
) -> Path:
    """Grad-CAM of each checkpoint (``{model name: checkpoint path}``, columns in that order) on each
    ``(label, RGB uint8 face crop)`` (rows), written as one labelled PNG to ``path``; returns ``path``."""
    from facecutout.model.checkpoint import load_classifier
    from facecutout.model.scoring import pick_device

    if not checkpoints:
        raise InvalidInputError("checkpoints is empty: give {model name: checkpoint path}")
    images = [face for _, face in faces]
    explanations = {}
    for name, checkpoint in checkpoints.items():
        model = load_classifier(checkpoint, pick_device(device))
        explanations[name] = explain_faces(model, images, target=target, stage=stage, progress=progress)
        del model
    return draw_comparison_grid(faces, explanations, path, target=target)
