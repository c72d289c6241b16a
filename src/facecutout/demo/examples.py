"""A strip of dataset examples: real crop, its pseudo-fake and the exact manipulated region."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from facecutout.data.layout import DatasetLayout
from facecutout.fileio import read_grey, read_rgb, write_image
from facecutout.pseudofake.inputs import fake_video


def render_examples(layout: DatasetLayout, path: Path, count: int = 4) -> Path:
    """``count`` rows of (real, fake, region) from different videos, side by side, as one PNG."""
    table = pd.read_csv(layout.csv, dtype={"video": str, "original": str})
    reals = table[table["label"] == 0].groupby("video").head(1).head(count)
    rows = []
    for row in reals.itertuples():
        real = read_rgb(layout.crop(row.video, row.file))
        fake = read_rgb(layout.crop(fake_video(row.video), row.file))
        region = read_grey(layout.mask(fake_video(row.video), row.file))
        rows.append(np.hstack([real, fake, np.repeat(region[:, :, None], 3, axis=2)]))
    write_image(path, np.vstack(rows))
    return path
