"""facecutout: Face-Cutout augmentation and a deepfake-detection pipeline around it.

Importing the package registers its albumentations transforms (``FaceCutout``,
``DetectingFaceCutout``), so saved pipelines that hold them load with ``A.load`` / ``A.from_dict``.
"""

from facecutout.cutout import (
    DEFAULT_DIFF_LEVEL,
    LandmarkScheme,
    binarize_diff,
    face_cutout,
    register_scheme,
)
from facecutout.cutout.transform import FaceCutout
from facecutout.errors import CheckpointError, DataError, FaceCutoutError, InvalidInputError
from facecutout.landmarks.transform import DetectingFaceCutout

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_DIFF_LEVEL",
    "CheckpointError",
    "DataError",
    "DetectingFaceCutout",
    "FaceCutout",
    "FaceCutoutError",
    "InvalidInputError",
    "LandmarkScheme",
    "binarize_diff",
    "face_cutout",
    "register_scheme",
]
