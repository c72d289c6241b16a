"""dlib 68 landmarks: the HOG frontal face detector + the iBUG 300-W shape predictor.

The predictor file ships in the face-recognition-models wheel; dlib-bin is dlib prebuilt (CPU). Both
come with the ``landmarks`` extra.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from facecutout.errors import DataError
from facecutout.extras import not_installed, require
from facecutout.landmarks.base import Face, LandmarkDetector
from facecutout.landmarks.images import check_rgb_uint8, is_too_small
from facecutout.landmarks.process_local import ProcessLocal

PREDICTOR_FILE = "shape_predictor_68_face_landmarks.dat"


def predictor_path(file_name: str = PREDICTOR_FILE) -> Path:
    """Path of a dlib model file inside the installed face-recognition-models package."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise not_installed("face_recognition_models", "the dlib68 landmark backend (its shape predictor)")
    path = Path(list(spec.submodule_search_locations)[0]) / "models" / file_name
    if not path.is_file():
        raise DataError(f"dlib model file missing: {path}")
    return path


class Dlib68Detector(LandmarkDetector):
    """dlib's HOG face detector and 68-point shape predictor, loaded on first use (CPU only).

    dlib's HOG window is 80 px, so faces smaller than that are missed at the image's own size. An
    image whose longer side is at most ``retry_max_side`` px and where no face was found is searched
    again ``retry_upsample`` times upsampled (2x per step): tight face crops of 100-250 px are found
    without paying for upsampling on every large frame.

    Scores are dlib's detection margins squashed into (0, 1) by the logistic function.
    """

    name = "dlib68"
    num_points = 68

    def __init__(self, upsample: int = 0, retry_upsample: int = 1, retry_max_side: int = 640):
        self.upsample = upsample
        self.retry_upsample = retry_upsample
        self.retry_max_side = retry_max_side
        self._model: ProcessLocal[tuple[Any, Any]] = ProcessLocal(self._load)

    @property
    def loaded(self) -> bool:
        return self._model.loaded

    def _load(self) -> tuple[Any, Any]:
        dlib = require("dlib", "the dlib68 landmark backend")
        return dlib.get_frontal_face_detector(), dlib.shape_predictor(str(predictor_path()))

    def detect_batch(self, images: Sequence[np.ndarray]) -> list[list[Face]]:
        arrays = [check_rgb_uint8(image, f"images[{index}]") for index, image in enumerate(images)]
        return [[] if is_too_small(array) else self._detect_one(array) for array in arrays]

    def _detect_one(self, image: np.ndarray) -> list[Face]:
        detector, predictor = self._model.get()
        rectangles, margins, _ = detector.run(image, self.upsample, 0.0)
        small = max(image.shape[:2]) <= self.retry_max_side
        if not rectangles and small and self.retry_upsample > self.upsample:
            rectangles, margins, _ = detector.run(image, self.retry_upsample, 0.0)
        faces = []
        for rectangle, margin in zip(rectangles, margins, strict=True):
            shape = predictor(image, rectangle)
            points = np.array([(part.x, part.y) for part in shape.parts()], dtype=np.float32)
            box = np.array(
                [rectangle.left(), rectangle.top(), rectangle.right(), rectangle.bottom()], dtype=np.float32
            )
            faces.append(Face(box=box, score=1.0 / (1.0 + math.exp(-margin)), points=points))
        return faces
