"""The ablation's plots: training and validation loss per run, and ROC curves per evaluation set."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from facecutout.ablation.runner import RunResult
from facecutout.fileio import atomic_write_bytes

LINE_STYLES = ("-", "--", ":", "-.")


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


def plot_losses(results: Sequence[RunResult], path: Path) -> Path:
    """Training loss per step and validation LogLoss per epoch (at its step), one line per run."""
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
        ax.set_title(title)
        ax.set_xlabel("step")
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
    ax.plot([0, 1], [0, 1], color="grey", linewidth=0.8)
    ax.set(
        xlabel="false positive rate",
        ylabel="true positive rate",
        title=f"ROC: {evaluation}",
        xlim=(0, 1),
        ylim=(0, 1),
    )
    ax.set_aspect("equal")
    ax.legend(fontsize=7, loc="lower right")
    return save(figure, path)
