"""What a model sees in training: a batch of training faces after the augmentation, labelled."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from facecutout.data.dataset import FaceCropDataset
from facecutout.demo.gallery import Panel, render_gallery
from facecutout.model.config import DataConfig
from facecutout.train.datamodule import FaceDataModule

COLUMNS = 6


def training_panels(config: DataConfig, count: int, seed: int = 0) -> list[Panel]:
    """``count`` training faces of ``config`` as its training pipeline hands them to the model (paper
    augmentations, then the cutout step), with their label, whether they were cut and, on fakes that
    Face-Cutout chose, the manipulated region M outlined."""
    datamodule = FaceDataModule(config, seed=seed)
    datamodule.setup("fit")
    dataset = FaceCropDataset(
        datamodule.train_samples,
        config.image_size,
        datamodule.train_dataset.transform,
        with_masks=True,
        diff_level=config.diff_level,
    )
    torch.manual_seed(seed)
    picked = np.random.default_rng(seed).choice(len(dataset), size=min(count, len(dataset)), replace=False)
    panels = []
    for index in picked:
        item = dataset[int(index)]
        fake, cut = bool(item["label"]), bool(item["region"].any())
        panels.append(
            Panel(
                f"{'fake' if fake else 'real'}, {'cut' if cut else 'not cut'}",
                item["image"].permute(1, 2, 0).numpy(),
                outline=item["manipulated"].numpy() if fake else None,
            )
        )
    return panels


def render_training_view(config: DataConfig, path: Path, count: int = 12, seed: int = 0) -> Path:
    """The training faces of :func:`training_panels` in a grid, as one PNG."""
    return render_gallery(training_panels(config, count, seed), path, columns=COLUMNS)
