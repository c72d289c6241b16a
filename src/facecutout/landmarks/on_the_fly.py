"""Landmarks detected while augmenting: used by face_cutout / FaceCutout when none are given."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from facecutout.errors import InvalidInputError
from facecutout.landmarks.base import LandmarkDetector, primary_face
from facecutout.landmarks.images import as_rgb_uint8
from facecutout.landmarks.registry import BACKENDS, get_detector

logger = logging.getLogger(__name__)

DetectorSpec = str | LandmarkDetector


@dataclass
class DetectionStats:
    """How many on-the-fly detections found a face and how many found none (image left unchanged)."""

    found: int = 0
    no_face: int = 0

    @property
    def total(self) -> int:
        return self.found + self.no_face

    def record(self, found: bool) -> None:
        if found:
            self.found += 1
        else:
            self.no_face += 1


def resolve_detector(detector: object, name: str = "detector") -> LandmarkDetector:
    """A detector instance from a backend name or an instance."""
    if isinstance(detector, LandmarkDetector):
        return detector
    if isinstance(detector, str):
        return get_detector(detector)
    raise InvalidInputError(
        f"{name} must be a backend name (e.g. 'mtcnn', 'dlib68') or a LandmarkDetector, "
        f"got {type(detector).__name__}"
    )


def detector_num_points(detector: object, name: str = "detector") -> int:
    """How many points ``detector`` (a backend name or an instance) gives, without loading it."""
    if isinstance(detector, str) and detector in BACKENDS:
        return BACKENDS[detector].num_points
    if isinstance(detector, str):
        raise InvalidInputError(f"{name}: unknown backend {detector!r}; choose one of {sorted(BACKENDS)}")
    return resolve_detector(detector, name).num_points


def detect_landmarks(
    detector: LandmarkDetector,
    image: np.ndarray,
    original: np.ndarray | None = None,
    stats: DetectionStats | None = None,
) -> np.ndarray | None:
    """The primary face's points, detected on ``original`` when given (it shares the fake's geometry),
    else on ``image``; None when no face is found (recorded in ``stats`` and logged at debug level).
    """
    source = image
    if original is not None:
        if not isinstance(original, np.ndarray) or original.shape[:2] != image.shape[:2]:
            shape = getattr(original, "shape", type(original).__name__)
            raise InvalidInputError(
                f"original must be an image of the same size as image {image.shape[:2]}, got {shape}"
            )
        source = original
    face = primary_face(
        detector.detect(as_rgb_uint8(source, "original" if original is not None else "image"))
    )
    if stats is not None:
        stats.record(face is not None)
    if face is None:
        logger.debug("%s found no face in a %s image: left unchanged", detector.name, source.shape)
        return None
    return face.points
