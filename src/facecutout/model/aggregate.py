"""Per-video scores from per-face scores: the plain mean, and the DFDC winner's "confident" strategy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from facecutout.errors import InvalidInputError

STRATEGIES = ("mean", "confident")


@dataclass(frozen=True)
class ConfidentRule:
    """When enough faces look clearly fake (score > ``fake_above`` for more than ``fake_share`` of
    them and more than ``min_fakes`` faces), the video score is the mean of those faces only; when
    more than ``real_share`` look clearly real (score < ``real_below``), the mean of those; else the
    mean of all. One manipulated face among many is not averaged away, and confident agreement
    is not diluted by a few uncertain frames. Defaults follow the DFDC winner (32 frames per video)."""

    fake_above: float = 0.8
    fake_share: float = 0.4
    min_fakes: int = 11
    real_below: float = 0.2
    real_share: float = 0.9


DEFAULT_RULE = ConfidentRule()


def _scores(scores: Sequence[float]) -> np.ndarray:
    values = np.asarray(scores, dtype=np.float64).reshape(-1)
    if values.size == 0:
        raise InvalidInputError("cannot aggregate an empty list of scores")
    return values


def confident_score(scores: Sequence[float], rule: ConfidentRule = DEFAULT_RULE) -> float:
    """The video score under the confident strategy (see :class:`ConfidentRule`)."""
    values = _scores(scores)
    fakes = values[values > rule.fake_above]
    if len(fakes) > rule.fake_share * len(values) and len(fakes) > rule.min_fakes:
        return float(fakes.mean())
    reals = values[values < rule.real_below]
    if len(reals) > rule.real_share * len(values):
        return float(reals.mean())
    return float(values.mean())


def aggregate(scores: Sequence[float], strategy: str = "mean", rule: ConfidentRule = DEFAULT_RULE) -> float:
    """One video score from its face scores with ``strategy`` "mean" or "confident"."""
    if strategy == "mean":
        return float(_scores(scores).mean())
    if strategy == "confident":
        return confident_score(scores, rule)
    raise InvalidInputError(f"aggregation strategy must be one of {', '.join(STRATEGIES)}, got {strategy!r}")
