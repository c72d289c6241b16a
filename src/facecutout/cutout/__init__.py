"""Face-Cutout: landmark-guided cutout that respects the manipulated region."""

from facecutout.cutout.functional import face_cutout, select_region
from facecutout.cutout.manipulation import DEFAULT_DIFF_LEVEL, binarize_diff

__all__ = ["DEFAULT_DIFF_LEVEL", "binarize_diff", "face_cutout", "select_region"]
