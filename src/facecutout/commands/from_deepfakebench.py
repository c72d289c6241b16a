"""``facecutout from-deepfakebench``: training CSVs over DeepfakeBench's preprocessed frames, in place."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "from-deepfakebench",
        help="write training CSVs that use a DeepfakeBench dataset's frames, landmarks and masks in place",
        description=(
            "Read a DeepfakeBench dataset JSON (preprocessing/rearrange.py) and write OUT/<dataset>.csv "
            "and OUT/<dataset>_report.json for each dataset in it: one row per listed frame, naming the "
            "frame, its landmarks (landmarks/<video>/<frame>.npy) and its FaceForensics++ mask "
            "(masks/<video>/<frame>.png, the exact manipulated region) where they are, with "
            "identity-disjoint folds. Nothing is copied; train with "
            "facecutout train --data OUT --csv <dataset>.csv."
        ),
    )
    parser.add_argument("json", help="the dataset JSON, e.g. preprocessing/dataset_json/FaceForensics++.json")
    parser.add_argument("--out", required=True, help="output folder for the CSVs and reports")
    parser.add_argument(
        "--base", help="folder that relative frame paths in the JSON start from (default: the current one)"
    )
    parser.add_argument(
        "--compression", default="c23", help="FaceForensics++ compression level to use (default c23)"
    )
    parser.add_argument("--frames", type=int, help="N evenly spaced frames per video (default: all listed)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--holdout-test", action="store_true", help="the JSON's test videos (and linked) -> fold -1"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from facecutout.preprocess.deepfakebench import convert_deepfakebench

    reports = convert_deepfakebench(
        args.json,
        args.out,
        base=args.base,
        compression=args.compression,
        frames=args.frames,
        folds=args.folds,
        holdout_test=args.holdout_test,
    )
    for report in reports:
        print(
            f"{report.dataset}: {report.folds.rows} rows from {report.videos} videos "
            f"({report.real_videos} real, {report.fake_videos} fake) -> {args.out}/{report.csv}; "
            f"{report.frames_missing} listed frames missing, {report.rows_without_landmarks} rows without "
            f"landmarks, fake rows {report.fake_rows_with_mask} with a mask and "
            f"{report.fake_rows_without_mask} without (never cut); "
            f"{len(report.folds.leakage_problems)} leakage problem(s)"
        )
    return 0 if reports and all(report.folds.rows for report in reports) else 1
