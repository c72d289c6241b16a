"""The ablation configuration (YAML): methods, seeds, the shared training config and extra test sets.

```yaml
out: runs/ablation
methods: [face_cutout, random_erasing, none]
baseline: none
seeds: [0, 1]
train:                 # a training config (configs/train_default.yaml keys), shared by every run
  data: {root: data, csvs: [celebdf.csv], val_fold: 0, image_size: 224}
  model: {name: efficientnet_b0, pretrained: false}
  trainer: {max_epochs: 10}
test_sets:             # evaluated with each run's best checkpoint, besides the validation fold
  - {name: ffpp, root: data, csvs: [ffpp.csv], fold: null}
```
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from facecutout.errors import DataError, InvalidInputError
from facecutout.fileio import read_yaml_mapping

VALIDATION = "validation"
"""The name of the evaluation on the training data's validation fold."""


@dataclass(frozen=True)
class EvalSet:
    """An extra evaluation set in the paper's layout: all rows of ``csvs`` under ``root``, or one fold."""

    name: str
    root: str
    csvs: tuple[str, ...]
    fold: int | None = None


@dataclass(frozen=True)
class AblationConfig:
    """Every run trains ``train`` with one method (data.augmentation) and one seed."""

    out: Path
    methods: tuple[str, ...]
    seeds: tuple[int, ...]
    baseline: str
    train: dict[str, Any]
    test_sets: tuple[EvalSet, ...] = field(default=())

    @classmethod
    def from_dict(cls, values: dict[str, Any], source: str = "config") -> AblationConfig:
        """Build and check a config; errors name ``source`` and the key."""
        from facecutout.data.augment import AUGMENTATIONS
        from facecutout.model.config import TrainConfig

        known = {"out", "methods", "seeds", "baseline", "train", "test_sets"}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InvalidInputError(f"{source}: unknown keys {unknown}; known: {sorted(known)}")
        methods = tuple(values.get("methods") or ("face_cutout", "random_erasing", "none"))
        for method in methods:
            if method not in AUGMENTATIONS:
                raise InvalidInputError(f"{source}: methods: {method!r} is not one of {AUGMENTATIONS}")
        if len(set(methods)) != len(methods):
            raise InvalidInputError(f"{source}: methods are repeated: {list(methods)}")
        seeds = values.get("seeds", (0, 1))
        if not isinstance(seeds, (list, tuple)) or not seeds or not all(isinstance(s, int) for s in seeds):
            raise InvalidInputError(f"{source}: seeds must be a non-empty list of integers, got {seeds!r}")
        if len(set(seeds)) != len(seeds):
            raise InvalidInputError(f"{source}: seeds are repeated: {list(seeds)}")
        baseline = values.get("baseline", "none" if "none" in methods else methods[0])
        if baseline not in methods:
            raise InvalidInputError(
                f"{source}: baseline {baseline!r} is not among the methods {list(methods)}"
            )
        train = values.get("train") or {}
        if not isinstance(train, dict):
            raise InvalidInputError(f"{source}: train must be a mapping of training settings")
        try:
            TrainConfig.from_dict(train).validate()
        except InvalidInputError as error:
            raise InvalidInputError(f"{source}: train: {error}") from None
        test_sets = tuple(
            parse_eval_set(item, f"{source}: test_sets[{index}]")
            for index, item in enumerate(values.get("test_sets") or ())
        )
        names = [item.name for item in test_sets]
        if VALIDATION in names or len(set(names)) != len(names):
            raise InvalidInputError(
                f"{source}: test set names must be unique and not {VALIDATION!r}: {names}"
            )
        return cls(
            out=Path(values.get("out", "runs/ablation")),
            methods=methods,
            seeds=tuple(seeds),
            baseline=baseline,
            train=train,
            test_sets=test_sets,
        )

    @classmethod
    def from_yaml(cls, path: str | os.PathLike) -> AblationConfig:
        values = read_yaml_mapping(path, "ablation config")
        if not values:
            raise DataError(f"ablation config {path} is empty")
        return cls.from_dict(values, str(path))

    @property
    def evaluation_names(self) -> tuple[str, ...]:
        return (VALIDATION, *(item.name for item in self.test_sets))


def parse_eval_set(values: object, where: str) -> EvalSet:
    """A EvalSet from its mapping ``{name, root, csvs, fold}``."""
    if not isinstance(values, dict) or not {"name", "root", "csvs"} <= set(values):
        raise InvalidInputError(f"{where} must be a mapping with name, root and csvs (and optional fold)")
    unknown = sorted(set(values) - {"name", "root", "csvs", "fold"})
    if unknown:
        raise InvalidInputError(f"{where}: unknown keys {unknown}")
    csvs = values["csvs"]
    csvs = (csvs,) if isinstance(csvs, str) else tuple(csvs)
    fold = values.get("fold")
    if fold is not None and not isinstance(fold, int):
        raise InvalidInputError(f"{where}: fold must be an integer or null, got {fold!r}")
    return EvalSet(str(values["name"]), str(values["root"]), tuple(map(str, csvs)), fold)
