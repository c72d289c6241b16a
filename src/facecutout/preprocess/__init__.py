"""Dataset preprocessing: raw videos -> face crops, landmarks, SSIM diffs and identity-disjoint folds.

``preprocess_dataset`` runs the stages (frames, faces, crops, landmarks, diffs, folds) over a
source listing; see docs/preprocessing.md for the layout written and the options.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from facecutout.data.layout import DatasetLayout
from facecutout.errors import DataError, InvalidInputError
from facecutout.fileio import require_writable_folder
from facecutout.preprocess.config import STAGES, PreprocessConfig, RayConfig
from facecutout.preprocess.report import PreprocessResult, StageRun
from facecutout.sources import SourceListing

if TYPE_CHECKING:
    from facecutout.preprocess.executor import UnitExecutor
    from facecutout.preprocess.units import StageContext

logger = logging.getLogger(__name__)


def require_videos(listing: SourceListing) -> None:
    """DataError when the listing holds no usable video, with the skips that explain why."""
    if listing.records:
        return
    reasons = Counter(skip.reason for skip in listing.skips)
    counted = ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items())) or "none listed"
    example = f"; e.g. {listing.skips[0].detail}" if listing.skips else ""
    raise DataError(f"no usable video in the {listing.dataset} listing (entries skipped: {counted}){example}")


def preprocess_dataset(
    listing: SourceListing,
    out: str | Path,
    config: PreprocessConfig | None = None,
    *,
    stages: tuple[str, ...] = STAGES,
    workers: int | None = None,
    executor: str = "local",
    ray: RayConfig | None = None,
    shard: tuple[int, int] | None = None,
    merge_only: bool = False,
    holdout_test: bool = False,
    allow_partial: bool = False,
    progress: bool = True,
) -> PreprocessResult:
    """Run ``stages`` on the videos of ``listing`` (one shard of them with ``shard``), writing under ``out``.

    ``executor`` "local" runs the units in this process, or in ``workers`` processes; "ray" runs
    them on a Ray cluster as ``ray`` says (see :class:`RayConfig`). The merge (groups, folds, CSV,
    report) runs when "folds" is among the stages and no shard is given, or alone with
    ``merge_only``. Returns this run's per-stage outcomes and the merge report (None when no merge
    ran). A listing without any usable video, and an output folder that cannot be written, are
    DataErrors before any work.
    """
    from facecutout.preprocess.merge import merge
    from facecutout.preprocess.runner import StageRunner
    from facecutout.preprocess.units import StageContext

    config = config or PreprocessConfig()
    unknown = [stage for stage in stages if stage not in STAGES]
    if unknown:
        raise InvalidInputError(f"stages: unknown stage(s) {unknown}; choose from {list(STAGES)}")
    if executor not in EXECUTORS:
        raise InvalidInputError(f"executor: unknown executor {executor!r}; choose from {list(EXECUTORS)}")
    if workers is not None and workers < 1:
        raise InvalidInputError(f"workers must be >= 1, got {workers}")
    if executor == "ray" and workers is not None:
        raise InvalidInputError(
            "workers: sets local worker processes; on Ray the cluster's CPUs decide (ray.cpus)"
        )
    require_videos(listing)
    layout = DatasetLayout(require_writable_folder(out), listing.dataset)
    run_summary: dict[str, StageRun] = {}
    if not merge_only:
        runner = StageRunner(listing, config, layout, shard=shard, progress=progress)
        with open_executor(executor, StageContext(config, layout), workers or 1, ray) as running:
            run_summary = runner.run(tuple(stages), running)
    report = None
    if merge_only or ("folds" in stages and shard is None):
        report = merge(listing, config, layout, holdout_test=holdout_test, allow_partial=allow_partial)
    elif shard is not None and "folds" in stages:
        logger.info("shard %d/%d done; run with --merge once every shard has finished", *shard)
    return PreprocessResult(stages=run_summary, report=report)


EXECUTORS = ("local", "ray")


def open_executor(kind: str, context: StageContext, workers: int, ray: RayConfig | None) -> UnitExecutor:
    """The executor ``kind`` names: "local" (this process, or a pool of ``workers``) or "ray"."""
    if kind == "ray":
        from facecutout.preprocess.ray_executor import RayExecutor

        return RayExecutor(context, ray)
    from facecutout.preprocess.local_executor import InProcessExecutor, ProcessPoolUnitExecutor

    return ProcessPoolUnitExecutor(context, workers) if workers > 1 else InProcessExecutor(context)


__all__ = ["EXECUTORS", "STAGES", "PreprocessConfig", "RayConfig", "preprocess_dataset"]
