"""The embedded face: scikit-image's public-domain ``astronaut``, detected with both landmark backends."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facecutout.data.crops import CROP_MARGIN
from facecutout.errors import DataError


@dataclass(frozen=True)
class DetectedFace:
    """An image with one face: its MTCNN box, 68 dlib points and 5 MTCNN points, in image coordinates."""

    image: np.ndarray
    box: np.ndarray
    points68: np.ndarray
    points5: np.ndarray

    def cropped(self, margin: float = CROP_MARGIN) -> DetectedFace:
        """The face crop (box grown by ``margin`` of its side), points moved into it."""
        x1, y1, x2, y2 = crop_box(self.box, *self.image.shape[:2], margin)
        offset = np.array([x1, y1], dtype=np.float64)
        return DetectedFace(
            image=np.ascontiguousarray(self.image[y1:y2, x1:x2]),
            box=self.box - np.concatenate([offset, offset]),
            points68=self.points68 - offset,
            points5=self.points5 - offset,
        )


def astronaut() -> np.ndarray:
    """The astronaut image (512 x 512 RGB uint8), shipped inside scikit-image: no download."""
    from skimage import data

    return np.ascontiguousarray(data.astronaut())


def crop_box(
    box: np.ndarray, height: int, width: int, margin: float = CROP_MARGIN
) -> tuple[int, int, int, int]:
    """The box (x1, y1, x2, y2) grown by ``margin`` x its side on each side, clipped to the image."""
    x1, y1, x2, y2 = (float(value) for value in box)
    grow_x, grow_y = (x2 - x1) * margin, (y2 - y1) * margin
    return (
        max(int(x1 - grow_x), 0),
        max(int(y1 - grow_y), 0),
        min(int(np.ceil(x2 + grow_x)), width),
        min(int(np.ceil(y2 + grow_y)), height),
    )


def detect_face(image: np.ndarray, source: str = "image") -> DetectedFace:
    """Detect the primary face with MTCNN (5 points) and dlib (68 points), in image coordinates."""
    from facecutout.landmarks import get_detector, primary_face

    found = {}
    for backend in ("mtcnn", "dlib68"):
        face = primary_face(get_detector(backend).detect(image))
        if face is None:
            raise DataError(f"{source}: the {backend} backend found no face")
        found[backend] = face
    return DetectedFace(
        image=image,
        box=found["mtcnn"].box.astype(np.float64),
        points68=found["dlib68"].points.astype(np.float64),
        points5=found["mtcnn"].points.astype(np.float64),
    )
