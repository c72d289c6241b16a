"""Write what an ablation found: the table (CSV and Markdown) and the plots."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from facecutout.ablation.config import AblationConfig
from facecutout.ablation.plots import plot_losses, plot_roc
from facecutout.ablation.runner import RunResult
from facecutout.ablation.tables import long_table, markdown_tables, summary_table
from facecutout.fileio import atomic_write_bytes


@dataclass(frozen=True)
class AblationOutputs:
    """Files an ablation wrote under its ``out`` folder, and its summary table (:func:`summary_table`)."""

    summary: pd.DataFrame
    table_csv: Path
    runs_csv: Path
    table_md: Path
    markdown: str
    loss_plot: Path
    roc_plots: dict[str, Path]


def write_outputs(config: AblationConfig, results: Sequence[RunResult]) -> AblationOutputs:
    """The summary table (mean ± std per metric, LogLoss change vs the baseline), per-run values, plots."""
    out = config.out
    summary = summary_table(results, config.methods, config.baseline)
    table_csv, runs_csv, table_md = out / "table.csv", out / "runs.csv", out / "table.md"
    atomic_write_bytes(table_csv, summary.to_csv(index=False).encode())
    atomic_write_bytes(runs_csv, long_table(results).to_csv(index=False).encode())
    markdown = markdown_tables(summary, config.baseline)
    atomic_write_bytes(table_md, (markdown + "\n").encode())
    roc_plots = {}
    for evaluation in config.evaluation_names:
        plot = plot_roc(results, evaluation, out / f"roc_{evaluation}.png")
        if plot is not None:
            roc_plots[evaluation] = plot
    return AblationOutputs(
        summary=summary,
        table_csv=table_csv,
        runs_csv=runs_csv,
        table_md=table_md,
        markdown=markdown,
        loss_plot=plot_losses(results, out / "losses.png"),
        roc_plots=roc_plots,
    )
