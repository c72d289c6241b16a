"""The paired bootstrap that says whether two methods differ beyond the noise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import log_loss, roc_auc_score

from facecutout.ablation.compare import compare, weighted_auc, weighted_logloss
from facecutout.ablation.runner import RunResult
from facecutout.errors import DataError


def test_weighted_metrics_match_sklearn_with_ties_and_repeated_images():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 60)
    scores = np.round(rng.random(60), 1)  # many ties
    weights = rng.integers(0, 3, size=(5, 60)).astype(float)
    for row in weights:
        repeated = np.repeat(np.arange(60), row.astype(int))
        expected_auc = roc_auc_score(labels[repeated], scores[repeated])
        expected_loss = log_loss(labels[repeated], np.clip(scores[repeated], 1e-7, 1 - 1e-7))
        assert weighted_auc(scores, labels, row[None])[0] == pytest.approx(expected_auc)
        assert weighted_logloss(scores, labels, row[None])[0] == pytest.approx(expected_loss)


def scored_run(folder, method, seed, labels, videos, scores) -> RunResult:
    path = folder / f"{method}{seed}.csv"
    pd.DataFrame({"video": videos, "label": labels, "score": scores}).to_csv(path, index=False)
    return RunResult(
        method=method,
        seed=seed,
        checkpoint="",
        metrics={},
        train_log=None,
        scores={"v": path.name},
        folder=folder,
    )


def toy_set(videos_per_class: int = 20, frames: int = 4):
    labels = np.repeat([0, 1], videos_per_class * frames)
    videos = np.array(
        [f"{label}_{index // frames}" for label, index in zip(labels, range(len(labels)), strict=True)]
    )
    return labels, videos


def test_a_clear_gain_is_outside_the_noise_and_equal_methods_are_within_it(tmp_path):
    labels, videos = toy_set()
    rng = np.random.default_rng(1)
    results = []
    for seed in (0, 1):
        noise = rng.normal(0, 1, len(labels))
        good = 1 / (1 + np.exp(-(3 * (labels - 0.5) + noise)))  # separates well
        poor = 1 / (1 + np.exp(-(0.3 * (labels - 0.5) + noise)))  # barely
        results += [scored_run(tmp_path, "good", seed, labels, videos, good)]
        results += [scored_run(tmp_path, "poor", seed, labels, videos, poor)]
        results += [
            scored_run(tmp_path, "same", seed, labels, videos, poor + rng.normal(0, 1e-3, len(labels)))
        ]
    gain = compare(results, "good", "poor", "v", "auc", replicates=500)
    assert gain.observed > 0.3 and gain.low > 0 and not gain.within_noise
    assert (gain.seeds, gain.videos, gain.images) == (2, 40, 160)
    loss = compare(results, "good", "poor", "v", "logloss", replicates=500)
    assert loss.high < 0 and not loss.within_noise
    tie = compare(results, "same", "poor", "v", "auc", replicates=500)
    assert tie.within_noise and abs(tie.observed) < 0.01


def test_runs_on_other_images_or_without_shared_seeds_are_refused(tmp_path):
    labels, videos = toy_set(videos_per_class=3)
    scores = np.linspace(0, 1, len(labels))
    results = [
        scored_run(tmp_path, "a", 0, labels, videos, scores),
        scored_run(tmp_path, "b", 0, labels[::-1], videos, scores),
        scored_run(tmp_path, "c", 1, labels, videos, scores),
    ]
    with pytest.raises(DataError, match="other images"):
        compare(results, "b", "a", "v")
    with pytest.raises(DataError, match="no seed was run with both c and a"):
        compare(results, "c", "a", "v")
