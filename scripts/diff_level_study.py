"""Choose the grey level that turns an SSIM diff into the manipulated region, from the shared fakes.

Run: .venv/bin/python scripts/diff_level_study.py [--samples DIR] [--out docs/images]

For each level it measures, over every shared fake: the share of the inner face flagged (a box from
the eyes to the mouth corners, where face swaps change pixels) and the share of the background
flagged (outside an ellipse around the face, where only compression noise lives). It writes the
curves (aggregate numbers only) and, outside the repository, an example panel of the crops, and
prints the table quoted in docs/manipulated_region.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from conftest import SAMPLES, real_fakes  # noqa: E402

from facecutout import DEFAULT_DIFF_LEVEL, binarize_diff  # noqa: E402
from facecutout.fileio import read_grey, read_rgb  # noqa: E402

LEVELS = np.arange(5, 161, 5)


def face_zones(points: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Inner-face box (eyes to mouth) and background (outside a generous face ellipse) masks."""
    height, width = shape
    rows, cols = np.mgrid[:height, :width]
    eye_distance = np.linalg.norm(points[1] - points[0])
    x0, x1 = points[:, 0].min(), points[:, 0].max()
    y0, y1 = points[:, 1].min(), points[:, 1].max()
    inner = (cols >= x0) & (cols <= x1) & (rows >= y0) & (rows <= y1)
    center = points.mean(axis=0)
    across = (cols - center[0]) / (1.3 * eye_distance)
    along = (rows - center[1]) / (1.8 * eye_distance)
    return inner, across**2 + along**2 > 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/images"), help="folder of the curves PNG")
    parser.add_argument(
        "--examples-out",
        type=Path,
        default=Path("build/diff_level_examples.png"),
        help="example panel of shared crops (kept out of the repository: the samples may not be shared)",
    )
    args = parser.parse_args()
    fakes = real_fakes()
    curves = {}
    for dataset in ("celebdf", "ffpp"):
        inner_share, background_share = [], []
        for sample in (s for s in fakes if s.dataset == dataset):
            diff = read_grey(sample.diff_path)
            inner, background = face_zones(np.load(sample.landmarks_path).astype(float), diff.shape)
            inner_share.append([(diff[inner] >= level).mean() for level in LEVELS])
            background_share.append([(diff[background] >= level).mean() for level in LEVELS])
        curves[dataset] = (np.mean(inner_share, axis=0), np.mean(background_share, axis=0))

    figure, axis = plt.subplots(figsize=(6.5, 4))
    for dataset, color in (("celebdf", "tab:blue"), ("ffpp", "tab:orange")):
        inner, background = curves[dataset]
        axis.plot(LEVELS, inner, color=color, label=f"{dataset}: inner face flagged")
        axis.plot(LEVELS, background, color=color, linestyle="--", label=f"{dataset}: background flagged")
    axis.axvline(DEFAULT_DIFF_LEVEL, color="black", linewidth=1)
    axis.text(DEFAULT_DIFF_LEVEL + 2, 0.9, f"default {DEFAULT_DIFF_LEVEL}")
    axis.set_xlabel("grey level of the SSIM diff (255 = 1 - SSIM of 1)")
    axis.set_ylabel("share of pixels flagged")
    axis.legend(fontsize=8)
    axis.grid(alpha=0.3)
    figure.tight_layout()
    args.out.mkdir(parents=True, exist_ok=True)
    figure.savefig(args.out / "diff_level_curves.png", dpi=110)

    examples = [fakes[0], fakes[60], fakes[120], fakes[250]]
    shown_levels = (20, DEFAULT_DIFF_LEVEL, 64)
    figure, axes = plt.subplots(len(examples), 2 + len(shown_levels), figsize=(11, 2.6 * len(examples)))
    for row, sample in zip(axes, examples, strict=True):
        diff = read_grey(sample.diff_path)
        panels = [(read_rgb(sample.image_path), f"{sample.dataset} fake"), (diff, "SSIM diff")]
        panels += [(binarize_diff(diff, level=level), f"diff >= {level}") for level in shown_levels]
        for axis, (picture, title) in zip(row, panels, strict=True):
            axis.imshow(picture, cmap="gray")
            axis.set_title(title, fontsize=9)
            axis.axis("off")
    figure.tight_layout()
    args.examples_out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(args.examples_out, dpi=80)

    print(f"samples: {SAMPLES}")
    print("| level | celebdf inner | celebdf background | ffpp inner | ffpp background |")
    print("|---:|---:|---:|---:|---:|")
    for index, level in enumerate(LEVELS):
        if level in (10, 20, 30, 40, 50, 64, 80, 100):
            cells = [f"{curves[d][k][index]:.3f}" for d in ("celebdf", "ffpp") for k in (0, 1)]
            print(f"| {level} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
