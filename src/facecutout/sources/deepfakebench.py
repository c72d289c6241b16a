"""DeepfakeBench reader: its dataset JSON and the preprocessed files beside each dataset's videos.

DeepfakeBench (SCLBD/DeepfakeBench) preprocesses a dataset into, beside each ``videos/`` folder,
``frames/<video>/<NNN>.png`` (aligned 256 px face crops), ``landmarks/<video>/<NNN>.npy`` (81 points
of dlib's 81-point predictor) and, for FaceForensics++ fakes, ``masks/<video>/<NNN>.png`` (the
manipulation mask warped like the frame, 0 / 255). ``preprocessing/rearrange.py`` then lists the
frames in a JSON file::

    {dataset: {label: {split: {video: {"label": label, "frames": [...], "masks": [...]}}}}}

with one more level, the compression ("c23" ...), between split and video for FaceForensics++
and its subsets. A label ending in "real" (any case: "FF-real", "CelebDFv2_real", "DFDC_Real") is
real, every other label ("FF-DF", "CelebDFv2_fake", "DFDCP_FakeA") fake, as in DeepfakeBench's
``label_dict``. This module reads the JSON into one :class:`BenchVideo` per video with its frames
and their landmark and mask files; the people in a video come from the dataset's naming.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from facecutout.errors import DataError
from facecutout.sources.base import FAKE, REAL

SPLITS = ("train", "val", "test")
FRAME_SUFFIXES = (".png", ".jpg", ".jpeg")

# (real name, fake name -> original name): FF++ "NNN" / "TTT_SSS"; DFD "AA__scene" /
# "AA_BB__scene__code"; Celeb-DF "idA_NNNN" / "idA_idB_NNNN".
_NAMINGS = (
    (re.compile(r"^(\d{3})$"), re.compile(r"^(?P<a>\d{3})_(?P<b>\d{3})$"), "{a}"),
    (
        re.compile(r"^(\d{2})__(.+)$"),
        re.compile(r"^(?P<a>\d{2})_(?P<b>\d{2})__(?P<scene>.+)__[^_]+$"),
        "{a}__{scene}",
    ),
    (
        re.compile(r"^(id\d+)_\d+$"),
        re.compile(r"^(?P<a>id\d+)_(?P<b>id\d+)_(?P<number>\d+)$"),
        "{a}_{number}",
    ),
)


@dataclass(frozen=True)
class BenchFrame:
    """One listed frame: its image, and its landmark and mask files when they exist."""

    name: str
    index: int
    image: Path
    landmarks: Path | None
    mask: Path | None


@dataclass(frozen=True)
class BenchVideo:
    """One video of a DeepfakeBench dataset.

    ``video`` is DeepfakeBench's unique name ``<label>_<name>``; ``original`` the ``name`` of the
    real video a fake was made from (None when the naming does not say); ``people`` the persons
    the naming shows; ``splits`` every split that lists it.
    """

    dataset: str
    label_name: str
    name: str
    label: int
    original: str | None
    people: tuple[str, ...]
    splits: frozenset[str]
    frames: tuple[BenchFrame, ...]

    @property
    def video(self) -> str:
        return f"{self.label_name}_{self.name}"


def people_of(name: str, label: int) -> tuple[str | None, tuple[str, ...]]:
    """(original name, people) of a video from the dataset's naming; (None, ()) when unrecognised."""
    for real, fake, original in _NAMINGS:
        if label == REAL and (match := real.match(name)):
            return name, (match[1],)
        if label == FAKE and (match := fake.match(name)):
            return original.format(**match.groupdict()), (match["a"], match["b"])
    return (name if label == REAL else None), ()


def label_of(label_name: str) -> int:
    """DeepfakeBench's label name -> 0 real / 1 fake (real when it ends in "real", any case)."""
    return REAL if label_name.lower().endswith("real") else FAKE


def _entries(content: object, compression: str | None) -> Iterator[tuple[str | None, dict]]:
    """(video name or None, entry) of a split's content, at ``compression`` where it has levels."""
    if not isinstance(content, dict):
        return
    if "frames" in content:  # an entry where a video mapping was expected
        yield None, content
        return
    for key, value in content.items():
        if not isinstance(value, dict):
            continue
        if "frames" in value:
            yield key, value
        elif compression is None or key == compression:
            yield from (item for item in _entries(value, None) if item[0] is not None)


def _frame_index(name: str, position: int) -> int:
    stem = Path(name).stem
    return int(stem) if stem.isdigit() else position


def _sibling(image: Path, folder: str, suffix: str) -> Path:
    """The file DeepfakeBench keeps beside ``frames/<video>/<name>`` in ``<folder>/<video>/``."""
    return image.parent.parent.parent / folder / image.parent.name / f"{image.stem}{suffix}"


def _frames(entry: dict, base: Path, where: str) -> tuple[BenchFrame, ...]:
    listed = entry.get("frames")
    masks = entry.get("masks") or []
    if not isinstance(listed, list) or not isinstance(masks, list):
        raise DataError(f"{where}: 'frames' and 'masks' must be lists of paths")
    mask_by_name = {Path(str(mask)).name: base / str(mask) for mask in masks}
    images = [base / str(item) for item in listed]
    order = sorted(range(len(images)), key=lambda i: (_frame_index(images[i].name, i), images[i].name))
    frames = []
    for position in order:
        image = images[position]
        landmarks = _sibling(image, "landmarks", ".npy")
        mask = mask_by_name.get(image.name) or _sibling(image, "masks", image.suffix)
        frames.append(
            BenchFrame(
                image.name,
                _frame_index(image.name, position),
                image,
                landmarks if landmarks.is_file() else None,
                mask if mask.is_file() else None,
            )
        )
    return tuple(frames)


def read_deepfakebench(
    json_path: str | Path, base: str | Path | None = None, compression: str = "c23"
) -> dict[str, list[BenchVideo]]:
    """Dataset name -> its videos (sorted by ``video``), from a DeepfakeBench dataset JSON.

    Relative frame paths are taken from ``base`` (default: the current folder, where DeepfakeBench
    runs). A video listed in several splits appears once, with all of them.
    """
    path = Path(json_path)
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise DataError(f"cannot read DeepfakeBench JSON {path}: {error}") from None
    if not isinstance(document, dict) or not document:
        raise DataError(f"DeepfakeBench JSON {path}: expected {{dataset: {{label: {{split: ...}}}}}}")
    root = Path(base) if base is not None else Path.cwd()
    datasets: dict[str, list[BenchVideo]] = {}
    for dataset, labels in document.items():
        if not isinstance(labels, dict):
            raise DataError(f"DeepfakeBench JSON {path}: dataset {dataset!r} must map labels to splits")
        videos: dict[str, BenchVideo] = {}
        for label_name, splits in labels.items():
            for split in SPLITS:
                for name, entry in _entries((splits or {}).get(split), compression):
                    frames = _frames(entry, root, f"{path}: {dataset}/{label_name}/{split}/{name}")
                    if not frames:
                        continue
                    name = name or frames[0].image.parent.name
                    label = label_of(label_name)
                    key = f"{label_name}_{name}"
                    if key in videos:
                        known = videos[key]
                        videos[key] = BenchVideo(**{**known.__dict__, "splits": known.splits | {split}})
                        continue
                    original, people = people_of(name, label)
                    videos[key] = BenchVideo(
                        dataset, label_name, name, label, original, people, frozenset({split}), frames
                    )
        datasets[dataset] = [videos[key] for key in sorted(videos)]
    return datasets
