"""The training configuration: nested pydantic models, read from YAML, changed by ``key=value`` overrides."""

from __future__ import annotations

import os
from typing import Any, Literal

import yaml
from pydantic import Field, StrictInt

from facecutout.cutout.candidates import DEFAULT_MIN_AREA
from facecutout.data.augment import AUGMENTATIONS
from facecutout.data.layout import DEFAULT_LANDMARK_FOLDER
from facecutout.errors import InvalidInputError
from facecutout.fileio import read_yaml_mapping
from facecutout.schema import ConfigModel, OneOrMany

Augmentation = Literal[AUGMENTATIONS]  # type: ignore[valid-type]


class DataConfig(ConfigModel):
    """Where the data is and how it is augmented."""

    root: str = ""
    csvs: OneOrMany[str] = Field(default_factory=list)
    landmark_folder: str = DEFAULT_LANDMARK_FOLDER
    val_fold: StrictInt = 0
    train_folds: OneOrMany[StrictInt] | None = None
    allow_fold_leakage: bool = False
    image_size: StrictInt = Field(380, ge=1)
    batch_size: StrictInt = Field(16, ge=1)
    num_workers: StrictInt = Field(4, ge=0)
    balance: bool = False
    augmentation: Augmentation = "face_cutout"
    augmentation_p: float = Field(0.5, ge=0.0, le=1.0)
    cutout_variant: str = "random"
    cutout_threshold: float = 0.3
    cutout_fill: float | str = Field(0.0, union_mode="left_to_right")
    cutout_min_area: float = Field(DEFAULT_MIN_AREA, ge=0.0, le=1.0)
    diff_level: StrictInt = 40
    cache_manipulated: bool = True
    cutout_on_device: bool = False


class ModelConfig(ConfigModel):
    """The timm backbone: one logit."""

    name: str = "tf_efficientnet_b4.ns_jft_in1k"
    pretrained: bool = True
    pretrained_file: str | None = None
    drop_rate: float = 0.2
    mean: OneOrMany[float] = Field(default_factory=lambda: [0.485, 0.456, 0.406])
    std: OneOrMany[float] = Field(default_factory=lambda: [0.229, 0.224, 0.225])


class OptimConfig(ConfigModel):
    """Optimiser and learning-rate schedule (cosine over the epochs, or constant)."""

    optimizer: Literal["adamw", "sgd"] = "adamw"
    lr: float = 1e-4
    weight_decay: float = 1e-4
    momentum: float = 0.9
    scheduler: Literal["cosine", "none"] = "cosine"
    label_clip: float = Field(0.01, ge=0.0, lt=0.5)


class TrainerConfig(ConfigModel):
    """What the Lightning Trainer gets: devices, precision, epochs, checkpoint and early stopping."""

    max_epochs: StrictInt = Field(20, ge=1)
    accelerator: str = "auto"
    devices: Any = "auto"
    strategy: str = "auto"
    num_nodes: StrictInt = 1
    precision: str = "32-true"
    limit_train_batches: float = 1.0
    limit_val_batches: float = 1.0
    log_every_n_steps: StrictInt = 10
    num_sanity_val_steps: StrictInt = 2
    monitor: str = "val_logloss"
    monitor_mode: Literal["min", "max"] = "min"
    early_stopping_patience: StrictInt = 5
    gradient_clip_val: float | None = None
    progress_bar: bool = True


class TrainConfig(ConfigModel):
    """The whole run. ``resume``: "auto" (continue from OUT/checkpoints/last.ckpt when present),
    "never", or a checkpoint path. ``best_checkpoint``: where the best checkpoint is copied
    (default OUT/best.ckpt)."""

    data: DataConfig = Field(default_factory=DataConfig)
    model: ModelConfig = Field(default_factory=ModelConfig)
    optim: OptimConfig = Field(default_factory=OptimConfig)
    trainer: TrainerConfig = Field(default_factory=TrainerConfig)
    seed: StrictInt = 42
    out_dir: str = "runs/train"
    resume: str = "auto"
    best_checkpoint: str | None = None

    @classmethod
    def from_yaml(cls, path: str | os.PathLike) -> TrainConfig:
        """Read a YAML file of the same nested structure (missing keys keep their defaults)."""
        return cls.from_dict(read_yaml_mapping(path, "config"), str(path))

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False)

    def with_overrides(self, overrides: list[str] | tuple[str, ...]) -> TrainConfig:
        """A copy with ``section.key=value`` items applied; values are parsed as YAML scalars/lists."""
        values = self.to_dict()
        for item in overrides:
            key, sep, text = item.partition("=")
            if not sep or not key:
                raise InvalidInputError(f"override must look like section.key=value, got {item!r}")
            *parents, leaf = key.strip().split(".")
            target = values
            for part in parents:
                if not isinstance(target.get(part), dict):
                    raise InvalidInputError(f"unknown config section {part!r} in override {item!r}")
                target = target[part]
            if leaf not in target or isinstance(target[leaf], dict):
                raise InvalidInputError(f"unknown config key {key!r} in override {item!r}")
            try:
                target[leaf] = yaml.safe_load(text)
            except yaml.YAMLError as error:
                raise InvalidInputError(f"cannot parse the value of override {item!r}: {error}") from None
        return TrainConfig.from_dict(values)

    def require_data(self) -> TrainConfig:
        """Check what a run needs besides valid values: the data to train on."""
        if not self.data.root or not self.data.csvs:
            raise InvalidInputError("data.root and data.csvs are required (--data ROOT --csv CSV)")
        return self
