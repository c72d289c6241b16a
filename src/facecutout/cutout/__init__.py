"""Face-Cutout: landmark-guided cutout that respects the manipulated region.

The augmentation core: landmark schemes, candidate regions, the rasterisation and overlap rules,
the fills, the functional API and the albumentations transform. It needs numpy, OpenCV and
albumentations only, and imports nothing of the rest of the package.
"""

from facecutout.cutout.candidates import HULL_STRATEGIES, SENSORY_FEATURES
from facecutout.cutout.functional import face_cutout, select_region
from facecutout.cutout.manipulation import DEFAULT_DIFF_LEVEL, binarize_diff
from facecutout.cutout.raster import Region
from facecutout.cutout.schemes import LandmarkScheme, register_scheme, resolve_scheme
from facecutout.cutout.selection import VARIANTS
from facecutout.cutout.validation import check_landmarks

__all__ = [
    "DEFAULT_DIFF_LEVEL",
    "HULL_STRATEGIES",
    "SENSORY_FEATURES",
    "VARIANTS",
    "LandmarkScheme",
    "Region",
    "binarize_diff",
    "check_landmarks",
    "face_cutout",
    "register_scheme",
    "resolve_scheme",
    "select_region",
]
