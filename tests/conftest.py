"""Shared fixtures: the real deepfake samples in ../shared (skipped with a reason when absent)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# The suite runs as `pytest -n 2` on 2 cores: one compute thread per worker avoids oversubscription
# (measured: MTCNN went from ~95 ms to 400-1500 ms per image with 2 threads in each of 2 workers).
# Set before any test module imports torch, so torch starts with one intra-op thread.
for _variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_variable] = "1"

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "face-cutout-samples"


@dataclass(frozen=True)
class FakeSample:
    """A real fake face crop with its diff and the 5 MTCNN landmarks of its original."""

    dataset: str
    video: str
    frame_file: str
    image_path: Path
    diff_path: Path
    landmarks_path: Path


def real_fakes() -> list[FakeSample]:
    """Every fake crop of the shared samples that has its diff and its original's landmarks."""
    from facecutout.data.table import load_samples

    samples, _ = load_samples(SAMPLES, ["celebdf.csv", "ffpp.csv"])
    return [
        FakeSample(
            sample.dataset, sample.video, sample.image.name, sample.image, sample.diff, sample.landmarks
        )
        for sample in samples
        if sample.label == 1 and sample.diff is not None and sample.landmarks is not None
    ]


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"shared samples not found at {SAMPLES} (they ship beside the repository, not in it)")
    return SAMPLES


@pytest.fixture(scope="session")
def fake_samples(samples_dir: Path) -> list[FakeSample]:
    samples = real_fakes()
    assert samples, f"no complete fake sample (crop + diff + landmarks) under {samples_dir}"
    return samples


@pytest.fixture(scope="session")
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)
