"""Optional packages: the extras of pyproject.toml hold what facecutout.extras says, and a missing
package is one clear error naming the command that installs it, from the library and the CLI."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest
import tomllib

from facecutout.cli import main
from facecutout.errors import FaceCutoutError, MissingDependencyError
from facecutout.extras import REQUIREMENTS, require
from facecutout.landmarks.dlib68 import Dlib68Detector
from facecutout.landmarks.mtcnn import MTCNNDetector
from facecutout.landmarks.transform import DetectingFaceCutout

ROOT = Path(__file__).resolve().parents[1]


def extra_requirements() -> dict[str, set[str]]:
    """Each extra's requirements, with those of the extras it names (facecutout[...]) folded in."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]

    def expand(name: str) -> set[str]:
        found = set()
        for requirement in extras[name]:
            nested = re.fullmatch(r"facecutout\[(.+)\]", requirement)
            found |= set().union(*map(expand, nested.group(1).split(","))) if nested else {requirement}
        return found

    return {name: expand(name) for name in extras}


def test_each_optional_package_is_in_its_extra_as_stated():
    extras = extra_requirements()
    for module, (distribution, specifier, extra) in REQUIREMENTS.items():
        assert f"{distribution}{specifier}" in extras[extra], module
        assert f"{distribution}{specifier}" in extras["all"], module
    assert extras["train"] >= extras["landmarks"]


def test_a_missing_backend_package_names_the_pinned_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "facenet_pytorch", None)  # import facenet_pytorch now fails
    with pytest.raises(MissingDependencyError) as caught:
        MTCNNDetector().detect(np.zeros((64, 64, 3), np.uint8))
    message = str(caught.value)
    assert "the mtcnn landmark backend needs the package 'facenet-pytorch'" in message
    assert (
        "pip install 'facenet-pytorch==2.5.3'" in message and "pip install 'facecutout[landmarks]'" in message
    )
    assert isinstance(caught.value, ImportError) and isinstance(caught.value, FaceCutoutError)
    assert caught.value.name == "facenet_pytorch"

    monkeypatch.setitem(sys.modules, "dlib", None)
    transform = DetectingFaceCutout(Dlib68Detector(), p=1.0)  # builds: detectors load on first use
    with pytest.raises(MissingDependencyError, match=re.escape("pip install 'dlib-bin>=19.24'")):
        transform(image=np.zeros((64, 64, 3), np.uint8))


def test_require_passes_other_import_errors_through(monkeypatch):
    assert require("numpy", "x") is np
    with pytest.raises(ModuleNotFoundError) as caught:
        require("not_an_optional_package", "x")
    assert not isinstance(caught.value, MissingDependencyError)


def test_a_command_names_its_extra_when_a_package_is_missing(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "lightning", None)
    code = main(["train", "--data", str(tmp_path), "--csv", "a.csv", "--no-pretrained"])
    error = capsys.readouterr().err
    assert code == 2
    assert "facecutout train: error: facecutout train needs the package 'lightning'" in error
    assert "pip install 'facecutout[train]'" in error

    monkeypatch.setitem(sys.modules, "tqdm.contrib.logging", None)
    assert main(["landmarks", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "pip install 'facecutout[landmarks]'" in capsys.readouterr().err
