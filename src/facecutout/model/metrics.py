"""The paper's detection metrics on fake probabilities: AUC, AP, LogLoss, EER, accuracy, balanced
accuracy and F1 at 0.5. Undefined values (one class only, no samples) are NaN with a note."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Annotated, Any

import numpy as np
from pydantic import BeforeValidator, Field

from facecutout.errors import InvalidInputError
from facecutout.schema import ReportModel

METRIC_KEYS = ("auc", "ap", "logloss", "eer", "acc", "balanced_acc", "f1")
TWO_CLASS_KEYS = ("auc", "ap", "eer", "balanced_acc")
"""The metrics that are undefined (NaN) unless the labels hold both classes."""
LOGLOSS_EPS = 1e-7
THRESHOLD = 0.5


def _nan_for_none(value: Any) -> Any:
    return math.nan if value is None else value


Score = Annotated[float, BeforeValidator(_nan_for_none)]
"""A metric value: NaN when undefined (written as null in JSON, read back as NaN)."""


class Metrics(ReportModel):
    """The metrics of one level (frames or videos): METRIC_KEYS, the counts, and why a value is NaN."""

    auc: Score
    ap: Score
    logloss: Score
    eer: Score
    acc: Score
    balanced_acc: Score
    f1: Score
    n: int
    n_fake: int
    notes: list[str] = Field(default_factory=list)

    def value(self, key: str) -> float:
        """The metric named ``key`` (one of METRIC_KEYS)."""
        return getattr(self, key)


class VideoMetrics(Metrics):
    """Video-level metrics: one score per video, aggregated from its frames by ``aggregation``."""

    aggregation: str


class EvaluationReport(Metrics):
    """What ``evaluate`` found and wrote to metrics.json: frame-level metrics, ``video`` where videos
    are known (absent from the JSON otherwise), rows skipped by reason, the plots written."""

    checkpoint: str
    skipped: dict[str, int] = Field(default_factory=dict)
    video: VideoMetrics | None = Field(None, exclude_if=lambda video: video is None)
    plots: list[str] = Field(default_factory=list)


def _as_arrays(labels: Sequence[float], scores: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(labels, dtype=np.float64).reshape(-1)
    p = np.asarray(scores, dtype=np.float64).reshape(-1)
    if y.shape != p.shape:
        raise InvalidInputError(f"labels ({y.size}) and scores ({p.size}) must have the same length")
    if not np.isin(y, (0.0, 1.0)).all():
        raise InvalidInputError("labels must be 0 (real) or 1 (fake)")
    if not np.isfinite(p).all() or (p < 0).any() or (p > 1).any():
        raise InvalidInputError("scores must be finite fake probabilities in [0, 1]")
    return y.astype(np.int64), p


def equal_error_rate(labels: np.ndarray, scores: np.ndarray) -> float:
    """The rate where false positives and false negatives are equal (linear interpolation on the ROC)."""
    from sklearn.metrics import roc_curve

    fpr, tpr, _ = roc_curve(labels, scores)
    fnr = 1.0 - tpr
    gap = fnr - fpr
    crossing = int(np.argmax(gap <= 0))
    if crossing == 0:
        return float(fpr[0])
    a, b = gap[crossing - 1], gap[crossing]
    weight = a / (a - b) if a != b else 0.0
    return float(fpr[crossing - 1] + weight * (fpr[crossing] - fpr[crossing - 1]))


def logloss(labels: np.ndarray, scores: np.ndarray) -> float:
    """Binary cross-entropy of the probabilities, clipped to [1e-7, 1 - 1e-7]."""
    p = np.clip(scores, LOGLOSS_EPS, 1.0 - LOGLOSS_EPS)
    return float(-np.mean(labels * np.log(p) + (1 - labels) * np.log(1.0 - p)))


def compute_metrics(labels: Sequence[float], scores: Sequence[float]) -> Metrics:
    """Metrics of fake probabilities ``scores`` against labels (1 = fake); undefined ones are NaN
    with a note saying why."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    y, p = _as_arrays(labels, scores)
    n_fake = int(y.sum())
    result = Metrics(**dict.fromkeys(METRIC_KEYS, math.nan), n=int(y.size), n_fake=n_fake)
    if y.size == 0:
        result.notes.append("no samples: every metric is undefined")
        return result
    predicted = (p >= THRESHOLD).astype(np.int64)
    result.logloss = logloss(y, p)
    result.acc = float((predicted == y).mean())
    true_positive = int(((predicted == 1) & (y == 1)).sum())
    denominator = int(predicted.sum()) + n_fake
    if denominator:
        result.f1 = 2.0 * true_positive / denominator
    else:
        result.notes.append("f1 undefined: no fake among the labels and none predicted")
    if n_fake in (0, y.size):
        only = "fake" if n_fake else "real"
        result.notes.append(f"only {only} samples: {', '.join(TWO_CLASS_KEYS)} are undefined")
        return result
    result.auc = float(roc_auc_score(y, p))
    result.ap = float(average_precision_score(y, p))
    result.eer = equal_error_rate(y, p)
    recall_fake = float(predicted[y == 1].mean())
    recall_real = float(1 - predicted[y == 0].mean())
    result.balanced_acc = (recall_fake + recall_real) / 2.0
    return result
