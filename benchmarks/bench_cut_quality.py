"""What Face-Cutout's cuts look like on the shared real crops: empty results, slivers, face and M shares.

Run: .venv/bin/python benchmarks/bench_cut_quality.py [--samples DIR] [--seeds N]
     [--gallery docs/images/cut_gallery.png]

Every crop of the shared samples with its original's landmarks (reals, and fakes with their SSIM
diff) is cut SEEDS times per landmark scheme x variant x strategy (threshold 0.3, default
min_area): 5 shipped MTCNN points and 68 dlib points (detected here, on the crops where dlib finds
the face; every scheme uses only those crops, so their rows are comparable), and the 81-, 98- and
106-point layouts derived from the 68 points (tests/scheme_faces.py: each layout's published
correspondence to iBUG, synthetic forehead points for 81; no detector of theirs runs here), whose
outlines have 30, 43 and 43 points against 27 (the candidate sizes scale with the outline).
For each row, reals and fakes apart: calls, empty results (nothing cut), slivers (a cut under 2%
of the face hull), and the 10th / 50th / 90th percentiles of the face share (cut pixels over the
area of the face hull, the convex hull of the 68 dlib points, for every scheme: the 81-point
outline's forehead reaches above it) and of the manipulated region M hidden (fakes).
Then: the statistics API's own table per part cut, the area of every candidate offered (what a
least area would remove), and a sweep of ``min_area`` on the 68-point variants. ``--gallery``
renders 24 random cuts per variant (12 reals, 12 fakes; M outlined in yellow on the fakes).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from offline import work_offline

work_offline()

from shared_crops import DEFAULT_SAMPLES, Crop, load_crops  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the layouts derived from 68 points
from scheme_faces import to_dlib81, to_insightface106, to_wflw98  # noqa: E402

import facecutout  # noqa: E402
from facecutout.cutout.candidates import (  # noqa: E402
    DEFAULT_MIN_AREA,
    HULL_STRATEGIES,
    face_area,
    face_candidates,
)
from facecutout.cutout.geometry import visible_area  # noqa: E402
from facecutout.cutout.statistics import CutStatistics, markdown_table  # noqa: E402
from facecutout.fileio import atomic_write_bytes  # noqa: E402

SLIVER = 0.02
QUANTILES = (0.1, 0.5, 0.9)
DERIVED = {"81 pt": to_dlib81, "98 pt": to_wflw98, "106 pt": to_insightface106}
ROWS = (
    ("5 pt", "sensory", None),
    ("68 pt", "sensory", None),
    *(
        row
        for scheme in ("68 pt", *DERIVED)
        for row in (
            (scheme, "convex_hull", None),
            *((scheme, "convex_hull", (strategy,)) for strategy in HULL_STRATEGIES),
            (scheme, "random", None),
        )
    ),
)
MIN_AREAS = (0.0, 0.01, 0.02, 0.05, 0.1, 0.15)


@dataclass
class Outcome:
    """Cuts of one row on one class: face shares (NaN: nothing cut) and M shares of the cuts."""

    faces: list[float]
    hidden: list[float]

    def line(self) -> str:
        faces = np.array(self.faces)
        cut = faces[~np.isnan(faces)]
        hidden = np.array(self.hidden)
        hidden = hidden[~np.isnan(hidden)]
        empty = 1 - len(cut) / len(faces)
        slivers = float((cut < SLIVER).mean()) if len(cut) else 0.0
        shares = f"{percentiles(cut)} | {percentiles(hidden)}"
        return f"{len(faces)} | {100 * empty:.1f} | {100 * slivers:.1f} | {shares}"


def percentiles(values: np.ndarray, levels=QUANTILES) -> str:
    """Percentiles of shares, in percent ("-" for none)."""
    return " / ".join(f"{100 * value:.1f}" for value in np.quantile(values, levels)) if len(values) else "-"


def points_of(crop: Crop, scheme: str) -> np.ndarray:
    if scheme == "5 pt":
        return crop.points5
    return DERIVED[scheme](crop.points68) if scheme in DERIVED else crop.points68


def cut_row(
    crops: list[Crop], scheme: str, variant: str, strategies, seeds: int, min_area: float, statistics=None
) -> dict[int, Outcome]:
    """Reals (0) and fakes (1): every crop cut ``seeds`` times (seed = crop index x 1000 + k)."""
    outcomes = {0: Outcome([], []), 1: Outcome([], [])}
    options = {} if strategies is None else {"strategies": strategies}
    for index, crop in enumerate(crops):
        hull = face_area(crop.points68)
        manipulated = None if crop.diff is None else facecutout.binarize_diff(crop.diff)
        points = points_of(crop, scheme)
        for seed in range(seeds):
            _, region = facecutout.face_cutout(
                crop.image,
                points,
                crop.diff,
                variant=variant,
                seed=index * 1000 + seed,
                return_region=True,
                min_area=min_area,
                statistics=statistics,
                **options,
            )
            outcome = outcomes[crop.label]
            if not region.any():
                outcome.faces.append(np.nan)
                continue
            outcome.faces.append(region.sum() / hull)
            if manipulated is not None and manipulated.any():
                outcome.hidden.append((region & manipulated).sum() / manipulated.sum())
    return outcomes


def quality_table(crops: list[Crop], seeds: int) -> str:
    header = (
        "| landmarks | variant | strategies | class | calls | empty % | slivers % | face share % "
        "(p10/p50/p90) | M hidden % (p10/p50/p90) |\n|---|---|---|---|---:|---:|---:|---|---|"
    )
    lines = [header]
    for scheme, variant, strategies in ROWS:
        outcomes = cut_row(crops, scheme, variant, strategies, seeds, DEFAULT_MIN_AREA)
        for label, name in ((0, "real"), (1, "fake")):
            chosen = "all" if strategies is None else strategies[0]
            lines.append(f"| {scheme} | {variant} | {chosen} | {name} | {outcomes[label].line()} |")
    return "\n".join(lines)


def parts_table(crops: list[Crop], seeds: int) -> str:
    """The statistics API's own table for the 68-point random variant, reals and fakes together."""
    statistics = CutStatistics()
    cut_row(crops, "68 pt", "random", None, seeds, DEFAULT_MIN_AREA, statistics)
    return markdown_table(statistics.rows())


def candidate_area_table(crops: list[Crop]) -> str:
    """Every candidate (no least area) of one draw per crop, as a share of the face hull, per part."""
    scheme = facecutout.cutout.resolve_scheme(68)
    shares: dict[str, list[float]] = {}
    for index, crop in enumerate(crops):
        height, width = crop.image.shape[:2]
        hull = face_area(crop.points68)
        for variant in ("sensory", "convex_hull"):
            rng = np.random.default_rng(index)
            for candidate in face_candidates(crop.points68, scheme, variant, rng, height, width):
                area = visible_area(candidate.polygon, height, width)
                shares.setdefault(candidate.part, []).append(area / hull)
    lines = [
        "| part | candidates | smallest % | p1 / p5 / p50 % | under 2 % | under 5 % |",
        "|---|---:|---:|---|---:|---:|",
    ]
    for part, values in shares.items():
        values = np.array(values)
        lines.append(
            f"| {part} | {len(values)} | {100 * values.min():.1f} | {percentiles(values, (0.01, 0.05, 0.5))} "
            f"| {(values < 0.02).sum()} | {(values < 0.05).sum()} |"
        )
    return "\n".join(lines)


def min_area_table(crops: list[Crop], seeds: int) -> str:
    lines = [
        "| min_area | variant | class | calls | empty % | slivers % | face share % (p10/p50/p90) "
        "| M hidden % (p10/p50/p90) |",
        "|---:|---|---|---:|---:|---:|---|---|",
    ]
    for min_area in MIN_AREAS:
        for variant in ("convex_hull", "random"):
            outcomes = cut_row(crops, "68 pt", variant, None, seeds, min_area)
            for label, name in ((0, "real"), (1, "fake")):
                lines.append(f"| {min_area} | {variant} | {name} | {outcomes[label].line()} |")
    return "\n".join(lines)


def gallery(crops: list[Crop], path: Path, tile: int = 112, seed: int = 0) -> None:
    """24 random cuts per variant (12 reals, 12 fakes) as one image: a 4 x 6 grid per variant."""
    rng = np.random.default_rng(seed)
    reals = [crop for crop in crops if crop.label == 0]
    fakes = [crop for crop in crops if crop.label == 1]
    panels = []
    for variant in ("sensory", "convex_hull", "random"):
        picked = [reals[i] for i in rng.choice(len(reals), 12, replace=False)]
        picked += [fakes[i] for i in rng.choice(len(fakes), 12, replace=False)]
        tiles = []
        for crop in picked:
            cut = facecutout.face_cutout(
                crop.image, crop.points68, crop.diff, variant=variant, seed=int(rng.integers(2**31))
            )
            if crop.diff is not None:
                contours, _ = cv2.findContours(
                    facecutout.binarize_diff(crop.diff).view(np.uint8),
                    cv2.RETR_EXTERNAL,
                    cv2.CHAIN_APPROX_SIMPLE,
                )
                cv2.drawContours(cut, contours, -1, (255, 220, 0), 2)
            tiles.append(cv2.resize(cut, (tile, tile), interpolation=cv2.INTER_AREA))
        grid = np.vstack([np.hstack(tiles[row * 6 : row * 6 + 6]) for row in range(4)])
        title = np.full((28, grid.shape[1], 3), 255, np.uint8)
        cv2.putText(
            title, f"{variant}: 12 reals, 12 fakes", (6, 20), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 0), 1
        )
        panels.append(np.vstack([title, grid]))
    separator = np.full((8, panels[0].shape[1], 3), 255, np.uint8)
    image = np.vstack([panels[0], separator, panels[1], separator, panels[2]])
    ok, encoded = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    assert ok
    atomic_write_bytes(path, encoded.tobytes())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES)
    parser.add_argument("--seeds", type=int, default=10, help="cuts per crop and row")
    parser.add_argument("--gallery", type=Path, help="write the gallery of 24 cuts per variant here")
    args = parser.parse_args()

    crops = [crop for crop in load_crops(args.samples) if crop.points68 is not None]
    reals = sum(crop.label == 0 for crop in crops)
    print(
        f"{len(crops)} crops with 68 dlib points ({reals} reals, {len(crops) - reals} fakes), "
        f"{args.seeds} cuts each per row, threshold 0.3, min_area {DEFAULT_MIN_AREA}; "
        f"sliver: under {100 * SLIVER:.0f}% of the face hull\n"
    )
    print(quality_table(crops, args.seeds))
    print("\nThe 68-point random variant, per part cut (reals and fakes; the statistics API's table):\n")
    print(parts_table(crops, args.seeds))
    print("\nEvery candidate of one draw per crop (68 points, no least area), share of the face hull:\n")
    print(candidate_area_table(crops))
    print("\nmin_area sweep (68 points):\n")
    print(min_area_table(crops, max(args.seeds // 2, 1)))
    if args.gallery is not None:
        gallery(crops, args.gallery)
        print(f"\ngallery: {args.gallery}")


if __name__ == "__main__":
    main()
