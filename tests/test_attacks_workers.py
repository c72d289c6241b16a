"""Killing a preprocessing run with SIGKILL takes its worker processes (and multiprocessing's
resource tracker) with it: none goes on reading and writing for a run that no longer exists."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from synthetic_videos import VideoSpec, make_dfdc

from facecutout.fileio import read_rgb

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the process table in /proc"
)


def process_table() -> dict[int, tuple[int, str]]:
    """Every live process: pid -> (parent pid, state letter), from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # it ended while being read
            continue
        table[int(entry.name)] = (int(fields[1]), fields[0])
    return table


def descendants(pid: int) -> set[int]:
    table = process_table()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, (parent, _) in table.items() if parent in frontier} - found
        found |= frontier
    return found


def running(pids: set[int]) -> set[int]:
    """The processes among ``pids`` that still run (zombies have ended; only their entry is left)."""
    table = process_table()
    return {pid for pid in pids if pid in table and table[pid][1] != "Z"}


def test_workers_end_with_a_killed_parent(samples_dir: Path, tmp_path: Path) -> None:
    faces = samples_dir / "celebdf" / "face_crops"
    specs = {
        name: VideoSpec(read_rgb(faces / video / "0_0.png"), frames=8, seed=seed)
        for seed, (name, video) in enumerate([("one", "00000"), ("two", "00001"), ("three", "00000")])
    }
    raw = make_dfdc(tmp_path / "raw", specs)
    command = [sys.executable, "-m", "facecutout.cli", "preprocess", "--source", "dfdc", "--root", str(raw)]
    command += ["--out", str(tmp_path / "out"), "--frames", "8", "--workers", "2", "--no-progress"]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    markers = tmp_path / "out" / "dfdc" / ".markers" / "frames"
    try:
        deadline = time.monotonic() + 180
        while not (markers.is_dir() and any(markers.glob("*.json"))):  # the workers are at work
            assert process.poll() is None, process.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "the run never started its first stage"
            time.sleep(0.01)
        children = running(descendants(process.pid))
        assert len(children) >= 3, "expected two workers and the resource tracker"
        assert process.poll() is None, "the run finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)  # the parent alone, as the OOM killer would
        process.wait()
        deadline = time.monotonic() + 60  # a worker still starting up ends once started
        while running(children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not running(children), f"still running after their parent was killed: {running(children)}"
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stderr.close()
        try:
            os.killpg(process.pid, signal.SIGKILL)  # anything left of the group, so no test leaks it
        except ProcessLookupError:
            pass
