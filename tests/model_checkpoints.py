"""Untrained checkpoints in the training format, for evaluation and prediction tests."""

from __future__ import annotations

from pathlib import Path

import torch

from facecutout.model.classifier import DeepfakeClassifier
from facecutout.model.config import TrainConfig

TINY_MODEL = "mobilenetv3_small_050"


def write_checkpoint(path: Path, model_name: str = TINY_MODEL, image_size: int = 64) -> Path:
    """A checkpoint in the training format (state_dict + the config in hyper_parameters)."""
    config = TrainConfig().with_overrides(
        [f"model.name={model_name}", "model.pretrained=false", f"data.image_size={image_size}"]
    )
    torch.manual_seed(0)
    model = DeepfakeClassifier(config.to_dict())
    torch.save({"state_dict": model.state_dict(), "hyper_parameters": dict(model.hparams)}, path)
    return path
