"""ROC and precision-recall curve PNGs (frame level, and video level when known).

Both plots share fixed axes (0 to 1) and a chance line: the diagonal on the ROC, the share of fakes
on the precision-recall plot. Precision-recall is drawn as a step curve (precision holds until the
next threshold), as scikit-learn's average precision integrates it.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from facecutout.fileio import atomic_write_bytes

CHANCE_STYLE = {"linestyle": "--", "color": "grey", "linewidth": 0.8}


def _save(figure, path: Path) -> None:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=120, bbox_inches="tight")
    atomic_write_bytes(path, buffer.getvalue())


def plot_curves(
    levels: Mapping[str, tuple[np.ndarray, np.ndarray]], out_dir: Path, title: str = ""
) -> list[Path]:
    """Write roc.png and pr.png with one line per level ("frame", "video") that has both classes;
    ``title`` (e.g. the model and the set) follows "ROC" / "Precision-recall" in each plot's title."""
    from matplotlib.figure import Figure
    from sklearn.metrics import auc, average_precision_score, precision_recall_curve, roc_curve

    usable = {name: data for name, data in levels.items() if len(np.unique(data[0])) == 2}
    if not usable:
        return []
    written = []
    # Figures without pyplot: no GUI backend is chosen, nothing global changes.
    roc_figure, pr_figure = Figure(figsize=(5, 5)), Figure(figsize=(5, 5))
    roc_axes, pr_axes = roc_figure.subplots(), pr_figure.subplots()
    suffix = f": {title}" if title else ""
    for name, (labels, scores) in usable.items():
        fpr, tpr, _ = roc_curve(labels, scores)
        roc_axes.plot(fpr, tpr, label=f"{name} (AUC {auc(fpr, tpr):.3f}, n={len(labels)})")
        precision, recall, _ = precision_recall_curve(labels, scores)
        average = average_precision_score(labels, scores)
        (line,) = pr_axes.step(
            recall, precision, where="post", label=f"{name} (AP {average:.3f}, n={len(labels)})"
        )
        share = float(np.mean(labels))
        pr_axes.axhline(share, color=line.get_color(), linestyle=":", linewidth=0.8)
    roc_axes.plot([0, 1], [0, 1], label="chance", **CHANCE_STYLE)
    pr_axes.plot([], [], linestyle=":", color="grey", label="chance (share of fakes)")
    roc_axes.set(xlabel="false positive rate", ylabel="true positive rate", title=f"ROC{suffix}")
    pr_axes.set(xlabel="recall (fake)", ylabel="precision (fake)", title=f"Precision-recall{suffix}")
    for axes in (roc_axes, pr_axes):
        axes.set(xlim=(0, 1), ylim=(0, 1.02))
        axes.legend(loc="lower right" if axes is roc_axes else "lower left", fontsize=8)
        axes.grid(alpha=0.3)
    for figure, name in ((roc_figure, "roc.png"), (pr_figure, "pr.png")):
        _save(figure, out_dir / name)
        written.append(out_dir / name)
    return written
