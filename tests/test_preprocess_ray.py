"""Preprocessing on Ray (a local instance of 2 CPUs the tests start): the same files as the local
executor, failures reported, a Ray worker killed mid-run and the driver killed with SIGKILL."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from preprocess_datasets import FRAMES, command_arguments, file_hashes, run_cli, small_dataset

from facecutout.cli import main
from facecutout.preprocess import PreprocessConfig, RayConfig, preprocess_dataset
from facecutout.preprocess.report import PreprocessResult, StageRun
from facecutout.sources import read_source

ray = pytest.importorskip("ray", reason="Ray is an optional extra: pip install 'facecutout[ray]'")

CONFIG = PreprocessConfig(frames=FRAMES, folds=2)
# A clean run of the small dataset: 3 originals with one fake each.
CLEAN_RUN = {
    "frames": StageRun(units=6, outcomes={"done": 6}),
    "faces": StageRun(units=3, outcomes={"done": 3}),
    "crops": StageRun(units=3, outcomes={"done": 6}),
    "landmarks": StageRun(units=3, outcomes={"done": 3}),
    "diffs": StageRun(units=3, outcomes={"done": 3}),
    "folds": StageRun(units=3, outcomes={"done": 3}),
}


@pytest.fixture(scope="module")
def ray_address() -> Iterator[str]:
    """A local Ray instance of 2 CPUs for this module's tests; its address."""
    # Ray's session folder holds Unix sockets, whose paths must stay short: not under pytest's tmp_path.
    temporary = tempfile.mkdtemp(prefix="fc-ray-")
    ray.init(num_cpus=2, include_dashboard=False, _temp_dir=temporary, log_to_driver=False)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()
        shutil.rmtree(temporary, ignore_errors=True)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> Path:
    return small_dataset(tmp_path_factory, samples_dir)


def run_on_ray(small: Path, out: Path, retries: int = 3) -> PreprocessResult:
    listing = read_source("dfdc", small / "raw")
    return preprocess_dataset(
        listing, out, CONFIG, executor="ray", ray=RayConfig(retries=retries), progress=False
    )


def test_ray_writes_the_local_executors_files_and_reports_failed_units(
    ray_address: str, small: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    # a file where one fake's diffs folder belongs: that unit raises on every attempt
    blocker = out / "dfdc" / "diffs" / "two_fake0"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("in the way")
    result = run_on_ray(small, out, retries=1)
    assert result.stages["diffs"] == StageRun(units=3, outcomes={"done": 2, "failed:DataError": 1})
    [failure] = [skip for skip in result.report.skips if skip.stage == "diffs"]
    assert failure.video == "two_fake0" and failure.reason == "failed:DataError"
    assert "2 attempt(s)" in failure.detail
    # Ray did retry it: its raylet says so on the driver's stdout (which the driver prints asynchronously)
    retried = "Task _unit_task failed. There are 1 retries remaining"
    seen, deadline = "", time.monotonic() + 60
    while retried not in seen and time.monotonic() < deadline:
        time.sleep(0.1)
        seen += capfd.readouterr().out
    assert retried in seen
    assert result.report.stages["diffs"].outcomes == {"done": 2, "failed:DataError": 1}
    # out of the way, the next run redoes that unit only, and every file equals the local executor's
    blocker.unlink()
    rerun = run_on_ray(small, out)
    assert rerun.stages["diffs"] == StageRun(units=1, outcomes={"done": 1})
    assert sum(stage.units for stage in rerun.stages.values()) == 1
    assert file_hashes(out) == file_hashes(small / "reference")


def descendants_titled(prefixes: tuple[str, ...]) -> list[int]:
    """Processes below this one whose title (Ray sets "ray::<task>") starts with one of ``prefixes``."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:  # /proc/<pid>/stat: "pid (name) state ppid ..."
                stat = Path(f"/proc/{entry}/stat").read_text()
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found = []
    for pid in parents:
        ancestor = parents.get(pid)
        while ancestor not in (None, 0, 1, os.getpid()):
            ancestor = parents.get(ancestor)
        if ancestor != os.getpid():
            continue
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
        except OSError:
            continue
        if title.startswith(prefixes):
            found.append(pid)
    return found


def test_a_ray_worker_killed_mid_run_loses_and_duplicates_nothing(
    ray_address: str, small: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = run_on_ray(small, out)
        except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread
            outcome["error"] = error

    driver = threading.Thread(target=run)
    driver.start()
    # kill the detection actor while it detects, then a task worker while it runs a unit
    killed = []
    for prefix in ("ray::FaceDetectionActor.faces", "ray::_unit_task"):
        deadline = time.monotonic() + 300
        while driver.is_alive() and time.monotonic() < deadline:
            busy = descendants_titled((prefix,))
            if busy:
                os.kill(busy[0], signal.SIGKILL)
                killed.append(prefix)
                break
            time.sleep(0.005)
    driver.join(timeout=600)
    assert not driver.is_alive()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    assert killed == ["ray::FaceDetectionActor.faces", "ray::_unit_task"], "the run ended before both kills"
    # each unit counted once, none failed, and the files are the local executor's
    assert outcome["result"].stages == CLEAN_RUN  # type: ignore[attr-defined]
    assert file_hashes(out) == file_hashes(small / "reference")


def test_driver_killed_then_the_same_command_completes(ray_address: str, small: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    options = ("--executor", "ray", "--address", ray_address)
    process = run_cli(small / "raw", out, *options)
    markers = out / "dfdc" / ".markers" / "faces"
    deadline = time.monotonic() + 300
    while not (markers.is_dir() and any(markers.glob("*.json"))):
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, "the run never reached the faces stage"
        time.sleep(0.005)
    assert process.poll() is None, "the run finished before it could be killed"
    process.send_signal(signal.SIGKILL)  # the driver only: the cluster lives on, as it would
    process.wait()
    assert not (out / "dfdc.csv").exists()
    # the same command again, in this process (already connected to the cluster, its workers warm)
    assert main(command_arguments(small / "raw", out, *options)) == 0
    assert file_hashes(out) == file_hashes(small / "reference")
