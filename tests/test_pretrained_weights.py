"""Pretrained weights: read from the local cache without touching the network; without a cached copy
and without a network, `facecutout train` fails at once (one request, no retries) and says what to do.

"No network" is made here, whatever the machine has: the hub endpoint is a loopback server that
accepts connections and never answers (a network that hangs: the hardest case, as a refused or
unresolvable host fails at once), or downloads are turned off (HF_HUB_OFFLINE=1). Each run gets its
own Hugging Face and torch cache.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import torch
from safetensors.torch import save_file
from test_train import folded_csvs
from timm.models import get_pretrained_cfg

from facecutout.cli import main

ROOT = Path(__file__).resolve().parents[1]
MODEL = "mobilenetv3_small_050"


class SilentServer:
    """A loopback TCP server that accepts connections and never answers; it counts the connections."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:  # the listener was closed: stop
                return
            self.connections.append(connection)

    def __enter__(self) -> SilentServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.listener.close()
        self.thread.join(timeout=10)
        for connection in self.connections:
            connection.close()


def isolated_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """This environment with its own caches under tmp_path, no offline switch, this checkout first,
    plus ``settings``."""
    env = {key: value for key, value in os.environ.items() if key not in ("HF_HUB_OFFLINE", "HF_HUB_CACHE")}
    env.update(
        HF_HOME=str(tmp_path / "hf"),
        TORCH_HOME=str(tmp_path / "torch"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
        **settings,
    )
    return env


def cache_weights(hf_home: Path, name: str) -> torch.Tensor:
    """Random weights of ``name`` written where the Hugging Face cache keeps its pretrained ones;
    returns its stem convolution's weight."""
    import timm

    torch.manual_seed(5)
    weights = timm.create_model(name, pretrained=False).state_dict()
    repo = get_pretrained_cfg(name).hf_hub_id
    commit = "0123456789abcdef0123456789abcdef01234567"
    cache = hf_home / "hub" / f"models--{repo.replace('/', '--')}"
    (cache / "snapshots" / commit).mkdir(parents=True)
    (cache / "refs").mkdir()
    (cache / "refs" / "main").write_text(commit)
    save_file(
        {key: value.contiguous() for key, value in weights.items()},
        cache / "snapshots" / commit / "model.safetensors",
    )
    return weights["conv_stem.weight"]


# In a fresh process whose hub endpoint hangs: build MODEL from its cached weights, then run
# `facecutout train` with the default model, whose weights are not cached.
HANGING_NETWORK = textwrap.dedent(
    """
    import sys, torch
    from facecutout.cli import main
    from facecutout.model.backbone import create_backbone

    model_name, expected_file, *train_args = sys.argv[1:]
    model = create_backbone(model_name, pretrained=True)
    same = torch.equal(model.conv_stem.weight, torch.load(expected_file))
    print("cached weights loaded:", same, flush=True)
    sys.exit(main(["train", *train_args]))
    """
)


def train_args(samples_dir: Path, tmp_path: Path) -> list[str]:
    """`facecutout train` arguments for the shared samples, with the default (pretrained) model."""
    csvs = folded_csvs(samples_dir, tmp_path / "csv", every=10)
    args = ["--data", str(samples_dir), *(item for csv in csvs for item in ("--csv", str(csv)))]
    return [*args, "--out", str(tmp_path / "run"), "--val-fold", "1", "--workers", "0"]


def assert_says_what_to_do(error: str) -> None:
    assert "pretrained weights for tf_efficientnet_b4.ns_jft_in1k are not in the local cache" in error
    assert "--no-pretrained" in error and "model.pretrained_file" in error and "timm.create_model(" in error
    assert "Traceback" not in error


def test_cached_weights_need_no_network_and_missing_ones_one_request(samples_dir, tmp_path):
    expected = cache_weights(tmp_path / "hf", MODEL)
    torch.save(expected, tmp_path / "expected.pt")
    command = [sys.executable, "-c", HANGING_NETWORK, MODEL, str(tmp_path / "expected.pt")]
    with SilentServer() as hub:
        start = time.monotonic()
        result = subprocess.run(
            [*command, *train_args(samples_dir, tmp_path)],
            env=isolated_env(tmp_path, HF_ENDPOINT=hub.url),
            capture_output=True,
            text=True,
            timeout=300,
        )
        print(f"cached model and failed run: {time.monotonic() - start:.1f} s")
        attempts = len(hub.connections)
    assert "cached weights loaded: True" in result.stdout, result.stderr[-3000:]
    assert result.returncode == 2, result.stderr[-3000:]
    assert_says_what_to_do(result.stderr)
    assert "cannot be reached" in result.stderr
    assert attempts == 1  # the cached model made no request, the missing one a single one, no retries
    assert not list((tmp_path / "run").rglob("*.ckpt"))


def test_train_without_cached_weights_with_downloads_off_fails_at_once(
    samples_dir, tmp_path, monkeypatch, capsys
):
    import huggingface_hub.constants as hub_constants

    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(hub_constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    assert main(["train", *train_args(samples_dir, tmp_path)]) == 2
    error = capsys.readouterr().err
    assert_says_what_to_do(error)
    assert "downloads are off (HF_HUB_OFFLINE=1)" in error
