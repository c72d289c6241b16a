"""Torch datasets: augmented training crops with their landmarks and diff, and plain image lists."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset, default_collate

from facecutout.cutout.schemes import resolve_scheme
from facecutout.data.augment import CutInputs, TrainTransform, eval_transform
from facecutout.data.cut_records import item_fields
from facecutout.data.manipulated import ManipulatedCache, load_manipulated
from facecutout.data.points import load_landmarks
from facecutout.data.table import Sample
from facecutout.fileio import read_rgb


def image_tensor(image: np.ndarray) -> torch.Tensor:
    """(H, W, 3) uint8 -> (3, H, W) uint8 tensor; normalisation happens on the model's device."""
    return torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1)))


class FaceCropDataset(Dataset):
    """Rows of the table as model inputs.

    Each item holds ``image`` (3, S, S) uint8, ``label`` (float) and ``index``. In training mode
    a face that Face-Cutout chooses reads its landmarks (each file once per process: ``landmarks``
    keeps them, a few hundred bytes each) and (fakes) its manipulated region (diff >= ``diff_level``,
    kept packed by ``cache`` when given), so the cut respects it; fakes without a diff are not cut.
    A training item also holds what Face-Cutout did (:func:`facecutout.data.cut_records.item_fields`).
    With ``with_masks`` it also holds, moved with the image: ``landmarks`` (N, 2) float32 (zeros
    when not to be cut), ``has_landmarks`` (True when the face is to be cut: Face-Cutout chose it
    and its landmarks and, for fakes, diff are known), ``manipulated`` (S, S) bool = moved diff >=
    level (all False for reals and uncut faces) and ``region`` (S, S) bool, the pixels Face-Cutout
    cut.

    An item is asked for by its row ``index``, or by ``(index, epoch_seed)`` as the training
    sampler gives them (:class:`facecutout.data.sampling.EpochSeeded`): the augmentation is then
    seeded from the epoch's seed and the loading process, so a resumed run augments its epochs as
    an uninterrupted one would. A bare index seeds it once per process from torch's seed.
    """

    def __init__(
        self,
        samples: Sequence[Sample],
        size: int,
        transform: TrainTransform | None = None,
        with_masks: bool = False,
        diff_level: int = 40,
        cache: ManipulatedCache | None = None,
    ):
        self.samples = list(samples)
        self.size = size
        self.transform = transform
        self.evaluation = eval_transform(size)
        self.with_masks = with_masks
        self.diff_level = diff_level
        self.cache = cache
        self.landmarks: dict[Path, np.ndarray] = {}
        self._seeded_with: tuple[int, int] | None = None

    def __len__(self) -> int:
        return len(self.samples)

    def labels(self) -> np.ndarray:
        return np.array([sample.label for sample in self.samples], dtype=np.int64)

    def _reseed(self, epoch_seed: int | None) -> None:
        """Seed the augmentation from ``epoch_seed`` (or torch's seed of this process) and the
        loading process's number, when that pair changes."""
        worker = torch.utils.data.get_worker_info()
        base = torch.initial_seed() % 2**31 if epoch_seed is None else epoch_seed
        key = (base, 0 if worker is None else worker.id)
        if key != self._seeded_with and self.transform is not None:
            self.transform.set_seed(int(np.random.SeedSequence(key).generate_state(1)[0] % 2**31))
            self._seeded_with = key

    def __getitem__(self, key: int | tuple[int, int]) -> dict:
        index, epoch_seed = key if isinstance(key, tuple) else (key, None)
        sample = self.samples[index]
        image = read_rgb(sample.image)
        item: dict = {"label": torch.tensor(float(sample.label)), "index": index}
        if self.transform is None:
            item["image"] = image_tensor(self.evaluation(image=image)["image"])
            return item
        self._reseed(epoch_seed)
        augmented = self.transform(
            image,
            lambda: cut_inputs(sample, image, self.diff_level, self.cache, self.landmarks),
            track=self.with_masks,
        )
        item["image"] = image_tensor(augmented.image)
        if self.transform.face_cutout:
            pending = self.transform.on_device and augmented.landmarks is not None
            record = None if augmented.cut is None else augmented.cut.record
            item.update(item_fields(augmented.drawn, record, pending))
        if self.with_masks:
            shape = augmented.image.shape[:2]
            points = augmented.landmarks
            item["has_landmarks"] = points is not None
            item["landmarks"] = torch.from_numpy(
                points if points is not None else np.zeros((5, 2), np.float32)
            )
            manipulated = augmented.manipulated
            item["manipulated"] = torch.from_numpy(
                manipulated if manipulated is not None else np.zeros(shape, dtype=bool)
            )
            region = augmented.region
            item["region"] = torch.from_numpy(region if region is not None else np.zeros(shape, dtype=bool))
        return item


def cut_inputs(
    sample: Sample,
    image: np.ndarray,
    level: int,
    cache: ManipulatedCache | None = None,
    landmarks: dict[Path, np.ndarray] | None = None,
) -> CutInputs | None:
    """The landmarks and (fakes) manipulated region (diff >= ``level``, through ``cache`` when
    given) of a face to cut; None when it cannot be cut: no landmarks, or a fake without a diff
    (unconstrained, the cut could hide the manipulation). ``landmarks`` keeps the landmark files
    read so far (read-only arrays), so each is read once per process."""
    if sample.landmarks is None:
        return None
    manipulated = None
    if sample.label == 1:
        if cache is not None:
            manipulated = cache.load(sample, image)
        else:
            manipulated = load_manipulated(sample, image, level)
        if manipulated is None:
            return None
    return CutInputs(remembered_landmarks(sample.landmarks, landmarks), manipulated)


def remembered_landmarks(path: Path, landmarks: dict[Path, np.ndarray] | None) -> np.ndarray:
    """The landmarks of ``path``, from ``landmarks`` when it holds them (read and kept otherwise)."""
    if landmarks is None:
        return load_landmarks(path)
    points = landmarks.get(path)
    if points is None:
        points = load_landmarks(path)
        points.flags.writeable = False
        landmarks[path] = points
    return points


def collate_faces(items: list[dict]) -> dict:
    """Default collation, except that landmark sets of different sizes are reduced to 5 sensory points."""
    if "landmarks" in items[0] and len({item["landmarks"].shape[0] for item in items}) > 1:
        for item in items:
            points = item["landmarks"].numpy()
            sensory = resolve_scheme(len(points)).sensory_points(points)
            item["landmarks"] = torch.from_numpy(sensory.astype(np.float32))
    return default_collate(items)


class ImageListDataset(Dataset):
    """Image files resized and padded for scoring: items ``image`` (3, S, S) uint8 and ``index``."""

    def __init__(self, paths: Sequence[Path], size: int):
        self.paths = list(paths)
        self.transform = eval_transform(size)

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> dict:
        image = read_rgb(self.paths[index])
        return {"image": image_tensor(self.transform(image=image)["image"]), "index": index}
