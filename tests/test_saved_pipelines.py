"""Pipelines holding FaceCutout and DetectingFaceCutout, saved by albumentations (to_dict, JSON, YAML),
load in a fresh process that imports only albumentations and facecutout, and cut the same pixels."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import albumentations as A
import numpy as np
from face_shapes import face_68

import facecutout

ROOT = Path(__file__).resolve().parents[1]
SEED = 11

# Run in a fresh interpreter: load each saved pipeline with nothing but albumentations and facecutout
# imported, apply it to the saved inputs with the same seed, and save its outputs and its to_dict.
LOAD = textwrap.dedent(
    """
    import pickle, sys
    import albumentations as A
    import facecutout

    inputs_file, out_file, seed, *saved_files = sys.argv[1:]
    with open(inputs_file, "rb") as file:
        inputs = pickle.load(file)
    results = {}
    for saved in saved_files:
        if saved.endswith(".pickle"):
            with open(saved, "rb") as file:
                pipeline = A.from_dict(pickle.load(file))
        else:
            pipeline = A.load(saved, data_format="yaml" if saved.endswith(".yaml") else "json")
        pipeline.set_random_seed(int(seed))
        outputs = [pipeline(**item)["image"] for item in inputs]
        results[saved] = {"outputs": outputs, "dict": A.to_dict(pipeline)}
    with open(out_file, "wb") as file:
        pickle.dump(results, file)
    """
)


def build_pipeline() -> A.Compose:
    """Every FaceCutout argument away from its default, and DetectingFaceCutout after a geometric step."""
    return A.Compose(
        [
            A.HorizontalFlip(p=0.5),
            facecutout.FaceCutout(
                variant="sensory",
                threshold=0.25,
                fill=(255, 0, 128),
                diff_level=30,
                features=("eyes", "mouth"),
                strategies=("run",),
                scheme="ibug68",
                p=0.7,
            ),
            facecutout.DetectingFaceCutout(
                "dlib68", variant="convex_hull", threshold=0.4, fill="random", strategies=("half",), p=0.9
            ),
        ],
        keypoint_params=A.KeypointParams(format="xy", remove_invisible=False),
    )


def inputs() -> list[dict[str, np.ndarray]]:
    """Faces of several sizes with their 68 landmarks (no detection is needed) and a fake's diff."""
    rng = np.random.default_rng(3)
    items = []
    for size in (70.0, 90.0, 110.0):
        image = rng.integers(0, 256, (160, 160, 3), dtype=np.uint8)
        diff = np.zeros((160, 160), np.uint8)
        diff[40:120, 30:130] = rng.integers(0, 100, (80, 100), dtype=np.uint8)
        items.append({"image": image, "keypoints": face_68(80.0, 80.0, size), "mask": diff})
    return items


def reload_in_fresh_process(saved: list[Path], tmp_path: Path) -> dict[str, dict]:
    (tmp_path / "inputs.pickle").write_bytes(pickle.dumps(inputs()))
    out = tmp_path / "out.pickle"
    path = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", LOAD, str(tmp_path / "inputs.pickle"), str(out), str(SEED), *map(str, saved)],
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return pickle.loads(out.read_bytes())


def as_json(value: object) -> object:
    return json.loads(json.dumps(value))


def test_saved_pipelines_reload_in_a_fresh_process_and_cut_the_same(tmp_path):
    pipeline = build_pipeline()
    saved = {form: tmp_path / f"pipeline.{form}" for form in ("json", "yaml", "pickle")}
    A.save(pipeline, str(saved["json"]), data_format="json")
    A.save(pipeline, str(saved["yaml"]), data_format="yaml")
    saved["pickle"].write_bytes(pickle.dumps(A.to_dict(pipeline)))  # to_dict / from_dict
    reloaded = reload_in_fresh_process(list(saved.values()), tmp_path)

    pipeline.set_random_seed(SEED)
    expected = [pipeline(**item)["image"] for item in inputs()]
    assert any((out != item["image"]).any() for out, item in zip(expected, inputs(), strict=True))
    for form, file in saved.items():
        result = reloaded[str(file)]
        for got, want in zip(result["outputs"], expected, strict=True):
            np.testing.assert_array_equal(got, want, err_msg=form)
        assert as_json(result["dict"]) == as_json(A.to_dict(pipeline)), form
