"""The report's reading aids: what the demo can and cannot show, the results at a glance, and
whether the differences between methods are more than noise."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from facecutout.ablation.compare import Difference, compare
from facecutout.ablation.runner import RunResult
from facecutout.ablation.tables import format_cell
from facecutout.errors import DataError

PAPER_FIGURES = (
    "**The paper's own figures, for reference (not measured here):** Das et al., ICCV Workshops 2021 "
    '("Towards Solving the DeepFake Problem: An Analysis on Improving DeepFake Detection using Dynamic '
    'Face Augmentation", arXiv 2102.09603) report that Face-Cutout "achieves a reduction in LogLoss of '
    '15.2% to 35.3% on different datasets, compared to other occlusion-based techniques", with '
    "pretrained EfficientNets trained on DFDC, FaceForensics++ and Celeb-DF on GPUs. The "
    "paper-setting config (packaged template `ablation_paper`) and its GPU command are in "
    "docs/paper_setting.md."
)


def limits_box(model: str, parameters: int, image_size: int, epochs: int, embedded: bool) -> str:
    """The box at the top of the report: what this run can show and what it cannot."""
    data = (
        "pseudo-fakes (self-blended copies of the face, not real deepfakes) of **one identity**, "
        'scikit-image\'s astronaut, in a few synthetic "videos"'
        if embedded
        else "your dataset with the demo's small training settings"
    )
    return (
        "> **What this demo can and cannot show.** It trains a **tiny model** (timm "
        f"`{model}`, {parameters / 1e6:.2f} M parameters, from scratch at {image_size} px) for {epochs} "
        f"epochs in **CPU minutes**, on {data}. It shows that the whole pipeline runs and what each "
        "augmentation does to the training images, and it compares the methods on this data with "
        "their noise stated. It cannot show whether Face-Cutout helps detect real deepfakes: that "
        "needs many identities, real manipulations, pretrained networks and GPU hours (the paper's "
        "setting, docs/paper_setting.md). Read every difference below against the noise statement beside it."
    )


def glance_table(summary: pd.DataFrame, methods: Sequence[str], evaluations: Sequence[str]) -> str:
    """Frame-level AUC and LogLoss per method and set: mean ± std over seeds, from the ablation's
    summary table (:func:`facecutout.ablation.tables.summary_table`)."""
    frame = summary[summary["level"] == "frame"].set_index(["set", "method"])
    header = ["method", "seeds"] + [f"{name} {key}" for name in evaluations for key in ("AUC", "LogLoss")]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for method in methods:
        rows = [frame.loc[(name, method)] for name in evaluations]
        cells = [
            format_cell(row[f"{key}_mean"], row[f"{key}_std"]) for row in rows for key in ("auc", "logloss")
        ]
        lines.append("| " + " | ".join([method, str(int(rows[0]["runs"])), *cells]) + " |")
    return "\n".join(lines)


def difference_text(difference: Difference) -> str:
    """One comparison in words, with its interval and whether it is within the noise."""
    better = (difference.observed > 0) == (difference.metric == "auc")
    verdict = (
        "**within the noise**: no difference can be claimed"
        if difference.within_noise
        else f"beyond the noise: {difference.method} is {'better' if better else 'worse'} here"
    )
    name = "AUC" if difference.metric == "auc" else "LogLoss"
    return (
        f"{difference.method} vs {difference.baseline}, {difference.evaluation}: {name} "
        f"{difference.observed:+.3f} (95% interval {difference.low:+.3f} to {difference.high:+.3f}; "
        f"{difference.seeds} seed{'s' if difference.seeds > 1 else ''}, {difference.videos} videos, "
        f"{difference.images} images): {verdict}"
    )


def comparisons(
    results: Sequence[RunResult], methods: Sequence[str], baseline: str, evaluations: Sequence[str]
) -> str:
    """Each method against the baseline on each set, in AUC and LogLoss, by the paired bootstrap."""
    lines = []
    for method in methods:
        if method == baseline:
            continue
        for evaluation in evaluations:
            for metric in ("auc", "logloss"):
                try:
                    lines.append(
                        "- " + difference_text(compare(results, method, baseline, evaluation, metric))
                    )
                except DataError as error:
                    lines.append(f"- {method} vs {baseline}, {evaluation}: not compared ({error})")
    return "\n".join(lines)
