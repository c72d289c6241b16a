"""The core install: the wheel of this checkout, installed into a fresh virtual environment with its
dependencies resolved from the package index (pip's cache makes reruns quick), has no torch and runs
the augmentation, the light commands and clear errors for what the extras add."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import urllib.request
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import cv2
import numpy as np
import pytest
import tomllib
from face_shapes import face_68
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
INSTALL_TIMEOUT = 900


def outside_environment() -> dict[str, str]:
    """This process's environment without the paths of this checkout or of the test environment:
    a checkout on PYTHONPATH (with its egg-info) would look to pip like facecutout installed."""
    return {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}


def pip(*args: str, timeout: float = INSTALL_TIMEOUT) -> subprocess.CompletedProcess:
    """This interpreter's pip with the user's pip configuration (index, cache), run outside the
    test environment's paths."""
    return subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=outside_environment(),
    )


def index_problem() -> str | None:
    """Why the package index cannot be used now, or None when it answers."""
    configured = pip("config", "get", "global.index-url", timeout=60)
    url = os.environ.get("PIP_INDEX_URL") or (
        configured.stdout.strip() if configured.returncode == 0 else "https://pypi.org/simple/"
    )
    try:
        urllib.request.urlopen(f"{url.rstrip('/')}/albumentations/", timeout=15).close()
    except OSError as error:
        return f"the package index {url} is unreachable ({error}): the core install cannot be resolved"
    return None


def installed_version(distribution: str) -> str | None:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def build_isolation() -> list[str]:
    """pip's option to build with this environment's setuptools when it meets pyproject.toml's
    build-system requirement and can build wheels (its own bdist_wheel from 70.1, else the wheel
    package): no isolated build environment to download. Else none."""
    requirement = Requirement(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"][0]
    )
    setuptools = installed_version("setuptools")
    if setuptools is None or not requirement.specifier.contains(setuptools):
        return []
    builds_wheels = Version(setuptools) >= Version("70.1") or installed_version("wheel") is not None
    return ["--no-build-isolation"] if builds_wheels else []


@pytest.fixture(scope="module")
def core_python(tmp_path_factory) -> Path:
    """The Python of a fresh venv holding the wheel of this checkout and its core dependencies only."""
    problem = index_problem()
    if problem:
        pytest.skip(problem)
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # a copy: building writes build/ and *.egg-info beside the sources
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    built = pip(
        "wheel", "--no-deps", "--quiet", *build_isolation(), "--wheel-dir", str(work / "dist"), str(source)
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = (work / "dist").glob("facecutout-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    installed = pip("--python", str(python), "install", "--quiet", "--no-compile", str(wheel))
    assert installed.returncode == 0, installed.stderr[-3000:]
    return python


def run_in(python: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run in the venv, with no path of this checkout or of the test environment leaking in."""
    env = outside_environment()
    env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run([*args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_core_install_has_no_torch_and_cuts_faces(core_python, tmp_path):
    face = face_68(64.0, 64.0, 90.0)
    script = textwrap.dedent(
        f"""
        import importlib.util, json, sys
        import numpy as np, albumentations as A
        import facecutout

        missing = [name for name in ("torch", "dlib", "timm", "lightning", "pandas")
                   if importlib.util.find_spec(name) is not None]
        assert not missing, f"the core install holds {{missing}}"
        assert facecutout.__file__.startswith(sys.prefix), facecutout.__file__

        image = np.full((128, 128, 3), 120, np.uint8)
        landmarks = np.array(json.loads({json.dumps(face.tolist())!r}))
        diff = np.zeros((128, 128), np.uint8)
        diff[20:60, 20:108] = 200
        pipeline = A.Compose(
            [facecutout.FaceCutout(variant="convex_hull", fill=0, p=1.0)],
            keypoint_params=A.KeypointParams(format="xy", remove_invisible=False),
            seed=7,
        )
        first = pipeline(image=image, keypoints=landmarks, mask=diff)["image"]
        pipeline.set_random_seed(7)
        again = pipeline(image=image, keypoints=landmarks, mask=diff)["image"]
        cut = (first == 0).all(axis=2)
        inside = diff >= facecutout.DEFAULT_DIFF_LEVEL
        print(json.dumps({{"cut": int(cut.sum()), "same": bool((first == again).all()),
                          "hidden": float((cut & inside).sum() / inside.sum())}}))

        detecting = facecutout.DetectingFaceCutout("dlib68", p=1.0)
        try:
            detecting(image=image)
        except ImportError as error:
            print(error)
        """
    )
    result = run_in(core_python, str(core_python), "-c", script)
    assert result.returncode == 0, result.stderr[-3000:]
    report, error = result.stdout.splitlines()[0], "\n".join(result.stdout.splitlines()[1:])
    outcome = json.loads(report)
    assert outcome["cut"] > 0 and outcome["same"] and outcome["hidden"] <= 0.3
    assert "the dlib68 landmark backend needs the package 'dlib-bin'" in error
    assert "pip install 'dlib-bin>=19.24'" in error and "pip install 'facecutout[landmarks]'" in error


def test_the_core_install_runs_the_light_commands_and_names_the_extras(core_python, tmp_path):
    command = core_python.parent / "facecutout"
    listing = run_in(core_python, str(command), "--help")
    assert listing.returncode == 0 and "cutout" in listing.stdout, listing.stderr[-3000:]

    template = run_in(core_python, str(command), "config", "train")
    assert template.returncode == 0, template.stderr[-3000:]
    assert template.stdout == (ROOT / "src" / "facecutout" / "configs" / "train.yaml").read_text()

    image = np.full((128, 128, 3), 90, np.uint8)
    cv2.imwrite(str(tmp_path / "face.png"), image)
    np.save(tmp_path / "face.npy", face_68(64.0, 64.0, 90.0))
    cut = run_in(
        core_python,
        *(str(command), "cutout", str(tmp_path / "face.png"), "--landmarks", str(tmp_path / "face.npy")),
        *("--out", str(tmp_path / "cut.png"), "--fill", "255"),
    )
    assert cut.returncode == 0, cut.stderr[-3000:]
    assert json.loads(cut.stdout)["cut_pixels"] > 0 and (tmp_path / "cut.png").is_file()

    train = run_in(core_python, str(command), "train", "--data", str(tmp_path), "--csv", "x.csv")
    assert train.returncode == 2, train.stderr[-3000:]
    assert "facecutout train needs the package" in train.stderr
    assert "pip install 'facecutout[train]'" in train.stderr and "Traceback" not in train.stderr

    landmarks = run_in(core_python, str(command), "landmarks", str(tmp_path), "--out", str(tmp_path / "lm"))
    assert landmarks.returncode == 2, landmarks.stderr[-3000:]
    assert "pip install 'facecutout[landmarks]'" in landmarks.stderr and "Traceback" not in landmarks.stderr
