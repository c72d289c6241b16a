"""Named detector backends and the per-process cache behind :func:`get_detector`."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

from facecutout.errors import InvalidInputError
from facecutout.extras import require
from facecutout.landmarks.base import LandmarkDetector


@dataclass(frozen=True)
class Backend:
    """A named backend: its landmark count, what it is, whether it runs on torch devices."""

    name: str
    num_points: int
    summary: str
    uses_torch: bool
    build: Callable[[str], LandmarkDetector]


def _build_mtcnn(device: str) -> LandmarkDetector:
    from facecutout.landmarks.mtcnn import MTCNNDetector

    return MTCNNDetector(device=device)


def _build_dlib68(device: str) -> LandmarkDetector:
    from facecutout.landmarks.dlib68 import Dlib68Detector

    return Dlib68Detector()


BACKENDS: dict[str, Backend] = {
    backend.name: backend
    for backend in (
        Backend("mtcnn", 5, "facenet-pytorch MTCNN, 5 points, batched, CPU or CUDA", True, _build_mtcnn),
        Backend("dlib68", 68, "dlib HOG detector + iBUG 68-point shape predictor, CPU", False, _build_dlib68),
    )
}

_cache: dict[tuple[str, str], LandmarkDetector] = {}
_cache_pid = os.getpid()
_cache_lock = threading.Lock()


def available_backends() -> dict[str, str]:
    """Backend name -> a one-line description."""
    return {name: backend.summary for name, backend in BACKENDS.items()}


def resolve_device(backend: Backend, device: str | None) -> str:
    """The device a backend runs on: torch backends take "cuda" when available for None; dlib is CPU."""
    if not backend.uses_torch:
        if device not in (None, "cpu"):
            raise InvalidInputError(f"device: backend {backend.name!r} runs on the CPU only, got {device!r}")
        return "cpu"
    torch = require("torch", f"the {backend.name} landmark backend")
    if device is None:
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        parsed = torch.device(device)
    except (RuntimeError, TypeError) as error:
        raise InvalidInputError(f"device: not a torch device: {device!r} ({error})") from None
    if parsed.type == "cuda" and not torch.cuda.is_available():
        raise InvalidInputError(f"device: {device!r} requested but CUDA is not available")
    return str(parsed)


def get_detector(name: str, device: str | None = None) -> LandmarkDetector:
    """The shared detector ``name`` on ``device``: one instance per (name, device) per process.

    The model loads on the first detection, not here. ``device`` None means "cuda" when available,
    else "cpu" (torch backends); dlib68 runs on the CPU.
    """
    global _cache_pid
    backend = BACKENDS.get(name) if isinstance(name, str) else None
    if backend is None:
        raise InvalidInputError(f"detector: unknown backend {name!r}; choose one of {sorted(BACKENDS)}")
    key = (name, resolve_device(backend, device))
    with _cache_lock:
        if _cache_pid != os.getpid():
            _cache.clear()
            _cache_pid = os.getpid()
        if key not in _cache:
            _cache[key] = backend.build(key[1])
        return _cache[key]
