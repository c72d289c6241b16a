"""Importing facecutout changes nothing outside it: no environment variable, no logging setup, no
warning filter, no matplotlib backend (checked in a fresh process over every module)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The libraries facecutout uses are imported first: what they do when imported is theirs. Then every
# facecutout module is imported, and the process state is compared with the state before.
PROBE = textwrap.dedent(
    """
    import importlib, json, logging, os, pkgutil, sys, warnings
    import albumentations, cv2, dlib, facenet_pytorch, lightning, matplotlib, numpy, pandas, pydantic
    import sklearn, skimage, timm, torch, torchvision, tqdm, yaml

    def state():
        return {
            "root logger": [logging.getLogger().level, [repr(h) for h in logging.getLogger().handlers]],
            "warning filters": [repr(f) for f in warnings.filters],
            "matplotlib backend": dict.__getitem__(matplotlib.rcParams, "backend"),
            "torch threads": torch.get_num_threads(),
            "cv2 threads": cv2.getNumThreads(),
        }

    # The switches the test suite sets for itself (conftest): gone before facecutout is imported,
    # so a module that sets one (the same value included) shows up as a change.
    for key in ("HF_HUB_OFFLINE", "NO_ALBUMENTATIONS_UPDATE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.pop(key, None)
    environ, before = dict(os.environ), state()
    import facecutout
    names = [info.name for info in pkgutil.walk_packages(facecutout.__path__, "facecutout.")]
    for name in names:
        importlib.import_module(name)
    after = state()
    changed = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    variables = {
        key: [environ.get(key), os.environ.get(key)]
        for key in set(environ) | set(os.environ)
        if environ.get(key) != os.environ.get(key)
    }
    print(json.dumps({"modules": names, "environ": variables, "changed": changed}))
    """
)


def test_importing_every_module_changes_no_environment_variable_nor_library_state():
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.splitlines()[-1])
    modules = set(report["modules"])
    assert {"facecutout.cli", "facecutout.train.run", "facecutout.landmarks.mtcnn"} <= modules
    assert len(modules) > 100
    assert report["environ"] == {}
    assert report["changed"] == {}
