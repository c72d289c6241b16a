"""Pretrained weights: read from the local cache without touching the network; without a cached copy
and without a network, `facecutout train` fails at once (one request, no retries) and says what to do.

"No network" is made here, whatever the machine has: the hub endpoint is a closed loopback port, or a
loopback server that accepts connections and never answers (a network that hangs), or downloads are
turned off (HF_HUB_OFFLINE=1). Each run gets an empty Hugging Face and torch cache.
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

import pytest
import torch
from safetensors.torch import save_file
from test_train import folded_csvs
from timm.models import get_pretrained_cfg

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


def closed_port_url() -> str:
    """A loopback URL where nothing listens: connections are refused."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def isolated_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """This environment with empty caches, no offline switch, this checkout first, plus ``settings``."""
    env = {key: value for key, value in os.environ.items() if key not in ("HF_HUB_OFFLINE", "HF_HUB_CACHE")}
    env.update(
        HF_HOME=str(tmp_path / "hf"),
        TORCH_HOME=str(tmp_path / "torch"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
        **settings,
    )
    return env


def test_cached_weights_load_without_any_network_request(tmp_path):
    import timm

    torch.manual_seed(5)
    weights = timm.create_model(MODEL, pretrained=False).state_dict()
    repo = get_pretrained_cfg(MODEL).hf_hub_id
    commit = "0123456789abcdef0123456789abcdef01234567"
    cache = tmp_path / "hf" / "hub" / f"models--{repo.replace('/', '--')}"
    (cache / "snapshots" / commit).mkdir(parents=True)
    (cache / "refs").mkdir()
    (cache / "refs" / "main").write_text(commit)
    save_file(
        {key: value.contiguous() for key, value in weights.items()},
        cache / "snapshots" / commit / "model.safetensors",
    )
    torch.save(weights["conv_stem.weight"], tmp_path / "expected.pt")
    script = textwrap.dedent(
        f"""
        import torch
        from facecutout.model.backbone import create_backbone
        model = create_backbone({MODEL!r}, pretrained=True)
        expected = torch.load({str(tmp_path / "expected.pt")!r})
        print(torch.equal(model.conv_stem.weight, expected))
        """
    )
    with SilentServer() as hub:
        result = subprocess.run(
            [sys.executable, "-c", script],
            env=isolated_env(tmp_path, HF_ENDPOINT=hub.url),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert result.stdout.split()[-1] == "True"
        assert hub.connections == []


@pytest.mark.parametrize("network", ["offline", "refused", "hangs"])
def test_train_without_weights_or_network_fails_at_once_and_says_what_to_do(network, samples_dir, tmp_path):
    csvs = folded_csvs(samples_dir, tmp_path / "csv", every=10)
    command = [sys.executable, "-m", "facecutout.cli", "train", "--data", str(samples_dir)]
    command += [*(item for csv in csvs for item in ("--csv", str(csv))), "--out", str(tmp_path / "run")]
    command += ["--val-fold", "1", "--workers", "0"]  # the default model, pretrained
    with SilentServer() as hub:
        settings = {
            "offline": {"HF_HUB_OFFLINE": "1"},
            "refused": {"HF_ENDPOINT": closed_port_url()},
            "hangs": {"HF_ENDPOINT": hub.url},
        }[network]
        start = time.monotonic()
        result = subprocess.run(
            command, env=isolated_env(tmp_path, **settings), capture_output=True, text=True, timeout=300
        )
        elapsed = time.monotonic() - start
        print(f"{network}: failed after {elapsed:.1f} s")
        attempts = len(hub.connections)
    assert result.returncode == 2, result.stderr[-3000:]
    error = result.stderr
    assert "pretrained weights for tf_efficientnet_b4.ns_jft_in1k are not in the local cache" in error
    assert "--no-pretrained" in error and "model.pretrained_file" in error and "timm.create_model(" in error
    assert "Traceback" not in error
    assert attempts == (1 if network == "hangs" else 0)  # one request, no retries
    assert not (tmp_path / "hf" / "hub").exists() or not any((tmp_path / "hf" / "hub").rglob("*.safetensors"))
