"""Dataset preprocessing: raw videos -> face crops, landmarks, SSIM diffs and identity-disjoint folds.

``preprocess_dataset`` runs the stages (frames, faces, crops, landmarks, diffs, folds) over a
source listing; see docs/preprocessing.md for the layout written and the options.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

from facecutout.data.layout import DatasetLayout
from facecutout.errors import DataError, InvalidInputError
from facecutout.fileio import require_writable_folder
from facecutout.preprocess.config import STAGES, PreprocessConfig
from facecutout.preprocess.report import PreprocessResult, StageRun
from facecutout.sources import SourceListing

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
    workers: int = 1,
    shard: tuple[int, int] | None = None,
    merge_only: bool = False,
    holdout_test: bool = False,
    allow_partial: bool = False,
    progress: bool = True,
) -> PreprocessResult:
    """Run ``stages`` on the videos of ``listing`` (one shard of them with ``shard``), writing under ``out``.

    The merge (groups, folds, CSV, report) runs when "folds" is among the stages and no shard is
    given, or alone with ``merge_only``. Returns this run's per-stage outcomes and the merge report
    (None when no merge ran). A listing without any usable video, and an output folder that cannot
    be written, are DataErrors before any work.
    """
    from facecutout.preprocess.merge import merge
    from facecutout.preprocess.runner import StageRunner

    config = config or PreprocessConfig()
    unknown = [stage for stage in stages if stage not in STAGES]
    if unknown:
        raise InvalidInputError(f"stages: unknown stage(s) {unknown}; choose from {list(STAGES)}")
    if workers < 1:
        raise InvalidInputError(f"workers must be >= 1, got {workers}")
    require_videos(listing)
    layout = DatasetLayout(require_writable_folder(out), listing.dataset)
    run_summary: dict[str, StageRun] = {}
    if not merge_only:
        runner = StageRunner(listing, config, layout, workers=workers, shard=shard, progress=progress)
        run_summary = runner.run(tuple(stages))
    report = None
    if merge_only or ("folds" in stages and shard is None):
        report = merge(listing, config, layout, holdout_test=holdout_test, allow_partial=allow_partial)
    elif shard is not None and "folds" in stages:
        logger.info("shard %d/%d done; run with --merge once every shard has finished", *shard)
    return PreprocessResult(stages=run_summary, report=report)


__all__ = ["STAGES", "PreprocessConfig", "preprocess_dataset"]
