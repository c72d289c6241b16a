"""Read training checkpoints: weights only whatever the environment says, strict, with errors
naming the file; for inference (:func:`load_classifier`) or to resume training
(:func:`check_resumable`)."""

from __future__ import annotations

import os
from pathlib import Path

import torch

from facecutout.errors import CheckpointError, FaceCutoutError

RESUME_KEYS = ("state_dict", "optimizer_states", "loops", "epoch", "global_step")
"""What a checkpoint needs to continue training: Lightning's full training state."""


def read_checkpoint(path: str | os.PathLike) -> dict:
    """The checkpoint's dict, read with ``weights_only=True`` (no arbitrary code is unpickled; passed
    explicitly, so ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` cannot turn it off)."""
    file = Path(path)
    if not file.is_file():
        raise CheckpointError(f"checkpoint {file} does not exist")
    try:
        content = torch.load(file, map_location="cpu", weights_only=True)
    except Exception as error:  # noqa: BLE001 - torch.load raises many types on damaged or foreign files
        raise CheckpointError(
            f"cannot read checkpoint {file} (weights only): {type(error).__name__}: {error}"
        ) from None
    if not isinstance(content, dict) or "state_dict" not in content:
        raise CheckpointError(f"checkpoint {file} has no state_dict: not a facecutout training checkpoint")
    return content


def check_resumable(path: str | os.PathLike) -> Path:
    """``path`` if it is a training checkpoint that can be resumed (read weights only, holding
    RESUME_KEYS); CheckpointError naming the file otherwise."""
    content = read_checkpoint(path)
    missing = [key for key in RESUME_KEYS if key not in content]
    if missing:
        raise CheckpointError(
            f"checkpoint {path} cannot resume training: it lacks {', '.join(missing)} (the training "
            "state that facecutout train writes, e.g. in OUT/checkpoints/last.ckpt)"
        )
    return Path(path)


def load_classifier(
    path: str | os.PathLike, device: str | torch.device = "cpu", model_name: str | None = None
):
    """The trained :class:`DeepfakeClassifier` of a checkpoint, in eval mode on ``device``.

    ``model_name`` overrides the architecture recorded in the checkpoint; a state dict that does not
    fit the architecture is a CheckpointError naming the file.
    """
    from facecutout.model.classifier import DeepfakeClassifier

    content = read_checkpoint(path)
    config = (content.get("hyper_parameters") or {}).get("config")
    if not isinstance(config, dict):
        raise CheckpointError(f"checkpoint {path} has no facecutout training config in its hyper_parameters")
    config = {**config, "model": {**config["model"], "pretrained": False, "pretrained_file": None}}
    config["data"] = {**config["data"], "cutout_on_device": False}
    if model_name:
        config["model"]["name"] = model_name
    try:
        model = DeepfakeClassifier(config, pretrained=False)
    except FaceCutoutError as error:
        raise CheckpointError(f"checkpoint {path}: {error}") from None
    try:
        model.load_state_dict(content["state_dict"], strict=True)
    except RuntimeError as error:
        summary = " ".join(str(error).split())[:400]
        raise CheckpointError(
            f"checkpoint {path} does not match the model {config['model']['name']}: {summary}"
        ) from None
    return model.eval().to(device)
