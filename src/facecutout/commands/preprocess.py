"""``facecutout preprocess``: raw deepfake dataset -> face crops, landmarks, SSIM diffs, folds CSV."""

from __future__ import annotations

import argparse
import json


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "preprocess",
        help="extract face crops, landmarks, SSIM diffs and identity-disjoint folds from a video dataset",
        description=(
            "Run the preprocessing stages (frames, faces, crops, landmarks, diffs, folds) on a raw dataset. "
            "Re-running skips finished work; --shard K/N splits the videos across machines, then one "
            "--merge run builds OUT/<dataset>.csv and OUT/<dataset>_report.json."
        ),
    )
    parser.add_argument("--source", required=True, choices=["dfdc", "ffpp", "celebdf", "csv"])
    parser.add_argument("--root", required=True, help="dataset folder (for --source csv: the CSV file)")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--dataset", help="dataset name in the output (default: the source name)")
    parser.add_argument("--stages", default="all", help="comma-separated stages to run (default all)")
    parser.add_argument(
        "--frames", type=int, default=32, help="N evenly spaced frames per video (0: no limit)"
    )
    parser.add_argument("--stride", type=int, help="every k-th frame instead (with --frames: at most N)")
    parser.add_argument(
        "--landmarks", default="mtcnn", help="landmark backends: mtcnn, dlib68 or mtcnn,dlib68"
    )
    parser.add_argument(
        "--redetect-landmarks", action="store_true", help="run MTCNN again on each crop for the 5 points"
    )
    parser.add_argument(
        "--margin", type=float, default=1 / 3, help="crop margin, share of the box (default: 1/3)"
    )
    parser.add_argument("--max-faces", type=int, default=2, help="most faces per frame (largest first)")
    parser.add_argument("--min-face-score", type=float, default=0.9, help="detector score threshold")
    parser.add_argument("--detect-max-side", type=int, default=1024, help="downscale frames for detection")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cluster-distance", type=float, default=0.6, help="dlib same-person distance")
    parser.add_argument("--device", help="detector device (default: cuda when available, else cpu)")
    parser.add_argument(
        "--executor",
        default="local",
        choices=["local", "ray"],
        help="local: processes on this machine (--workers); ray: a Ray cluster (needs facecutout[ray])",
    )
    parser.add_argument(
        "--workers",
        type=int,
        help="local: worker processes (default 1); ray: CPUs of a new local Ray instance (default all)",
    )
    parser.add_argument("--address", help="ray: the cluster to join (default: RAY_ADDRESS, else start one)")
    parser.add_argument(
        "--gpus-per-actor",
        type=float,
        help="ray: GPU share of each face-detection actor, e.g. 0.25 (default 1 with GPUs, else CPU actors)",
    )
    parser.add_argument("--detectors", type=int, help="ray: face-detection actors (default: by resources)")
    parser.add_argument("--retries", type=int, help="ray: retries of a failed task or actor call (3)")
    parser.add_argument("--shard", help="K/N: process only shard K (0-based) of N; merge later with --merge")
    parser.add_argument(
        "--merge", action="store_true", help="only build the CSV and report from finished work"
    )
    parser.add_argument(
        "--allow-partial", action="store_true", help="merge even if some videos were never run"
    )
    parser.add_argument(
        "--holdout-test", action="store_true", help="official test split (and linked) -> fold -1"
    )
    parser.add_argument("--ffpp-compression", default="c23", choices=["raw", "c23", "c40"])
    parser.add_argument("--ffpp-methods", help="comma-separated FF++ methods (default: all present)")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    parser.set_defaults(func=run, extra="train")


def split_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from facecutout.data.layout import DatasetLayout
    from facecutout.errors import DataError, InvalidInputError
    from facecutout.preprocess import STAGES, PreprocessConfig, RayConfig, preprocess_dataset
    from facecutout.preprocess.sharding import parse_shard
    from facecutout.sources import read_source

    options: dict = {}
    if args.source == "ffpp":
        options = {"compression": args.ffpp_compression, "methods": split_list(args.ffpp_methods) or None}
    if args.source == "csv":
        options = {"dataset": args.dataset or "custom"}
    listing = read_source(args.source, args.root, **options)
    if args.dataset:
        listing.dataset = args.dataset
    config = PreprocessConfig(
        frames=args.frames or None,
        stride=args.stride,
        detector="mtcnn",
        min_face_score=args.min_face_score,
        max_faces=args.max_faces,
        detect_max_side=args.detect_max_side,
        margin=args.margin,
        landmarks=tuple(split_list(args.landmarks)),
        redetect_landmarks=args.redetect_landmarks,
        folds=args.folds,
        cluster_distance=args.cluster_distance,
        device=args.device,
    )
    stages = STAGES if args.stages == "all" else tuple(split_list(args.stages))
    workers, ray = args.workers, None
    ray_options = {
        "address": args.address,
        "cpus": args.workers,
        "gpus_per_actor": args.gpus_per_actor,
        "detectors": args.detectors,
        "retries": args.retries,
    }
    if args.executor == "ray":
        ray = RayConfig(**{key: value for key, value in ray_options.items() if value is not None})
        workers = None
    elif any(value is not None for key, value in ray_options.items() if key != "cpus"):
        raise InvalidInputError("--address, --gpus-per-actor, --detectors and --retries need --executor ray")
    result = preprocess_dataset(
        listing,
        args.out,
        config,
        stages=stages,
        workers=workers,
        executor=args.executor,
        ray=ray,
        shard=parse_shard(args.shard) if args.shard else None,
        merge_only=args.merge,
        holdout_test=args.holdout_test,
        allow_partial=args.allow_partial,
        progress=not args.no_progress,
    )
    summary = {"dataset": listing.dataset, "videos": len(listing.records), "run": result.to_dict()["stages"]}
    report = result.report
    if report is not None:
        summary.update(
            {
                "csv": report.csv,
                "rows": report.folds.rows,
                "skipped": {
                    stage: {key: value for key, value in info.outcomes.items() if key != "done"}
                    for stage, info in report.stages.items()
                },
                "source_skips": report.sources.skipped,
                "identity_groups": report.folds.groups,
                "largest_group_share": report.folds.largest_group_share,
                "fold_shares": {fold: share.to_dict() for fold, share in report.folds.shares.items()},
                "balance_warnings": report.folds.balance_warnings,
                "leakage_problems": report.folds.leakage_problems,
            }
        )
    print(json.dumps(summary, indent=1, sort_keys=True))
    if report is not None and not report.folds.rows:
        layout = DatasetLayout(Path(args.out), listing.dataset)
        raise DataError(f"no face crop of {listing.dataset} made it into {layout.csv}: see {layout.report}")
    return 1 if report is not None and report.folds.leakage_problems else 0
