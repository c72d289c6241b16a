"""The on-disk dataset: where every file goes, the CSV's columns and the fold policy.

One definition, written by preprocessing, the pseudo-fakes and the demo, read by the training table
(and so by evaluation). Under a data root ``ROOT``, dataset ``NAME`` is:

```
ROOT/NAME.csv                                       COLUMNS (+ ``identity`` from preprocessing)
ROOT/NAME_report.json                               preprocessing: counts and skips of every stage
ROOT/NAME_summary.json                              pseudo-fakes: counts and skips of the write
ROOT/NAME/face_crops/<video>/<frame>_<person>.png   face crops; the file name is the CSV's ``file``
ROOT/NAME/diffs/<fake>/<frame>_<person>_diff.png    a fake's grey SSIM diff to its original's crop
ROOT/NAME/masks/<fake>/<frame>_<person>_mask.png    a fake's exact manipulated region, 0 / 255
ROOT/NAME/original_landmarks/<original>/<frame>_<person>.npy     5 MTCNN points from preprocessing
                                                    (pseudo-fakes keep the points they were given)
ROOT/NAME/original_landmarks_68/<original>/<frame>_<person>.npy  68 dlib points from preprocessing
ROOT/NAME/embeddings/<original>.npy                 preprocessing: dlib face embeddings
ROOT/NAME/.markers/<stage>/<video>.json             preprocessing: per-stage results, written last
ROOT/NAME/recipe.json                               pseudo-fakes: seed, diff kind and blend settings
```

A CSV may instead name a row's files itself in PATH_COLUMNS (``facecutout from-deepfakebench``
writes them to use another tool's preprocessed files in place): the face image, its landmarks and a
fake's exact region, each absolute or relative to the data root. Such a row reads nothing from the
layout above.

Every file is written atomically (``facecutout.fileio``: a temporary beside it, then a rename).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from facecutout.errors import DataError
from facecutout.fileio import atomic_write_bytes

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ("video", "file", "label", "original", "frame", "fold", "dataset")
"""The columns every dataset CSV has, in this order."""
IDENTITY = "identity"
"""The optional column after COLUMNS: the identity group of the row's video (preprocessing writes it)."""
PATH_COLUMNS = ("image_path", "landmarks_path", "mask_path")
"""Optional columns naming a row's files directly: its image (with it, the row uses no layout path),
its landmarks (.npy) and, for a fake, its exact manipulated region (an image, 0 outside); empty
when the row has no such file."""
HOLDOUT_FOLD = -1
"""The fold of held-out groups (official test videos); training skips negative folds by default."""

LANDMARK_FOLDERS = {"mtcnn": "original_landmarks", "dlib68": "original_landmarks_68"}
"""The landmark folder of each preprocessing backend."""
DEFAULT_LANDMARK_FOLDER = LANDMARK_FOLDERS["mtcnn"]
"""The landmark folder training reads unless told otherwise."""


def crop_name(frame: int, person: int) -> str:
    """The file name of the face crop of ``person`` in ``frame``: the CSV's ``file``."""
    return f"{frame}_{person}.png"


@dataclass(frozen=True)
class DatasetLayout:
    """Paths of dataset ``name`` under the data root ``root`` (see the module doc).

    A face crop is named by its file name (``crop_name``, the CSV's ``file``); its diff, mask and
    landmark files take the crop's stem.
    """

    root: Path
    name: str

    @property
    def folder(self) -> Path:
        return self.root / self.name

    @property
    def csv(self) -> Path:
        return self.root / f"{self.name}.csv"

    @property
    def report(self) -> Path:
        return self.root / f"{self.name}_report.json"

    @property
    def summary(self) -> Path:
        return self.root / f"{self.name}_summary.json"

    @property
    def recipe(self) -> Path:
        return self.folder / "recipe.json"

    def crop(self, video: str, file: str) -> Path:
        return self.folder / "face_crops" / video / file

    def diff(self, video: str, file: str) -> Path:
        return self.folder / "diffs" / video / f"{Path(file).stem}_diff.png"

    def mask(self, video: str, file: str) -> Path:
        return self.folder / "masks" / video / f"{Path(file).stem}_mask.png"

    def landmarks(self, original: str, file: str, folder: str = DEFAULT_LANDMARK_FOLDER) -> Path:
        """The landmarks of crop ``file`` of ``original`` (a fake's crop uses its original's)."""
        return self.folder / folder / original / f"{Path(file).stem}.npy"

    def embeddings(self, video: str) -> Path:
        return self.folder / "embeddings" / f"{video}.npy"

    def marker(self, stage: str, video: str) -> Path:
        return self.folder / ".markers" / stage / f"{video}.json"

    def video_folders(self, video: str) -> list[Path]:
        """The folders preprocessing writes that hold only this video's files."""
        folders = [self.folder / folder / video for folder in ("face_crops", "diffs", "masks")]
        return folders + [self.folder / folder / video for folder in LANDMARK_FOLDERS.values()]


def write_csv(path: str | os.PathLike, table: pd.DataFrame) -> None:
    """Atomically write a dataset CSV: COLUMNS in order, then ``identity`` and PATH_COLUMNS the table has."""
    missing = [column for column in COLUMNS if column not in table.columns]
    if missing:
        raise DataError(f"dataset CSV {path}: the table lacks the columns {missing}")
    columns = list(COLUMNS) + [column for column in (IDENTITY, *PATH_COLUMNS) if column in table.columns]
    atomic_write_bytes(path, table[columns].to_csv(index=False).encode())


def assign_folds(group_sizes: Mapping[str, int], folds: int, holdout: Iterable[str] = ()) -> dict[str, int]:
    """Group -> fold: whole groups go to folds, so no group is ever split across two.

    A group is whatever must stay together: for preprocessing an identity group (an original, its
    fakes and every video linked to the same person), for pseudo-fakes an original video with its
    pseudo-fake. Largest group first (ties by name), each goes to the fold with the fewest rows so
    far (ties to the lowest fold), so the folds hold about as many rows each; the result depends
    only on the groups and their sizes (row counts). Groups in ``holdout`` get HOLDOUT_FOLD.
    """
    held = set(holdout)
    assignment = {group: HOLDOUT_FOLD for group in held}
    load = [0] * folds
    for group, size in sorted(group_sizes.items(), key=lambda item: (-item[1], item[0])):
        if group in held:
            continue
        fold = min(range(folds), key=lambda index: (load[index], index))
        assignment[group] = fold
        load[fold] += size
    return assignment
