"""Training input pipeline and step time.

1. Images/s of one data-loading worker (the dataset's __getitem__ in this process: read crop,
   landmarks, manipulated region, augment) with each augmentation, and the ratio to "none" measured
   in the same run (targets for face_cutout: >= 0.9x at p = 1, >= 0.95x at p = 0.5). Time is the
   process's CPU time (one thread), so other jobs on a shared machine count less than in wall time.
2. Training step time per image (forward + backward + AdamW step) of the small test model, with
   and without the on-device batched Face-Cutout in the step.

Run: .venv/bin/python benchmarks/bench_training.py [--size 224] [--images 240] [--threads 1]
Needs the shared samples (../shared/data/face-cutout-samples).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import torch
from offline import work_offline

work_offline()

from facecutout.data.augment import AUGMENTATIONS, CutoutSettings, TrainTransform  # noqa: E402
from facecutout.data.dataset import FaceCropDataset, collate_faces  # noqa: E402
from facecutout.data.manipulated import ManipulatedCache  # noqa: E402
from facecutout.data.table import load_samples  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "face-cutout-samples"


def pipeline_dataset(
    samples, size: int, augmentation: str, p: float, on_device: bool = False, cache: Path | None = None
) -> FaceCropDataset:
    settings = CutoutSettings(augmentation=augmentation, p=p)
    transform = TrainTransform(size, settings, on_device=on_device)
    packed = ManipulatedCache(cache, settings.diff_level) if cache is not None else None
    return FaceCropDataset(samples, size, transform, with_masks=on_device, cache=packed)


def pipeline_rates(
    samples, size: int, count: int, rounds: int, p: float, cache: Path, chunk: int = 20
) -> dict[str, float]:
    """Images per CPU second of one worker producing training items, per augmentation.

    After one pass over every dataset (every file in the page cache, the manipulated-region cache
    filled), the first ``count`` items are timed in chunks of ``chunk``, every dataset in turn, in
    ``rounds`` rounds; each chunk starts from the same augmentation seed in every round, so the
    rounds repeat the same work and the fastest time of each chunk is kept (what other jobs on the
    machine add is left out).
    """
    datasets = {
        name: pipeline_dataset(samples, size, name, p, cache=cache if name == "face_cutout" else None)
        for name in AUGMENTATIONS
    }
    datasets["face_cutout (diff PNG read for every cut fake)"] = pipeline_dataset(
        samples, size, "face_cutout", p
    )
    datasets["face_cutout (on-device mode: masks only)"] = pipeline_dataset(
        samples, size, "face_cutout", p, on_device=True, cache=cache
    )
    for dataset in datasets.values():
        for index in range(len(dataset)):
            dataset[index]
    starts = range(0, count, chunk)
    best = {name: [float("inf")] * len(starts) for name in datasets}
    for _ in range(rounds):
        for position, first in enumerate(starts):
            for name, dataset in datasets.items():
                dataset.transform.set_seed(first)  # the dataset reseeds only for a new torch seed
                start = time.process_time()
                for index in range(first, min(first + chunk, count)):
                    dataset[index % len(dataset)]
                best[name][position] = min(best[name][position], time.process_time() - start)
    return {name: count / sum(times) for name, times in best.items()}


def step_time(model_name: str, size: int, batch: int, repeats: int, on_device: bool, samples) -> float:
    """Seconds per image of one training step of the LightningModule (no Trainer overhead)."""
    from facecutout.model.classifier import DeepfakeClassifier
    from facecutout.model.config import TrainConfig
    from facecutout.model.device_cutout import apply_device_cutout

    config = TrainConfig().with_overrides(
        [
            f"model.name={model_name}",
            "model.pretrained=false",
            f"data.image_size={size}",
            f"data.cutout_on_device={str(on_device).lower()}",
            "data.augmentation_p=1.0",
        ]
    )
    model = DeepfakeClassifier(config.to_dict())
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    transform = TrainTransform(size, CutoutSettings(), on_device=True)
    dataset = FaceCropDataset(samples, size, transform, with_masks=True)
    data = collate_faces([dataset[index] for index in range(batch)])
    labels = data["label"].float()

    def one_step() -> None:
        images = data["image"]
        if model.device_cutout is not None:
            images, _ = apply_device_cutout(model.device_cutout, data)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(images), labels.clamp(0.01, 0.99))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    model.train()
    for _ in range(2):
        one_step()
    start = time.perf_counter()
    for _ in range(repeats):
        one_step()
    return (time.perf_counter() - start) / (repeats * batch)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=224, help="input size of the pipeline benchmark")
    parser.add_argument("--images", type=int, default=200, help="images per pipeline measurement")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (each chunk's best counts)")
    parser.add_argument("--p", type=float, default=0.5, help="probability of the cutout step")
    parser.add_argument("--model", default="mobilenetv3_small_050", help="model of the step benchmark")
    parser.add_argument("--step-size", type=int, default=64, help="input size of the step benchmark")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1, help="torch and OpenCV threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    cv2.setNumThreads(args.threads)  # one worker = one core
    torch.manual_seed(0)
    np.random.seed(0)
    samples, _ = load_samples(SAMPLES, ["celebdf.csv", "ffpp.csv"])
    rng = np.random.default_rng(0)
    samples = [samples[index] for index in rng.permutation(len(samples))]
    print(
        f"input pipeline, one worker, {args.size} px, {args.images} images x best of {args.rounds} rounds, "
        f"p={args.p}, real+fake crops"
    )
    with tempfile.TemporaryDirectory() as cache:
        rates = pipeline_rates(samples, args.size, args.images, args.rounds, args.p, Path(cache))
    for name, rate in rates.items():
        print(f"  {name:<48} {rate:8.1f} img/s   {rate / rates['none']:.2f}x none")
    print(
        f"training step, {args.model}, {args.step_size} px, batch {args.batch}, {args.threads} thread(s), CPU"
    )
    plain = step_time(args.model, args.step_size, args.batch, args.repeats, False, samples)
    cut = step_time(args.model, args.step_size, args.batch, args.repeats, True, samples)
    print(f"  {'step (per-image cutout in the workers)':<42} {plain * 1e3:8.2f} ms/img   1.00x")
    print(f"  {'step + BatchFaceCutout in the step':<42} {cut * 1e3:8.2f} ms/img   {cut / plain:.2f}x")


if __name__ == "__main__":
    main()
