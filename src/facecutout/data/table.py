"""Read the paper's CSV layout into samples whose files exist, counting what is missing.

A CSV has the columns of :data:`facecutout.data.layout.COLUMNS` (``identity`` optional); the files
of a row are where :class:`facecutout.data.layout.DatasetLayout` puts them under
``ROOT/<dataset>/``: the face crop, for fakes the diff and optionally the exact mask (as ``facecutout
pseudofake`` writes it; it takes precedence over the SSIM diff), and the landmarks in the chosen
landmark folder (``original_landmarks`` by default). Rows whose crop is missing are dropped and
counted; the count is logged once per read, never retried. A row whose ``image_path`` is set
(:data:`facecutout.data.layout.PATH_COLUMNS`) takes its image, landmarks and exact region from its
own path columns instead (absolute, or relative to the data root), and nothing from the layout.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from facecutout.data.layout import COLUMNS, DEFAULT_LANDMARK_FOLDER, IDENTITY, DatasetLayout
from facecutout.errors import DataError

logger = logging.getLogger(__name__)

NAME_COLUMNS = ("video", "file", "original", "dataset")


@dataclass(frozen=True)
class Sample:
    """One face crop of the table with the paths of everything that belongs to it."""

    row: str
    dataset: str
    video: str
    original: str
    frame: int
    fold: int
    label: int
    image: Path
    diff: Path | None
    original_image: Path | None
    landmarks: Path | None
    identity: str | None = None
    exact_mask: Path | None = None


@dataclass
class TableReport:
    """Counts of one read: rows kept and rows or files that were missing."""

    rows: int = 0
    kept: int = 0
    missing_image: int = 0
    fakes_without_diff: int = 0
    diffs_from_original: int = 0
    exact_masks: int = 0
    without_landmarks: int = 0
    examples: list[str] = field(default_factory=list)

    def log(self) -> None:
        """Log the counts once, with a few examples of missing files."""
        logger.info(
            "read %d rows, kept %d; %d missing face crops; fakes: %d exact region masks, %d diffs computed "
            "from the original crop, %d without any diff; %d rows without landmarks",
            self.rows,
            self.kept,
            self.missing_image,
            self.exact_masks,
            self.diffs_from_original,
            self.fakes_without_diff,
            self.without_landmarks,
        )
        if self.missing_image:
            logger.warning(
                "%d rows have no face crop and are skipped, e.g. %s",
                self.missing_image,
                "; ".join(self.examples[:3]),
            )


def resolve_csv(root: Path, csv: str | os.PathLike) -> Path:
    """A CSV given as is, or relative to the data root."""
    path = Path(csv)
    if path.is_file():
        return path
    if (root / path).is_file():
        return root / path
    raise DataError(f"CSV {csv} not found (looked as given and under {root})")


def integer_column(table: pd.DataFrame, column: str, source: str | os.PathLike) -> pd.Series:
    """The text column ``column`` of a CSV read as strings, as integers; DataError naming the CSV
    line of the first value that is not an integer (empty, NaN, a word, a fraction)."""
    numbers = pd.to_numeric(table[column], errors="coerce")
    bad = numbers.isna() | (numbers != numbers.round())
    if bad.any():
        line = int(bad.to_numpy().argmax()) + 2
        raise DataError(
            f"{source}:{line}: column {column} must be an integer, got {table[column][bad].iloc[0]!r}"
        )
    return numbers.astype(int)


def read_table(csv_path: Path) -> pd.DataFrame:
    """Read and validate one CSV: the columns, integer labels in {0, 1} and integer folds."""
    try:
        table = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as error:
        raise DataError(f"cannot read CSV {csv_path}: {error}") from None
    missing = [column for column in COLUMNS if column not in table.columns]
    if missing:
        raise DataError(
            f"CSV {csv_path} lacks the columns {missing}; expected {','.join(COLUMNS)}, "
            f"got {','.join(table.columns)}"
        )
    for column in ("label", "fold", "frame"):
        table[column] = integer_column(table, column, csv_path)
    bad_label = ~table["label"].isin([0, 1])
    if bad_label.any():
        line = int(bad_label.to_numpy().argmax()) + 2
        raise DataError(
            f"{csv_path}:{line}: label must be 0 (real) or 1 (fake), got {table['label'][bad_label].iloc[0]}"
        )
    return table


def _inside(root: Path, path: Path, where: str) -> Path:
    resolved = path.resolve()
    if not resolved.is_relative_to(root):
        raise DataError(f"{where}: path {path} leaves the data root {root}")
    return path


def _check_names(values: dict[str, str], where: str) -> None:
    for column, value in values.items():
        parts = Path(value).parts
        if not value or "\0" in value or Path(value).is_absolute() or ".." in parts or len(parts) != 1:
            raise DataError(f"{where}: column {column} must be a plain file or folder name, got {value!r}")


def _sample(
    row: tuple,
    where: str,
    image: Path,
    diff: Path | None = None,
    original_image: Path | None = None,
    landmarks: Path | None = None,
    exact_mask: Path | None = None,
) -> Sample:
    """The Sample of a table row with the files found for it."""
    return Sample(
        where,
        row.dataset,
        row.video,
        row.original,
        row.frame,
        row.fold,
        row.label,
        image,
        diff,
        original_image,
        landmarks,
        getattr(row, IDENTITY, None) or None,
        exact_mask,
    )


def _named_file(root: Path, value: object) -> Path | None:
    """A path column's file (relative paths from the data root); None when empty or absent."""
    if not isinstance(value, str) or not value:
        return None
    path = Path(value) if Path(value).is_absolute() else root / value
    return path if path.is_file() else None


def _direct_sample(root: Path, row: tuple, where: str, report: TableReport) -> Sample | None:
    """The sample of a row that names its own files (None, counted, when its image is missing)."""
    image = _named_file(root, row.image_path)
    if image is None:
        report.missing_image += 1
        report.examples.append(f"{where} {row.image_path}")
        return None
    landmarks = _named_file(root, getattr(row, "landmarks_path", ""))
    report.without_landmarks += landmarks is None
    exact_mask = _named_file(root, getattr(row, "mask_path", "")) if row.label == 1 else None
    report.exact_masks += exact_mask is not None
    report.fakes_without_diff += row.label == 1 and exact_mask is None
    return _sample(row, where, image, landmarks=landmarks, exact_mask=exact_mask)


def samples_from_table(
    root: Path,
    table: pd.DataFrame,
    source: str,
    report: TableReport,
    landmark_folder: str = DEFAULT_LANDMARK_FOLDER,
) -> list[Sample]:
    """The samples of one validated table whose face crop exists under ``root``."""
    resolved_root = root.resolve()
    samples = []
    for index, row in enumerate(table.itertuples(index=False), start=2):
        where = f"{source}:{index}"
        _check_names({column: getattr(row, column) for column in NAME_COLUMNS}, where)
        report.rows += 1
        if getattr(row, "image_path", ""):
            direct = _direct_sample(root, row, where, report)
            if direct is not None:
                samples.append(direct)
                report.kept += 1
            continue
        layout = DatasetLayout(root, row.dataset)
        image = _inside(resolved_root, layout.crop(row.video, row.file), where)
        if not image.is_file():
            report.missing_image += 1
            report.examples.append(f"{where} {image}")
            continue
        landmarks = _inside(resolved_root, layout.landmarks(row.original, row.file, landmark_folder), where)
        if not landmarks.is_file():
            landmarks = None
            report.without_landmarks += 1
        diff = original_image = exact_mask = None
        if row.label == 1:
            exact_mask = _inside(resolved_root, layout.mask(row.video, row.file), where)
            if exact_mask.is_file():
                report.exact_masks += 1
            else:
                exact_mask = None
            diff = _inside(resolved_root, layout.diff(row.video, row.file), where)
            if not diff.is_file():
                diff = None
                original_image = _inside(resolved_root, layout.crop(row.original, row.file), where)
                if original_image.is_file():
                    report.diffs_from_original += 1
                else:
                    original_image = None
                    report.fakes_without_diff += 1
        samples.append(_sample(row, where, image, diff, original_image, landmarks, exact_mask))
        report.kept += 1
    return samples


def check_listed_once(samples: Sequence[Sample]) -> None:
    """DataError naming both CSV lines when two rows list the same face crop (the same dataset, video
    and file): training and evaluation would use it twice and count it twice in every metric."""
    first: dict[Path, str] = {}
    for sample in samples:
        earlier = first.setdefault(sample.image, sample.row)
        if earlier != sample.row:
            raise DataError(
                f"{sample.row}: the crop {sample.dataset}/{sample.video}/{sample.image.name} is already "
                f"listed at {earlier}; list every crop once"
            )


def load_samples(
    root: str | os.PathLike,
    csvs: Sequence[str | os.PathLike],
    landmark_folder: str = DEFAULT_LANDMARK_FOLDER,
) -> tuple[list[Sample], TableReport]:
    """Read every CSV under ``root`` into samples; logs the counts of what is missing once."""
    _check_names({"landmark_folder": landmark_folder}, "data.landmark_folder")
    data_root = Path(root)
    if not data_root.is_dir():
        raise DataError(f"data root {data_root} is not a folder")
    if not csvs:
        raise DataError(f"no CSV given for data root {data_root} (one per dataset, e.g. celebdf.csv)")
    report = TableReport()
    samples: list[Sample] = []
    for csv in csvs:
        path = resolve_csv(data_root, csv)
        samples.extend(samples_from_table(data_root, read_table(path), str(path), report, landmark_folder))
    report.log()
    check_listed_once(samples)
    if not samples:
        raise DataError(f"no usable rows in {', '.join(map(str, csvs))} under {data_root}")
    return samples, report
