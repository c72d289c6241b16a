"""timm backbones by name, with one logit; pretrained weights only from the local cache when offline."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import torch

from facecutout.errors import InvalidInputError

logger = logging.getLogger(__name__)

HUB_FILES = ("model.safetensors", "pytorch_model.bin", "open_clip_pytorch_model.bin")


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")


def cached_weights(name: str) -> str | None:
    """Where timm would find the pretrained weights of ``name`` without downloading (None if nowhere)."""
    from timm.models import get_pretrained_cfg

    cfg = get_pretrained_cfg(name)
    if cfg is None:
        return None
    if cfg.file and Path(cfg.file).is_file():
        return cfg.file
    if cfg.hf_hub_id:
        from huggingface_hub import try_to_load_from_cache

        for filename in (cfg.hf_hub_filename, *HUB_FILES):
            if filename:
                found = try_to_load_from_cache(cfg.hf_hub_id, filename)
                if isinstance(found, str):
                    return found
    if cfg.url:
        local = Path(torch.hub.get_dir()) / "checkpoints" / Path(cfg.url).name
        if local.is_file():
            return str(local)
    return None


def create_backbone(
    name: str, *, pretrained: bool = False, pretrained_file: str | None = None, drop_rate: float = 0.0
) -> torch.nn.Module:
    """A timm model with one output logit.

    ``pretrained_file`` loads ImageNet weights from a local file. ``pretrained=True`` with neither
    a cached copy nor network access (HF_HUB_OFFLINE=1) fails at once with an InvalidInputError
    instead of retrying downloads.
    """
    import timm

    if not timm.is_model(name.split(".")[0]):
        raise InvalidInputError(f"model.name {name!r} is not a timm model (see timm.list_models())")
    overlay = None
    if pretrained_file:
        if not Path(pretrained_file).is_file():
            raise InvalidInputError(f"model.pretrained_file {pretrained_file} does not exist")
        pretrained, overlay = True, {"file": pretrained_file}
    elif pretrained and cached_weights(name) is None and _offline():
        raise InvalidInputError(
            f"pretrained weights for {name} are not in the local cache and downloads are off "
            "(HF_HUB_OFFLINE=1); set model.pretrained=false (--no-pretrained), give "
            "model.pretrained_file, or download them once with network access"
        )
    try:
        return timm.create_model(
            name, pretrained=pretrained, pretrained_cfg_overlay=overlay, num_classes=1, drop_rate=drop_rate
        )
    except (RuntimeError, OSError) as error:
        raise InvalidInputError(f"cannot create model {name} (pretrained={pretrained}): {error}") from None
