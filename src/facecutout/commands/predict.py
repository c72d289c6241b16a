"""``facecutout predict``: fake probabilities of images and videos with a trained checkpoint."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "predict",
        help="score images and videos",
        description="Detect faces (MTCNN), crop them with a 1/3 margin, score them and aggregate per input. "
        "Videos: --frames evenly spaced frames, score = mean or the confident strategy over all faces; "
        "images: the most fake-looking face. Prints a table; --json writes the records. Exits non-zero "
        "when no input could be scored.",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="image or video files, or folders of them")
    parser.add_argument("--checkpoint", required=True, help="a checkpoint written by facecutout train")
    parser.add_argument("--frames", type=int, default=32, help="frames sampled per video")
    parser.add_argument(
        "--strategy", default="confident", choices=["confident", "mean"], help="video score rule"
    )
    parser.add_argument("--detector", default="mtcnn", help="face detector backend (mtcnn or dlib68)")
    parser.add_argument(
        "--no-detect", action="store_true", help="inputs are face crops already: score them whole"
    )
    parser.add_argument("--min-face-score", type=float, default=0.9, help="skip detections below this score")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--device", help="cpu, cuda, cuda:1 (default: cuda when available)")
    parser.add_argument("--json", help="write the records to this JSON file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    from facecutout.errors import DataError
    from facecutout.fileio import atomic_write_bytes
    from facecutout.predict.predict import format_predictions, predict

    predictions = predict(
        args.checkpoint,
        args.inputs,
        frames=args.frames,
        detector=None if args.no_detect else args.detector,
        min_face_score=args.min_face_score,
        strategy=args.strategy,
        batch_size=args.batch_size,
        device=args.device,
    )
    records = [item.as_dict() for item in predictions]
    print(format_predictions(predictions))
    if args.json:
        atomic_write_bytes(args.json, json.dumps(records, indent=2).encode())
    else:
        print(json.dumps(records, indent=2))
    if all(item.error for item in predictions):
        raise DataError(f"none of the {len(predictions)} input(s) could be scored (no face, or unreadable)")
    return 0
