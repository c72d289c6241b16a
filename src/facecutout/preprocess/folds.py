"""Fold assignment by identity group, the training CSV and the leakage check.

Whole groups go to folds (largest group first, each to the fold with the fewest rows so far, ties
to the lowest fold), so an original, all its fakes and every video linked to the same person land
in one fold. With ``holdout_test``, groups holding an official test video get fold -1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pandas as pd

CSV_COLUMNS = ["video", "file", "label", "original", "frame", "fold", "dataset", "identity"]
HOLDOUT_FOLD = -1


def assign_folds(group_sizes: dict[str, int], folds: int, holdout: Iterable[str] = ()) -> dict[str, int]:
    """Group id -> fold, balancing the summed sizes; groups in ``holdout`` get fold -1."""
    held = set(holdout)
    assignment = {group: HOLDOUT_FOLD for group in held}
    load = [0] * folds
    for group, size in sorted(group_sizes.items(), key=lambda item: (-item[1], item[0])):
        if group in held:
            continue
        fold = min(range(folds), key=lambda index: (load[index], index))
        assignment[group] = fold
        load[fold] += size
    return assignment


def leakage_problems(table: pd.DataFrame) -> list[str]:
    """Every video, original and identity group (when the CSV has the column) found in more than one fold."""
    problems = []
    for column in ("video", "original", "identity"):
        if column not in table.columns:
            continue
        folds = table.groupby(column)["fold"].unique()
        for key, values in folds.items():
            if len(values) > 1:
                listed = ", ".join(str(value) for value in sorted(values))
                problems.append(f"{column} {key!r} appears in folds {listed}")
    return problems


def fold_summary(table: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Per fold: rows, videos, originals, identity groups, real and fake rows."""
    summary: dict[str, dict[str, int]] = defaultdict(dict)
    for fold, part in table.groupby("fold"):
        summary[str(fold)] = {
            "rows": len(part),
            "videos": part["video"].nunique(),
            "originals": part["original"].nunique(),
            "identities": part["identity"].nunique() if "identity" in part else 0,
            "real_rows": int((part["label"] == 0).sum()),
            "fake_rows": int((part["label"] == 1).sum()),
        }
    return dict(summary)
