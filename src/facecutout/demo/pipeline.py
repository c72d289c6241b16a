"""The demo, step by step: gallery, a small pseudo-fake dataset, a short ablation, the report.

On the embedded default everything comes from scikit-image's astronaut (no download). With
``data`` set, the gallery uses a real fake of that dataset and the ablation trains on it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from facecutout.ablation.runner import RunResult
from facecutout.demo.face import DetectedFace
from facecutout.demo.progress import Steps
from facecutout.demo.report import Report
from facecutout.demo.settings import DemoSettings
from facecutout.pseudofake.blend import BlendSettings

TRAIN_NAME = "astronaut"
TEST_NAME = "astronaut_subtle"
SUBTLE_BLEND = BlendSettings(
    colour_shift=10.0, contrast=0.08, saturation=0.12, sharpness_sigma=(0.4, 1.0), edge_softness=(0.04, 0.08)
)
"""The embedded test set's fakes: weaker colour changes and softer edges than the training fakes."""


@dataclass(frozen=True)
class DemoResult:
    """What a demo run produced: the report, and every finished run with its best checkpoint
    (``checkpoints[(method, seed)]``) for whoever wants to look inside the models."""

    report: Path
    runs: tuple[RunResult, ...] = ()

    @property
    def checkpoints(self) -> dict[tuple[str, int], Path]:
        return {(run.method, run.seed): Path(run.checkpoint) for run in self.runs}


def train_settings(settings: DemoSettings, root: Path, csvs: list[str]) -> dict:
    """The training config shared by every ablation run (no progress bars: the demo has its own)."""
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
            "progress_bar": False,
        },
    }


def settings_text(settings: DemoSettings, train_rows: str) -> str:
    return (
        f"Methods {', '.join(settings.methods)} x seeds {', '.join(map(str, settings.seeds))}; timm "
        f"`{settings.model}` from scratch at {settings.image_size} px, {settings.epochs} epochs, batch "
        f"{settings.batch_size}, AdamW lr {settings.lr} with a cosine schedule, validation fold "
        f"{settings.val_fold}. {train_rows}"
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
        layout, written = build_embedded_dataset(full, root, TRAIN_NAME, train_spec, progress=False)
        test_layout, _ = build_embedded_dataset(
            full, root, TEST_NAME, test_spec, SUBTLE_BLEND, progress=False
        )
        examples = render_examples(
            [(layout, "training"), (test_layout, "test")], settings.out / "dataset_examples.png"
        )
    share = written.mean_manipulated_share or 0.0
    report.add(
        "Embedded dataset",
        f"{train_spec.videos} videos x {train_spec.frames} frames of the astronaut ({train_spec.size} px; "
        "each video its own scale, flip and colour cast, frames jittered), each frame with a "
        f"self-blended pseudo-fake (the mean fake changes {100 * share:.0f}% of the crop; its diff holds "
        "exactly the changed pixels, so Face-Cutout's overlap rule sees all of them), "
        f"{train_spec.folds} folds by video. Test set `{TEST_NAME}`: {test_spec.videos} other videos "
        f"whose fakes are subtler (colour changes up to ±{SUBTLE_BLEND.colour_shift:.0f} grey levels "
        "instead of ±24, softer edges): a detector that learnt the blend rather than memorising the "
        "training fakes' strength still finds them. Below, per video: the real crop, its pseudo-fake, "
        "their difference (amplified) and the exact manipulated region.",
        images=(("real / pseudo-fake / difference / region", examples),),
    )
    test_set = EvalSet(name=TEST_NAME, root=str(root), csvs=(test_layout.csv.name,))
    return TrainingData(root, [layout.csv.name], (test_set,))


def training_view_step(settings: DemoSettings, data: TrainingData, steps: Steps, report: Report) -> None:
    """Show a batch of training faces as the Face-Cutout model receives them."""
    from facecutout.demo.training_view import render_training_view
    from facecutout.model.config import TrainConfig

    config = TrainConfig.from_dict(train_settings(settings, data.root, data.csvs)).data
    config = config.model_copy(update={"augmentation": "face_cutout"})
    with steps.step("rendering what the Face-Cutout model sees"):
        view = render_training_view(config, settings.out / "training_faces.png", seed=settings.seed)
    report.add(
        "What the model saw in training (Face-Cutout)",
        f"Twelve training faces as the Face-Cutout runs receive them at {settings.image_size} px: the "
        f"paper's augmentations (compression, noise, blur, flips, colour, greyscale, affine), then "
        f"Face-Cutout on {100 * config.augmentation_p:.0f}% of the faces (black: the cut). On fakes that "
        "Face-Cutout chose, the manipulated region M is outlined in yellow: a cut hides at most "
        f"{100 * config.cutout_threshold:.0f}% of it.",
        images=(("training faces under Face-Cutout", view),),
    )


def ablation_step(
    settings: DemoSettings, data: TrainingData, steps: Steps, report: Report
) -> list[RunResult]:
    """Train and evaluate every method x seed (finished runs are kept), then tables, plots and the
    report's sections on them."""
    from facecutout.ablation.config import AblationConfig
    from facecutout.ablation.runner import run_ablation
    from facecutout.ablation.summary import write_outputs
    from facecutout.demo.findings import PAPER_FIGURES, comparisons, glance_table

    config = AblationConfig(
        out=settings.out / "ablation",
        methods=settings.methods,
        seeds=settings.seeds,
        baseline="none" if "none" in settings.methods else settings.methods[0],
        train=train_settings(settings, data.root, data.csvs),
        test_sets=data.test_sets,
    )
    runs = len(settings.methods) * len(settings.seeds)
    with steps.step("training and evaluating", units=runs) as part:
        results = run_ablation(config, on_run=part, processes=settings.processes, threads=settings.threads)
    with steps.step("tables and plots"):
        outputs = write_outputs(config, results)
    sets = config.evaluation_names
    report.add(
        "Results at a glance",
        f"Frame-level AUC and LogLoss, mean ± std over {len(settings.seeds)} seeds (chance: AUC 0.5, "
        f"LogLoss ln 2 = 0.693).\n\n{glance_table(outputs.summary, settings.methods, sets)}\n\n"
        f"**Is a difference more than noise?** Each method minus `{config.baseline}`, by a paired "
        "bootstrap: both methods on the same images, real and fake videos drawn with replacement "
        "(a video's frames together) and the seeds drawn with replacement; the 95% interval of the "
        "mean difference over seeds. An interval that holds 0 means these runs cannot tell the "
        f"methods apart.\n\n{comparisons(results, settings.methods, config.baseline, sets)}\n\n"
        + PAPER_FIGURES,
    )
    report.add(
        "Ablation",
        settings_text(settings, f"Data: {', '.join(data.csvs)} under `{data.root}`.")
        + "\n\nMean ± std over seeds of each metric, on the validation fold and on each test set, per "
        "frame and per video (a video's score: the mean of its frames'); the last column is the "
        f"LogLoss change vs `{config.baseline}` (negative = better). Per-run values: "
        f"`{outputs.runs_csv.relative_to(settings.out)}`; per-run ROC and precision-recall plots: "
        "`ablation/runs/<method>/seed<k>/eval/<set>/`.\n\n" + outputs.markdown,
        images=(
            ("training and validation loss", outputs.loss_plot),
            *((f"ROC {name}", plot) for name, plot in outputs.roc_plots.items()),
        ),
    )
    cuts = cut_statistics_text(results)
    if cuts:
        report.add("What Face-Cutout did", cuts)
    return results


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


def detector_section(
    settings: DemoSettings,
    data: TrainingData,
    results: list[RunResult],
    gradcam: tuple[int, str, int],
    steps: Steps,
    report: Report,
) -> None:
    """Grad-CAM of each method's first-seed model on the same real and fake validation faces, at the
    backbone stage ``gradcam`` (see :func:`gradcam_stage`), and where every run's checkpoint is."""
    from facecutout.explain.grid import write_comparison_grid

    first_seed = {}
    for result in results:
        first_seed.setdefault(result.method, result.checkpoint)
    faces = validation_faces(settings, data)
    stage, layer, width = gradcam
    with steps.step("Grad-CAM of the trained detectors"):
        grid = write_comparison_grid(
            first_seed, faces, settings.out / "gradcam.png", device="cpu", stage=stage, progress=False
        )
    lines = [
        f"- `{result.method}` seed {result.seed}: "
        f"`{Path(result.checkpoint).resolve().relative_to(settings.out.resolve()).as_posix()}`"
        if Path(result.checkpoint).resolve().is_relative_to(settings.out.resolve())
        else f"- `{result.method}` seed {result.seed}: `{result.checkpoint}`"
        for result in results
    ]
    report.add(
        "Where the detector looks",
        f"Grad-CAM (on the backbone stage `{layer}`, a {width} x {width} map at {settings.image_size} px: "
        f'the deepest stage at least {GRADCAM_MIN_MAP} px wide; towards the "fake" output) of each '
        f"method's model of seed {settings.seeds[0]} on the same validation faces: warm colours are "
        "the pixels that raised the model's fake score; p(fake) is the model's score. The paper's own "
        "analysis argues that Face-Cutout spreads the detector's attention over more of the face. "
        f"`facecutout explain --checkpoint C IMAGE... --out DIR --stage {stage}` draws the same for "
        "any model.\n\n"
        "The best checkpoint of every run (lowest validation LogLoss), relative to this folder:\n\n"
        + "\n".join(lines),
        images=(("Grad-CAM of the trained detectors", grid),),
    )


GRADCAM_MIN_MAP = 4
"""The demo explains the deepest backbone stage whose feature map is at least this many pixels wide:
at the demo's small inputs the last stage is a 2 x 2 map, too coarse to show where a model looks."""


def gradcam_stage(info: Sequence[dict], image_size: int) -> tuple[int, str, int]:
    """(stage index, module name, map width) of the deepest stage of a timm backbone's
    ``feature_info`` whose map at ``image_size`` px is at least GRADCAM_MIN_MAP wide (the first
    stage if none is)."""
    stages = [
        (index - len(info), item["module"], image_size // item["reduction"])
        for index, item in enumerate(info)
    ]
    wide = [stage for stage in stages if stage[2] >= GRADCAM_MIN_MAP]
    return wide[-1] if wide else stages[0]


def validation_faces(settings: DemoSettings, data: TrainingData, each: int = 2) -> list:
    """The first ``each`` real and fake faces of the validation fold, as (label, RGB) pairs."""
    from facecutout.data.table import load_samples
    from facecutout.fileio import read_rgb

    samples, _ = load_samples(data.root, data.csvs)
    chosen = []
    for label, name in ((0, "real"), (1, "fake")):
        picked = [s for s in samples if s.fold == settings.val_fold and s.label == label][:each]
        chosen.extend((name, read_rgb(sample.image)) for sample in picked)
    return chosen


def run_demo(settings: DemoSettings) -> DemoResult:
    """Run every step of the demo; returns the report's path and the finished runs."""
    from facecutout.demo.findings import limits_box
    from facecutout.demo.user_data import dataset_csvs
    from facecutout.model.backbone import create_backbone

    start = time.perf_counter()
    settings.out.mkdir(parents=True, exist_ok=True)
    report = Report(settings.out, "Face-Cutout demo")
    backbone = create_backbone(settings.model)
    parameters = sum(weights.numel() for weights in backbone.parameters())
    gradcam = gradcam_stage(backbone.feature_info, settings.image_size)
    del backbone  # only its size and stages are needed
    report.add_text(
        limits_box(
            settings.model,
            parameters,
            settings.image_size,
            settings.epochs,
            embedded=settings.data is None,
        )
    )
    runs = len(settings.methods) * len(settings.seeds)
    steps = Steps(total=runs + (7 if settings.data is None else 5))
    try:
        full = gallery_step(settings, steps, report)
        if full is not None:
            data = embedded_data_step(settings, full, steps, report)
            training_view_step(settings, data, steps, report)
        else:
            data = TrainingData(Path(settings.data), dataset_csvs(Path(settings.data), settings.csvs))
        results = ablation_step(settings, data, steps, report)
        detector_section(settings, data, results, gradcam, steps, report)
        with steps.step("writing the report"):
            timings = "\n".join(f"- {name}: {seconds:.1f} s" for name, seconds in steps.timings.items())
            total = time.perf_counter() - start
            report.add(
                "Timings",
                f"{timings}\n\nThe whole demo took **{total // 60:.0f} min {total % 60:.0f} s** "
                f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the end).",
            )
            path = report.write()
    finally:
        steps.close()
    return DemoResult(path, tuple(results))
