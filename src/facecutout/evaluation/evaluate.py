"""``evaluate(checkpoint, ..., out_dir)``: score a labelled set; write metrics, per-image/video CSVs, curves.

Two inputs: the paper's training layout (``data_root`` + ``csvs``, optionally one ``fold``) with
videos known, or a folder of images with a ``filename,label`` CSV (the paper's 1650-image
validation format, every row scored; an optional ``video`` column enables video metrics).
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from facecutout.errors import DataError, InvalidInputError
from facecutout.fileio import atomic_write_bytes
from facecutout.model.aggregate import aggregate
from facecutout.model.metrics import METRIC_KEYS, EvaluationReport, VideoMetrics, compute_metrics

logger = logging.getLogger(__name__)

LABEL_WORDS = {"0": 0, "1": 1, "real": 0, "fake": 1}


def read_labelled_images(images_dir: str | os.PathLike, labels_csv: str | os.PathLike) -> pd.DataFrame:
    """The ``filename,label`` CSV with resolved ``path`` and integer ``label``; every row is checked."""
    folder = Path(images_dir)
    if not folder.is_dir():
        raise DataError(f"images folder {folder} does not exist")
    try:
        table = pd.read_csv(labels_csv, dtype=str, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as error:
        raise DataError(f"cannot read labels CSV {labels_csv}: {error}") from None
    table.columns = [column.strip().lower() for column in table.columns]
    if not {"filename", "label"} <= set(table.columns):
        raise DataError(
            f"labels CSV {labels_csv} needs the columns filename,label; got {','.join(table.columns)}"
        )
    root = folder.resolve()
    paths, labels = [], []
    lines: dict[Path, str] = {}
    for line, (name, label) in enumerate(zip(table["filename"], table["label"], strict=True), start=2):
        where = f"{labels_csv}:{line}"
        word = label.strip().lower()
        if word not in LABEL_WORDS:
            raise DataError(f"{where}: label must be 0/1 or real/fake, got {label!r}")
        if not name.strip() or "\0" in name:
            raise DataError(f"{where}: filename must name an image file, got {name!r}")
        path = folder / name.strip()
        earlier = lines.setdefault(path, where)
        if earlier != where:
            raise DataError(
                f"{where}: image {name.strip()!r} is already listed at {earlier}; list every image once"
            )
        if not path.resolve().is_relative_to(root):
            raise DataError(f"{where}: filename {name!r} leaves the images folder {folder}")
        if not path.is_file():
            raise DataError(f"{where}: image {path} does not exist")
        paths.append(path)
        labels.append(LABEL_WORDS[word])
    if not paths:
        raise DataError(f"labels CSV {labels_csv} has no rows")
    table["path"] = paths
    table["label"] = labels
    return table


def video_table(per_image: pd.DataFrame, strategy: str) -> pd.DataFrame:
    """One row per video: its label (all its rows must agree), face count and aggregated score."""
    rows = []
    for (dataset, video), group in per_image.groupby(["dataset", "video"], sort=True):
        labels = group["label"].unique()
        if len(labels) != 1:
            raise DataError(f"video {dataset}/{video} has rows labelled both real and fake")
        rows.append(
            {
                "dataset": dataset,
                "video": video,
                "label": int(labels[0]),
                "faces": len(group),
                "score": aggregate(group["score"].to_numpy(), strategy),
            }
        )
    return pd.DataFrame(rows)


def format_table(report: EvaluationReport) -> str:
    """A plain-text table: one line per level (frame, video)."""
    levels = [("frame", report)] + ([("video", report.video)] if report.video else [])
    header = f"{'level':<7}{'n':>7}" + "".join(f"{key:>14}" for key in METRIC_KEYS)
    lines = [header]
    for name, metrics in levels:
        values = [metrics.value(key) for key in METRIC_KEYS]
        cells = "".join(f"{'nan' if math.isnan(value) else format(value, '.4f'):>14}" for value in values)
        lines.append(f"{name:<7}{metrics.n:>7}{cells}")
    return "\n".join(lines)


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    atomic_write_bytes(path, table.to_csv(index=False).encode())


def evaluate(
    checkpoint: str | os.PathLike,
    *,
    out_dir: str | os.PathLike,
    data_root: str | os.PathLike | None = None,
    csvs: Sequence[str | os.PathLike] = (),
    fold: int | None = None,
    images_dir: str | os.PathLike | None = None,
    labels_csv: str | os.PathLike | None = None,
    batch_size: int = 32,
    num_workers: int = 0,
    device: str | None = None,
    aggregation: str = "mean",
    title: str = "",
    progress: bool = True,
) -> EvaluationReport:
    """Score every row of a labelled set with a checkpoint; returns the report written to metrics.json.

    Writes ``metrics.json`` (the frame-level keys of METRIC_KEYS, ``n``, ``notes``, and ``video`` with
    the same keys where videos are known), ``per_image.csv``, ``per_video.csv`` and ``roc.png`` /
    ``pr.png`` (``title``, e.g. the model and the set, goes into the plots' titles). ``progress``: a
    bar while scoring.
    """
    from facecutout.data.dataset import FaceCropDataset, ImageListDataset
    from facecutout.data.table import load_samples
    from facecutout.evaluation.curves import plot_curves
    from facecutout.model.checkpoint import load_classifier
    from facecutout.model.scoring import model_image_size, pick_device, score_dataset

    if (data_root is None) == (images_dir is None):
        raise InvalidInputError("give either data_root + csvs (training layout) or images_dir + labels_csv")
    out = Path(out_dir)
    model = load_classifier(checkpoint, pick_device(device))
    size = model_image_size(model)
    skipped: dict[str, int] = {}
    if data_root is not None:
        samples, report = load_samples(data_root, csvs)
        skipped["missing_face_crop"] = report.missing_image
        if fold is not None:
            samples = [sample for sample in samples if sample.fold == fold]
            if not samples:
                raise DataError(f"fold {fold} has no rows in {', '.join(map(str, csvs))}")
        per_image = pd.DataFrame(
            {
                "row": [s.row for s in samples],
                "dataset": [s.dataset for s in samples],
                "video": [s.video for s in samples],
                "file": [s.image.name for s in samples],
                "frame": [s.frame for s in samples],
                "fold": [s.fold for s in samples],
                "label": [s.label for s in samples],
            }
        )
        dataset = FaceCropDataset(samples, size)
    else:
        if labels_csv is None:
            raise InvalidInputError("images_dir needs labels_csv (filename,label)")
        table = read_labelled_images(images_dir, labels_csv)
        per_image = table.drop(columns=["path"]).copy()
        if "video" in per_image.columns:
            per_image["dataset"] = per_image.get("dataset", "")
        dataset = ImageListDataset(list(table["path"]), size)
    per_image["score"] = score_dataset(
        model, dataset, batch_size, num_workers, desc="evaluating", progress=progress
    )

    labels, scores = per_image["label"].to_numpy(), per_image["score"].to_numpy()
    levels = {"frame": (labels, scores)}
    video = None
    if "video" in per_image.columns:
        videos = video_table(per_image, aggregation)
        video_metrics = compute_metrics(videos["label"], videos["score"])
        video = VideoMetrics(**video_metrics.model_dump(), aggregation=aggregation)
        levels["video"] = (videos["label"].to_numpy(), videos["score"].to_numpy())
        _write_csv(videos, out / "per_video.csv")
    _write_csv(per_image, out / "per_image.csv")
    plots = [path.name for path in plot_curves(levels, out, title)]
    report = EvaluationReport(
        **compute_metrics(labels, scores).model_dump(),
        checkpoint=str(checkpoint),
        skipped=skipped,
        video=video,
        plots=plots,
    )
    if not plots:
        report.notes.append("no ROC / PR plot: the labels hold one class only")
    atomic_write_bytes(out / "metrics.json", report.to_json())
    logger.info("wrote metrics, per-image scores and plots to %s", out)
    return report
