"""``facecutout check-leakage``: fail when a video, original or identity appears in more than one fold."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check-leakage",
        help="check that no video, original or identity group spans two folds of a training CSV",
        description=(
            "Read a training CSV (video,file,label,original,frame,fold,dataset[,identity]) and report every "
            "video, original and identity group found in more than one fold. Exits 1 when any is found; a "
            "fold that is not an integer is an error naming its line."
        ),
    )
    parser.add_argument("csv", help="the CSV written by facecutout preprocess")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from facecutout.data.folds import leakage_problems
    from facecutout.data.table import integer_column
    from facecutout.errors import DataError
    from facecutout.fileio import require_file

    path = require_file(args.csv)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as error:
        raise DataError(f"cannot read CSV {path}: {error}") from None
    missing = [column for column in ("video", "original", "fold") if column not in table.columns]
    if missing:
        raise DataError(f"CSV {path}: missing column(s) {missing}")
    table["fold"] = integer_column(table, "fold", path)
    if "identity" in table.columns:  # rows without an identity group belong to none
        table["identity"] = table["identity"].replace("", None)
    problems = leakage_problems(table)
    checked = "video, original" + (", identity" if "identity" in table.columns else " (no identity column)")
    for problem in problems:
        print(f"LEAK: {problem}")
    folds = sorted(table["fold"].unique().tolist())
    print(f"{path}: {len(table)} rows, folds {folds}, checked {checked}: {len(problems)} problem(s)")
    return 1 if problems else 0
