"""Run the units on a Ray cluster: face detection in actors, everything else as CPU tasks.

Each detection actor loads the detector once and takes one original's sampled frames per call
(the same batch the local executor gives the detector, so the boxes are the same); a CPU task
decodes and resizes those frames first, so an actor on a GPU only detects. Frames probes, crops,
landmarks, SSIM diffs and embeddings are Ray tasks of one CPU each. Ray retries a task or an actor
call that raised or whose worker died (``RayConfig.retries`` times, restarting a dead actor);
after that the unit comes back as "failed" with the error's type as its reason.

Every node must see the dataset and the output folder at the same paths (a shared filesystem, as
for ``--shard``) and have facecutout installed.
"""

from __future__ import annotations

import logging
import math
from types import ModuleType
from typing import Any

from facecutout.errors import InvalidInputError
from facecutout.landmarks import get_detector
from facecutout.preprocess.config import RayConfig
from facecutout.preprocess.executor import UnitExecutor, UnitResult
from facecutout.preprocess.faces import DetectionInput
from facecutout.preprocess.units import (
    Markers,
    StageContext,
    Unit,
    clean_unit,
    faces_input,
    faces_output,
    failed_result,
    run_unit,
)
from facecutout.preprocess.workers import single_threaded
from facecutout.sources import VideoRecord

logger = logging.getLogger(__name__)

# On a cluster without GPUs: one detection actor per this many CPUs (detection is about a third of
# the CPU time of a DFDC-like dataset, measured in docs/benchmarks.md).
CPU_PER_DETECTOR = 3
# Decoded batches waiting for each detection actor, besides the one it is working on.
DECODE_AHEAD = 1


def import_ray() -> ModuleType:
    """The ray module, or one clear error naming the extra that installs it."""
    try:
        import ray
    except ImportError:
        raise InvalidInputError(
            "executor: 'ray' needs Ray, which is an optional extra: pip install 'facecutout[ray]'"
        ) from None
    return ray


def _unit_task(stage: str, context: StageContext, unit: Unit) -> Markers:
    single_threaded()
    return run_unit(stage, context, unit)


def _decode_task(context: StageContext, record: VideoRecord) -> DetectionInput | dict[str, Any]:
    single_threaded()
    clean_unit(context, "faces", record)
    return faces_input(context, record)


class FaceDetectionActor:
    """Holds one loaded face detector; finishes the faces unit of each batch it is given."""

    def __init__(self, detector: str, device: str | None):
        single_threaded()
        self.detector = get_detector(detector, device=device)

    def faces(
        self, context: StageContext, record: VideoRecord, batch: DetectionInput | dict[str, Any]
    ) -> Markers:
        return faces_output(context, record, batch, self.detector)


class RayExecutor(UnitExecutor):
    """Units as Ray tasks, face detection in a pool of Ray actors."""

    def __init__(self, context: StageContext, options: RayConfig | None = None):
        self.ray = import_ray()
        self.options = options or RayConfig()
        self.context = context
        self._owns_ray = not self.ray.is_initialized()
        if self._owns_ray:
            self._start_ray()
        else:
            self._check_connection()
        self._actors: list[Any] = []
        # ObjectRef -> (stage, unit, actor index or None, whether it is a decoded batch for an actor)
        self._pending: dict[Any, tuple[str, Unit, int | None, bool]] = {}
        try:
            self._prepare()
        except BaseException:
            self.close()
            raise

    def _prepare(self) -> None:
        """The remote functions and the detection actors, sized to the cluster."""
        resources = self.ray.cluster_resources()
        self.cpus = max(1, int(resources.get("CPU", 1)))
        gpus_per_actor, detectors = self._detection_plan(resources.get("GPU", 0.0))
        retries = self.options.retries
        self._attempts = retries + 1
        self._context = self.ray.put(self.context)
        self._unit = self.ray.remote(_unit_task).options(
            num_cpus=1, max_retries=retries, retry_exceptions=True
        )
        self._decode = self.ray.remote(_decode_task).options(
            num_cpus=1, max_retries=retries, retry_exceptions=True
        )
        config = self.context.config
        device = config.device or (None if gpus_per_actor else "cpu")
        # no CPU slot held (a CPU actor shares the cores with the tasks); spread over the nodes
        actor = self.ray.remote(FaceDetectionActor).options(
            num_cpus=0,
            num_gpus=gpus_per_actor,
            max_restarts=retries,
            max_task_retries=retries,
            scheduling_strategy="SPREAD",
        )
        self._actors = [actor.remote(config.detector, device) for _ in range(detectors)]
        self._actor_load = [0] * detectors
        logger.info(
            "Ray: %d CPU(s), %d detection actor(s) with %s GPU each", self.cpus, detectors, gpus_per_actor
        )

    def _start_ray(self) -> None:
        if self.options.address is not None and self.options.cpus is not None:
            raise InvalidInputError(
                "ray.cpus: sets the CPUs of a new local Ray instance; not with an address"
            )
        arguments: dict[str, Any] = {"address": self.options.address}
        if self.options.cpus is not None:
            arguments["num_cpus"] = self.options.cpus
        try:
            self.ray.init(**arguments)
        except (ConnectionError, ValueError) as error:
            where = self.options.address or "a new local instance"
            raise InvalidInputError(f"ray.address: cannot start or join Ray ({where}): {error}") from None

    def _check_connection(self) -> None:
        """This process is connected to Ray already: the options must not ask for another instance."""
        current = self.ray.get_runtime_context().gcs_address
        if self.options.address not in (None, "auto", current) or self.options.cpus is not None:
            raise InvalidInputError(
                f"ray: this process is connected to the Ray cluster at {current} already; leave ray.cpus "
                "unset, and ray.address unset or equal to it"
            )

    def _detection_plan(self, cluster_gpus: float) -> tuple[float, int]:
        """(GPU share per actor, number of actors) from the options and the cluster's resources."""
        gpus_per_actor = self.options.gpus_per_actor
        if gpus_per_actor is None:
            gpus_per_actor = 1.0 if cluster_gpus > 0 else 0.0
        if gpus_per_actor > 0 and gpus_per_actor > cluster_gpus:
            raise InvalidInputError(
                f"ray.gpus_per_actor: {gpus_per_actor} GPU(s) per detection actor, the cluster has "
                f"{cluster_gpus}"
            )
        detectors = self.options.detectors
        if detectors is None:
            if gpus_per_actor > 0:
                detectors = max(1, math.floor(cluster_gpus / gpus_per_actor + 1e-9))
            else:
                detectors = max(1, self.cpus // CPU_PER_DETECTOR)
        elif gpus_per_actor > 0 and detectors * gpus_per_actor > cluster_gpus + 1e-9:
            raise InvalidInputError(
                f"ray.detectors: {detectors} actors x {gpus_per_actor} GPU need more than the cluster's "
                f"{cluster_gpus} GPU(s)"
            )
        return gpus_per_actor, detectors

    @property
    def window(self) -> int:
        return 2 * (self.cpus + len(self._actors))

    def stage_limit(self, stage: str) -> int:
        if stage == "faces":
            return len(self._actors) * (1 + DECODE_AHEAD)
        return self.window

    def submit(self, stage: str, unit: Unit) -> None:
        if stage == "faces":
            self._pending[self._decode.remote(self._context, unit)] = (stage, unit, None, True)
        else:
            self._pending[self._unit.remote(stage, self._context, unit)] = (stage, unit, None, False)

    def next_result(self) -> UnitResult:
        while True:
            [ref], _ = self.ray.wait(list(self._pending), num_returns=1)
            stage, unit, actor, decoded = self._pending.pop(ref)
            if decoded:
                # the decoded frames stay in the object store; the least busy actor takes them
                actor = min(range(len(self._actors)), key=lambda index: (self._actor_load[index], index))
                self._actor_load[actor] += 1
                call = self._actors[actor].faces.remote(self._context, unit, ref)
                self._pending[call] = (stage, unit, actor, False)
                continue
            if actor is not None:
                self._actor_load[actor] -= 1
            try:
                return UnitResult(stage, unit, self.ray.get(ref))
            except self.ray.exceptions.RayError as error:
                cause = getattr(error, "cause", None)
                return UnitResult(stage, unit, failed_result(unit, cause or error, self._attempts))

    def close(self) -> None:
        for ref, (_, _, actor, _) in self._pending.items():
            if actor is None:  # the actors' calls end with the actors
                self.ray.cancel(ref)
        for actor in self._actors:
            self.ray.kill(actor)
        self._pending.clear()
        if self._owns_ray:
            self.ray.shutdown()
