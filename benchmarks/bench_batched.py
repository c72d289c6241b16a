"""Images per second of the batched Face-Cutout against the per-image version in a Python loop.

Run: .venv/bin/python benchmarks/bench_batched.py [--device cpu|cuda] [--batch-sizes 32 128]
     [--size 224] [--repeats 7] [--threads N] [--samples DIR] [--profile]

Both versions cut the same real fake crops of the shared samples, resized to SIZE x SIZE, with
their manipulated regions (diff >= 40) so the overlap rule is exercised: 5-point MTCNN landmarks
(shipped) and 68-point dlib landmarks (detected here, once, untimed). The per-image reference
(``facecutout.face_cutout`` on numpy arrays, always on the CPU) is timed in the same run; a
ratio is batched / per-image throughput, for the batched call making a copy (as the per-image one
does) and cutting the batch in place (``inplace=True``, as in a training step). ``candidates_ms``
is the time the "tensor" backend spends building the first candidate of every image on the CPU
(the same for any device; later ranks are built only for the images still without a cut).
Best of REPEATS runs, interleaved, in process CPU time on the CPU (wall time on a GPU).
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import torch
from offline import work_offline

from facecutout import binarize_diff, face_cutout
from facecutout.batched import batch_face_cutout
from facecutout.batched.candidates import CandidateSource, CandidateStreams, draw_seeds
from facecutout.cutout import HULL_STRATEGIES, SENSORY_FEATURES, resolve_scheme
from facecutout.cutout.candidates import DEFAULT_MIN_AREA
from facecutout.data.table import load_samples
from facecutout.fileio import read_grey, read_rgb

DEFAULT_SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "face-cutout-samples"
CASES = (("5-pt", "sensory"), ("68-pt", "sensory"), ("68-pt", "convex_hull"), ("68-pt", "random"))


def load_fakes(samples: Path, size: int) -> list[dict]:
    """Fake crops resized to size x size with their 5 landmarks and manipulated region."""
    fakes = []
    rows, _ = load_samples(samples, ["celebdf.csv", "ffpp.csv"])
    for row in rows:
        if row.label != 1 or row.diff is None or row.landmarks is None:
            continue
        rgb = read_rgb(row.image)
        scale = np.array([size / rgb.shape[1], size / rgb.shape[0]])
        fakes.append(
            {
                "image": cv2.resize(rgb, (size, size), interpolation=cv2.INTER_AREA),
                "mask": binarize_diff(
                    cv2.resize(read_grey(row.diff), (size, size), interpolation=cv2.INTER_AREA)
                ),
                "5-pt": np.load(row.landmarks).astype(np.float64) * scale,
            }
        )
    return fakes


def add_68_points(fakes: list[dict]) -> list[dict]:
    """The fakes where dlib finds a face, with its 68 landmarks under "68-pt"."""
    from facecutout.landmarks import get_detector, primary_face

    detector = get_detector("dlib68")
    found = []
    for fake, faces in zip(fakes, detector.detect_batch([fake["image"] for fake in fakes]), strict=True):
        face = primary_face(faces)
        if face is not None:
            found.append({**fake, "68-pt": face.points.astype(np.float64)})
    return found


def seconds(call: Callable[[], object], device: torch.device) -> float:
    """Process CPU seconds of one call on the CPU (steadier than wall time on a shared machine),
    wall seconds on a GPU."""
    clock = time.perf_counter if device.type == "cuda" else time.process_time
    start = clock()
    call()
    return clock() - start


def tensor_batch(
    chosen: list[dict], points: str, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Images (B, 3, H, W) uint8, landmarks (B, N, 2) and masks (B, H, W) of the items, on ``device``."""
    images = torch.from_numpy(np.stack([item["image"] for item in chosen])).permute(0, 3, 1, 2).contiguous()
    landmarks = torch.from_numpy(np.stack([item[points] for item in chosen]))
    masks = torch.from_numpy(np.stack([item["mask"] for item in chosen]))
    return images.to(device), landmarks.to(device), masks.to(device)


def run_case(
    items: list[dict], points: str, variant: str, batch: int, device: torch.device, repeats: int
) -> dict:
    """Best-of-repeats images/s of both versions on one batch of ``batch`` items."""
    chosen = [items[index % len(items)] for index in range(batch)]
    images, landmarks, masks = tensor_batch(chosen, points, device)
    generator = torch.Generator(device=device).manual_seed(0)
    rng = np.random.default_rng(0)

    def per_image() -> None:
        for item in chosen:
            face_cutout(item["image"], item[points], item["mask"], variant=variant, seed=rng)

    working = images.clone()  # cut in place again and again: the cost does not depend on the pixels

    def batched(inplace: bool, backend: str | None = None) -> None:
        batch_face_cutout(
            working if inplace else images,
            landmarks,
            masks,
            variant=variant,
            generator=generator,
            inplace=inplace,
            backend=backend,
        )
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    scheme = resolve_scheme(landmarks.shape[1])
    points_cpu = landmarks.cpu().double().numpy()

    def candidates() -> None:
        seeds = draw_seeds(batch, generator, device)
        source = CandidateSource(
            points_cpu,
            scheme,
            variant,
            seeds,
            [True] * batch,
            SENSORY_FEATURES,
            HULL_STRATEGIES,
            DEFAULT_MIN_AREA,
            tuple(images.shape[2:]),
        )
        CandidateStreams(source).take(range(batch), 1, device)

    runs = {
        "loop": per_image,
        "copy": partial(batched, False),
        "in place": partial(batched, True),
        "tensor": partial(batched, False, "tensor"),
        "candidates": candidates,
    }
    batched(False)  # warm-up (CUDA kernels, allocator)
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            times[name].append(seconds(run, device))
    rates = {name: batch / min(values) for name, values in times.items()}
    return {
        "landmarks": points,
        "variant": variant,
        "batch": batch,
        "loop_img_s": round(rates["loop"]),
        "batched_img_s": round(rates["copy"]),
        "ratio": round(rates["copy"] / rates["loop"], 2),
        "ratio_inplace": round(rates["in place"] / rates["loop"], 2),
        "tensor_ratio": round(rates["tensor"] / rates["loop"], 2),
        "candidates_ms": round(1000 * min(times["candidates"]), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--device", default="cpu", help="device of the batched version (cpu, cuda, cuda:1 ...)"
    )
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[32, 128])
    parser.add_argument("--size", type=int, default=224, help="side of the resized crops (pixels)")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--threads", type=int, default=None, help="torch and OpenCV CPU threads (default: theirs)"
    )
    parser.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES)
    parser.add_argument(
        "--profile", action="store_true", help="also print the top operators of one batched call"
    )
    args = parser.parse_args()
    work_offline()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.threads is not None:
        torch.set_num_threads(args.threads)
        cv2.setNumThreads(args.threads)
    device = torch.device(args.device)

    fakes = load_fakes(args.samples, args.size)
    with_68 = add_68_points(fakes)
    logging.info(
        "%d fake crops at %d px; dlib found 68 points on %d of them; torch %s, %d threads, batched on %s",
        len(fakes),
        args.size,
        len(with_68),
        torch.__version__,
        torch.get_num_threads(),
        device,
    )
    rows = []
    for points, variant in CASES:
        items = fakes if points == "5-pt" else with_68
        for batch in args.batch_sizes:
            rows.append(run_case(items, points, variant, batch, device, args.repeats))
    print(pd.DataFrame(rows).to_string(index=False))
    if args.profile:
        batch = max(args.batch_sizes)
        for points, variant in CASES:
            items = fakes if points == "5-pt" else with_68
            print(f"\n{points} {variant}, batch {batch}: operators by own time, one batched call")
            print(profile_case(items, points, variant, batch, device))


def profile_case(items: list[dict], points: str, variant: str, batch: int, device: torch.device) -> str:
    """torch.profiler table of the operators of one batched call (after a warm-up call)."""
    from torch.profiler import ProfilerActivity, profile

    images, landmarks, masks = tensor_batch(
        [items[index % len(items)] for index in range(batch)], points, device
    )
    generator = torch.Generator(device=device).manual_seed(0)
    batch_face_cutout(images, landmarks, masks, variant=variant, generator=generator)
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.type == "cuda" else [])
    with profile(activities=activities) as profiler:
        batch_face_cutout(images, landmarks, masks, variant=variant, generator=generator)
        if device.type == "cuda":
            torch.cuda.synchronize(device)
    key = "self_cuda_time_total" if device.type == "cuda" else "self_cpu_time_total"
    return profiler.key_averages().table(sort_by=key, row_limit=12)


if __name__ == "__main__":
    main()
