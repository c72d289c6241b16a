"""Run the per-video stages over a dataset: resumable, streaming, one shard of the videos.

Each family (an original and its fakes) moves through the stages on its own: its crops start as
soon as its faces are done, while other families are still at their frames. Units whose marker
already carries the current signature are skipped; each unit writes its marker after its files.
A unit that fails (after the executor's retries) gets a "failed" marker: the report names it with
its reason, and the next run retries it. One progress bar covers the shard.
"""

from __future__ import annotations

import heapq
import itertools
import logging
from collections import Counter
from dataclasses import dataclass, field

from tqdm import tqdm

from facecutout.data.layout import DatasetLayout
from facecutout.preprocess.config import STAGES, PreprocessConfig
from facecutout.preprocess.executor import UnitExecutor, UnitResult
from facecutout.preprocess.markers import write_marker
from facecutout.preprocess.planning import LEVELS, MarkerCache, family_units
from facecutout.preprocess.report import StageRun
from facecutout.preprocess.sharding import shard_of
from facecutout.preprocess.units import Family, Unit, unit_videos
from facecutout.sources import SourceListing

logger = logging.getLogger(__name__)


@dataclass
class _Progress:
    """Where one family stands: its current level and how many of that level's units are unfinished."""

    family: Family
    level: int = -1
    outstanding: int = 0


@dataclass(order=True)
class _Ready:
    """A unit ready to submit; later levels first (finishing families first), then first come."""

    priority: tuple[int, int]
    stage: str = field(compare=False)
    unit: Unit = field(compare=False)
    family: int = field(compare=False)


class StageRunner:
    """Runs the per-video part of the stages for the videos of one shard, on any executor."""

    def __init__(
        self,
        listing: SourceListing,
        config: PreprocessConfig,
        layout: DatasetLayout,
        *,
        shard: tuple[int, int] | None = None,
        progress: bool = True,
    ):
        self.layout = layout
        self.config = config
        self.progress = progress
        families = listing.fakes_of()
        self.families: list[Family] = [
            (original, families[original.video])
            for original in listing.originals()
            if shard is None or shard_of(original.video, shard[1]) == shard[0]
        ]

    def run(self, stages: tuple[str, ...], executor: UnitExecutor) -> dict[str, StageRun]:
        """Run ``stages`` on ``executor``; per stage: units run, outcomes by status/reason."""
        return _Schedule(self, stages, executor).run()


class _Schedule:
    """One run of the runner: the ready queue, what is in flight, and each family's progress."""

    def __init__(self, runner: StageRunner, stages: tuple[str, ...], executor: UnitExecutor):
        self.runner = runner
        self.stages = stages
        self.executor = executor
        self.markers = MarkerCache(runner.layout, runner.config)
        self.ready: list[_Ready] = []
        self.order = itertools.count()
        self.progress: dict[int, _Progress] = {}
        self.owners: dict[tuple[str, str], int] = {}
        self.in_flight: Counter[str] = Counter()
        self.units: Counter[str] = Counter()
        self.outcomes: dict[str, Counter[str]] = {stage: Counter() for stage in STAGES}
        total = sum(1 + len(fakes) for _, fakes in runner.families)
        self.bar = tqdm(total=total, desc="preprocess", unit="video", disable=not runner.progress)

    def run(self) -> dict[str, StageRun]:
        waiting = iter(range(len(self.runner.families)))
        more = True
        with self.bar:
            while True:
                while more and sum(self.in_flight.values()) + len(self.ready) < self.executor.window:
                    index = next(waiting, None)
                    more = index is not None
                    if more:
                        self.progress[index] = _Progress(self.runner.families[index])
                        self._advance(index)
                self._submit_ready()
                if not self.in_flight:
                    if more or self.ready:
                        continue
                    break
                self._finish(self.executor.next_result())
        return {
            stage: StageRun(units=self.units[stage], outcomes=dict(sorted(self.outcomes[stage].items())))
            for stage in STAGES
            if stage in self.stages
        }

    def _advance(self, index: int) -> None:
        """Move a family to its next level with work to do (or finish it)."""
        state = self.progress[index]
        while state.outstanding == 0:
            state.level += 1
            if state.level == len(LEVELS):
                original, fakes = state.family
                self.bar.update(1 + len(fakes))
                del self.progress[index]
                return
            for stage in LEVELS[state.level]:
                if stage not in self.stages:
                    continue
                for unit in family_units(stage, state.family, self.markers):
                    heapq.heappush(self.ready, _Ready((-state.level, next(self.order)), stage, unit, index))
                    state.outstanding += 1

    def _submit_ready(self) -> None:
        held = []
        while self.ready:
            item = heapq.heappop(self.ready)
            if self.in_flight[item.stage] >= self.executor.stage_limit(item.stage):
                held.append(item)
                continue
            self.owners[(item.stage, unit_videos(item.unit)[0].video)] = item.family
            self.in_flight[item.stage] += 1
            self.units[item.stage] += 1
            self.executor.submit(item.stage, item.unit)
        for item in held:
            heapq.heappush(self.ready, item)

    def _finish(self, result: UnitResult) -> None:
        stage = result.stage
        self.in_flight[stage] -= 1
        if not self.in_flight[stage]:
            del self.in_flight[stage]
        index = self.owners.pop((stage, unit_videos(result.unit)[0].video))
        for video, marker in result.markers.items():
            status = marker.get("status", "failed")
            if status == "failed":
                self._record_failure(stage, video, marker)
            self.outcomes[stage][status if status == "done" else f"{status}:{marker.get('reason')}"] += 1
        self.markers.update(stage, result.markers)
        self.progress[index].outstanding -= 1
        self._advance(index)
        if self.in_flight:
            self.bar.set_postfix_str(", ".join(f"{name} {count}" for name, count in self.in_flight.items()))

    def _record_failure(self, stage: str, video: str, marker: dict) -> None:
        """A "failed" marker, so the report names the failure; the next run redoes the unit."""
        marker["signature"] = self.markers.signatures[stage]
        logger.warning("%s of %s failed: %s", stage, video, marker.get("detail"))
        try:
            write_marker(self.runner.layout, stage, video, marker)
        except OSError as error:
            logger.warning("could not record the failure of %s of %s: %s", stage, video, error)
