"""`facecutout cutout` on a real fake crop, and its errors."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from facecutout.cli import main
from facecutout.fileio import read_grey, read_rgb


def test_cutout_command_writes_the_cut_image_and_region(fake_samples, tmp_path, capsys):
    sample = fake_samples[0]
    out, region_out = tmp_path / "cut.png", tmp_path / "region.png"
    code = main(
        [
            "cutout",
            str(sample.image_path),
            "--landmarks",
            str(sample.landmarks_path),
            "--diff",
            str(sample.diff_path),
            "--out",
            str(out),
            "--region-out",
            str(region_out),
            "--seed",
            "1",
            "--fill",
            "255,0,0",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    original, cut, region = read_rgb(sample.image_path), read_rgb(out), read_grey(region_out) > 0
    assert report["cut_pixels"] == int(region.sum()) > 0
    assert np.array_equal(cut[~region], original[~region])
    assert (cut[region] == [255, 0, 0]).all()


def test_cutout_command_reports_a_missing_file(tmp_path, capsys):
    code = main(
        ["cutout", str(tmp_path / "none.png"), "--landmarks", "x.npy", "--out", str(tmp_path / "o.png")]
    )
    assert code == 2
    assert "none.png" in capsys.readouterr().err


def test_console_script_help_lists_the_subcommands():
    result = subprocess.run(
        [sys.executable, "-m", "facecutout.cli", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "cutout" in result.stdout
