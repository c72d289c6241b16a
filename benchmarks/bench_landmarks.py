"""Benchmark the landmark backends and Face-Cutout with on-the-fly detection on the shared crops.

Prints ms per image for each backend (and MTCNN batched; each figure is the median over the
images of the fastest of 3 calls), and the cost of a FaceCutout call that
detects its landmarks vs one given cached landmarks (the reference, measured in the same run).

    .venv/bin/python benchmarks/bench_landmarks.py [--images 40] [--device cpu] [--threads 1]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from offline import work_offline

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "face-cutout-samples"


def real_crops(count: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Up to ``count`` real Celeb-DF crops with their shipped 5-point landmarks, evenly spread."""
    from facecutout.fileio import read_rgb

    pairs = []
    for crop in sorted((SAMPLES / "celebdf" / "face_crops").glob("0000[01]/*.png")):
        points = SAMPLES / "celebdf" / "original_landmarks" / crop.parent.name / f"{crop.stem}.npy"
        if points.is_file():
            pairs.append((read_rgb(crop), np.load(points)))
    if not pairs:
        raise SystemExit(f"no shared crops under {SAMPLES}")
    step = max(len(pairs) // count, 1)
    return pairs[::step][:count]


def ms_per_call(function: Callable[[np.ndarray], object], images: list, repeats: int = 3) -> float:
    """Median over the images of the fastest of ``repeats`` calls, in ms (after one warm-up call).

    The fastest of a few calls filters out the time stolen by other processes on a shared machine.
    """
    function(images[0])
    best = []
    for image in images:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            function(image)
            times.append(time.perf_counter() - start)
        best.append(min(times))
    return 1000 * statistics.median(best)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=40, help="number of shared crops (default 40)")
    parser.add_argument("--device", default=None, help="MTCNN device (default: cuda if available)")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
    args = parser.parse_args()
    work_offline()

    import albumentations as A
    import cv2
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)

    from facecutout import DetectingFaceCutout, FaceCutout
    from facecutout.landmarks import get_detector, primary_face

    pairs = real_crops(args.images)
    images = [image for image, _ in pairs]
    sizes = np.array([image.shape[:2] for image in images])
    print(
        f"{len(images)} real Celeb-DF crops, {sizes.min(0)} .. {sizes.max(0)} px (H, W); "
        f"torch threads {torch.get_num_threads()}"
    )

    detectors = {"mtcnn": get_detector("mtcnn", args.device), "dlib68": get_detector("dlib68")}
    for name, detector in detectors.items():
        start = time.perf_counter()
        detector.detect(images[0])
        print(f"{name}: first call (model load + detect) {time.perf_counter() - start:.2f} s")

    print("\nbackend                         ms/image")
    per_image = {name: ms_per_call(detector.detect, images) for name, detector in detectors.items()}
    for name, value in per_image.items():
        print(f"{name:30s} {value:9.1f}")
    mtcnn = detectors["mtcnn"]
    batched = ms_per_call(mtcnn.detect_batch, [images]) / len(images)
    groups = len({image.shape for image in images})
    print(f"{'mtcnn detect_batch (' + str(groups) + ' sizes)':30s} {batched:9.1f}")
    frames = [cv2.resize(image, (240, 320), interpolation=cv2.INTER_AREA) for image in images]
    one_by_one = ms_per_call(mtcnn.detect, frames)
    same_size = ms_per_call(mtcnn.detect_batch, [frames]) / len(frames)
    print(f"{'mtcnn, 320x240 one by one':30s} {one_by_one:9.1f}")
    ratio = one_by_one / same_size
    print(f"{'mtcnn, 320x240 detect_batch':30s} {same_size:9.1f}   (one by one / batched: {ratio:.2f})")

    keypoint_params = A.KeypointParams(format="xy", remove_invisible=False)
    cached = A.Compose([FaceCutout(variant="sensory", p=1.0)], keypoint_params=keypoint_params, seed=0)
    dlib_points = [primary_face(detectors["dlib68"].detect(image)).points for image in images]
    cached_68 = A.Compose([FaceCutout(variant="convex_hull", p=1.0)], keypoint_params=keypoint_params, seed=0)
    calls = {
        "cached 5 points (reference)": lambda i: cached(image=images[i], keypoints=pairs[i][1]),
        "cached 68 points, convex hull": lambda i: cached_68(image=images[i], keypoints=dlib_points[i]),
    }
    for name in detectors:
        variant = "convex_hull" if name == "dlib68" else "sensory"
        compose = A.Compose([DetectingFaceCutout(detectors[name], variant=variant, p=1.0)], seed=0)
        calls[f"on-the-fly {name}"] = lambda i, compose=compose: compose(image=images[i])
    indices = list(range(len(images)))
    timings = {name: ms_per_call(lambda i, call=call: call(int(i)), indices) for name, call in calls.items()}
    reference = timings["cached 5 points (reference)"]
    print("\nFaceCutout call (p=1)           ms/image   x reference")
    for name, value in timings.items():
        print(f"{name:30s} {value:9.2f} {value / reference:11.1f}")


if __name__ == "__main__":
    main()
