"""Offline defaults for the heavy dependencies, applied before they are first imported."""

from __future__ import annotations

import os

OFFLINE_DEFAULTS = {
    "NO_ALBUMENTATIONS_UPDATE": "1",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
}


def configure_offline() -> None:
    """Set the offline variables unless the user already set them."""
    for name, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(name, value)
