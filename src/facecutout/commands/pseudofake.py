"""``facecutout pseudofake``: self-blended fakes from real face crops, in the paper's training layout."""

from __future__ import annotations

import argparse
import json


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "pseudofake",
        help="make self-blended pseudo-fakes from real face crops",
        description=(
            "Transform a copy of each real face (colour, sharpness, small warp), blend it back inside "
            "a soft landmark-hull mask, and write real and fake crops, SSIM diffs, exact masks, "
            "landmarks and OUT/NAME.csv (folds by original video) in the paper's layout. The video of "
            "an image is the folder holding it."
        ),
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="real face crop files or folders")
    parser.add_argument("--out", required=True, help="output root (receives NAME/ and NAME.csv)")
    parser.add_argument("--name", default="pseudofake", help="dataset name (default: pseudofake)")
    parser.add_argument(
        "--landmarks",
        help="folder of <video>/<frame>_<person>.npy landmarks (e.g. a dataset's original_landmarks); "
        "default: detect them",
    )
    parser.add_argument("--backend", default="dlib68", help="detector when --landmarks is not given")
    parser.add_argument(
        "--diffs",
        default="ssim",
        choices=["ssim", "region"],
        help="what diffs/ holds: the paper's grey SSIM diff (default) or the exact changed pixels as 255; "
        "masks/ always holds the exact region, and training reads it before diffs/",
    )
    parser.add_argument("--folds", type=int, default=5, help="number of folds (by original video)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--overwrite", action="store_true", help="redo pairs already written")
    parser.set_defaults(func=run, extra="train")


def run(args: argparse.Namespace) -> int:
    from facecutout.errors import InvalidInputError
    from facecutout.fileio import atomic_write_bytes
    from facecutout.pseudofake.from_files import write_pseudo_fake_dataset

    if args.folds < 1:
        raise InvalidInputError(f"--folds must be >= 1, got {args.folds}")
    layout, summary = write_pseudo_fake_dataset(
        args.inputs,
        args.out,
        args.name,
        landmarks=args.landmarks,
        backend=args.backend,
        folds=args.folds,
        seed=args.seed,
        diff_kind=args.diffs,
        overwrite=args.overwrite,
    )
    report = summary.report(layout)
    atomic_write_bytes(layout.summary, report.to_json())
    print(json.dumps(report.model_dump(include={"csv", "pairs_written", "pairs_kept", "skipped"})))
    return 0
