"""The ablation's plots: training and validation loss per run, and ROC curves per evaluation set.

Every plot names its set and runs, shares fixed axes with its kind, and draws chance: LogLoss ln 2
(the LogLoss of always answering 0.5) on the loss plots, the diagonal on the ROC.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from facecutout.ablation.runner import RunResult
from facecutout.fileio import atomic_write_bytes

LINE_STYLES = ("-", "--", ":", "-.")
LOSS_LIMIT = 1.2
"""Loss plots show 0 to this: chance (ln 2) sits in the middle; the first steps' larger losses are clipped."""


def new_figure(columns: int, size: tuple[float, float] = (5.0, 4.0)):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(size[0] * columns, size[1]), dpi=100)
    return figure, figure.subplots(1, columns, squeeze=False)[0]


def save(figure, path: Path) -> Path:
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    atomic_write_bytes(path, buffer.getvalue())
    return path


def styles(results: Sequence[RunResult]) -> dict[tuple[str, int], dict[str, str]]:
    """A colour per method and a line style per seed, stable across plots."""
    import matplotlib

    colours = matplotlib.colormaps["tab10"].colors
    methods = list(dict.fromkeys(result.method for result in results))
    seeds = list(dict.fromkeys(result.seed for result in results))
    return {
        (result.method, result.seed): {
            "color": colours[methods.index(result.method) % len(colours)],
            "linestyle": LINE_STYLES[seeds.index(result.seed) % len(LINE_STYLES)],
        }
        for result in results
    }


def runs_text(results: Sequence[RunResult]) -> str:
    """The runs of a plot in words: "face_cutout, none x seeds 0, 1"."""
    methods = ", ".join(dict.fromkeys(result.method for result in results))
    seeds = [str(seed) for seed in dict.fromkeys(result.seed for result in results)]
    return f"{methods} x seed{'s' if len(seeds) > 1 else ''} {', '.join(seeds)}"


def plot_losses(results: Sequence[RunResult], path: Path) -> Path:
    """Training loss per step and validation LogLoss per epoch (at its step), one line per run, with
    chance (ln 2) drawn on both."""
    figure, (train_ax, val_ax) = new_figure(2)
    style = styles(results)
    for result in results:
        train_log = result.train_log_path
        if train_log is None or not train_log.is_file():
            continue
        log = pd.read_csv(train_log)
        label = f"{result.method} s{result.seed}"
        line = style[(result.method, result.seed)]
        if "train_loss_step" in log:
            steps = log.dropna(subset=["train_loss_step"])
            train_ax.plot(steps["step"], steps["train_loss_step"], label=label, linewidth=1, **line)
        if "val_logloss" in log:
            epochs = log.dropna(subset=["val_logloss"])
            val_ax.plot(epochs["step"], epochs["val_logloss"], marker="o", label=label, **line)
    for ax, title in (
        (train_ax, "training loss (BCE, per step)"),
        (val_ax, "validation LogLoss (per epoch)"),
    ):
        ax.axhline(math.log(2), color="grey", linestyle="--", linewidth=0.8, label="chance (ln 2)")
        ax.set_title(f"{title}\n{runs_text(results)}", fontsize=10)
        ax.set(xlabel="step", ylim=(0, LOSS_LIMIT))
        ax.grid(alpha=0.3)
        if ax.lines:
            ax.legend(fontsize=7)
    return save(figure, path)


def plot_roc(results: Sequence[RunResult], evaluation: str, path: Path) -> Path | None:
    """ROC curves of every run on one evaluation set (None when the set holds one class only)."""
    from sklearn.metrics import roc_auc_score, roc_curve

    figure, (ax,) = new_figure(1, (5.0, 4.5))
    style = styles(results)
    for result in results:
        scores = pd.read_csv(result.scores_path(evaluation))
        if scores["label"].nunique() < 2:
            return None
        fpr, tpr, _ = roc_curve(scores["label"], scores["score"])
        auc = roc_auc_score(scores["label"], scores["score"])
        ax.plot(
            fpr,
            tpr,
            label=f"{result.method} s{result.seed} (AUC {auc:.3f})",
            **style[(result.method, result.seed)],
        )
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=0.8, label="chance")
    ax.set(xlabel="false positive rate", ylabel="true positive rate", xlim=(0, 1), ylim=(0, 1.02))
    ax.set_title(f"ROC, {evaluation} set, frame level\n{runs_text(results)}", fontsize=10)
    ax.set_aspect("equal")
    ax.legend(fontsize=7, loc="lower right")
    return save(figure, path)
