"""The demo's one progress display: a bar over its steps, naming the running one, with timings."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm

logger = logging.getLogger(__name__)


class Steps:
    """A progress bar over ``total`` units of work; ``with steps.step(name, units):`` runs one step
    of ``units`` units and times it. A step of several units gets a callable ``part(label)`` to call
    after each of its parts: it counts the parts done and names the last one beside the step."""

    def __init__(self, total: int, description: str = "demo"):
        self.bar = tqdm(
            total=total,
            desc=description,
            unit="step",
            bar_format="{desc}: {percentage:3.0f}%|{bar:20}| [{elapsed}]{postfix}",
        )
        self.timings: dict[str, float] = {}
        self.failed: str | None = None
        self.stopped = threading.Event()
        threading.Thread(target=self._tick, daemon=True).start()

    def _tick(self) -> None:
        """Redraw the bar every second, so its clock runs through long steps."""
        while not self.stopped.wait(1.0):
            self.bar.refresh()

    @contextmanager
    def step(self, name: str, units: int = 1) -> Iterator[Callable[[str], None]]:
        self.bar.set_postfix_str(name)
        start = time.perf_counter()
        done = 0

        def part(label: str) -> None:
            nonlocal done
            done += 1
            self.bar.set_postfix_str(f"{name}: {done}/{units} done, last {label}", refresh=False)
            self.bar.update(1)

        try:
            yield part
        except BaseException:
            self.failed = name
            raise
        self.timings[name] = time.perf_counter() - start
        logger.debug("%s: %.1f s", name, self.timings[name])
        self.bar.update(units - done)

    def close(self) -> None:
        self.stopped.set()
        self.bar.set_postfix_str(f"failed: {self.failed}" if self.failed else "done")
        self.bar.close()
