"""Executor scaling and per-video costs for ``bench_preprocess.py --executors`` and ``--costs``.

- executors: timed runs of the whole pipeline (every stage and the merge) on the same dataset, in
  interleaved rounds (best kept): Ray on 1 and on 2 CPUs, the local executor with 1 and with 2
  workers. Each run is
  confined to as many cores as it has CPUs or workers (CPU affinity, inherited by every process it
  starts), so "1 CPU" really is one core. The Ray instance is started before the timing, as a
  cluster runs before a job; everything a run starts is timed: Ray's worker processes and
  detection actor (importing facecutout, loading the models), the local pool's processes, the
  models of a one-worker run (in the driver, which has imported facecutout, as the command has).
- costs: wall and CPU seconds of every unit of work in this process on one thread, stage by stage
  (the faces stage split into decoding and detection), on DFDC-sized videos: what a run on more
  machines is estimated from.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple, TypeVar

from facecutout.data.layout import DatasetLayout
from facecutout.landmarks import get_detector
from facecutout.preprocess import PreprocessConfig, preprocess_dataset
from facecutout.preprocess.planning import LEVELS, MarkerCache, family_units
from facecutout.preprocess.units import StageContext, faces_input, faces_output, run_unit
from facecutout.preprocess.workers import single_threaded
from facecutout.sources import SourceListing

T = TypeVar("T")


class Cost(NamedTuple):
    """Seconds of one unit: elapsed, and CPU time of this process."""

    wall: float
    cpu: float


@contextmanager
def on_cores(count: int) -> Iterator[None]:
    """Run this process, and whatever it starts, on the first ``count`` cores it may use."""
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < count:
        raise SystemExit(f"{count} cores needed, this process may use {len(allowed)}")
    os.sched_setaffinity(0, allowed[:count])
    try:
        yield
    finally:
        os.sched_setaffinity(0, allowed)


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def ray_run(listing: SourceListing, config: PreprocessConfig, folder: Path, cpus: int) -> float:
    """Seconds of one Ray run on a new local instance of ``cpus`` CPUs (started before the timing)."""
    import ray

    with on_cores(cpus):
        ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False)
        try:
            return timed(
                lambda: preprocess_dataset(
                    listing, folder / f"ray{cpus}", config, executor="ray", progress=False
                )
            )
        finally:
            ray.shutdown()


def local_run(listing: SourceListing, config: PreprocessConfig, folder: Path, workers: int) -> float:
    """Seconds of one run of the local executor with ``workers`` (one: in this process)."""
    with on_cores(workers):
        return timed(
            lambda: preprocess_dataset(
                listing, folder / f"local{workers}", config, workers=workers, progress=False
            )
        )


def bench_executors(listing: SourceListing, config: PreprocessConfig, folder: Path, rounds: int) -> None:
    """Print the four runs' best times over ``rounds`` interleaved rounds (each run in a fresh output
    folder), and the ratios the targets are about."""
    single_threaded()  # the in-process run: one thread, like one worker
    runs = {
        "ray, 1 CPU": lambda out: ray_run(listing, config, out, 1),
        "local, 1 worker": lambda out: local_run(listing, config, out, 1),
        "ray, 2 CPUs": lambda out: ray_run(listing, config, out, 2),
        "local, 2 workers": lambda out: local_run(listing, config, out, 2),
    }
    times: dict[str, list[float]] = defaultdict(list)
    for round_ in range(rounds):
        for name, run in runs.items():
            times[name].append(run(folder / f"round{round_}"))
    seconds = {name: min(values) for name, values in times.items()}
    for name, value in seconds.items():
        each = ", ".join(f"{time_:.1f}" for time_ in times[name])
        print(f"{name:18s} {value:8.2f} s  {len(listing.records) / value:6.2f} videos/s  (rounds: {each} s)")
    ray_scaling = seconds["ray, 1 CPU"] / seconds["ray, 2 CPUs"]
    local_scaling = seconds["local, 1 worker"] / seconds["local, 2 workers"]
    print(f"ray 2 CPUs vs 1 CPU: {ray_scaling:.2f} x (target >= 1.7)")
    print(f"local 2 vs 1 workers: {local_scaling:.2f} x")
    for workers in (1, 2):
        ray_name = f"ray, {workers} CPU" + ("s" if workers > 1 else "")
        local_name = f"local, {workers} worker" + ("s" if workers > 1 else "")
        ratio = seconds[local_name] / seconds[ray_name]
        print(f"ray vs local at {workers} worker(s): {ratio:.2f} x the local speed (target >= 0.9)")


def unit_costs(listing: SourceListing, config: PreprocessConfig, out: Path) -> dict[str, list[Cost]]:
    """Wall and CPU seconds per unit of each stage, run stage by stage in this process on one thread;
    "faces" is split into "decode" (frames decoded and resized) and "detect" (the detector on them).
    CPU time is what other jobs on a shared machine do not inflate."""
    single_threaded()
    layout = DatasetLayout(out, listing.dataset)
    context = StageContext(config, layout)
    markers = MarkerCache(layout, config)
    fakes = listing.fakes_of()
    families = [(original, fakes[original.video]) for original in listing.originals()]
    detector = get_detector(config.detector, device=config.device)
    costs: dict[str, list[Cost]] = defaultdict(list)

    def measured(name: str, work: Callable[..., T], *arguments: object) -> T:
        wall, cpu = time.perf_counter(), time.process_time()
        value = work(*arguments)
        costs[name].append(Cost(time.perf_counter() - wall, time.process_time() - cpu))
        return value

    for level in LEVELS:
        for stage in level:
            for family in families:
                for unit in family_units(stage, family, markers):
                    if stage == "faces":
                        batch = measured("decode", faces_input, context, unit)
                        result = measured("detect", faces_output, context, unit, batch, detector)
                    else:
                        result = measured(stage, run_unit, stage, context, unit)
                    markers.update(stage, result)
    return dict(costs)
