"""Draw every built-in landmark scheme's face outline and sensory points on the astronaut.

Run: .venv/bin/python scripts/scheme_picture.py [--out docs/images/landmark_schemes.png]

One panel per scheme: all its points (grey), the closed outline joined in the scheme's order (a
wrong index would show as a zig-zag or a crossing; the first point is ringed), and the five sensory
points (left eye, right eye, nose tip, left and right mouth corner) the scheme computes. The
landmarks are the ones of tests/scheme_faces.py: real detections for 5, 68 and 468 / 478 points,
layouts derived through their iBUG correspondence for 81, 98 and 106 (see docs/landmarks.md).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from scheme_faces import astronaut, astronaut_layouts  # noqa: E402

from facecutout.cutout import resolve_scheme  # noqa: E402

SENSORY_COLOURS = ("blue", "cyan", "yellow", "red", "magenta")
SENSORY_NAMES = ("left eye", "right eye", "nose tip", "left mouth corner", "right mouth corner")
DERIVED = {"dlib81", "wflw98", "insightface106"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/images/landmark_schemes.png"))
    args = parser.parse_args()
    image = astronaut()
    layouts = astronaut_layouts()
    figure, axes = plt.subplots(2, 4, figsize=(16, 8.6))
    for axis, (name, points) in zip(axes.flat, layouts.items(), strict=False):
        scheme = resolve_scheme(len(points), name)
        axis.imshow(image)
        axis.scatter(points[:, 0], points[:, 1], s=3, c="lightgrey")
        if scheme.has_outline:
            outline = scheme.outline_points(points)
            closed = np.vstack([outline, outline[:1]])
            axis.plot(closed[:, 0], closed[:, 1], "-", c="lime", lw=1.5)
            axis.scatter(*outline[0], s=80, facecolors="none", edgecolors="lime", lw=1.5)
        sensory = scheme.sensory_points(points)
        for point, colour in zip(sensory, SENSORY_COLOURS, strict=True):
            axis.scatter(*point, s=40, c=colour, edgecolors="black", lw=0.6, zorder=3)
        lows, highs = points.min(0), points.max(0)
        pad = max(0.25 * (highs - lows).max(), 45.0)
        axis.set_xlim(lows[0] - pad, highs[0] + pad)
        axis.set_ylim(highs[1] + pad, lows[1] - pad)
        origin = "derived from dlib 68" if name in DERIVED else "detected"
        axis.set_title(f"{name}: {scheme.num_points} points ({origin})", fontsize=11)
        axis.axis("off")
    legend = axes.flat[-1]
    legend.axis("off")
    for colour, label in zip(SENSORY_COLOURS, SENSORY_NAMES, strict=True):
        legend.scatter([], [], s=40, c=colour, edgecolors="black", label=label)
    legend.plot([], [], "-", c="lime", label="face outline in index order")
    legend.scatter([], [], s=80, facecolors="none", edgecolors="lime", label="first outline point")
    legend.legend(loc="center", fontsize=12, frameon=False)
    figure.suptitle("Landmark schemes on scikit-image's astronaut (public domain)", fontsize=13)
    figure.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    figure.savefig(buffer, dpi=72)
    buffer.seek(0)
    picture = Image.open(buffer).convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    picture.save(args.out, optimize=True)
    print(args.out)


if __name__ == "__main__":
    main()
