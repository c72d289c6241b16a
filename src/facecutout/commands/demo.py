"""``facecutout demo``: the embedded demo (no download), or the same on a dataset in the paper's layout."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections import Counter


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from facecutout.demo.settings import DemoSettings

    defaults = DemoSettings()
    parser = subparsers.add_parser(
        "demo",
        help="run the embedded demo (gallery, pseudo-fakes, short ablation) and write a report",
        description=(
            "Detect scikit-image's astronaut with both landmark backends, render the cutout gallery, "
            "build a small pseudo-fake dataset from it, train a small timm model with Face-Cutout "
            "and without cutout over two seeds (two runs at once on the CPU), and write a Markdown "
            "report (what it can show, results with their noise, tables, curves); print its path. "
            "With --data, the gallery and the ablation use your dataset "
            "(paper layout). Finished ablation runs are kept: a rerun only redoes what is missing."
        ),
    )
    parser.add_argument("--out", default=str(defaults.out), help=f"output folder (default: {defaults.out})")
    parser.add_argument("--data", help="dataset root in the paper's layout (default: the embedded astronaut)")
    parser.add_argument(
        "--csv", action="append", default=[], help="CSV under --data (repeatable; default all)"
    )
    parser.add_argument("--val-fold", type=int, default=defaults.val_fold)
    parser.add_argument("--model", default=defaults.model, help=f"timm model (default: {defaults.model})")
    parser.add_argument("--image-size", type=int, default=defaults.image_size)
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--lr", type=float, default=defaults.lr)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(defaults.seeds))
    parser.add_argument(
        "--methods",
        nargs="+",
        default=list(defaults.methods),
        choices=["face_cutout", "random_erasing", "coarse_dropout", "none"],
    )
    parser.add_argument("--workers", type=int, default=defaults.workers, help="data loader workers")
    parser.add_argument(
        "--threads",
        type=int,
        default=defaults.threads,
        help="torch CPU threads per training process when no GPU is used (default 1: small models on "
        "a busy 2-core machine train several times faster on one thread than on two contending ones)",
    )
    parser.add_argument(
        "--processes",
        type=int,
        help="runs trained at once, each in a process of its own (default: 2 on the CPU, which uses "
        "2 cores better than one run on 2 threads; 1 with a GPU)",
    )
    parser.add_argument(
        "--seed", type=int, default=defaults.seed, help="seed of the gallery and the embedded data"
    )
    parser.set_defaults(func=run, extra="train")


def print_warnings(caught: list[warnings.WarningMessage]) -> None:
    """Each distinct warning once, with how often it came."""
    counts = Counter(f"{item.category.__name__}: {item.message}" for item in caught)
    for text, count in counts.items():
        print(f"warning{f' ({count} times)' if count > 1 else ''}: {text}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """One progress display while the demo runs (INFO logs off unless --verbose), each distinct
    warning once after it, and the report's path as the last line."""
    import logging
    from pathlib import Path

    import torch

    from facecutout.demo.pipeline import run_demo
    from facecutout.demo.settings import DemoSettings

    gpu = torch.cuda.is_available()
    if not gpu:
        torch.set_num_threads(max(args.threads, 1))
    processes = args.processes if args.processes is not None else 1 if gpu else 2
    logging.getLogger("lightning.pytorch").setLevel(logging.WARNING)
    logging.getLogger("lightning.fabric").setLevel(logging.WARNING)
    if not getattr(args, "verbose", False):
        logging.getLogger("facecutout").setLevel(logging.WARNING)
    settings = DemoSettings(
        out=Path(args.out),
        seed=args.seed,
        data=Path(args.data) if args.data else None,
        csvs=tuple(args.csv),
        val_fold=args.val_fold,
        methods=tuple(dict.fromkeys(args.methods)),
        seeds=tuple(dict.fromkeys(args.seeds)),
        model=args.model,
        image_size=args.image_size,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        workers=args.workers,
        processes=max(processes, 1),
        threads=max(args.threads, 1),
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = run_demo(settings)
        finally:
            print_warnings(caught)
    print(f"report: {result.report.resolve()}")
    return 0
