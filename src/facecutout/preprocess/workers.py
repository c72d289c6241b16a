"""Set-up of the local pool's worker processes: one compute thread each, and an end with the parent.

A worker that outlives its parent (killed with SIGKILL, say) would go on reading videos and writing
files for a run that no longer exists, holding its memory; multiprocessing's resource tracker lives
as long as any worker does. Each worker therefore watches its parent from its initializer on.
"""

from __future__ import annotations

import os
import threading
import time

PARENT_POLL_SECONDS = 0.2
"""How often a worker process checks that its parent is still alive."""


def init_worker(parent: int) -> None:
    """Watch the parent process ``parent`` (the worker ends as soon as it is gone), then use one
    compute thread: the processes are the parallelism."""
    threading.Thread(target=exit_with_parent, args=(parent,), name="parent-watch", daemon=True).start()
    single_threaded()


def single_threaded() -> None:
    """One compute thread in this process: the processes (or Ray tasks) are the parallelism."""
    import cv2
    import torch

    cv2.setNumThreads(1)
    torch.set_num_threads(1)


def exit_with_parent(parent: int) -> None:
    """Poll the parent process id; exit at once when the process was re-parented (its parent ended).
    Files are written atomically, so a unit cut short leaves no half file and no marker."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)
