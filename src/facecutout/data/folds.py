"""Split samples by the CSV's fold column and refuse splits that leak an original video; the
leakage check and per-fold counts of a whole CSV table. The fold policy itself is
:func:`facecutout.data.layout.assign_folds`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import pandas as pd

from facecutout.data.table import Sample
from facecutout.errors import DataError


def split_folds(
    samples: Sequence[Sample], val_fold: int, train_folds: Sequence[int] | None = None
) -> tuple[list[Sample], list[Sample]]:
    """(train, validation): validation is ``val_fold``; training is ``train_folds``, or by default
    every other fold that is not negative (negative folds, like preprocessing's holdout -1, are
    held out unless listed in ``train_folds``)."""
    folds = sorted({sample.fold for sample in samples})
    chosen = {fold for fold in folds if fold >= 0} - {val_fold} if train_folds is None else set(train_folds)
    if val_fold in chosen:
        raise DataError(f"val_fold {val_fold} is also a training fold ({sorted(chosen)})")
    validation = [sample for sample in samples if sample.fold == val_fold]
    training = [sample for sample in samples if sample.fold in chosen]
    if not validation:
        raise DataError(f"validation fold {val_fold} is empty; the CSVs have folds {folds}")
    if not training:
        raise DataError(f"no training rows in folds {sorted(chosen)}; the CSVs have folds {folds}")
    return training, validation


def leaked_originals(training: Sequence[Sample], validation: Sequence[Sample]) -> list[str]:
    """Original videos (per dataset), and identity groups when the CSV has them, with rows on both sides."""
    leaked = []
    for key in ("original", "identity"):
        train_groups = {(sample.dataset, getattr(sample, key)) for sample in training}
        val_groups = {(sample.dataset, getattr(sample, key)) for sample in validation}
        prefix = "" if key == "original" else "identity "
        leaked += sorted(
            f"{prefix}{dataset}/{name}" for dataset, name in train_groups & val_groups if name is not None
        )
    return leaked


def check_no_leakage(training: Sequence[Sample], validation: Sequence[Sample]) -> None:
    """Raise DataError when frames of one original video (or its fakes) sit on both sides of the split."""
    leaked = leaked_originals(training, validation)
    if leaked:
        raise DataError(
            f"{len(leaked)} original videos or identity groups have frames in both training and "
            f"validation folds (e.g. {', '.join(leaked[:3])}): folds must be assigned per original "
            "video (and identity), not per frame. Re-split the CSV by original (facecutout preprocess "
            "does), or set data.allow_fold_leakage=true to train anyway."
        )


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
