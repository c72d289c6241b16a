"""What the demo runs: its datasets' sizes and its training budget (no heavy imports, so the
command line can show these defaults)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class EmbeddedSpec:
    """Size of the embedded dataset: ``videos`` x ``frames`` real crops of ``size`` px, plus their fakes."""

    videos: int = 8
    frames: int = 8
    size: int = 96
    folds: int = 4
    seed: int = 0


@dataclass(frozen=True)
class DemoSettings:
    """What the demo runs and where it writes. The training budget is the same for every run;
    ``seed`` seeds the gallery and is added to the embedded datasets' seeds. ``processes`` runs
    train at once, with ``threads`` torch threads each when they run in processes of their own.

    The default budget (timm's 0.37 M-parameter ``test_resnet`` from scratch, 64 px, 30 epochs of
    batch 16 at lr 1e-3) is what lets both methods learn the embedded data within the demo's few CPU
    minutes; docs/demo.md has the measurements behind it."""

    out: Path = Path("demo_output")
    seed: int = 0
    data: Path | None = None
    csvs: tuple[str, ...] = ()
    val_fold: int = 0
    methods: tuple[str, ...] = ("face_cutout", "none")
    seeds: tuple[int, ...] = (0, 1)
    model: str = "test_resnet"
    image_size: int = 64
    epochs: int = 30
    batch_size: int = 16
    lr: float = 1e-3
    workers: int = 0
    processes: int = 1
    threads: int = 1
    train_spec: EmbeddedSpec = field(
        default_factory=lambda: EmbeddedSpec(videos=24, frames=8, size=96, folds=4)
    )
    test_spec: EmbeddedSpec = field(
        default_factory=lambda: EmbeddedSpec(videos=6, frames=4, size=96, folds=1, seed=1)
    )
