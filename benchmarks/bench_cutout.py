"""Time per image of Face-Cutout on the shared real crops, against albumentations CoarseDropout.

Run: .venv/bin/python benchmarks/bench_cutout.py [--samples DIR] [--repeats N]

Every number comes from this run: CoarseDropout (albumentations defaults) is the reference; the
paper's per-call approach (dlib 68-point detection on every call, then the cut) is timed on a subset.
Times are CPU seconds of this process (one thread), best of REPEATS passes with the rows
interleaved in every pass, so that other jobs on a shared machine weigh on every row alike.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")

import albumentations as A  # noqa: E402
import cv2  # noqa: E402
import numpy as np  # noqa: E402
from shared_crops import DEFAULT_SAMPLES, load_crops  # noqa: E402

import facecutout  # noqa: E402
from facecutout.landmarks import get_detector, primary_face  # noqa: E402


def time_per_image(items: Sequence, call: Callable) -> float:
    """Mean CPU seconds per item of ``call(item)`` over one pass."""
    start = time.process_time()
    for item in items:
        call(item)
    return (time.process_time() - start) / len(items)


def best_times(rows: Sequence[tuple[str, Sequence, Callable]], repeats: int) -> list[float]:
    """Each row's best time per item over ``repeats`` passes, the rows interleaved in every pass."""
    best = [float("inf")] * len(rows)
    for _ in range(repeats):
        for index, (_, items, call) in enumerate(rows):
            best[index] = min(best[index], time_per_image(items, call))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--paper-subset", type=int, default=40, help="crops timed with per-call detection")
    args = parser.parse_args()
    cv2.setNumThreads(1)

    crops = load_crops(args.samples)
    sides = [np.mean(crop.image.shape[:2]) for crop in crops]
    print(
        f"{len(crops)} crops ({sum(c.diff is not None for c in crops)} fakes with diff), "
        f"mean side {np.mean(sides):.0f} px"
    )
    with68 = [crop for crop in crops if crop.points68 is not None]
    print(f"dlib68 found a face in {len(with68)} of {len(crops)} crops (used for the 68-point rows)")

    rng = np.random.default_rng(0)
    coarse = A.CoarseDropout(p=1.0)
    transform = facecutout.FaceCutout(p=1.0)
    transform.set_random_seed(0)

    def functional(points: str, variant: str) -> Callable:
        return lambda c: facecutout.face_cutout(
            c.image, getattr(c, points), c.diff, variant=variant, seed=rng
        )

    rows = [
        ("albumentations CoarseDropout (reference)", crops, lambda c: coarse(image=c.image)),
        (
            "FaceCutout transform, random, 5 pt + diff",
            crops,
            lambda c: transform(image=c.image, keypoints=c.points5, mask=c.diff),
        ),
        ("face_cutout, random, 5 pt + diff", crops, functional("points5", "random")),
        ("face_cutout, sensory, 5 pt + diff", crops, functional("points5", "sensory")),
        ("face_cutout, sensory, 68 pt + diff", with68, functional("points68", "sensory")),
        ("face_cutout, convex_hull, 68 pt + diff", with68, functional("points68", "convex_hull")),
        ("face_cutout, random, 68 pt + diff", with68, functional("points68", "random")),
        (
            "FaceCutout transform, random, 68 pt + diff",
            with68,
            lambda c: transform(image=c.image, keypoints=c.points68, mask=c.diff),
        ),
    ]
    results = best_times(rows, args.repeats)
    reference = results[0]

    subset = with68[: args.paper_subset]
    dlib68 = get_detector("dlib68")

    def paper_per_call(crop) -> None:
        face = primary_face(dlib68.detect(crop.image))
        facecutout.face_cutout(crop.image, face.points, crop.diff, variant="convex_hull", seed=rng)

    paper, ours = best_times(
        [("paper", subset, paper_per_call), ("ours", subset, functional("points68", "convex_hull"))], 2
    )

    print("\n| call | ms per image | x CoarseDropout |\n|---|---:|---:|")
    for (name, _, _), seconds in zip(rows, results, strict=True):
        print(f"| {name} | {seconds * 1e3:.4f} | {seconds / reference:.2f} |")
    print(
        f"\nper-call dlib 68-point detection + cut (the paper's approach), {len(subset)} crops: "
        f"{paper * 1e3:.2f} ms per image; cached landmarks: {ours * 1e3:.4f} ms -> {paper / ours:.0f}x faster"
    )


if __name__ == "__main__":
    main()
