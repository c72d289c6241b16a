"""What preprocessing reports: per-stage outcomes of a run, and the merge report (<dataset>_report.json)."""

from __future__ import annotations

from facecutout.preprocess.markers import to_json_bytes
from facecutout.schema import ReportModel


class StageRun(ReportModel):
    """One stage of this run: units of work run, their outcomes ("done", "failed:<error>", ...)."""

    units: int
    outcomes: dict[str, int]


class StageReport(ReportModel):
    """One stage over the whole dataset, from its markers: videos in scope, outcomes, summed counters."""

    videos: int
    outcomes: dict[str, int]
    counts: dict[str, int]


class SourceCounts(ReportModel):
    """The dataset listing: videos, originals, fakes, and entries left out by reason."""

    videos: int
    originals: int
    fakes: int
    skipped: dict[str, int]


class FoldCounts(ReportModel):
    """Rows, videos, originals, identity groups, real and fake rows of one fold."""

    rows: int
    videos: int
    originals: int
    identities: int
    real_rows: int
    fake_rows: int


class FoldShare(ReportModel):
    """One fold's share of the CSV's videos and of its fake videos (0..1)."""

    videos: float
    fakes: float


class FoldsReport(ReportModel):
    """The identity groups, the folds, how balanced they are and what the leakage check found."""

    groups: int
    largest_group_videos: int
    largest_group_share: float
    rows: int
    per_fold: dict[str, FoldCounts]
    shares: dict[str, FoldShare]
    balance_warnings: list[str]
    leakage_problems: list[str]


class Skip(ReportModel):
    """A video a stage (or the source listing) left out, with the reason and a detail."""

    video: str
    stage: str
    reason: str
    detail: str


class MergeReport(ReportModel):
    """What the merge wrote to ``<dataset>_report.json`` besides the CSV."""

    dataset: str
    csv: str
    sources: SourceCounts
    stages: dict[str, StageReport]
    folds: FoldsReport
    skips: list[Skip]

    def to_json(self) -> bytes:
        """Deterministic JSON (sorted keys), like the markers."""
        return to_json_bytes(self.to_dict())


class PreprocessResult(ReportModel):
    """What ``preprocess_dataset`` did: this run's stages, and the merge report when it merged."""

    stages: dict[str, StageRun]
    report: MergeReport | None = None
