"""Detect the astronaut's landmarks in every layout with a detector here, for the scheme tests and picture.

Run: .venv/bin/python scripts/reference_landmarks.py [--out tests/data/astronaut_landmarks.npz]

Writes float32 (N, 2) (x, y) pixel arrays of scikit-image's public-domain astronaut (512 x 512):
``mtcnn5`` and ``dlib68`` from facecutout's detectors, and ``mediapipe478`` from MediaPipe Face
Mesh (``refine_landmarks=True``: 468 mesh points + 10 iris points). MediaPipe is not a dependency
of facecutout (its wheel pins its own OpenCV); when it cannot be imported the stored
``mediapipe478`` is kept. It was made with mediapipe==0.10.14 in a separate virtualenv:
``python -m venv /tmp/mp && /tmp/mp/bin/pip install mediapipe==0.10.14 scikit-image`` and
``PYTHONPATH=src /tmp/mp/bin/python scripts/reference_landmarks.py --mediapipe-only``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from skimage import data

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "astronaut_landmarks.npz"


def mediapipe_points(image: np.ndarray) -> np.ndarray | None:
    """The 478 Face Mesh points of the image's face in pixels, or None without mediapipe."""
    try:
        import mediapipe as mp
    except ImportError:
        return None
    settings = {"static_image_mode": True, "refine_landmarks": True, "max_num_faces": 1}
    with mp.solutions.face_mesh.FaceMesh(**settings) as mesh:
        result = mesh.process(image)
    height, width = image.shape[:2]
    points = result.multi_face_landmarks[0].landmark
    return np.array([[point.x * width, point.y * height] for point in points], dtype=np.float32)


def facecutout_points(image: np.ndarray) -> dict[str, np.ndarray]:
    """The 5 MTCNN and 68 dlib points of the image's largest face."""
    from facecutout.landmarks import get_detector, primary_face

    found = {}
    for backend, key in (("mtcnn", "mtcnn5"), ("dlib68", "dlib68")):
        face = primary_face(get_detector(backend, device="cpu").detect(image))
        found[key] = face.points.astype(np.float32)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--mediapipe-only", action="store_true", help="update mediapipe478 alone")
    args = parser.parse_args()
    image = np.ascontiguousarray(data.astronaut())
    arrays = dict(np.load(args.out)) if args.out.is_file() else {}
    if not args.mediapipe_only:
        arrays.update(facecutout_points(image))
    mesh = mediapipe_points(image)
    if mesh is not None:
        arrays["mediapipe478"] = mesh
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(args.out, **arrays)
    print(args.out, {key: value.shape for key, value in arrays.items()})


if __name__ == "__main__":
    main()
