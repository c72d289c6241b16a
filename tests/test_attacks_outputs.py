"""Attacks through the outputs: written files keep the user's umask, an output place that cannot be
written is one clear error naming it (before any work), and a run that scored nothing fails."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import numpy as np
import pytest
from face_shapes import face_5
from model_checkpoints import write_checkpoint

from facecutout.cli import main
from facecutout.fileio import atomic_copy, atomic_write_bytes, write_image, write_npy


@pytest.fixture(params=[0o022, 0o027, 0o002], ids=lambda mask: f"umask{mask:03o}")
def umask(request):
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_written_files_get_the_mode_the_umask_gives(tmp_path, umask):
    expected = 0o666 & ~umask
    atomic_write_bytes(tmp_path / "report.json", b"{}")
    write_npy(tmp_path / "points.npy", np.zeros((5, 2), np.float32))
    write_image(tmp_path / "crop.png", np.zeros((4, 4, 3), np.uint8))
    atomic_copy(tmp_path / "report.json", tmp_path / "best.ckpt")
    for name in ("report.json", "points.npy", "crop.png", "best.ckpt"):
        assert mode(tmp_path / name) == expected, name


def test_the_cutout_command_writes_readable_files(tmp_path, umask):
    write_image(tmp_path / "face.png", np.full((64, 64, 3), 120, np.uint8))
    np.save(tmp_path / "points.npy", face_5(32, 32, 40))
    argv = ["cutout", str(tmp_path / "face.png"), "--landmarks", str(tmp_path / "points.npy")]
    assert main([*argv, "--out", str(tmp_path / "cut.png"), "--region-out", str(tmp_path / "r.png")]) == 0
    assert mode(tmp_path / "cut.png") == mode(tmp_path / "r.png") == 0o666 & ~umask


def unwritable_places(tmp_path: Path) -> list[Path]:
    """Folders no file can be created in: below a regular file (anywhere), a folder of /proc (Linux,
    refused even to root), and a folder without write permission (when not root: root ignores it)."""
    (tmp_path / "a_file").write_text("x")
    places = [tmp_path / "a_file" / "out"]
    if sys.platform.startswith("linux"):
        places.append(Path("/proc/self"))
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        places.append(locked)
    return places


def test_an_unwritable_preprocessing_output_is_one_error_before_any_work(tmp_path, capsys, monkeypatch):
    part = tmp_path / "raw" / "dfdc_train_part_0"
    part.mkdir(parents=True)
    (part / "a.mp4").write_bytes(b"")
    (part / "metadata.json").write_text(json.dumps({"a.mp4": {"label": "REAL"}}))

    def no_work(*args, **kwargs):
        raise AssertionError("a stage ran although the output cannot be written")

    monkeypatch.setattr("facecutout.preprocess.runner.StageRunner.run", no_work)
    for out in unwritable_places(tmp_path):
        argv = ["preprocess", "--source", "dfdc", "--root", str(tmp_path / "raw"), "--out", str(out)]
        assert main([*argv, "--no-progress"]) == 2, out
        error = capsys.readouterr().err
        assert f"output folder {out} is not writable" in error and "Traceback" not in error


def test_an_unwritable_cutout_output_is_an_error_naming_it(tmp_path, capsys):
    write_image(tmp_path / "face.png", np.full((64, 64, 3), 120, np.uint8))
    np.save(tmp_path / "points.npy", face_5(32, 32, 40))
    for folder in unwritable_places(tmp_path):
        out = folder / "cut.png"
        argv = ["cutout", str(tmp_path / "face.png"), "--landmarks", str(tmp_path / "points.npy")]
        assert main([*argv, "--out", str(out)]) == 2, out
        assert f"cannot write {out}" in capsys.readouterr().err


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> Path:
    return write_checkpoint(tmp_path_factory.mktemp("ckpt") / "model.ckpt")


def test_predict_fails_when_no_input_could_be_scored(tmp_path, checkpoint, capsys):
    (tmp_path / "broken.png").write_bytes(b"\x89PNG not an image")
    (tmp_path / "empty.jpg").write_bytes(b"")
    records = tmp_path / "records.json"
    argv = [
        "predict",
        "--checkpoint",
        str(checkpoint),
        "--no-detect",
        "--device",
        "cpu",
        "--json",
        str(records),
    ]
    assert main([*argv, str(tmp_path / "broken.png"), str(tmp_path / "empty.jpg")]) == 2
    assert "none of the 2 input(s) could be scored" in capsys.readouterr().err
    assert [record["score"] for record in json.loads(records.read_text())] == [None, None]
    # one input scored is a success; the unreadable one is reported in its record
    write_image(tmp_path / "face.png", np.full((32, 32, 3), 100, np.uint8))
    assert main([*argv, str(tmp_path / "face.png"), str(tmp_path / "broken.png")]) == 0
    assert [record["score"] is None for record in json.loads(records.read_text())] == [False, True]
