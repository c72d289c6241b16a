"""The demo, step by step: gallery, a small pseudo-fake dataset, a short ablation, the report.

On the embedded default everything comes from scikit-image's astronaut (no download). With
``data`` set, the gallery uses a real fake of that dataset and the ablation trains on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from facecutout.demo.dataset import EmbeddedSpec
from facecutout.demo.face import DetectedFace
from facecutout.demo.progress import Steps
from facecutout.demo.report import Report
from facecutout.pseudofake.blend import BlendSettings

TRAIN_NAME = "astronaut"
TEST_NAME = "astronaut_subtle"
SUBTLE_BLEND = BlendSettings(
    colour_shift=10.0, contrast=0.08, saturation=0.12, sharpness_sigma=(0.4, 1.0), edge_softness=(0.04, 0.08)
)
"""The embedded test set's fakes: weaker colour changes and softer edges than the training fakes."""


@dataclass(frozen=True)
class DemoSettings:
    """What the demo runs and where it writes. The training budget is the same for every run;
    ``seed`` seeds the gallery and is added to the embedded datasets' seeds."""

    out: Path = Path("demo_output")
    seed: int = 0
    data: Path | None = None
    csvs: tuple[str, ...] = ()
    val_fold: int = 0
    methods: tuple[str, ...] = ("face_cutout", "random_erasing", "none")
    seeds: tuple[int, ...] = (0, 1)
    model: str = "resnet10t"
    image_size: int = 64
    epochs: int = 3
    batch_size: int = 16
    lr: float = 1e-3
    workers: int = 0
    train_spec: EmbeddedSpec = field(
        default_factory=lambda: EmbeddedSpec(videos=24, frames=8, size=96, folds=4)
    )
    test_spec: EmbeddedSpec = field(
        default_factory=lambda: EmbeddedSpec(videos=6, frames=4, size=96, folds=1, seed=1)
    )


def train_settings(settings: DemoSettings, root: Path, csvs: list[str]) -> dict:
    """The training config shared by every ablation run."""
    return {
        "data": {
            "root": str(root),
            "csvs": csvs,
            "val_fold": settings.val_fold,
            "image_size": settings.image_size,
            "batch_size": settings.batch_size,
            "num_workers": settings.workers,
        },
        "model": {"name": settings.model, "pretrained": False},
        "optim": {"lr": settings.lr},
        "trainer": {
            "max_epochs": settings.epochs,
            "devices": 1,
            "log_every_n_steps": 1,
            "early_stopping_patience": settings.epochs,
        },
    }


def settings_text(settings: DemoSettings, train_rows: str) -> str:
    return (
        f"Methods {', '.join(settings.methods)} x seeds {', '.join(map(str, settings.seeds))}; timm "
        f"`{settings.model}` from scratch at {settings.image_size} px, {settings.epochs} epochs, batch "
        f"{settings.batch_size}, AdamW lr {settings.lr}, validation fold {settings.val_fold}. {train_rows}"
    )


@dataclass(frozen=True)
class TrainingData:
    """What the ablation trains on (``csvs`` under ``root``) and the extra test sets."""

    root: Path
    csvs: list[str]
    test_sets: tuple = ()


def gallery_step(settings: DemoSettings, steps: Steps, report: Report) -> DetectedFace | None:
    """Detect the face, render the gallery; returns the full astronaut face on the embedded default."""
    from facecutout.demo.face import astronaut, detect_face
    from facecutout.demo.gallery import build_panels, render_gallery
    from facecutout.demo.user_data import dataset_csvs, pick_gallery_fake

    full = None
    if settings.data is None:
        with steps.step("detecting landmarks (MTCNN 5-pt, dlib 68-pt)"):
            full = detect_face(astronaut(), "skimage.data.astronaut()")
        face, fake, manipulated, fake_title = full.cropped(), None, None, "pseudo-fake"
        source = "The astronaut image that ships with scikit-image"
    else:
        with steps.step("picking a fake for the gallery, detecting landmarks"):
            picked = pick_gallery_fake(settings.data, dataset_csvs(settings.data, settings.csvs))
        face, fake, manipulated, fake_title = picked.face, picked.fake, picked.manipulated, "fake"
        source = f"A fake of your data ({picked.source})"
    with steps.step("rendering the cutout gallery"):
        panels = build_panels(face, fake, manipulated, seed=settings.seed, fake_title=fake_title)
        gallery = render_gallery(panels, settings.out / "gallery.png")
    report.add(
        "Cutout gallery",
        f"{source}, detected with both landmark backends. Row 1: the landmarks, the {fake_title} with "
        "its manipulated region M (outlined in yellow), M, a sensory Face-Cutout on the fake that hides "
        "at most 30% of M, Random Erasing and CoarseDropout. Row 2: each Face-Cutout variant on the "
        "real face, where nothing constrains the cut.",
        images=(("cutout gallery", gallery),),
    )
    return full


def embedded_data_step(
    settings: DemoSettings, full: DetectedFace, steps: Steps, report: Report
) -> TrainingData:
    """Build the embedded training and test datasets (seeded by ``settings.seed``) and show examples."""
    from facecutout.ablation.config import EvalSet
    from facecutout.demo.dataset import build_embedded_dataset
    from facecutout.demo.examples import render_examples

    train_spec, test_spec = (
        replace(spec, seed=spec.seed + settings.seed) for spec in (settings.train_spec, settings.test_spec)
    )
    root = settings.out / "data" / f"seed{settings.seed}"
    with steps.step("building the embedded pseudo-fake datasets"):
        layout, written = build_embedded_dataset(full, root, TRAIN_NAME, train_spec)
        test_layout, _ = build_embedded_dataset(full, root, TEST_NAME, test_spec, SUBTLE_BLEND)
        examples = render_examples(layout, settings.out / "dataset_examples.png")
    share = written.mean_manipulated_share or 0.0
    report.add(
        "Embedded dataset",
        f"{train_spec.videos} videos x {train_spec.frames} frames of the astronaut ({train_spec.size} px; "
        "each video its own scale, flip and colour cast, frames jittered), each frame with a "
        f"self-blended pseudo-fake (the mean fake changes {100 * share:.0f}% of the crop; its diff holds "
        "exactly the changed pixels, so Face-Cutout's overlap rule sees all of them), "
        f"{train_spec.folds} folds by video. Test set `{TEST_NAME}`: {test_spec.videos} other videos "
        "with subtler blends. Below: real, pseudo-fake, exact manipulated region.",
        images=(("real / pseudo-fake / region", examples),),
    )
    test_set = EvalSet(name=TEST_NAME, root=str(root), csvs=(test_layout.csv.name,))
    return TrainingData(root, [layout.csv.name], (test_set,))


def ablation_step(settings: DemoSettings, data: TrainingData, steps: Steps, report: Report) -> None:
    """Train and evaluate every method x seed (finished runs are kept), then tables and plots."""
    from facecutout.ablation.config import AblationConfig
    from facecutout.ablation.runner import run_ablation
    from facecutout.ablation.summary import write_outputs

    config = AblationConfig(
        out=settings.out / "ablation",
        methods=settings.methods,
        seeds=settings.seeds,
        baseline="none" if "none" in settings.methods else settings.methods[0],
        train=train_settings(settings, data.root, data.csvs),
        test_sets=data.test_sets,
    )
    with steps.step("ablation: training and evaluating every method x seed"):
        results = run_ablation(config)
    with steps.step("tables and plots"):
        outputs = write_outputs(config, results)
    report.add(
        "Ablation",
        settings_text(settings, f"Data: {', '.join(data.csvs)} under `{data.root}`.")
        + "\n\nMean ± std over seeds of each metric, on the validation fold and on each test set, per "
        "frame and per video (a video's score: the mean of its frames'); the last column is the "
        f"LogLoss change vs `{config.baseline}` (negative = better). Per-run values: "
        f"`{outputs.runs_csv.relative_to(settings.out)}`.\n\n" + outputs.markdown,
        images=(
            ("training and validation loss", outputs.loss_plot),
            *((f"ROC {name}", plot) for name, plot in outputs.roc_plots.items()),
        ),
    )
    cuts = cut_statistics_text(results)
    if cuts:
        report.add("What Face-Cutout did", cuts)


def cut_statistics_text(results: list) -> str:
    """The cut statistics of the last epoch of the first Face-Cutout run, from its training log
    (empty when no run logged them)."""
    import pandas as pd

    from facecutout.cutout.statistics import markdown_table, rows_from_metrics

    for result in results:
        log = result.train_log_path
        if result.method != "face_cutout" or log is None or not log.is_file():
            continue
        table = pd.read_csv(log)
        if "cutout/faces" not in table.columns:
            continue
        last = table.dropna(subset=["cutout/faces"]).iloc[-1]
        values = {name: float(last[name]) for name in table.columns if name.startswith("cutout/")}
        rows = rows_from_metrics({name: value for name, value in values.items() if value == value})
        faces, drawn, skipped = (int(last[f"cutout/{name}"]) for name in ("faces", "drawn", "skipped"))
        return (
            f"Run `{result.method}` seed {result.seed}, last training epoch: {faces} faces, "
            f"{drawn} drawn for a cut (p), {skipped} of them without "
            "landmarks or diff. Per variant and part cut: calls, cuts, calls with no admissible candidate, "
            "and the 10th / 50th / 90th percentiles of the share of the face cut and of the manipulated "
            "region M hidden (fakes only).\n\n" + markdown_table(rows)
        )
    return ""


def run_demo(settings: DemoSettings) -> Path:
    """Run every step of the demo and return the report's path."""
    from facecutout.demo.user_data import dataset_csvs

    settings.out.mkdir(parents=True, exist_ok=True)
    report = Report(settings.out, "Face-Cutout demo")
    steps = Steps(total=6 if settings.data is None else 5)
    try:
        full = gallery_step(settings, steps, report)
        if full is not None:
            data = embedded_data_step(settings, full, steps, report)
        else:
            data = TrainingData(Path(settings.data), dataset_csvs(Path(settings.data), settings.csvs))
        ablation_step(settings, data, steps, report)
        with steps.step("writing the report"):
            timings = "\n".join(f"- {name}: {seconds:.1f} s" for name, seconds in steps.timings.items())
            report.add("Timings", timings)
            path = report.write()
    finally:
        steps.close()
    return path
