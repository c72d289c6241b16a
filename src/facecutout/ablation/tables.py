"""The ablation table: mean +- std of each metric per method and evaluation set, and the LogLoss
change of each method vs the baseline."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from facecutout.ablation.runner import RunResult
from facecutout.model.metrics import METRIC_KEYS, EvaluationReport, Metrics

FEW_VIDEOS = 10
"""A video-level table from fewer real or fewer fake videos than this is flagged as indicative only."""


def levels(report: EvaluationReport) -> list[tuple[str, Metrics]]:
    """The frame-level metrics, and the video-level ones where videos are known."""
    return [("frame", report)] + ([("video", report.video)] if report.video is not None else [])


def long_table(results: Sequence[RunResult]) -> pd.DataFrame:
    """One row per run, evaluation set, level (frame / video) and metric: method, seed, set, level,
    metric, value."""
    rows = []
    for result in results:
        for evaluation, metrics in result.metrics.items():
            for level, values in levels(metrics):
                for key in METRIC_KEYS:
                    rows.append(
                        {
                            "method": result.method,
                            "seed": result.seed,
                            "set": evaluation,
                            "level": level,
                            "metric": key,
                            "value": values.value(key),
                        }
                    )
    return pd.DataFrame(rows, columns=["method", "seed", "set", "level", "metric", "value"])


def summary_table(results: Sequence[RunResult], methods: Sequence[str], baseline: str) -> pd.DataFrame:
    """Per evaluation set, level and method: runs, the samples scored (``n``, ``n_fake``: images or
    videos), mean and std (ddof 1; 0 for one run) of every metric, ``logloss_change`` (mean LogLoss
    minus the baseline's) and ``logloss_change_pct``.

    Runs whose metric is undefined (NaN) are left out of that metric's mean and counted in ``n_<metric>``.
    """
    runs = long_table(results)
    counts = {
        (evaluation, level): (values.n, values.n_fake)
        for result in results
        for evaluation, metrics in result.metrics.items()
        for level, values in levels(metrics)
    }
    rows = []
    for (evaluation, level), group in runs.groupby(["set", "level"], sort=False):
        base = group[(group["method"] == baseline) & (group["metric"] == "logloss")]["value"].mean()
        for method in methods:
            mine = group[group["method"] == method]
            row: dict[str, object] = {
                "set": evaluation,
                "level": level,
                "method": method,
                "runs": int(mine["seed"].nunique()),
                "n": counts[(evaluation, level)][0],
                "n_fake": counts[(evaluation, level)][1],
            }
            for key in METRIC_KEYS:
                values = mine[mine["metric"] == key]["value"].dropna().to_numpy()
                row[f"{key}_mean"] = float(values.mean()) if len(values) else math.nan
                row[f"{key}_std"] = (
                    float(values.std(ddof=1)) if len(values) > 1 else 0.0 if len(values) else math.nan
                )
                row[f"n_{key}"] = len(values)
            change = row["logloss_mean"] - base  # type: ignore[operator]
            row["logloss_change"] = change
            row["logloss_change_pct"] = 100.0 * change / base if base else math.nan
            rows.append(row)
    return pd.DataFrame(rows)


def format_cell(mean: float, std: float) -> str:
    return "n/a" if np.isnan(mean) else f"{mean:.3f} ± {std:.3f}"


def few_videos_note(table: pd.DataFrame) -> str | None:
    """A warning when a video-level table rests on fewer than FEW_VIDEOS real or fake videos."""
    n, n_fake = int(table["n"].iloc[0]), int(table["n_fake"].iloc[0])
    if min(n - n_fake, n_fake) >= FEW_VIDEOS:
        return None
    return (
        f"⚠ From {n} videos only ({n - n_fake} real, {n_fake} fake): too few to measure anything; "
        "shown for completeness, not as a result."
    )


def markdown_tables(summary: pd.DataFrame, baseline: str) -> str:
    """One Markdown table per evaluation set and level: methods as rows, metrics as mean ± std; a
    video-level table from too few videos says so above it."""
    blocks = []
    for (evaluation, level), table in summary.groupby(["set", "level"], sort=False):
        header = ["method", "runs", *METRIC_KEYS, f"LogLoss vs {baseline}"]
        samples = "videos" if level == "video" else "images"
        note = few_videos_note(table) if level == "video" else None
        lines = [
            f"**{evaluation}, {level} level** ({int(table['n'].iloc[0])} {samples})",
            *([f"\n{note}"] if note else []),
            "",
            "| " + " | ".join(header) + " |",
            "|" + "---|" * len(header),
        ]
        for row in table.itertuples(index=False):
            values = row._asdict()
            cells = [format_cell(values[f"{key}_mean"], values[f"{key}_std"]) for key in METRIC_KEYS]
            change = values["logloss_change"]
            relative = values["logloss_change_pct"]
            delta = "n/a" if np.isnan(change) else f"{change:+.3f} ({relative:+.1f}%)"
            lines.append("| " + " | ".join([values["method"], str(values["runs"]), *cells, delta]) + " |")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
