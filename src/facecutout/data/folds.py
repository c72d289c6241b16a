"""Split samples by the CSV's fold column and refuse splits that leak an original video."""

from __future__ import annotations

from collections.abc import Sequence

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
    """Original videos (per dataset) that have rows in both the training and the validation split."""
    train_groups = {(sample.dataset, sample.original) for sample in training}
    val_groups = {(sample.dataset, sample.original) for sample in validation}
    return sorted(f"{dataset}/{original}" for dataset, original in train_groups & val_groups)


def check_no_leakage(training: Sequence[Sample], validation: Sequence[Sample]) -> None:
    """Raise DataError when frames of one original video (or its fakes) sit on both sides of the split."""
    leaked = leaked_originals(training, validation)
    if leaked:
        raise DataError(
            f"{len(leaked)} original videos have frames in both training and validation folds "
            f"(e.g. {', '.join(leaked[:3])}): folds must be assigned per original video, not per frame. "
            "Re-split the CSV by original, or set data.allow_fold_leakage=true to train anyway."
        )
