"""The small synthetic datasets the preprocessing tests share, and how they run and compare outputs.

Faces are real crops from the shared samples moving over a background; fakes alter the face inside
an ellipse. A dataset is generated (and its reference output computed) once per test session,
shared between xdist workers through a file lock.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from filelock import FileLock
from synthetic_videos import VideoSpec, make_dfdc

from facecutout.fileio import read_rgb
from facecutout.preprocess import PreprocessConfig, preprocess_dataset
from facecutout.sources import read_source

FRAMES = 4


def shared_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """Build ``name`` once for the whole session, across xdist workers."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder = root / name
    with FileLock(str(root / f"{name}.lock")):
        if not (folder / "BUILT").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            build(folder)
            (folder / "BUILT").write_text("ok")
    return folder


def faces(samples_dir: Path) -> dict[str, np.ndarray]:
    """Face photos of three people (two of the first, far apart in its video)."""
    crops = samples_dir / "celebdf" / "face_crops" / "00000"
    return {
        "A1": read_rgb(crops / "0_0.png"),
        "A2": read_rgb(crops / "300_0.png"),  # the same person later in the video
        "B": read_rgb(samples_dir / "pairs" / "ori_1.png"),
        "C": read_rgb(samples_dir / "pairs" / "ori_2.png"),
    }


def file_hashes(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``folder``."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def build_small_dfdc(folder: Path, samples_dir: Path) -> None:
    """Three originals with one fake each, and their reference output."""
    face = faces(samples_dir)
    make_dfdc(
        folder / "raw",
        {
            "one": VideoSpec(face["A1"], frames=8, seed=21),
            "two": VideoSpec(face["B"], frames=8, seed=22),
            "three": VideoSpec(face["C"], frames=8, seed=23),
        },
    )
    listing = read_source("dfdc", folder / "raw")
    preprocess_dataset(
        listing, folder / "reference", PreprocessConfig(frames=FRAMES, folds=2), progress=False
    )


def small_dataset(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> Path:
    """Three originals with one fake each (``raw``) and their output by a one-process run (``reference``)."""
    build = lambda folder: build_small_dfdc(folder, samples_dir)  # noqa: E731
    return shared_once(tmp_path_factory, "preprocess-small", build)


def command_arguments(raw: Path, out: Path, *options: str) -> list[str]:
    """The ``facecutout`` arguments that preprocess a DFDC-layout ``raw`` into ``out``, ``options`` added."""
    arguments = ["preprocess", "--source", "dfdc", "--root", str(raw), "--out", str(out)]
    return [*arguments, "--frames", str(FRAMES), "--folds", "2", "--no-progress", *options]


def run_cli(raw: Path, out: Path, *options: str) -> subprocess.Popen:
    """The same in a subprocess, in its own process group (a kill of the group takes its workers too,
    as a job scheduler's would)."""
    command = [sys.executable, "-m", "facecutout.cli", *command_arguments(raw, out, *options)]
    return subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
