"""``facecutout evaluate``: metrics, per-image / per-video scores and curves of a trained checkpoint."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="evaluate a checkpoint on labelled faces",
        description="Score every row of a labelled set: either --data ROOT --csv CSV (the training layout, "
        "video metrics included) or --images DIR --labels CSV (filename,label). Prints the metrics table and "
        "writes metrics.json, per_image.csv, per_video.csv, roc.png and pr.png to --out.",
    )
    parser.add_argument("--checkpoint", required=True, help="a checkpoint written by facecutout train")
    parser.add_argument("--data", help="data root in the paper's layout")
    parser.add_argument("--csv", action="append", default=[], help="CSV of rows (repeatable)")
    parser.add_argument("--fold", type=int, help="evaluate only this fold of the CSVs")
    parser.add_argument("--images", help="folder of face images")
    parser.add_argument("--labels", help="CSV with columns filename,label (0/1 or real/fake) for --images")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument(
        "--aggregation", default="mean", choices=["mean", "confident"], help="video score rule"
    )
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--workers", type=int, default=0, help="data loader workers")
    parser.add_argument("--device", help="cpu, cuda, cuda:1 (default: cuda when available)")
    parser.set_defaults(func=run, extra="train")


def run(args: argparse.Namespace) -> int:
    from facecutout.errors import InvalidInputError
    from facecutout.evaluation.evaluate import evaluate, format_table

    if bool(args.data) == bool(args.images):
        raise InvalidInputError("give either --data ROOT --csv CSV or --images DIR --labels CSV")
    if args.data and not args.csv:
        raise InvalidInputError("--data needs at least one --csv")
    if args.images and not args.labels:
        raise InvalidInputError("--images needs --labels CSV (filename,label)")
    report = evaluate(
        args.checkpoint,
        out_dir=args.out,
        data_root=args.data,
        csvs=args.csv,
        fold=args.fold,
        images_dir=args.images,
        labels_csv=args.labels,
        batch_size=args.batch_size,
        num_workers=args.workers,
        device=args.device,
        aggregation=args.aggregation,
    )
    print(format_table(report))
    for note in report.notes + (report.video.notes if report.video else []):
        print(f"note: {note}")
    tables = ["per_image.csv"] + (["per_video.csv"] if report.video else [])
    print(f"written to {args.out}: " + ", ".join(["metrics.json", *tables, *report.plots]))
    return 0
