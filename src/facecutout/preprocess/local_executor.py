"""Executors on this machine: units in this process, or in a pool of spawned worker processes.

A unit that raises is logged and comes back as "failed"; the next run retries it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from facecutout.preprocess.executor import UnitExecutor, UnitResult
from facecutout.preprocess.units import (
    Markers,
    StageContext,
    Unit,
    failed_result,
    run_unit,
    unit_videos,
)
from facecutout.preprocess.workers import init_worker

logger = logging.getLogger(__name__)


def guarded_unit(stage: str, context: StageContext, unit: Unit) -> Markers:
    """Run one unit; an unexpected error becomes a "failed" outcome instead of ending the run."""
    try:
        return run_unit(stage, context, unit)
    except Exception as error:  # noqa: BLE001 - reported per unit, retried by the next run
        logger.exception("%s of %s failed", stage, unit_videos(unit)[0].video)
        return failed_result(unit, error)


class InProcessExecutor(UnitExecutor):
    """Runs each unit in this process when it is submitted."""

    def __init__(self, context: StageContext):
        self.context = context
        self._done: deque[UnitResult] = deque()

    @property
    def window(self) -> int:
        return 1

    def submit(self, stage: str, unit: Unit) -> None:
        self._done.append(UnitResult(stage, unit, guarded_unit(stage, self.context, unit)))

    def next_result(self) -> UnitResult:
        return self._done.popleft()

    def close(self) -> None:
        self._done.clear()


class ProcessPoolUnitExecutor(UnitExecutor):
    """Runs units in ``workers`` spawned processes (each loads its models once)."""

    def __init__(self, context: StageContext, workers: int):
        self.context = context
        self.workers = workers
        self._pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
            initargs=(os.getpid(),),
        )
        self._running: dict[Future, tuple[str, Unit]] = {}

    @property
    def window(self) -> int:
        return 2 * self.workers

    def submit(self, stage: str, unit: Unit) -> None:
        future = self._pool.submit(guarded_unit, stage, self.context, unit)
        self._running[future] = (stage, unit)

    def next_result(self) -> UnitResult:
        finished, _ = wait(self._running, return_when=FIRST_COMPLETED)
        future = next(iter(finished))
        stage, unit = self._running.pop(future)
        return UnitResult(stage, unit, future.result())

    def close(self) -> None:
        # after an error or an interrupt, units not started yet are dropped, not run
        self._pool.shutdown(wait=True, cancel_futures=True)
