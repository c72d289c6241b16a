"""A fake's manipulated region M for training, kept as packed bits once it has been read.

M is ``diff >= level`` of the fake's evidence (:func:`facecutout.data.diffs.load_diff`: an exact
mask, its SSIM diff, or the diff computed from its original's crop). Decoding a grey diff PNG costs
about a third of reading the crop itself; the cache stores M as one bit per pixel, each row padded
to whole bytes, with nothing else in the file (``FOLDER/level<L>/<dataset>/<video>/<crop
stem>.bits``, written atomically the first time a fake is read): its size follows from the crop's,
so reading it is one read of the file and one unpacking. A folder that cannot be written is used
read-only (one warning).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from facecutout.cutout.manipulation import binarize_diff
from facecutout.data.diffs import load_diff
from facecutout.data.table import Sample
from facecutout.errors import DataError
from facecutout.fileio import atomic_write_bytes

logger = logging.getLogger(__name__)


def load_manipulated(sample: Sample, fake: np.ndarray, level: int) -> np.ndarray | None:
    """M (bool, the crop's size) of a fake sample, or None for reals and fakes without evidence."""
    diff = load_diff(sample, fake)
    return None if diff is None else binarize_diff(diff, level=level)


class ManipulatedCache:
    """Packed manipulated regions under ``folder``, for the diff ``level``."""

    def __init__(self, folder: Path, level: int):
        self.folder = Path(folder) / f"level{level}"
        self.level = level
        self.writable = True

    def path(self, sample: Sample) -> Path:
        return self.folder / sample.dataset / sample.video / f"{sample.image.stem}.bits"

    def load(self, sample: Sample, fake: np.ndarray) -> np.ndarray | None:
        """M of a fake sample (see :func:`load_manipulated`), from the cache when it holds it."""
        height, width = fake.shape[:2]
        path = self.path(sample)
        try:
            stored = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):  # not cached yet, or a file in the folder's place
            stored = None
        except OSError as error:
            raise DataError(f"cannot read the cached manipulated region {path}: {error}") from None
        if stored is not None:
            packed = np.frombuffer(stored, dtype=np.uint8)
            row = (width + 7) // 8
            if packed.size != height * row:
                raise DataError(
                    f"cached manipulated region {path} does not fit the crop {sample.image} "
                    f"({height} x {width}); delete {self.folder} to rebuild the cache"
                )
            return np.unpackbits(packed.reshape(height, row), axis=1, count=width).view(bool)
        region = load_manipulated(sample, fake, self.level)
        if region is not None and self.writable:
            try:
                atomic_write_bytes(path, np.packbits(region, axis=1).tobytes())
            except (OSError, DataError) as error:  # DataError: a folder that cannot be created or written
                self.writable = False
                logger.warning(
                    "cannot write to the manipulated-region cache %s (%s): reading diffs", path, error
                )
        return region
