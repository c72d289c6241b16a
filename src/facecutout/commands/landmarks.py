"""``facecutout landmarks``: detect face landmarks in an image or a folder, one .npy per image."""

from __future__ import annotations

import argparse

BACKEND_NAMES = ("dlib68", "mtcnn")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "landmarks",
        help="detect face landmarks, one .npy per image",
        description=(
            "Detect the largest face's landmarks in INPUT (an image or a folder, searched recursively) and "
            "write (N, 2) float32 (x, y) points to OUT/<relative path>.npy. Images with no face are listed "
            "in OUT/no_face.txt; unreadable, truncated and tiny images in OUT/skipped.txt with the reason."
        ),
    )
    parser.add_argument("input", help="image file or folder")
    parser.add_argument(
        "--backend", default="dlib68", choices=BACKEND_NAMES, help="dlib68: 68 points, mtcnn: 5"
    )
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--overwrite", action="store_true", help="redo images whose .npy already exists")
    parser.add_argument("--device", default=None, help="torch device for mtcnn (default: cuda if available)")
    parser.add_argument("--batch-size", type=int, default=16, help="images per detector call (default 16)")
    parser.set_defaults(func=run, extra="landmarks")


def run(args: argparse.Namespace) -> int:
    from tqdm.contrib.logging import logging_redirect_tqdm

    from facecutout.errors import InvalidInputError
    from facecutout.landmarks import get_detector
    from facecutout.landmarks.folder import NO_FACE_FILE, SKIPPED_FILE, detect_folder

    if args.batch_size < 1:
        raise InvalidInputError(f"--batch-size must be at least 1, got {args.batch_size}")
    detector = get_detector(args.backend, args.device)
    with logging_redirect_tqdm():
        summary = detect_folder(
            args.input, args.out, detector, overwrite=args.overwrite, batch_size=args.batch_size
        )
    processed = summary.images - summary.kept - len(summary.skipped)
    print(
        f"images: {summary.images} (kept from an earlier run: {summary.kept}, "
        f"skipped: {len(summary.skipped)}, searched: {processed})"
    )
    print(
        f"faces found: {summary.written} written to {args.out} "
        f"({summary.multi_face} with several faces: the largest kept)"
    )
    print(f"no face: {len(summary.no_face)} (listed in {args.out}/{NO_FACE_FILE})")
    if summary.skipped:
        print(f"skipped: {len(summary.skipped)} (listed in {args.out}/{SKIPPED_FILE})")
        for name, reason in summary.skipped:
            print(f"  {name}: {reason}")
    return 0
