"""The cutout gallery (like the paper's Figure 1): each Face-Cutout variant beside Random Erasing.

Row 1: the original with both landmark sets, a self-blended pseudo-fake with its manipulated
region M outlined, M itself, a sensory Face-Cutout on the fake (the overlap rule applied: at
most ``threshold`` of M hidden), Random Erasing and CoarseDropout. Row 2: the sensory bands (eyes, nose,
mouth) and the convex-hull strategies (run, subset, half) on the real face, where nothing constrains
the cut.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from facecutout.cutout import face_cutout
from facecutout.demo.face import DetectedFace
from facecutout.fileio import atomic_write_bytes
from facecutout.pseudofake import make_pseudo_fake

COLUMNS = 6
PANEL_INCHES = (2.2, 2.6)
DPI = 100
THRESHOLD = 0.3
SENSORY = ("eyes", "nose", "mouth")
HULL = ("run", "subset", "half")


@dataclass(frozen=True)
class Panel:
    """One gallery image: ``cut`` marks the pixels changed from its input, ``outline`` the manipulated
    region to draw, ``points`` the landmark sets to draw."""

    title: str
    image: np.ndarray
    cut: np.ndarray | None = None
    outline: np.ndarray | None = None
    points: tuple[np.ndarray, ...] = field(default=())


def changed(output: np.ndarray, source: np.ndarray) -> np.ndarray:
    return np.any(output != source, axis=2)


def hidden_share(cut: np.ndarray, manipulated: np.ndarray) -> float:
    return float((cut & manipulated).sum() / max(manipulated.sum(), 1))


def erasing_panels(image: np.ndarray, seed: int) -> list[Panel]:
    """Random Erasing (albumentations ``Erasing``) and CoarseDropout, black fill, for contrast."""
    import albumentations as A

    panels = []
    for title, transform in (
        ("Random Erasing", A.Erasing(scale=(0.05, 0.2), fill=0, p=1.0)),
        ("CoarseDropout", A.CoarseDropout(num_holes_range=(3, 6), fill=0, p=1.0)),
    ):
        transform.set_random_seed(seed)
        output = transform(image=image)["image"]
        panels.append(Panel(title, output, cut=changed(output, image)))
    return panels


def build_panels(
    face: DetectedFace,
    fake: np.ndarray | None = None,
    manipulated: np.ndarray | None = None,
    seed: int = 0,
    threshold: float = THRESHOLD,
    fake_title: str = "pseudo-fake",
) -> list[Panel]:
    """The gallery's twelve panels for one face crop (same seed, same panels).

    ``fake`` is a fake of ``face.image`` (same geometry) with its manipulated region; without one, a
    self-blended pseudo-fake is made.
    """
    image = face.image
    if fake is None or manipulated is None:
        pseudo = make_pseudo_fake(image, face.points68, seed=seed)
        fake, manipulated = pseudo.fake, pseudo.region
    on_fake, cut = face_cutout(
        fake,
        face.points68,
        manipulated,
        variant="sensory",
        threshold=threshold,
        seed=seed,
        return_region=True,
    )
    share = hidden_share(cut, manipulated)
    panels = [
        Panel("original: dlib 68 (cyan), MTCNN 5 (red)", image, points=(face.points68, face.points5)),
        Panel(f"{fake_title}, region M outlined", fake, outline=manipulated),
        Panel("manipulated region M", np.repeat(manipulated[:, :, None], 3, axis=2).astype(np.uint8) * 255),
        Panel(f"sensory cut on fake: {share:.0%} of M hidden", on_fake, cut=cut, outline=manipulated),
        *erasing_panels(image, seed),
    ]
    for feature in SENSORY:
        output, cut = face_cutout(
            image, face.points5, variant="sensory", features=(feature,), seed=seed, return_region=True
        )
        panels.append(Panel(f"sensory: {feature}", output, cut=cut))
    for strategy in HULL:
        output, cut = face_cutout(
            image, face.points68, variant="convex_hull", strategies=(strategy,), seed=seed, return_region=True
        )
        panels.append(Panel(f"convex hull: {strategy}", output, cut=cut))
    return panels


def gallery_size(count: int, columns: int = COLUMNS) -> tuple[int, int]:
    """(width, height) in pixels of a gallery of ``count`` panels."""
    rows = -(-count // columns)
    return round(columns * PANEL_INCHES[0] * DPI), round(rows * PANEL_INCHES[1] * DPI)


def render_gallery(panels: Sequence[Panel], path: str | Path, columns: int = COLUMNS) -> Path:
    """Draw the panels in a grid and write the PNG atomically (size: :func:`gallery_size`)."""
    from matplotlib.figure import Figure

    rows = -(-len(panels) // columns)
    figure = Figure(figsize=(columns * PANEL_INCHES[0], rows * PANEL_INCHES[1]), dpi=DPI)
    axes = figure.subplots(rows, columns, squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    markers = ({"s": 4, "c": "cyan"}, {"s": 18, "c": "red", "marker": "x"})
    for ax, panel in zip(axes.flat, panels, strict=False):
        ax.imshow(panel.image)
        ax.set_title(panel.title, fontsize=8)
        if panel.outline is not None and panel.outline.any():
            ax.contour(panel.outline.astype(np.float32), levels=[0.5], colors=["yellow"], linewidths=0.8)
        for points, style in zip(panel.points, markers, strict=False):
            ax.scatter(points[:, 0], points[:, 1], linewidths=0.8, **style)
    figure.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.93, wspace=0.05, hspace=0.15)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    target = Path(path)
    atomic_write_bytes(target, buffer.getvalue())
    return target
