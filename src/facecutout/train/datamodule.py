"""The LightningDataModule: CSV rows -> leak-checked fold split -> training and validation loaders."""

from __future__ import annotations

import logging
from pathlib import Path

import lightning as L
import torch
from torch.utils.data import DataLoader, RandomSampler, Sampler

from facecutout.data.augment import CutoutSettings, TrainTransform
from facecutout.data.dataset import FaceCropDataset, collate_faces
from facecutout.data.folds import check_no_leakage, leaked_originals, split_folds
from facecutout.data.manipulated import ManipulatedCache
from facecutout.data.sampling import EpochSeeded, balanced_sampler
from facecutout.data.table import Sample, TableReport, load_samples
from facecutout.model.config import DataConfig

logger = logging.getLogger(__name__)


class FaceDataModule(L.LightningDataModule):
    """Training rows = every fold but ``val_fold`` (or ``train_folds``); validation = ``val_fold``.

    The training order and each epoch's augmentation seed are drawn from a generator of its own,
    seeded with ``seed``; its state is part of the checkpoint (``state_dict``), so a resumed run
    reads the same rows in the same order, augmented alike, as an uninterrupted one (with the same
    number of loader workers). The loaders' worker seeds come from another generator, so loading data never
    moves the global torch generator (dropout and the like).

    With ``cache_folder`` (and ``cache_manipulated`` in the config) the fakes' manipulated regions
    are kept there as packed bits after their first read (:mod:`facecutout.data.manipulated`).
    """

    def __init__(self, config: DataConfig, seed: int = 0, cache_folder: Path | None = None):
        super().__init__()
        self.config = config
        self.seed = seed
        self.cache_folder = cache_folder
        self.order_generator = torch.Generator().manual_seed(seed)
        self.train_samples: list[Sample] = []
        self.val_samples: list[Sample] = []
        self.report: TableReport | None = None

    def prepare_samples(self) -> None:
        """Read the CSVs and split the folds (once); raises DataError on empty folds or leakage."""
        if self.report is not None:
            return
        config = self.config
        samples, self.report = load_samples(config.root, config.csvs, config.landmark_folder)
        self.train_samples, self.val_samples = split_folds(samples, config.val_fold, config.train_folds)
        if config.allow_fold_leakage:
            leaked = leaked_originals(self.train_samples, self.val_samples)
            if leaked:
                logger.warning(
                    "%d original videos or identity groups are in both training and validation folds",
                    len(leaked),
                )
        else:
            check_no_leakage(self.train_samples, self.val_samples)
        if config.augmentation == "face_cutout":
            uncut = sum(
                1
                for sample in self.train_samples
                if sample.landmarks is None
                or (sample.label == 1 and sample.diff is None and sample.original_image is None)
            )
            if uncut:
                logger.warning(
                    "%d training rows lack landmarks or (fakes) a diff: Face-Cutout skips them", uncut
                )
        logger.info(
            "fold %d: %d training rows, %d validation rows",
            config.val_fold,
            len(self.train_samples),
            len(self.val_samples),
        )

    def setup(self, stage: str | None = None) -> None:
        self.prepare_samples()
        config = self.config
        settings = CutoutSettings(
            augmentation=config.augmentation,
            p=config.augmentation_p,
            variant=config.cutout_variant,
            threshold=config.cutout_threshold,
            fill=config.cutout_fill,
            diff_level=config.diff_level,
            min_area=config.cutout_min_area,
        )
        on_device = config.cutout_on_device and config.augmentation == "face_cutout"
        transform = TrainTransform(config.image_size, settings, on_device=on_device)
        cache = None
        if self.cache_folder is not None and config.cache_manipulated:
            cache = ManipulatedCache(self.cache_folder, config.diff_level)
        self.train_dataset = FaceCropDataset(
            self.train_samples,
            config.image_size,
            transform,
            with_masks=on_device,
            diff_level=config.diff_level,
            cache=cache,
        )
        self.val_dataset = FaceCropDataset(self.val_samples, config.image_size)

    def state_dict(self) -> dict:
        return {"order_generator": self.order_generator.get_state()}

    def load_state_dict(self, state_dict: dict) -> None:
        self.order_generator.set_state(state_dict["order_generator"])

    def _loader(self, dataset: FaceCropDataset, train: bool) -> DataLoader:
        config = self.config
        sampler: Sampler | None = None
        if train:
            generator = self.order_generator
            sampler = EpochSeeded(
                balanced_sampler(dataset.labels(), generator=generator)
                if config.balance
                else RandomSampler(dataset, generator=generator),
                generator,
            )
        return DataLoader(
            dataset,
            batch_size=config.batch_size,
            sampler=sampler,
            generator=torch.Generator().manual_seed(self.seed),
            num_workers=config.num_workers,
            persistent_workers=config.num_workers > 0,
            pin_memory=self.trainer is not None
            and self.trainer.accelerator.__class__.__name__ == "CUDAAccelerator",
            drop_last=train and len(dataset) > config.batch_size,
            collate_fn=collate_faces,
        )

    def train_dataloader(self) -> DataLoader:
        return self._loader(self.train_dataset, train=True)

    def val_dataloader(self) -> DataLoader:
        return self._loader(self.val_dataset, train=False)
