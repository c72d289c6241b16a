"""The ablation configuration (YAML): methods, seeds, the shared training config and extra test sets.

```yaml
out: runs/ablation
methods: [face_cutout, random_erasing, none]
baseline: none
seeds: [0, 1]
train:                 # a training config (the keys of `facecutout config train`), shared by every run
  data: {root: data, csvs: [celebdf.csv], val_fold: 0, image_size: 224}
  model: {name: efficientnet_b0, pretrained: false}
  trainer: {max_epochs: 10}
test_sets:             # evaluated with each run's best checkpoint, besides the validation fold
  - {name: ffpp, root: data, csvs: [ffpp.csv], fold: null}
```
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field, StrictInt, model_validator

from facecutout.errors import DataError, InvalidInputError
from facecutout.fileio import read_yaml_mapping
from facecutout.model.config import Augmentation, TrainConfig
from facecutout.schema import ConfigModel, one_or_many

VALIDATION = "validation"
"""The name of the evaluation on the training data's validation fold."""
DEFAULT_METHODS = ("face_cutout", "random_erasing", "none")


class EvalSet(ConfigModel):
    """An extra evaluation set in the paper's layout: all rows of ``csvs`` under ``root``, or one fold."""

    model_config = ConfigDict(frozen=True)

    name: str
    root: str
    csvs: Annotated[tuple[str, ...], BeforeValidator(one_or_many)]
    fold: StrictInt | None = None


class AblationConfig(ConfigModel):
    """Every run trains ``train`` with one method (data.augmentation) and one seed.

    Empty ``methods``, ``train`` or ``test_sets`` mean the defaults; ``baseline`` defaults to
    "none" when it is among the methods, else the first method.
    """

    model_config = ConfigDict(frozen=True)

    out: Path = Path("runs/ablation")
    methods: tuple[Augmentation, ...] = DEFAULT_METHODS
    seeds: tuple[StrictInt, ...] = Field((0, 1), min_length=1)
    baseline: str = "none"
    train: TrainConfig = Field(default_factory=TrainConfig)
    test_sets: tuple[EvalSet, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _fill_defaults(cls, values: Any) -> Any:
        if not isinstance(values, dict):
            return values
        values = {
            **values,
            "methods": values.get("methods") or DEFAULT_METHODS,
            "train": values.get("train") or {},
            "test_sets": values.get("test_sets") or (),
        }
        methods = values["methods"]
        if "baseline" not in values and isinstance(methods, list | tuple):
            values["baseline"] = "none" if "none" in methods else methods[0]
        return values

    @model_validator(mode="after")
    def _check_consistent(self) -> AblationConfig:
        if len(set(self.methods)) != len(self.methods):
            raise ValueError(f"methods are repeated: {list(self.methods)}")
        if len(set(self.seeds)) != len(self.seeds):
            raise ValueError(f"seeds are repeated: {list(self.seeds)}")
        if self.baseline not in self.methods:
            raise ValueError(f"baseline {self.baseline!r} is not among the methods {list(self.methods)}")
        names = [item.name for item in self.test_sets]
        if VALIDATION in names or len(set(names)) != len(names):
            raise ValueError(f"test set names must be unique and not {VALIDATION!r}: {names}")
        try:
            self.train.require_data()
        except InvalidInputError as error:
            raise ValueError(f"train: {error}") from None
        return self

    @classmethod
    def from_yaml(cls, path: str | os.PathLike) -> AblationConfig:
        values = read_yaml_mapping(path, "ablation config")
        if not values:
            raise DataError(f"ablation config {path} is empty")
        return cls.from_dict(values, str(path))

    @property
    def evaluation_names(self) -> tuple[str, ...]:
        return (VALIDATION, *(item.name for item in self.test_sets))
