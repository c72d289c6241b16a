"""MTCNN (facenet-pytorch): face boxes and 5 landmarks, batched over images of equal size.

Points follow MTCNN's order: left eye, right eye, nose tip, left mouth corner, right mouth corner
(as seen in the image). The weights ship inside the facenet-pytorch wheel: nothing is downloaded.
facenet-pytorch (and torch) come with the ``landmarks`` extra.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from facecutout.extras import require
from facecutout.landmarks.base import Face, LandmarkDetector
from facecutout.landmarks.images import check_rgb_uint8, is_too_small
from facecutout.landmarks.process_local import ProcessLocal


class MTCNNDetector(LandmarkDetector):
    """facenet-pytorch's MTCNN on ``device`` ("cpu", "cuda", "cuda:1", ...), loaded on first use.

    Args:
        device: torch device string.
        min_face_size: smallest face searched for, in pixels (20 finds faces in crops of ~40 px).
        thresholds: the three stages' score thresholds.
        factor: scale step of the image pyramid.
        batch_size: most images sent to the network at once (images of one size form a batch).
    """

    name = "mtcnn"
    num_points = 5

    def __init__(
        self,
        device: str = "cpu",
        min_face_size: int = 20,
        thresholds: tuple[float, float, float] = (0.6, 0.7, 0.7),
        factor: float = 0.709,
        batch_size: int = 32,
    ):
        self.device = device
        self.min_face_size = min_face_size
        self.thresholds = thresholds
        self.factor = factor
        self.batch_size = batch_size
        self._model: ProcessLocal[Any] = ProcessLocal(self._load)

    @property
    def loaded(self) -> bool:
        return self._model.loaded

    def _load(self) -> Any:
        MTCNN = require("facenet_pytorch", "the mtcnn landmark backend").MTCNN

        return MTCNN(
            keep_all=True,
            device=self.device,
            min_face_size=self.min_face_size,
            thresholds=list(self.thresholds),
            factor=self.factor,
            post_process=False,
        )

    def detect_batch(self, images: Sequence[np.ndarray]) -> list[list[Face]]:
        arrays = [check_rgb_uint8(image, f"images[{index}]") for index, image in enumerate(images)]
        results: list[list[Face]] = [[] for _ in arrays]
        by_shape: dict[tuple[int, ...], list[int]] = defaultdict(list)
        for index, array in enumerate(arrays):
            if not is_too_small(array):
                by_shape[array.shape].append(index)
        if not by_shape:
            return results
        model = self._model.get()
        for indices in by_shape.values():
            for start in range(0, len(indices), self.batch_size):
                chunk = indices[start : start + self.batch_size]
                boxes, scores, points = model.detect(np.stack([arrays[i] for i in chunk]), landmarks=True)
                for position, index in enumerate(chunk):
                    results[index] = _faces(boxes[position], scores[position], points[position])
        return results


def _faces(boxes: Any, scores: Any, points: Any) -> list[Face]:
    """One image's MTCNN output (None when no face) as Face objects."""
    if boxes is None:
        return []
    boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)
    scores = np.asarray(scores, dtype=np.float32).reshape(-1)
    points = np.asarray(points, dtype=np.float32).reshape(-1, 5, 2)
    return [
        Face(box=box, score=float(score), points=pts)
        for box, score, pts in zip(boxes, scores, points, strict=True)
    ]
