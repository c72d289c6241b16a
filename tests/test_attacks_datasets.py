"""Attacks through dataset files: hostile metadata, CSVs and landmark files are refused or skipped
and counted with their reason, naming the file or line; a run that produced nothing fails."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from model_checkpoints import write_checkpoint

from facecutout.cli import main
from facecutout.data.layout import COLUMNS, DatasetLayout
from facecutout.data.points import load_landmarks
from facecutout.data.table import load_samples
from facecutout.errors import DataError
from facecutout.evaluation.evaluate import read_labelled_images
from facecutout.fileio import write_image
from facecutout.sources import read_source


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def dfdc_part(root: Path, metadata: dict) -> Path:
    part = root / "dfdc_train_part_0"
    touch(part / "real.mp4")
    touch(part / "fake.mp4")
    (part / "metadata.json").write_text(
        json.dumps(
            {"real.mp4": {"label": "REAL"}, "fake.mp4": {"label": "FAKE", "original": "real.mp4"}, **metadata}
        )
    )
    return part


@pytest.mark.parametrize("original", [123, ["real.mp4"], {"file": "real.mp4"}, None, " "])
def test_a_dfdc_fake_whose_original_is_not_a_file_name_is_skipped_and_counted(tmp_path, original):
    part = dfdc_part(tmp_path, {"odd.mp4": {"label": "FAKE", "original": original}})
    touch(part / "odd.mp4")
    listing = read_source("dfdc", tmp_path)
    assert [record.video for record in listing.records] == ["fake", "real"]
    [skip] = listing.skips
    assert (skip.item, skip.reason) == ("odd.mp4", "bad_metadata")
    assert "metadata.json" in skip.detail and repr(original) in skip.detail


def test_dfdc_entries_naming_files_outside_the_root_are_refused_and_counted(tmp_path):
    root = tmp_path / "dataset"
    outside = touch(tmp_path / "elsewhere" / "x.mp4")  # exists: it would be read if accepted
    part = dfdc_part(root, {})
    metadata = json.loads((part / "metadata.json").read_text())
    metadata["../../elsewhere/x.mp4"] = {"label": "REAL"}
    metadata[str(outside)] = {"label": "REAL"}
    metadata["sub/../../../elsewhere/x.mp4"] = {"label": "REAL"}
    (part / "metadata.json").write_text(json.dumps(metadata))
    listing = read_source("dfdc", root)
    resolved_root = root.resolve()
    assert all(record.path.resolve().is_relative_to(resolved_root) for record in listing.records)
    assert [record.video for record in listing.records] == ["fake", "real"]
    assert sorted(skip.reason for skip in listing.skips) == ["outside_root"] * 3


def test_a_relative_and_an_absolute_root_give_the_same_listing(tmp_path, monkeypatch):
    dfdc_part(tmp_path / "data", {"gone.mp4": {"label": "REAL"}})
    absolute = read_source("dfdc", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    relative = read_source("dfdc", "data")
    assert relative == absolute
    assert str(tmp_path / "data") in relative.skips[0].detail


def test_a_dfdc_dataset_whose_metadata_is_all_unreadable_fails(tmp_path, capsys):
    for part in ("dfdc_train_part_0", "dfdc_train_part_1"):
        touch(tmp_path / "raw" / part / "a.mp4")
        (tmp_path / "raw" / part / "metadata.json").write_text("{not json")
    out = tmp_path / "out"
    argv = ["preprocess", "--source", "dfdc", "--root", str(tmp_path / "raw"), "--out", str(out)]
    assert main([*argv, "--no-progress"]) == 2
    error = capsys.readouterr().err
    assert "no usable video" in error and "2 metadata_unreadable" in error
    assert not (out / "dfdc.csv").exists()


def test_a_preprocessing_run_that_writes_no_crop_fails_after_its_report(tmp_path, capsys):
    from synthetic_videos import background, write_video

    part = tmp_path / "raw" / "dfdc_train_part_0"
    for name in ("room.mp4", "room_fake.mp4"):
        write_video(part / name, [background((96, 80), 4)] * 3)
    metadata = {"room.mp4": {"label": "REAL"}, "room_fake.mp4": {"label": "FAKE", "original": "room.mp4"}}
    (part / "metadata.json").write_text(json.dumps(metadata))
    out = tmp_path / "out"
    argv = ["preprocess", "--source", "dfdc", "--root", str(tmp_path / "raw"), "--out", str(out)]
    assert main([*argv, "--frames", "2", "--folds", "2", "--device", "cpu", "--no-progress"]) == 2
    captured = capsys.readouterr()
    assert "no face crop of dfdc" in captured.err and "dfdc_report.json" in captured.err
    report = json.loads((out / "dfdc_report.json").read_text())
    assert report["folds"]["rows"] == 0 and report["stages"]["crops"]["outcomes"]


@pytest.mark.parametrize("bad", ["abc", "", "nan", "1.5"])
def test_check_leakage_refuses_a_fold_that_is_not_an_integer(tmp_path, capsys, bad):
    csv = tmp_path / "folds.csv"
    csv.write_text(f"video,original,fold\nv1,v1,0\nv2,v2,{bad}\nv2,v2,{bad}\n")
    assert main(["check-leakage", str(csv)]) == 2
    assert f"folds.csv:3: column fold must be an integer, got {bad!r}" in capsys.readouterr().err


def test_check_leakage_still_finds_leaks_and_ignores_rows_without_identity(tmp_path, capsys):
    csv = tmp_path / "folds.csv"
    csv.write_text("video,original,fold,identity\nv1,v1,0,\nv2,v2,1,\nv3,v1,1,p\n")
    assert main(["check-leakage", str(csv)]) == 1
    output = capsys.readouterr().out
    assert "original 'v1' appears in folds 0, 1" in output and "identity" in output
    assert "identity '' " not in output and "1 problem(s)" in output


def crop_root(tmp_path: Path) -> Path:
    """A data root with two real crops of video v, and the rows listing them."""
    root = tmp_path / "root"
    layout = DatasetLayout(root, "ds")
    for name in ("0_0.png", "1_0.png"):
        write_image(layout.crop("v", name), np.full((8, 8, 3), 90, np.uint8))
    return root


def rows_csv(root: Path, files: list[str]) -> Path:
    rows = [["v", file, 0, "v", index, 0, "ds"] for index, file in enumerate(files)]
    pd.DataFrame(rows, columns=list(COLUMNS)).to_csv(root / "ds.csv", index=False)
    return root / "ds.csv"


def test_a_crop_listed_twice_is_an_error_naming_both_lines(tmp_path):
    root = crop_root(tmp_path)
    rows_csv(root, ["0_0.png", "1_0.png", "0_0.png", "1_0.png"])
    with pytest.raises(DataError, match=r"ds.csv:4: the crop ds/v/0_0.png is already listed at .*ds.csv:2"):
        load_samples(root, ["ds.csv"])
    # the same crop in two CSVs counts twice as well
    rows_csv(root, ["0_0.png"])
    (root / "other.csv").write_bytes((root / "ds.csv").read_bytes())
    with pytest.raises(DataError, match="already listed"):
        load_samples(root, ["ds.csv", "other.csv"])


def test_evaluate_refuses_duplicated_rows_before_scoring(tmp_path, capsys):
    root = crop_root(tmp_path)
    rows_csv(root, ["0_0.png", "1_0.png"] * 2)
    checkpoint = write_checkpoint(tmp_path / "model.ckpt")
    argv = ["evaluate", "--checkpoint", str(checkpoint), "--data", str(root), "--csv", "ds.csv"]
    assert main([*argv, "--out", str(tmp_path / "eval")]) == 2
    assert "already listed" in capsys.readouterr().err and not (tmp_path / "eval").exists()
    images = tmp_path / "images"
    write_image(images / "a.png", np.zeros((8, 8, 3), np.uint8))
    write_image(images / "b.png", np.zeros((8, 8, 3), np.uint8))
    (tmp_path / "labels.csv").write_text("filename,label\na.png,0\nb.png,1\na.png,0\n")
    with pytest.raises(DataError, match=r"labels.csv:4: image 'a.png' is already listed at .*labels.csv:2"):
        read_labelled_images(images, tmp_path / "labels.csv")


def test_a_nul_byte_in_a_name_is_an_error_naming_the_line(tmp_path):
    root = crop_root(tmp_path)
    rows_csv(root, ["0_0.png", "1_0\x00.png"])
    with pytest.raises(DataError, match=r"ds.csv:3: column file must be a plain file or folder name"):
        load_samples(root, ["ds.csv"])
    images = tmp_path / "images"
    write_image(images / "a.png", np.zeros((8, 8, 3), np.uint8))
    (tmp_path / "labels.csv").write_text("filename,label\na.png,0\na\x00.png,1\n")
    with pytest.raises(DataError, match=r"labels.csv:3: filename must name an image file"):
        read_labelled_images(images, tmp_path / "labels.csv")


@pytest.mark.parametrize(
    "points",
    [np.full((5, 2), "12"), np.zeros((5, 2), np.complex64), np.zeros((5, 2), bool)],
    ids=["strings", "complex", "bool"],
)
def test_a_landmark_file_not_holding_numbers_is_an_error_naming_it(tmp_path, points):
    path = tmp_path / "points.npy"
    np.save(path, points)
    with pytest.raises(DataError, match=rf"landmarks {path} must hold real numbers, got dtype"):
        load_landmarks(path)
