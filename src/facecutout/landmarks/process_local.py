"""A lazily built value that belongs to one process: rebuilt after a fork, dropped when pickled."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class ProcessLocal(Generic[T]):
    """Build ``factory()`` on the first ``get()`` in each process and reuse it afterwards.

    A forked child (e.g. a DataLoader worker) builds its own value instead of using the parent's,
    which matters for CUDA models; pickling (spawned workers) carries only the factory.
    """

    def __init__(self, factory: Callable[[], T]):
        self._factory = factory
        self._value: T | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """Whether this process has built the value."""
        return self._pid == os.getpid() and self._value is not None

    def get(self) -> T:
        pid = os.getpid()
        if self._pid != pid:
            with self._lock:
                if self._pid != pid:
                    self._value = self._factory()
                    self._pid = pid
        return self._value  # type: ignore[return-value]

    def __getstate__(self) -> dict[str, Any]:
        return {"_factory": self._factory}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["_factory"])  # type: ignore[misc]
