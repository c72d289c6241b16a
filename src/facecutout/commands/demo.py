"""``facecutout demo``: the embedded demo (no download), or the same on a dataset in the paper's layout."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run the embedded demo and write a report",
        description=(
            "Detect scikit-image's astronaut with both landmark backends, render the cutout gallery, "
            "and write a Markdown report; print its path."
        ),
    )
    parser.add_argument("--out", default="demo_output", help="output folder (default: demo_output)")
    parser.add_argument("--seed", type=int, default=0)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from facecutout.demo.pipeline import DemoSettings, run_demo

    report = run_demo(DemoSettings(out=Path(args.out), seed=args.seed))
    print(f"report: {report.resolve()}")
    return 0
