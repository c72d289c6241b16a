"""Time per image of Face-Cutout on the shared real crops, against albumentations CoarseDropout.

Run: .venv/bin/python benchmarks/bench_cutout.py [--samples DIR] [--repeats N]

Every number comes from this run: CoarseDropout (albumentations defaults) is the reference; the
paper's per-call approach (dlib 68-point detection on every call, then the cut) is timed on a subset.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")

import albumentations as A  # noqa: E402
import numpy as np  # noqa: E402

import facecutout  # noqa: E402
from facecutout.data.table import load_samples
from facecutout.fileio import read_grey, read_rgb  # noqa: E402
from facecutout.landmarks import get_detector, primary_face  # noqa: E402

DEFAULT_SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "face-cutout-samples"


def load_crops(samples: Path) -> list[dict]:
    """Every crop with its original's 5 landmarks; fakes also carry their diff."""
    rows, _ = load_samples(samples, ["celebdf.csv", "ffpp.csv"])
    return [
        {
            "image": read_rgb(row.image),
            "points5": np.load(row.landmarks).astype(np.float64),
            "diff": read_grey(row.diff) if row.diff is not None else None,
        }
        for row in rows
        if row.landmarks is not None
    ]


def time_per_image(items: Sequence, call: Callable, repeats: int) -> float:
    """Best-of-``repeats`` mean seconds per item of ``call(item)``."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for item in items:
            call(item)
        best = min(best, (time.perf_counter() - start) / len(items))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--paper-subset", type=int, default=40, help="crops timed with per-call detection")
    args = parser.parse_args()

    crops = load_crops(args.samples)
    sides = [np.mean(crop["image"].shape[:2]) for crop in crops]
    print(
        f"{len(crops)} crops ({sum(c['diff'] is not None for c in crops)} fakes with diff), "
        f"mean side {np.mean(sides):.0f} px"
    )
    dlib68 = get_detector("dlib68")
    for crop in crops:
        face = primary_face(dlib68.detect(crop["image"]))
        crop["points68"] = None if face is None else face.points.astype(np.float64)
    with68 = [crop for crop in crops if crop["points68"] is not None]
    print(f"dlib68 found a face in {len(with68)} of {len(crops)} crops (used for the 68-point rows)")

    rng = np.random.default_rng(0)
    coarse = A.CoarseDropout(p=1.0)
    transform = facecutout.FaceCutout(p=1.0)
    transform.set_random_seed(0)

    def functional(points: str, variant: str) -> Callable:
        return lambda c: facecutout.face_cutout(c["image"], c[points], c["diff"], variant=variant, seed=rng)

    rows = [
        ("albumentations CoarseDropout (reference)", crops, lambda c: coarse(image=c["image"])),
        (
            "FaceCutout transform, random, 5 pt + diff",
            crops,
            lambda c: transform(image=c["image"], keypoints=c["points5"], mask=c["diff"]),
        ),
        ("face_cutout, random, 5 pt + diff", crops, functional("points5", "random")),
        ("face_cutout, sensory, 5 pt + diff", crops, functional("points5", "sensory")),
        ("face_cutout, sensory, 68 pt + diff", with68, functional("points68", "sensory")),
        ("face_cutout, convex_hull, 68 pt + diff", with68, functional("points68", "convex_hull")),
        ("face_cutout, random, 68 pt + diff", with68, functional("points68", "random")),
        (
            "FaceCutout transform, random, 68 pt + diff",
            with68,
            lambda c: transform(image=c["image"], keypoints=c["points68"], mask=c["diff"]),
        ),
    ]
    results = [(name, time_per_image(items, call, args.repeats)) for name, items, call in rows]
    reference = results[0][1]

    subset = with68[: args.paper_subset]

    def paper_per_call(crop: dict) -> None:
        face = primary_face(dlib68.detect(crop["image"]))
        facecutout.face_cutout(crop["image"], face.points, crop["diff"], variant="convex_hull", seed=rng)

    paper = time_per_image(subset, paper_per_call, 2)
    ours = time_per_image(subset, functional("points68", "convex_hull"), args.repeats)

    print("\n| call | ms per image | x CoarseDropout |\n|---|---:|---:|")
    for name, seconds in results:
        print(f"| {name} | {seconds * 1e3:.4f} | {seconds / reference:.2f} |")
    print(
        f"\nper-call dlib 68-point detection + cut (the paper's approach), {len(subset)} crops: "
        f"{paper * 1e3:.2f} ms per image; cached landmarks: {ours * 1e3:.4f} ms -> {paper / ours:.0f}x faster"
    )


if __name__ == "__main__":
    main()
