"""``facecutout explain``: Grad-CAM overlays of where a trained checkpoint looks on face crops."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "explain",
        help="Grad-CAM overlays of a checkpoint on face crops",
        description="Grad-CAM (the grad-cam package) of the fake logit at a backbone stage (the last by "
        "default), on face crops as `facecutout predict --no-detect` scores them. Writes "
        "IMAGE_gradcam.png per image "
        "(IMAGE_gradcam_NAME.png with several checkpoints; IMAGE is the file name without suffix, prefixed "
        "with its folders where names repeat) and gradcam_grid.png (rows = images, "
        "columns = the face and each model with its fake probability) to --out.",
    )
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="face crop images, or folders of them")
    parser.add_argument(
        "--checkpoint",
        required=True,
        action="append",
        metavar="[NAME=]PATH",
        help="a checkpoint written by facecutout train; repeat to compare models side by side "
        "(NAME labels its column; default: the file name without suffix)",
    )
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument(
        "--target", default="fake", choices=["fake", "real"], help="explain the evidence for fake or for real"
    )
    parser.add_argument(
        "--stage",
        type=int,
        default=-1,
        help="backbone stage explained: -1 the last (default), -2 the one before it (twice as fine a "
        "map: useful for small inputs, whose last stage is a few pixels wide), 0.. from the first",
    )
    parser.add_argument("--grid-rows", type=int, default=16, help="images shown in the grid (the first ones)")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--device", help="cpu, cuda, cuda:1 (default: cuda when available)")
    parser.set_defaults(func=run, extra="train")


def parse_checkpoints(items: list[str]) -> dict[str, Path]:
    """``{name: path}`` of ``--checkpoint [NAME=]PATH`` items; every path must be a file."""
    from facecutout.errors import InvalidInputError

    checkpoints: dict[str, Path] = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or Path(item).is_file():
            name, path = Path(item).stem, item
        if not Path(path).is_file():
            raise InvalidInputError(f"--checkpoint {path} does not exist or is not a file")
        if name in checkpoints:
            raise InvalidInputError(f"--checkpoint name {name!r} is given twice; label them NAME=PATH")
        checkpoints[name] = Path(path)
    return checkpoints


def run(args: argparse.Namespace) -> int:
    from facecutout.errors import InvalidInputError
    from facecutout.explain.files import collect_images, explain_files

    checkpoints = parse_checkpoints(args.checkpoint)
    if args.grid_rows < 1:
        raise InvalidInputError(f"--grid-rows must be >= 1, got {args.grid_rows}")
    if args.batch_size < 1:
        raise InvalidInputError(f"--batch-size must be >= 1, got {args.batch_size}")
    collect_images(args.images)  # names a missing IMAGE before any model is loaded
    result = explain_files(
        checkpoints,
        args.images,
        args.out,
        device=args.device,
        target=args.target,
        stage=args.stage,
        batch_size=args.batch_size,
        grid_rows=args.grid_rows,
    )
    for name, scores in result.scores.items():
        print(f"{name}: {len(scores)} image(s), mean p(fake) {sum(scores) / len(scores):.3f}")
    print(
        f"written to {args.out}: {sum(map(len, result.overlays.values()))} overlay(s) and {result.grid.name}"
    )
    return 0
