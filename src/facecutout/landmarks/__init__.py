"""Face and landmark detectors that work offline: "mtcnn" (5 points) and "dlib68" (68 points).

``get_detector(name, device)`` returns a shared detector; models load on first use, once per
process. ``primary_face`` picks the face to use when one is needed: the largest box.
"""

from facecutout.landmarks.base import Face, LandmarkDetector, primary_face
from facecutout.landmarks.images import MIN_IMAGE_SIDE
from facecutout.landmarks.on_the_fly import DetectionStats, detect_landmarks
from facecutout.landmarks.registry import available_backends, get_detector
from facecutout.landmarks.transform import DetectingFaceCutout

__all__ = [
    "MIN_IMAGE_SIDE",
    "DetectingFaceCutout",
    "DetectionStats",
    "Face",
    "LandmarkDetector",
    "available_backends",
    "detect_landmarks",
    "get_detector",
    "primary_face",
]
