"""How balanced the identity groups and the folds are, with warnings when they are far off.

Single-linkage on a distance threshold can chain different people into one identity group (A is
close to B, B to C, ...); on a large dataset one group can then hold a large share of the videos
and no fold assignment can balance the folds. The report states the number of groups, the
largest group's share of the videos and each fold's share of the videos and of the fakes, and
warns when the largest group holds more than one fold's fair share (1 / folds), or when a fold's
share is off the folds' mean by more than ``FOLD_TOLERANCE`` of it.
"""

from __future__ import annotations

import logging
from collections import Counter

import pandas as pd

from facecutout.data.folds import fold_summary, leakage_problems
from facecutout.data.layout import HOLDOUT_FOLD
from facecutout.preprocess.report import FoldShare, FoldsReport
from facecutout.sources import FAKE

logger = logging.getLogger(__name__)

# A fold whose share of videos (or fakes) is below (1 - t) or above (1 + t) times the mean share.
FOLD_TOLERANCE = 0.5


def _shares(counts: Counter[int], folds: list[int]) -> dict[int, float]:
    total = sum(counts.values())
    return {fold: round(counts[fold] / total, 4) if total else 0.0 for fold in folds}


def fold_shares(table: pd.DataFrame, folds: int) -> dict[int, tuple[float, float]]:
    """Fold -> (share of the CSV's videos, share of its fake videos); every fold 0..folds-1 listed,
    the holdout fold too when present."""
    per_video = table.drop_duplicates("video")[["fold", "label"]]
    present = set(per_video["fold"].tolist())
    listed = sorted(set(range(folds)) | ({HOLDOUT_FOLD} & present))
    videos = _shares(Counter(per_video["fold"].tolist()), listed)
    fakes = _shares(Counter(per_video.loc[per_video["label"] == FAKE, "fold"].tolist()), listed)
    return {fold: (videos[fold], fakes[fold]) for fold in listed}


def folds_report(
    dataset: str, table: pd.DataFrame, groups: dict[str, str], folds: int, cluster_distance: float | None
) -> FoldsReport:
    """The report's folds section for ``table`` (the CSV) and ``groups`` (video -> identity group);
    its balance warnings are logged too. ``cluster_distance``: the embedding threshold that linked
    the groups, None when the dataset's own identity names did."""
    shares = fold_shares(table, folds)
    warnings = balance_warnings(groups, shares, folds, cluster_distance)
    for warning in warnings:
        logger.warning("%s: %s", dataset, warning)
    largest = max(Counter(groups.values()).values(), default=0)
    return FoldsReport(
        groups=len(set(groups.values())),
        largest_group_videos=largest,
        largest_group_share=round(largest / len(groups), 4) if groups else 0.0,
        rows=len(table),
        per_fold=fold_summary(table),
        shares={str(fold): FoldShare(videos=v, fakes=f) for fold, (v, f) in shares.items()},
        balance_warnings=warnings,
        leakage_problems=leakage_problems(table),
    )


def balance_warnings(
    groups: dict[str, str],
    shares: dict[int, tuple[float, float]],
    folds: int,
    cluster_distance: float | None,
) -> list[str]:
    """Warnings about the largest identity group and about folds far from the mean share."""
    warnings = []
    sizes = Counter(groups.values())
    if sizes:
        group, size = min(sizes.items(), key=lambda item: (-item[1], item[0]))
        share = size / len(groups)
        if size > 1 and share > 1 / folds:
            advice = (
                "The dataset's identity names link its videos; check them"
                if cluster_distance is None
                else "Linking is single-linkage, so close embeddings may have chained different people "
                f"together; check the group, or lower --cluster-distance (now {cluster_distance})"
            )
            warnings.append(
                f"identity group {group} holds {share:.0%} of the videos ({size} of {len(groups)}), more "
                f"than one fold's fair share ({1 / folds:.0%}): the folds cannot be balanced. {advice}"
            )
    trained = {fold: value for fold, value in shares.items() if fold != HOLDOUT_FOLD}
    for position, kind in enumerate(("videos", "fakes")):
        mean = sum(value[position] for value in trained.values()) / max(len(trained), 1)
        for fold, value in trained.items():
            if mean > 0 and abs(value[position] - mean) > FOLD_TOLERANCE * mean:
                warnings.append(
                    f"fold {fold} holds {value[position]:.0%} of the {kind}, the folds' mean is {mean:.0%}"
                )
    return warnings
