"""Labelled dataset examples: real crop, its pseudo-fake, their difference and the manipulated region."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from facecutout.data.layout import DatasetLayout
from facecutout.demo.gallery import Panel, render_gallery
from facecutout.fileio import read_grey, read_rgb
from facecutout.pseudofake.inputs import fake_video

DIFF_GAIN = 4
"""The difference panel shows |fake - real| times this, so faint blends stay visible."""
COLUMNS = 4


def example_panels(layout: DatasetLayout, count: int, caption: str) -> list[Panel]:
    """Four panels per video for the first frame of ``count`` real videos of ``layout``."""
    table = pd.read_csv(layout.csv, dtype={"video": str, "original": str})
    reals = table[table["label"] == 0].groupby("video").head(1).head(count)
    panels = []
    for row in reals.itertuples():
        real = read_rgb(layout.crop(row.video, row.file))
        fake = read_rgb(layout.crop(fake_video(row.video), row.file))
        region = read_grey(layout.mask(fake_video(row.video), row.file)) > 0
        difference = np.abs(fake.astype(np.int16) - real.astype(np.int16)) * DIFF_GAIN
        panels += [
            Panel(f"{caption} {row.video}: real", real),
            Panel("its pseudo-fake", fake),
            Panel(f"|fake - real| x {DIFF_GAIN}", np.clip(difference, 0, 255).astype(np.uint8)),
            Panel(
                f"manipulated region M ({100 * region.mean():.0f}%)",
                np.repeat(region[:, :, None] * 255, 3, 2).astype(np.uint8),
            ),
        ]
    return panels


def render_examples(layouts: list[tuple[DatasetLayout, str]], path: Path, count: int = 2) -> Path:
    """``count`` videos of each (layout, caption), one row of four labelled panels per video, as one PNG."""
    panels = [panel for layout, caption in layouts for panel in example_panels(layout, count, caption)]
    return render_gallery(panels, path, columns=COLUMNS)
