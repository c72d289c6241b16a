"""The one interface between the stage runner and whatever runs the units: in this process, a local
process pool, or a Ray cluster.

The runner submits units as soon as they are ready and takes results back in completion order,
so no stage waits for the whole dataset. An executor never raises for a unit: a unit that failed
(after the executor's own retries, if it has any) comes back as a "failed" outcome.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from types import TracebackType

from facecutout.preprocess.units import Markers, Unit


@dataclass(frozen=True)
class UnitResult:
    """A finished unit: its stage, the unit, and ``{video: marker}`` ("failed" markers included)."""

    stage: str
    unit: Unit
    markers: Markers


class UnitExecutor(ABC):
    """Runs units of work; :meth:`next_result` returns them as they finish."""

    @property
    @abstractmethod
    def window(self) -> int:
        """How many units the runner keeps submitted or ready at once (enough to keep it busy)."""

    def stage_limit(self, stage: str) -> int:
        """The most units of ``stage`` in flight at once (default: the window)."""
        return self.window

    @abstractmethod
    def submit(self, stage: str, unit: Unit) -> None:
        """Start one unit of ``stage``."""

    @abstractmethod
    def next_result(self) -> UnitResult:
        """Block until a submitted unit finishes; its result."""

    @abstractmethod
    def close(self) -> None:
        """Stop what is still running and release the workers."""

    def __enter__(self) -> UnitExecutor:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
