"""ROC and precision-recall curve PNGs (frame level, and video level when known)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from facecutout.fileio import atomic_write_bytes


def _save(figure, path: Path) -> None:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=120, bbox_inches="tight")
    atomic_write_bytes(path, buffer.getvalue())


def plot_curves(levels: Mapping[str, tuple[np.ndarray, np.ndarray]], out_dir: Path) -> list[Path]:
    """Write roc.png and pr.png with one line per level ("frame", "video") that has both classes."""
    from matplotlib.figure import Figure
    from sklearn.metrics import auc, precision_recall_curve, roc_curve

    usable = {name: data for name, data in levels.items() if len(np.unique(data[0])) == 2}
    if not usable:
        return []
    written = []
    # Figures without pyplot: no GUI backend is chosen, nothing global changes.
    roc_figure, pr_figure = Figure(figsize=(5, 5)), Figure(figsize=(5, 5))
    roc_axes, pr_axes = roc_figure.subplots(), pr_figure.subplots()
    for name, (labels, scores) in usable.items():
        fpr, tpr, _ = roc_curve(labels, scores)
        roc_axes.plot(fpr, tpr, label=f"{name} (AUC {auc(fpr, tpr):.3f}, n={len(labels)})")
        precision, recall, _ = precision_recall_curve(labels, scores)
        pr_axes.plot(recall, precision, label=f"{name} (n={len(labels)})")
    roc_axes.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=0.8)
    roc_axes.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC")
    pr_axes.set(xlabel="recall (fake)", ylabel="precision (fake)", title="Precision-recall")
    for axes in (roc_axes, pr_axes):
        axes.legend(loc="lower right" if axes is roc_axes else "lower left")
        axes.grid(alpha=0.3)
    for figure, name in ((roc_figure, "roc.png"), (pr_figure, "pr.png")):
        _save(figure, out_dir / name)
        written.append(out_dir / name)
    return written
