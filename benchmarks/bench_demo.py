"""Pseudo-fake generation and the demo's training step, with references timed in the same run.

Run: .venv/bin/python benchmarks/bench_demo.py [--samples DIR] [--repeats 3] [--steps 8]

1. Per real face crop (the shared Celeb-DF real crops with their 5 MTCNN landmarks, or astronaut
   crops with dlib landmarks when the samples are absent): the self-blend alone, the SSIM diff, and
   the whole pair written in the paper's layout (real crop, landmarks, fake, diff, mask), against
   the reference of a plain copy of the crop (read + PNG write). Best of REPEATS passes.
2. The demo's training step (its timm model, image size and batch, forward + backward + AdamW)
   with one torch thread vs two (the reason ``facecutout demo`` defaults to ``--threads 1`` on the
   CPU), and resnet10t, the demo's model before test_resnet, on one thread as the reference. STEPS
   rounds, interleaved so all see the same load; medians and ranges. The load average is printed:
   other processes change the two-thread time the most.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from offline import work_offline

DEFAULT_SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "face-cutout-samples"


def real_crops(samples: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    """(crop, landmarks) pairs: the shared real Celeb-DF crops, or astronaut crops if absent."""
    from facecutout.fileio import read_rgb

    folder = samples / "celebdf"
    if folder.is_dir():
        pairs = []
        for crop in sorted((folder / "face_crops").glob("0000*/*.png")):
            landmarks = folder / "original_landmarks" / crop.parent.name / f"{crop.stem}.npy"
            if landmarks.is_file():
                pairs.append((read_rgb(crop), np.load(landmarks).astype(np.float64)))
        return pairs
    from facecutout.demo.dataset import VideoStyle, frame_view
    from facecutout.demo.face import astronaut, detect_face
    from facecutout.demo.settings import EmbeddedSpec

    face = detect_face(astronaut(), "astronaut")
    rng = np.random.default_rng(0)
    style = VideoStyle(1.0, False, 0.0, 1.0, 1.0)
    return [frame_view(face, style, rng, 192) for _ in range(EmbeddedSpec().videos * 4)]


def best_ms(work: Callable[[], None], count: int, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return 1000 * min(times) / count


def bench_pseudo_fakes(pairs: list[tuple[np.ndarray, np.ndarray]], repeats: int) -> None:
    from facecutout.data.layout import DatasetLayout
    from facecutout.data.ssim import ssim_diff
    from facecutout.fileio import read_rgb, write_image
    from facecutout.pseudofake import make_pseudo_fake
    from facecutout.pseudofake.blend import DEFAULT_BLEND
    from facecutout.pseudofake.writer import FaceFrame, write_pair

    fakes = [make_pseudo_fake(image, points, seed=index).fake for index, (image, points) in enumerate(pairs)]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for index, (image, _) in enumerate(pairs):
            write_image(root / "src" / f"{index}.png", image)
        layout = DatasetLayout(root / "out", "bench")
        faces = [FaceFrame("v", index, 0, image, points) for index, (image, points) in enumerate(pairs)]

        def copy() -> None:
            for index in range(len(pairs)):
                write_image(root / "copy" / f"{index}.png", read_rgb(root / "src" / f"{index}.png"))

        def blend() -> None:
            for index, (image, points) in enumerate(pairs):
                make_pseudo_fake(image, points, seed=index)

        def diffs() -> None:
            for (image, _), fake in zip(pairs, fakes, strict=True):
                ssim_diff(image, fake)

        def write() -> None:
            for face in faces:
                write_pair(layout, face, 0, DEFAULT_BLEND)

        count = len(pairs)
        reference = best_ms(copy, count, repeats)
        mean_side = np.mean([np.sqrt(image.shape[0] * image.shape[1]) for image, _ in pairs])
        print(f"pseudo-fakes: {count} real crops, mean side {mean_side:.0f} px, best of {repeats}")
        print(f"  reference: plain crop copy (read + PNG write)   {reference:7.2f} ms/crop")
        for name, work in (
            ("self-blend (make_pseudo_fake)", blend),
            ("SSIM diff (data.ssim)", diffs),
            ("pair written (5 files)", write),
        ):
            value = best_ms(work, count, repeats)
            print(f"  {name:<46}{value:7.2f} ms/crop  {value / reference:5.2f}x the copy")


def training_step(model_name: str, size: int, batch: int) -> Callable[[int], float]:
    """A function running one forward + backward + AdamW step on ``threads`` torch threads, in ms."""
    import timm
    import torch

    torch.manual_seed(0)
    model = timm.create_model(model_name, num_classes=1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    images, labels = torch.randn(batch, 3, size, size), torch.randint(0, 2, (batch,)).float()

    def step_ms(threads: int) -> float:
        torch.set_num_threads(threads)
        start = time.perf_counter()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(images)[:, 0], labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return 1000 * (time.perf_counter() - start)

    return step_ms


def bench_training_step(steps: int) -> None:
    """The demo's model on one and on two threads, and the former demo model (resnet10t) on one
    thread as the reference, interleaved so all see the same machine load."""
    from facecutout.demo.settings import DemoSettings

    demo = DemoSettings()
    runs = {
        f"{demo.model}, 1 thread": (training_step(demo.model, demo.image_size, demo.batch_size), 1),
        f"{demo.model}, 2 threads": (training_step(demo.model, demo.image_size, demo.batch_size), 2),
        "resnet10t, 1 thread": (training_step("resnet10t", demo.image_size, demo.batch_size), 1),
    }
    for step, threads in runs.values():
        step(threads)
    times: dict[str, list[float]] = {name: [] for name in runs}
    loads = []
    for _ in range(steps):
        for name, (step, threads) in runs.items():
            times[name].append(step(threads))
        loads.append(os.getloadavg()[0])
    medians = {name: float(np.median(values)) for name, values in times.items()}
    reference = medians["resnet10t, 1 thread"]
    print(
        f"training step ({demo.image_size} px, batch {demo.batch_size}, forward + backward + AdamW; "
        f"{steps} interleaved rounds; load average {min(loads):.1f}-{max(loads):.1f} on "
        f"{os.cpu_count()} cores)"
    )
    for name, median in medians.items():
        values = times[name]
        print(
            f"  {name:<26}{median:8.1f} ms/step (median; range {min(values):.0f}-{max(values):.0f})  "
            f"{median / reference:5.2f}x resnet10t on 1 thread"
        )


def main() -> None:
    work_offline()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    bench_pseudo_fakes(real_crops(args.samples), args.repeats)
    bench_training_step(args.steps)


if __name__ == "__main__":
    main()
