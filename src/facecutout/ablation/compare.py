"""Is a difference between two methods more than noise? A paired, stratified bootstrap over videos and seeds.

Two methods were scored on the same images. One replicate draws, with replacement, as many real
videos as the set holds from its real videos and as many fake videos from its fake ones (a
video's frames are not independent, so they are drawn together), and as many seeds as were run
from the seeds both methods share; the replicate's difference is the mean over the drawn seeds of
(method's metric - baseline's metric) on the drawn images, both methods on the same images. The
95 % interval is the 2.5th to 97.5th percentile of the replicates; when it holds 0, the difference
is within the noise of this data and these seeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from facecutout.ablation.runner import RunResult
from facecutout.errors import DataError
from facecutout.model.metrics import LOGLOSS_EPS

REPLICATES = 2000
CHUNK = 250
"""Replicates computed at once (memory: CHUNK x images floats)."""


@dataclass(frozen=True)
class Difference:
    """``method`` minus ``baseline`` in ``metric`` on one set: the observed mean over the shared seeds
    and the bootstrap's 95 % interval."""

    method: str
    baseline: str
    evaluation: str
    metric: str
    observed: float
    low: float
    high: float
    seeds: int
    videos: int
    images: int

    @property
    def within_noise(self) -> bool:
        return bool(self.low <= 0.0 <= self.high)


def weighted_auc(scores: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """ROC AUC of one score vector under each row of ``weights`` (replicates x images); ties count half."""
    order = np.argsort(scores, kind="stable")
    ordered = scores[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    positive = np.where(labels[order] == 1, weights[:, order], 0.0)
    negative = np.where(labels[order] == 0, weights[:, order], 0.0)
    tied_pos = np.add.reduceat(positive, starts, axis=1)
    tied_neg = np.add.reduceat(negative, starts, axis=1)
    below = np.cumsum(tied_neg, axis=1) - tied_neg
    pairs = tied_pos.sum(axis=1) * tied_neg.sum(axis=1)
    return (tied_pos * (below + 0.5 * tied_neg)).sum(axis=1) / pairs


def weighted_logloss(scores: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """LogLoss (probabilities clipped as the metrics clip them) under each row of ``weights``."""
    p = np.clip(scores, LOGLOSS_EPS, 1.0 - LOGLOSS_EPS)
    losses = -(labels * np.log(p) + (1 - labels) * np.log(1 - p))
    return (weights @ losses) / weights.sum(axis=1)


METRICS = {"auc": weighted_auc, "logloss": weighted_logloss}


def video_weights(videos: np.ndarray, labels: np.ndarray, rng: np.random.Generator, count: int) -> np.ndarray:
    """``count`` rows of image weights: how often each image's video was drawn, per class."""
    weights = np.zeros((count, len(videos)))
    for label in (0, 1):
        names, index = np.unique(videos[labels == label], return_inverse=True)
        draws = rng.integers(len(names), size=(count, len(names)))
        counts = np.zeros((count, len(names)))
        np.add.at(counts, (np.arange(count)[:, None], draws), 1.0)
        weights[:, labels == label] = counts[:, index]
    return weights


def scores_of(result: RunResult, evaluation: str) -> pd.DataFrame:
    table = pd.read_csv(result.scores_path(evaluation), dtype={"video": str})
    if "video" not in table.columns:
        table["video"] = np.arange(len(table)).astype(str)
    return table


def paired_runs(
    results: Sequence[RunResult], method: str, baseline: str, evaluation: str
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Labels, videos and the two methods' scores per shared seed, checked to be on the same images."""
    runs = {(result.method, result.seed): result for result in results}
    seeds = sorted(
        {seed for name, seed in runs if name == method} & {seed for name, seed in runs if name == baseline}
    )
    if not seeds:
        raise DataError(f"no seed was run with both {method} and {baseline}")
    first = scores_of(runs[(baseline, seeds[0])], evaluation)
    labels, videos = first["label"].to_numpy(), first["video"].to_numpy()
    mine, theirs = [], []
    for seed in seeds:
        for name, into in ((method, mine), (baseline, theirs)):
            table = scores_of(runs[(name, seed)], evaluation)
            if not np.array_equal(table["label"].to_numpy(), labels) or not np.array_equal(
                table["video"].to_numpy(), videos
            ):
                raise DataError(
                    f"{name} seed {seed} was scored on other images of {evaluation} than {baseline}"
                )
            into.append(table["score"].to_numpy(dtype=np.float64))
    return labels, videos, mine, theirs


def compare(
    results: Sequence[RunResult],
    method: str,
    baseline: str,
    evaluation: str,
    metric: str = "auc",
    replicates: int = REPLICATES,
    seed: int = 0,
) -> Difference:
    """The paired bootstrap of ``method`` - ``baseline`` in ``metric`` ("auc" or "logloss") on one set."""
    labels, videos, mine, theirs = paired_runs(results, method, baseline, evaluation)
    if len(np.unique(labels)) < 2:
        raise DataError(f"{evaluation} holds one class only: no {metric} difference to test")
    function = METRICS[metric]
    ones = np.ones((1, len(labels)))
    observed = float(
        np.mean(
            [
                function(a, labels, ones)[0] - function(b, labels, ones)[0]
                for a, b in zip(mine, theirs, strict=True)
            ]
        )
    )
    rng = np.random.default_rng(seed)
    replicated = []
    for start in range(0, replicates, CHUNK):
        count = min(CHUNK, replicates - start)
        weights = video_weights(videos, labels, rng, count)
        per_seed = np.stack(
            [
                function(a, labels, weights) - function(b, labels, weights)
                for a, b in zip(mine, theirs, strict=True)
            ]
        )
        drawn = rng.integers(len(mine), size=(count, len(mine)))
        replicated.append(per_seed[drawn, np.arange(count)[:, None]].mean(axis=1))
    values = np.concatenate(replicated)
    low, high = np.percentile(values, [2.5, 97.5])
    return Difference(
        method=method,
        baseline=baseline,
        evaluation=evaluation,
        metric=metric,
        observed=observed,
        low=float(low),
        high=float(high),
        seeds=len(mine),
        videos=len(np.unique(videos)),
        images=len(labels),
    )
