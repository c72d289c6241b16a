"""The benchmarks run offline, like the test suite: no update checks, no model-hub downloads."""

import os


def work_offline() -> None:
    """Set the offline variables (unless already set) before albumentations or timm are imported."""
    for name in ("NO_ALBUMENTATIONS_UPDATE", "HF_HUB_OFFLINE"):
        os.environ.setdefault(name, "1")
