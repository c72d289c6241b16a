"""Step-by-step progress for the demo: one bar over the steps, naming the running one, with timings."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tqdm import tqdm

logger = logging.getLogger(__name__)


class Steps:
    """A progress bar over ``total`` named steps; ``with steps.step(name):`` runs one and times it."""

    def __init__(self, total: int, description: str = "demo"):
        self.bar = tqdm(
            total=total,
            desc=description,
            unit="step",
            bar_format="{desc}: {percentage:3.0f}%|{bar:20}| {n}/{total} steps [{elapsed}]{postfix}",
        )
        self.timings: dict[str, float] = {}
        self.failed: str | None = None

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        self.bar.set_postfix_str(name)
        start = time.perf_counter()
        try:
            yield
        except BaseException:
            self.failed = name
            raise
        self.timings[name] = time.perf_counter() - start
        logger.debug("%s: %.1f s", name, self.timings[name])
        self.bar.update(1)

    def close(self) -> None:
        self.bar.set_postfix_str(f"failed: {self.failed}" if self.failed else "done")
        self.bar.close()
