"""facecutout: Face-Cutout augmentation and a deepfake-detection pipeline around it.

The light functional API is imported eagerly; ``FaceCutout`` (albumentations) is imported on first
use so that ``import facecutout`` stays cheap.
"""

from facecutout.cutout import DEFAULT_DIFF_LEVEL, binarize_diff, face_cutout
from facecutout.errors import CheckpointError, DataError, FaceCutoutError, InvalidInputError

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_DIFF_LEVEL",
    "CheckpointError",
    "DataError",
    "FaceCutout",
    "FaceCutoutError",
    "InvalidInputError",
    "binarize_diff",
    "face_cutout",
]


def __getattr__(name: str):
    if name == "FaceCutout":
        from facecutout.cutout.transform import FaceCutout

        return FaceCutout
    raise AttributeError(f"module 'facecutout' has no attribute {name!r}")
