"""timm backbones by name, with one logit; pretrained weights from the local cache, else downloaded.

Weights already in the Hugging Face or torch hub cache load from there without any network access.
Otherwise they are downloaded, after one HEAD request without retries checks that the server answers:
with downloads turned off (HF_HUB_OFFLINE=1) or no network, :func:`create_backbone` fails within
seconds with a message that says how to get the weights, instead of retrying for minutes.
"""

from __future__ import annotations

import http.client
import logging
import urllib.error
import urllib.request
from pathlib import Path

import torch

from facecutout.errors import InvalidInputError

logger = logging.getLogger(__name__)

HUB_FILES = ("model.safetensors", "pytorch_model.bin", "open_clip_pytorch_model.bin")
PROBE_TIMEOUT = 10.0
"""Seconds the check that the weights' server answers may wait (one request, no retries)."""


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


def weights_unavailable(name: str, reason: str) -> InvalidInputError:
    """The error for pretrained weights that are neither cached nor downloadable, and what to do."""
    return InvalidInputError(
        f"pretrained weights for {name} are not in the local cache and {reason}. Either download them "
        f"once where the network is reachable (python -c \"import timm; timm.create_model('{name}', "
        'pretrained=True)", then copy the Hugging Face cache, ~/.cache/huggingface or $HF_HOME), give '
        "a local file as model.pretrained_file, or train from random weights with --no-pretrained "
        "(model.pretrained=false)"
    )


def check_download(name: str) -> None:
    """Raise at once when the pretrained weights of ``name`` cannot be downloaded: downloads are
    off, or the server holding them does not answer one HEAD request within PROBE_TIMEOUT seconds."""
    from huggingface_hub import constants, hf_hub_url
    from timm.models import get_pretrained_cfg

    cfg = get_pretrained_cfg(name)
    if cfg is None or not (cfg.hf_hub_id or cfg.url):
        return
    if constants.HF_HUB_OFFLINE:
        raise weights_unavailable(name, "downloads are off (HF_HUB_OFFLINE=1)")
    url = hf_hub_url(cfg.hf_hub_id, cfg.hf_hub_filename or HUB_FILES[0]) if cfg.hf_hub_id else cfg.url
    try:
        urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=PROBE_TIMEOUT).close()
    except urllib.error.HTTPError:
        return  # the server answered (which file it holds is timm's to resolve): downloads work
    except (OSError, http.client.HTTPException) as error:  # DNS, refused, timeout, proxy, TLS, garbage
        raise weights_unavailable(name, f"{url} cannot be reached ({error})") from None


def check_pretrained(name: str) -> None:
    """Raise at once when the pretrained weights of ``name`` are neither cached nor downloadable."""
    if cached_weights(name) is None:
        check_download(name)


def create_backbone(
    name: str, *, pretrained: bool = False, pretrained_file: str | None = None, drop_rate: float = 0.0
) -> torch.nn.Module:
    """A timm model with one output logit.

    ``pretrained_file`` loads ImageNet weights from a local file. ``pretrained=True`` reads the
    cached weights, else downloads them; when neither is possible it fails within seconds with an
    InvalidInputError that says how to get them.
    """
    import timm

    if not timm.is_model(name.split(".")[0]):
        raise InvalidInputError(f"model.name {name!r} is not a timm model (see timm.list_models())")
    overlay = None
    if pretrained_file:
        if not Path(pretrained_file).is_file():
            raise InvalidInputError(f"model.pretrained_file {pretrained_file} does not exist")
        pretrained, overlay = True, {"file": pretrained_file}
    elif pretrained:
        cached = cached_weights(name)
        if cached is not None:
            overlay = {"file": cached}
            logger.info("pretrained weights of %s from the local cache: %s", name, cached)
        else:
            check_download(name)
    try:
        return timm.create_model(
            name, pretrained=pretrained, pretrained_cfg_overlay=overlay, num_classes=1, drop_rate=drop_rate
        )
    except (RuntimeError, OSError) as error:
        raise InvalidInputError(f"cannot create model {name} (pretrained={pretrained}): {error}") from None
