"""The whole demo on tiny settings: gallery, embedded datasets, a real (tiny) ablation, the report."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from facecutout.demo.pipeline import gradcam_stage, run_demo
from facecutout.demo.settings import DemoSettings, EmbeddedSpec
from facecutout.explain.grid import DPI, grid_inches
from facecutout.fileio import read_rgb
from facecutout.model.backbone import create_backbone

METHODS = ("face_cutout", "none")


@pytest.fixture(scope="module")
def tiny_demo(tmp_path_factory):
    settings = DemoSettings(
        out=tmp_path_factory.mktemp("demo"),
        methods=METHODS,
        seeds=(0,),
        image_size=32,
        epochs=1,
        batch_size=8,
        train_spec=EmbeddedSpec(videos=4, frames=2, size=48, folds=2),
        test_spec=EmbeddedSpec(videos=2, frames=2, size=48, folds=1, seed=1),
    )
    return settings, run_demo(settings)


def test_report_holds_the_gallery_the_table_and_the_curves(tiny_demo):
    settings, result = tiny_demo
    text = result.report.read_text()
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert {
        "gallery.png",
        "dataset_examples.png",
        "training_faces.png",
        "ablation/losses.png",
        "ablation/roc_validation.png",
    } <= set(images)
    assert "ablation/roc_astronaut_subtle.png" in images
    for image in images:
        assert read_rgb(settings.out / image).std() > 0, image
    assert "| face_cutout | 1 |" in text and "| none | 1 |" in text
    assert "LogLoss change vs `none`" in text and "{" not in text


def test_report_shows_what_face_cutout_did_in_training(tiny_demo):
    settings, result = tiny_demo
    section = result.report.read_text().split("## What Face-Cutout did")[1].split("\n## ")[0]
    log = next((settings.out / "ablation" / "runs" / "face_cutout").rglob("metrics.csv"))
    last = pd.read_csv(log).dropna(subset=["cutout/faces"]).iloc[-1]
    assert f"{int(last['cutout/faces'])} faces" in section
    row = re.search(r"\| random \| all \| (\d+) \| (\d+) \| (\d+) \|", section)
    assert row is not None, section
    calls, cuts, empty = (int(value) for value in row.groups())
    assert calls == last["cutout/random/all/calls"] and cuts + empty == calls and cuts > 0


def test_report_opens_with_its_limits_and_states_the_noise_of_every_comparison(tiny_demo):
    settings, result = tiny_demo
    text = result.report.read_text()
    assert text.index("What this demo can and cannot show") < text.index("## Cutout gallery")
    assert f"`{settings.model}`" in text and "one identity" in text
    # one bootstrap verdict per set and metric (face_cutout vs none on 2 sets x AUC, LogLoss)
    verdicts = re.findall(
        r"^- face_cutout vs none, (\S+): (AUC|LogLoss) .*(within|beyond) the noise", text, re.M
    )
    assert sorted((name, metric) for name, metric, _ in verdicts) == [
        ("astronaut_subtle", "AUC"),
        ("astronaut_subtle", "LogLoss"),
        ("validation", "AUC"),
        ("validation", "LogLoss"),
    ]
    assert "The paper's own figures, for reference (not measured here)" in text
    # 2 real + 2 fake validation videos: the video-level table is flagged
    assert "From 4 videos only (2 real, 2 fake): too few to measure anything" in text
    assert re.search(r"The whole demo took \*\*\d+ min \d+ s\*\*", text)


def test_the_result_names_every_run_checkpoint_and_the_report_lists_them(tiny_demo):
    settings, result = tiny_demo
    assert set(result.checkpoints) == {(method, 0) for method in METHODS}
    section = result.report.read_text().split("## Where the detector looks")[1].split("\n## ")[0]
    assert "![Grad-CAM of the trained detectors](gradcam.png)" in section
    assert "stage `layer2`, a 4 x 4 map at 32 px" in section, "test_resnet's last stage is 1 px wide at 32 px"
    height, width = read_rgb(settings.out / "gradcam.png").shape[:2]
    # real and fake validation faces (up to 2 each) in rows, one column per method beside the face
    sizes = [tuple(round(inches * DPI) for inches in grid_inches(rows, len(METHODS))) for rows in range(2, 5)]
    assert (width, height) in sizes, (width, height, sizes)
    for (method, _), checkpoint in result.checkpoints.items():
        assert checkpoint.is_file()
        assert checkpoint.resolve().relative_to(settings.out.resolve()).as_posix() in section, method


def test_ablation_table_has_one_row_per_method_with_finite_numbers(tiny_demo):
    settings, _ = tiny_demo
    table = pd.read_csv(settings.out / "ablation" / "table.csv")
    for evaluation in ("validation", "astronaut_subtle"):
        rows = table[(table["set"] == evaluation) & (table["level"] == "frame")]
        assert list(rows["method"]) == list(METHODS)
        values = rows[[f"{key}_mean" for key in ("auc", "ap", "logloss", "eer", "acc", "balanced_acc", "f1")]]
        assert np.isfinite(values.to_numpy()).all(), evaluation
        # each mean is the run's own metrics.json (one seed), the change is the difference of the means
        indexed = rows.set_index("method")
        for method in METHODS:
            run = settings.out / "ablation" / "runs" / method / "seed0" / "eval" / evaluation / "metrics.json"
            assert indexed.loc[method, "logloss_mean"] == pytest.approx(
                json.loads(run.read_text())["logloss"]
            )
        change = indexed.loc["face_cutout", "logloss_mean"] - indexed.loc["none", "logloss_mean"]
        assert change != 0, "two differently trained models with one LogLoss: the table repeats one run"
        assert indexed.loc["face_cutout", "logloss_change"] == pytest.approx(change)
        assert indexed.loc["face_cutout", "logloss_change_pct"] == pytest.approx(
            100 * change / indexed.loc["none", "logloss_mean"]
        )
        videos = table[(table["set"] == evaluation) & (table["level"] == "video")]
        assert list(videos["method"]) == list(METHODS) and np.isfinite(videos["logloss_mean"]).all()
    # Validation = the rows of fold 0 only: 2 of the 4 videos, each frame real and fake.
    scores = pd.read_csv(
        settings.out / "ablation" / "runs" / "none" / "seed0" / "eval" / "validation" / "per_image.csv"
    )
    assert set(scores["fold"]) == {0} and len(scores) == 8


def test_rerun_keeps_finished_runs(tiny_demo):
    settings, _ = tiny_demo
    runs = sorted((settings.out / "ablation" / "runs").glob("*/seed*/result.json"))
    checkpoints = sorted((settings.out / "ablation" / "runs").rglob("*.ckpt"))
    assert len(runs) == 2 and checkpoints
    before = {path: path.stat().st_mtime_ns for path in runs + checkpoints}
    run_demo(settings)
    assert {path: path.stat().st_mtime_ns for path in before} == before
    assert sorted((settings.out / "ablation" / "runs").rglob("*.ckpt")) == checkpoints


@pytest.fixture(scope="module")
def shared_pseudo_fakes(tmp_path_factory, samples_dir):
    """Pseudo-fakes of 6 shared real crops of each Celeb-DF real video, folds by video."""
    from facecutout.pseudofake.from_files import write_pseudo_fake_dataset

    crops = samples_dir / "celebdf" / "face_crops"
    chosen = [path for video in ("00000", "00001") for path in sorted((crops / video).glob("*.png"))[:6]]
    root = tmp_path_factory.mktemp("user_data")
    write_pseudo_fake_dataset(
        chosen, root, "sbi", landmarks=samples_dir / "celebdf" / "original_landmarks", folds=2
    )
    return root


def test_demo_on_user_data_uses_its_fakes_and_csv(tmp_path, shared_pseudo_fakes):
    settings = DemoSettings(
        out=tmp_path / "report",
        data=shared_pseudo_fakes,
        methods=("none",),
        seeds=(0,),
        image_size=32,
        epochs=1,
        batch_size=8,
    )
    text = run_demo(settings).report.read_text()
    assert "a fake of your data (" in text.lower() and "sbi.csv:" in text and "sbi.csv under" in text
    assert "Embedded dataset" not in text and not (settings.out / "data").exists()
    table = pd.read_csv(settings.out / "ablation" / "table.csv")
    assert list(zip(table["set"], table["level"], table["method"], strict=True)) == [
        ("validation", "frame", "none"),
        ("validation", "video", "none"),
    ]
    assert np.isfinite(table["logloss_mean"]).all()


def test_user_data_without_any_diff_is_a_clear_error(tmp_path, shared_pseudo_fakes):
    import shutil

    from facecutout.demo.user_data import pick_gallery_fake
    from facecutout.errors import DataError

    copy = tmp_path / "copy"
    shutil.copytree(shared_pseudo_fakes, copy)
    shutil.rmtree(copy / "sbi" / "diffs")
    shutil.rmtree(copy / "sbi" / "face_crops" / "00000")
    shutil.rmtree(copy / "sbi" / "face_crops" / "00001")
    with pytest.raises(DataError, match="no fake with a diff"):
        pick_gallery_fake(copy, ["sbi.csv"])


def test_rerun_with_other_data_refuses_the_finished_runs(tiny_demo):
    from dataclasses import replace

    from facecutout.errors import DataError

    settings, _ = tiny_demo
    with pytest.raises(DataError, match="other training settings"):
        run_demo(replace(settings, seed=1))


def test_grad_cam_stage_is_the_deepest_at_least_four_pixels_wide():
    assert gradcam_stage(create_backbone("test_resnet").feature_info, 64) == (-2, "layer3", 4)
    assert gradcam_stage(create_backbone("resnet10t").feature_info, 224) == (-1, "layer4", 7)
