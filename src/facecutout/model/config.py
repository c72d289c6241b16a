"""The training configuration: nested dataclasses, read from YAML and changed by ``key=value`` overrides."""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from dataclasses import dataclass, field
from typing import Any

import yaml

from facecutout.data.augment import check_augmentation
from facecutout.data.layout import DEFAULT_LANDMARK_FOLDER
from facecutout.errors import InvalidInputError
from facecutout.fileio import read_yaml_mapping


@dataclass
class DataConfig:
    """Where the data is and how it is augmented."""

    root: str = ""
    csvs: list[str] = field(default_factory=list)
    landmark_folder: str = DEFAULT_LANDMARK_FOLDER
    val_fold: int = 0
    train_folds: list[int] | None = None
    allow_fold_leakage: bool = False
    image_size: int = 380
    batch_size: int = 16
    num_workers: int = 4
    balance: bool = False
    augmentation: str = "face_cutout"
    augmentation_p: float = 0.5
    cutout_variant: str = "random"
    cutout_threshold: float = 0.3
    cutout_fill: float | str = 0.0
    diff_level: int = 40
    cutout_on_device: bool = False


@dataclass
class ModelConfig:
    """The timm backbone: one logit."""

    name: str = "tf_efficientnet_b4.ns_jft_in1k"
    pretrained: bool = True
    pretrained_file: str | None = None
    drop_rate: float = 0.2
    mean: list[float] = field(default_factory=lambda: [0.485, 0.456, 0.406])
    std: list[float] = field(default_factory=lambda: [0.229, 0.224, 0.225])


@dataclass
class OptimConfig:
    """Optimiser and learning-rate schedule (cosine over the epochs, or constant)."""

    optimizer: str = "adamw"
    lr: float = 1e-4
    weight_decay: float = 1e-4
    momentum: float = 0.9
    scheduler: str = "cosine"
    label_clip: float = 0.01


@dataclass
class TrainerConfig:
    """What the Lightning Trainer gets: devices, precision, epochs, checkpoint and early stopping."""

    max_epochs: int = 20
    accelerator: str = "auto"
    devices: Any = "auto"
    strategy: str = "auto"
    num_nodes: int = 1
    precision: str = "32-true"
    limit_train_batches: float = 1.0
    limit_val_batches: float = 1.0
    log_every_n_steps: int = 10
    num_sanity_val_steps: int = 2
    monitor: str = "val_logloss"
    monitor_mode: str = "min"
    early_stopping_patience: int = 5
    gradient_clip_val: float | None = None
    progress_bar: bool = True


@dataclass
class TrainConfig:
    """The whole run. ``resume``: "auto" (continue from OUT/checkpoints/last.ckpt when present),
    "never", or a checkpoint path. ``best_checkpoint``: where the best checkpoint is copied
    (default OUT/best.ckpt)."""

    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    trainer: TrainerConfig = field(default_factory=TrainerConfig)
    seed: int = 42
    out_dir: str = "runs/train"
    resume: str = "auto"
    best_checkpoint: str | None = None

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrainConfig:
        """Build a config from nested dicts; unknown keys are an error naming the key."""
        return _build(cls, values or {}, "")

    @classmethod
    def from_yaml(cls, path: str | os.PathLike) -> TrainConfig:
        """Read a YAML file of the same nested structure (missing keys keep their defaults)."""
        return cls.from_dict(read_yaml_mapping(path, "config"))

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

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

    def validate(self) -> TrainConfig:
        """Check the values that would only fail deep inside a run."""
        check_augmentation(self.data.augmentation)
        positive = {
            "data.image_size": self.data.image_size,
            "data.batch_size": self.data.batch_size,
            "trainer.max_epochs": self.trainer.max_epochs,
        }
        for name, value in positive.items():
            if value < 1:
                raise InvalidInputError(f"{name} must be at least 1, got {value}")
        if self.data.num_workers < 0:
            raise InvalidInputError(f"data.num_workers must be >= 0, got {self.data.num_workers}")
        if not 0.0 <= self.data.augmentation_p <= 1.0:
            raise InvalidInputError(f"data.augmentation_p must be in [0, 1], got {self.data.augmentation_p}")
        if not 0.0 <= self.optim.label_clip < 0.5:
            raise InvalidInputError(f"optim.label_clip must be in [0, 0.5), got {self.optim.label_clip}")
        if self.optim.optimizer not in ("adamw", "sgd"):
            raise InvalidInputError(f"optim.optimizer must be adamw or sgd, got {self.optim.optimizer!r}")
        if self.optim.scheduler not in ("cosine", "none"):
            raise InvalidInputError(f"optim.scheduler must be cosine or none, got {self.optim.scheduler!r}")
        if self.trainer.monitor_mode not in ("min", "max"):
            raise InvalidInputError(
                f"trainer.monitor_mode must be min or max, got {self.trainer.monitor_mode!r}"
            )
        if not self.data.root or not self.data.csvs:
            raise InvalidInputError("data.root and data.csvs are required (--data ROOT --csv CSV)")
        return self


def _build(cls: type, values: dict[str, Any], prefix: str) -> Any:
    if not isinstance(values, dict):
        raise InvalidInputError(f"config section {prefix.rstrip('.') or 'root'} must be a mapping")
    hints = typing.get_type_hints(cls)
    known = {item.name for item in dataclasses.fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise InvalidInputError(f"unknown config keys {[prefix + key for key in unknown]}")
    kwargs = {}
    for name, value in values.items():
        hint = hints[name]
        if dataclasses.is_dataclass(hint):
            kwargs[name] = _build(hint, value, f"{prefix}{name}.")
        else:
            kwargs[name] = _coerce(value, hint, prefix + name)
    return cls(**kwargs)


def _coerce(value: Any, hint: Any, name: str) -> Any:
    """Check (and gently convert: int -> float, scalar -> one-item list) a value against a type hint."""
    origin = typing.get_origin(hint)
    if hint is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        for option in options:
            if option is type(None):
                continue
            try:
                return _coerce(value, option, name)
            except InvalidInputError:
                continue
        raise InvalidInputError(f"config key {name} has an invalid value {value!r} (expected {hint})")
    if origin is list:
        (item_type,) = typing.get_args(hint)
        items = value if isinstance(value, list) else [value]
        return [_coerce(item, item_type, name) for item in items]
    if hint is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if hint is float and isinstance(value, str):
        try:  # YAML 1.1 reads "3e-4" (no dot) as a string
            return float(value)
        except ValueError:
            pass
    if hint is str and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, hint) and not (hint is int and isinstance(value, bool)):
        return value
    raise InvalidInputError(f"config key {name} must be {hint.__name__}, got {value!r}")
