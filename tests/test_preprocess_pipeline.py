"""The whole preprocessing pipeline on small real video datasets written with OpenCV
(tests/preprocess_datasets.py), on the local executor."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest
from preprocess_datasets import FRAMES, faces, file_hashes, run_cli, shared_once, small_dataset
from synthetic_videos import VideoSpec, background, make_celebdf, make_dfdc, render_frames, write_video

from facecutout.cli import main
from facecutout.errors import DataError
from facecutout.fileio import read_grey, read_rgb
from facecutout.landmarks import get_detector, primary_face
from facecutout.preprocess import PreprocessConfig, preprocess_dataset
from facecutout.preprocess.report import StageRun
from facecutout.sources import read_source


def build_dfdc(folder: Path, samples_dir: Path) -> None:
    """DFDC layout with good videos and every kind of bad input, then one full pipeline run."""
    face = faces(samples_dir)
    root = folder / "raw"
    make_dfdc(
        root,
        {
            "alpha": VideoSpec(face["A1"], frames=10, seed=1),
            "bravo": VideoSpec(face["A2"], frames=10, seed=2),
            "charlie": VideoSpec(face["B"], frames=10, seed=3),
        },
    )
    part = root / "dfdc_train_part_0"
    metadata = json.loads((part / "metadata.json").read_text())
    # an unaltered "fake": its diff must stay empty
    write_video(part / "charlie_same.mp4", render_frames(VideoSpec(face["B"], frames=10, seed=3)))
    metadata["charlie_same.mp4"] = {"label": "FAKE", "original": "charlie.mp4"}
    # no face at all
    write_video(part / "empty_room.mp4", [background((224, 192), 9)] * 10)
    write_video(part / "empty_room_fake.mp4", [background((224, 192), 9)] * 10)
    metadata["empty_room.mp4"] = {"label": "REAL"}
    metadata["empty_room_fake.mp4"] = {"label": "FAKE", "original": "empty_room.mp4"}
    # a fake with another frame size than its original
    frames = render_frames(VideoSpec(face["A1"], frames=10, seed=1, size=(200, 192)), fake=True)
    write_video(part / "alpha_resized.mp4", frames)
    metadata["alpha_resized.mp4"] = {"label": "FAKE", "original": "alpha.mp4"}
    # truncated, zero-frame, listed but absent, and a fake of an absent original
    data = (part / "bravo.mp4").read_bytes()
    (part / "truncated.mp4").write_bytes(data[: len(data) // 3])
    metadata["truncated.mp4"] = {"label": "REAL"}
    writer = cv2.VideoWriter(str(part / "zero.avi"), cv2.VideoWriter_fourcc(*"MJPG"), 25, (64, 64))
    writer.release()
    metadata["zero.avi"] = {"label": "REAL"}
    # an AVI cut short: it declares 10 frames but holds fewer; the sampled frames it lacks are counted
    writer = cv2.VideoWriter(str(part / "whole.avi"), cv2.VideoWriter_fourcc(*"MJPG"), 25, (224, 192))
    for frame in render_frames(VideoSpec(face["C"], frames=10, seed=5)):
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()
    whole = (part / "whole.avi").read_bytes()
    (part / "cut.avi").write_bytes(whole[: len(whole) * 6 // 10])
    (part / "whole.avi").unlink()
    metadata["cut.avi"] = {"label": "REAL"}
    metadata["ghost.mp4"] = {"label": "REAL"}
    shutil.copy(part / "alpha_fake0.mp4", part / "orphan.mp4")
    metadata["orphan.mp4"] = {"label": "FAKE", "original": "ghost.mp4"}
    (part / "metadata.json").write_text(json.dumps(metadata))
    listing = read_source("dfdc", root)
    config = PreprocessConfig(frames=FRAMES, folds=2)
    preprocess_dataset(listing, folder / "out", config, progress=False)


@pytest.fixture(scope="session")
def dfdc_run(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> Path:
    return shared_once(tmp_path_factory, "preprocess-dfdc", lambda folder: build_dfdc(folder, samples_dir))


def build_celebdf(folder: Path, samples_dir: Path) -> None:
    face = faces(samples_dir)
    root = make_celebdf(
        folder / "raw",
        {
            "id0": [VideoSpec(face["A1"], frames=8, seed=11), VideoSpec(face["A2"], frames=8, seed=12)],
            "id1": [VideoSpec(face["B"], frames=8, seed=13)],
            "id2": [VideoSpec(face["C"], frames=8, seed=14)],
        },
        swaps=[("id0", "id1", 0), ("id2", "id3", 0)],
    )
    (root / "List_of_testing_videos.txt").write_text("1 Celeb-real/id2_0000.mp4\n")


@pytest.fixture(scope="session")
def celebdf_raw(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> Path:
    return shared_once(
        tmp_path_factory, "preprocess-celebdf", lambda folder: build_celebdf(folder, samples_dir)
    )


def test_dfdc_layout_crops_landmarks_diffs_and_folds(dfdc_run: Path) -> None:
    out = dfdc_run / "out"
    table = pd.read_csv(out / "dfdc.csv", dtype={"video": str, "original": str})
    assert list(table.columns) == [
        "video",
        "file",
        "label",
        "original",
        "frame",
        "fold",
        "dataset",
        "identity",
    ]
    videos = {
        "alpha",
        "alpha_fake0",
        "bravo",
        "bravo_fake0",
        "charlie",
        "charlie_fake0",
        "charlie_same",
        "cut",
    }
    assert set(table["video"]) == videos
    rows = table.groupby("video").size()
    assert (rows.drop("cut") == FRAMES).all() and 0 < rows["cut"] < FRAMES
    assert set(table["frame"]) == {0, 2, 5, 7}  # 4 evenly spaced of 10
    root = out / "dfdc"
    for row in table.itertuples():
        crop = read_rgb(root / "face_crops" / row.video / row.file)
        assert min(crop.shape[:2]) >= 40
        stem = Path(row.file).stem
        points = np.load(root / "original_landmarks" / row.original / f"{stem}.npy")
        assert points.shape == (5, 2) and points.dtype == np.int16
        assert (
            (points >= 0).all()
            and (points[:, 0] < crop.shape[1]).all()
            and (points[:, 1] < crop.shape[0]).all()
        )
        left_eye, right_eye, nose = points[0], points[1], points[2]
        assert left_eye[0] < right_eye[0] and nose[1] > max(left_eye[1], right_eye[1])
        diff_path = root / "diffs" / row.video / f"{stem}_diff.png"
        assert diff_path.is_file() == (row.label == 1)
        if row.label == 1:
            diff = read_grey(diff_path)
            assert diff.shape == crop.shape[:2]
            height, width = diff.shape
            centre = diff[int(height * 0.45) : int(height * 0.75), int(width * 0.35) : int(width * 0.65)]
            border = np.concatenate(
                [diff[:4].ravel(), diff[-4:].ravel(), diff[:, :4].ravel(), diff[:, -4:].ravel()]
            )
            if row.video == "charlie_same":
                assert diff.mean() < 3  # nothing altered: (almost) nothing in the diff
            else:
                assert centre.mean() > 60 and border.mean() < 15
    # the 5 points kept from the frame detection agree with MTCNN run on the crop itself
    detector = get_detector("mtcnn")
    for name in ("0_0", "7_0"):
        crop = read_rgb(root / "face_crops" / "alpha" / f"{name}.png")
        redetected = primary_face(detector.detect(crop)).points
        kept = np.load(root / "original_landmarks" / "alpha" / f"{name}.npy")
        assert np.abs(redetected - kept).max() < 4
    # the same person in alpha and bravo (found by face embeddings) lands in one fold, with the fakes
    fold_of = table.groupby("video")["fold"].first()
    identity_of = table.groupby("video")["identity"].first()
    assert identity_of["alpha"] == identity_of["bravo"] == identity_of["bravo_fake0"]
    assert identity_of["alpha"] != identity_of["charlie"]
    assert fold_of["alpha"] == fold_of["bravo"] != fold_of["charlie"]
    assert main(["check-leakage", str(out / "dfdc.csv")]) == 0


def test_dfdc_bad_inputs_are_counted_skips_with_reasons(dfdc_run: Path) -> None:
    report = json.loads((dfdc_run / "out" / "dfdc_report.json").read_text())
    skips = {(skip["video"], skip["stage"]): skip["reason"] for skip in report["skips"]}
    assert skips[("ghost", "sources")] == "file_missing"
    assert skips[("orphan", "sources")] == "original_missing"
    assert skips[("truncated", "frames")] == "unreadable"
    assert skips[("zero", "frames")] == "no_frames"
    assert skips[("empty_room", "faces")] == "no_face"
    assert skips[("alpha_resized", "crops")] == "frame_size_mismatch"
    assert all(skip["detail"] for skip in report["skips"])
    stages = report["stages"]
    assert stages["frames"]["outcomes"] == {"done": 11, "skipped:no_frames": 1, "skipped:unreadable": 1}
    assert stages["faces"]["outcomes"] == {"done": 4, "not_reached": 2, "skipped:no_face": 1}
    cut_frames = FRAMES - stages["faces"]["counts"]["frames_missing"]
    assert 0 < cut_frames < FRAMES
    assert stages["crops"]["counts"]["crops_written"] == 7 * FRAMES + cut_frames
    assert stages["diffs"]["counts"] == {
        "diffs_written": 4 * FRAMES,
        "masks_written": 0,
        "original_crop_missing": 0,
    }
    assert stages["landmarks"]["counts"]["mtcnn_landmarks_written"] == 3 * FRAMES + cut_frames
    assert report["sources"] == {
        "videos": 13,
        "originals": 7,
        "fakes": 6,
        "skipped": {"file_missing": 1, "original_missing": 1},
    }
    assert report["folds"]["leakage_problems"] == []
    # alpha, bravo (the same person) and their 3 fakes are the largest of 6 groups: 5 of 13 videos
    folds = report["folds"]
    assert (folds["groups"], folds["largest_group_videos"], folds["largest_group_share"]) == (6, 5, 0.3846)
    assert folds["shares"] == {"0": {"videos": 0.5, "fakes": 0.5}, "1": {"videos": 0.5, "fakes": 0.5}}
    assert folds["balance_warnings"] == []


def test_rerun_does_no_work_and_changes_nothing(dfdc_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(dfdc_run / "out", out)
    before = {path: path.stat().st_mtime_ns for path in out.rglob("*") if path.is_file()}
    hashes = file_hashes(out)
    listing = read_source("dfdc", dfdc_run / "raw")
    result = preprocess_dataset(listing, out, PreprocessConfig(frames=FRAMES, folds=2), progress=False)
    assert all(stage.units == 0 for stage in result.stages.values())
    assert file_hashes(out) == hashes
    unchanged = [path for path, mtime in before.items() if path.stat().st_mtime_ns == mtime]
    assert len(unchanged) == len(before) - 2  # only the CSV and the report are rewritten (same bytes)
    # a fake without its crops (e.g. added to the dataset later) gets its family redone
    (out / "dfdc" / ".markers" / "crops" / "bravo_fake0.json").unlink()
    shutil.rmtree(out / "dfdc" / "face_crops" / "bravo_fake0")
    result = preprocess_dataset(listing, out, PreprocessConfig(frames=FRAMES, folds=2), progress=False)
    assert result.stages["crops"] == StageRun(units=1, outcomes={"done": 2})
    assert file_hashes(out) == hashes


def test_celebdf_sharded_run_merges_into_identity_disjoint_folds(celebdf_raw: Path, tmp_path: Path) -> None:
    listing = read_source("celebdf", celebdf_raw / "raw")
    # detection on frames downscaled to 160 px (boxes and points scaled back to the 224x192 frames)
    config = PreprocessConfig(frames=FRAMES, folds=2, landmarks=("mtcnn", "dlib68"), detect_max_side=160)
    out = tmp_path / "out"
    first = preprocess_dataset(listing, out, config, shard=(0, 3), progress=False)
    assert first.report is None and first.stages["faces"].units == 1
    with pytest.raises(DataError, match="never processed"):
        preprocess_dataset(listing, out, config, merge_only=True)
    for shard in ((1, 3), (2, 3)):
        preprocess_dataset(listing, out, config, shard=shard, progress=False)
    report = preprocess_dataset(listing, out, config, merge_only=True).report
    assert all("not_run" not in stage.outcomes for stage in report.stages.values())
    table = pd.read_csv(out / "celebdf.csv")
    assert set(table["video"]) == {
        "id0_0000",
        "id0_0001",
        "id1_0000",
        "id2_0000",
        "id0_id1_0000",
        "id2_id3_0000",
    }
    fold_of = table.groupby("video")["fold"].first()
    # id0_id1_0000 links id0 and id1: all their videos share a fold; id2 (with its fake) is the other
    assert fold_of["id0_0000"] == fold_of["id0_0001"] == fold_of["id1_0000"] == fold_of["id0_id1_0000"]
    assert fold_of["id2_0000"] == fold_of["id2_id3_0000"] != fold_of["id0_0000"]
    assert not (out / "celebdf" / "embeddings").exists()  # the dataset names everyone: no clustering
    for row in table[table["label"] == 0].itertuples():
        crop = read_rgb(out / "celebdf" / "face_crops" / row.video / row.file)
        height, width = crop.shape[:2]
        assert min(height, width) >= 60  # the whole face: the box was scaled back to the frame
        for folder, count in (("original_landmarks", 5), ("original_landmarks_68", 68)):
            points = np.load(out / "celebdf" / folder / row.video / row.file.replace(".png", ".npy"))
            assert points.shape == (count, 2)
            # the face sits in the middle of the crop (1/3 margin on each side)
            centre = points.mean(axis=0)
            assert abs(centre[0] - width / 2) < width * 0.2 and abs(centre[1] - height / 2) < height * 0.25
    assert main(["check-leakage", str(out / "celebdf.csv")]) == 0
    # the official test list holds id2_0000 out, with everything linked to it
    held = preprocess_dataset(listing, out, config, merge_only=True, holdout_test=True).report
    assert held.folds.per_fold["-1"].videos == 2
    table = pd.read_csv(out / "celebdf.csv")
    assert set(table.loc[table["fold"] == -1, "video"]) == {"id2_0000", "id2_id3_0000"}


def test_sigkill_mid_run_then_rerun_gives_identical_files(
    tmp_path_factory: pytest.TempPathFactory, samples_dir: Path, tmp_path: Path
) -> None:
    small = small_dataset(tmp_path_factory, samples_dir)
    out = tmp_path / "out"
    # killed once in each stage, the second run (2 worker processes) resuming the first
    for stage, workers in (("faces", 1), ("landmarks", 2)):
        process = run_cli(small / "raw", out, "--workers", str(workers))
        markers = out / "dfdc" / ".markers" / stage
        deadline = time.monotonic() + 120
        while not (markers.is_dir() and any(markers.glob("*.json"))):
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, f"the run never reached the {stage} stage"
            time.sleep(0.005)
        assert process.poll() is None, "the run finished before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert not (out / "dfdc.csv").exists()
    rerun = run_cli(small / "raw", out)
    _, errors = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, errors.decode()
    assert file_hashes(out) == file_hashes(small / "reference")


def test_a_failing_unit_is_reported_and_retried(
    dfdc_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    shutil.copytree(dfdc_run / "out", out)
    (out / "dfdc" / ".markers" / "diffs" / "bravo_fake0.json").unlink()
    listing = read_source("dfdc", dfdc_run / "raw")
    config = PreprocessConfig(frames=FRAMES, folds=2)

    def broken(*args: object) -> dict:
        raise OSError("disk full")

    monkeypatch.setattr("facecutout.preprocess.units.fake_diffs", broken)
    result = preprocess_dataset(listing, out, config, progress=False)
    assert result.stages["diffs"] == StageRun(units=1, outcomes={"failed:OSError": 1})
    # the failure is in the report, with its reason, and recorded so that the next run retries it
    assert result.report.stages["diffs"].outcomes["failed:OSError"] == 1
    [failure] = [skip for skip in result.report.skips if skip.video == "bravo_fake0"]
    assert (failure.stage, failure.reason) == ("diffs", "failed:OSError") and "disk full" in failure.detail
    monkeypatch.undo()
    retried = preprocess_dataset(listing, out, config, progress=False)
    assert retried.stages["diffs"] == StageRun(units=1, outcomes={"done": 1})
    assert file_hashes(out) == file_hashes(dfdc_run / "out")


def test_csv_source_through_the_command(
    dfdc_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    part = dfdc_run / "raw" / "dfdc_train_part_0"
    listing = tmp_path / "videos.csv"
    listing.write_text(
        "video,label,original,identity\n"
        f"{part / 'alpha.mp4'},0,,ann\n"
        f"{part / 'alpha_fake0.mp4'},1,{part / 'alpha.mp4'},ann;bea\n"
        f"{part / 'charlie.mp4'},0,,\n"
        f"{part / 'charlie_fake0.mp4'},FAKE,{part / 'charlie.mp4'},\n"
        f"{part / 'nowhere.mp4'},0,,\n"
    )
    out = tmp_path / "out"
    argv = ["preprocess", "--source", "csv", "--root", str(listing), "--out", str(out), "--dataset", "mine"]
    argv += ["--frames", "3", "--folds", "2", "--no-progress"]
    assert main(argv) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["source_skips"] == {"file_missing": 1} and summary["leakage_problems"] == []
    table = pd.read_csv(out / "mine.csv", dtype=str)
    videos = sorted(set(table["video"]))
    assert len(videos) == 4 and all(
        video.endswith(("alpha", "alpha_fake0", "charlie", "charlie_fake0")) for video in videos
    )
    assert (table.groupby("video").size() == 3).all()
    assert (out / "mine" / "embeddings").is_dir()  # charlie has no identity: embedded
    assert main(["check-leakage", str(out / "mine.csv")]) == 0
