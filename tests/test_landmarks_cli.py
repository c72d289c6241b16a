"""``facecutout landmarks`` on real crops plus broken, grey, 16-bit, tiny and faceless files."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from facecutout import face_cutout
from facecutout.cli import main
from facecutout.fileio import read_rgb

CROPS = ("00000/0_0.png", "00000/100_0.png", "00001/50_0.png")


@pytest.fixture()
def folder(tmp_path: Path, samples_dir: Path, rng: np.random.Generator) -> Path:
    root = tmp_path / "crops"
    for name in CROPS:
        (root / Path(name).parent).mkdir(parents=True, exist_ok=True)
        shutil.copy(samples_dir / "celebdf" / "face_crops" / name, root / name)
    original = cv2.imread(str(samples_dir / "pairs" / "ori_1.png"))
    (root / "odd").mkdir()
    cv2.imwrite(str(root / "odd" / "grey.png"), cv2.cvtColor(original, cv2.COLOR_BGR2GRAY))
    cv2.imwrite(str(root / "odd" / "deep.png"), original.astype(np.uint16) * 257)
    cv2.imwrite(str(root / "odd" / "alpha.png"), cv2.cvtColor(original, cv2.COLOR_BGR2BGRA))
    cv2.imwrite(str(root / "tiny.png"), original[:20, :24])
    cv2.imwrite(str(root / "noise.png"), rng.integers(0, 256, (120, 120, 3), dtype=np.uint8))
    (root / "corrupt.png").write_bytes((samples_dir / "pairs" / "ori_2.png").read_bytes()[:2000])
    ok, jpeg = cv2.imencode(".jpg", original)
    (root / "cut.jpg").write_bytes(jpeg.tobytes()[: len(jpeg) // 2])
    (root / "notes.txt").write_text("not an image")
    return root


FOUND = {*(name.replace(".png", ".npy") for name in CROPS), "odd/grey.npy", "odd/deep.npy", "odd/alpha.npy"}


def test_folder_run_writes_points_lists_and_resumes(folder: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "landmarks"
    assert (
        main(["landmarks", str(folder), "--backend", "dlib68", "--out", str(out), "--batch-size", "3"]) == 0
    )
    printed = capsys.readouterr().out
    assert "images: 10" in printed and "faces found: 6" in printed and "no face: 1" in printed
    written = {path.relative_to(out).as_posix() for path in out.rglob("*.npy")}
    assert written == FOUND
    for name in written:
        points = np.load(out / name)
        assert points.shape == (68, 2) and points.dtype == np.float32
    assert (out / "no_face.txt").read_text().splitlines() == ["noise.png"]
    skipped = dict(line.split("\t") for line in (out / "skipped.txt").read_text().splitlines())
    assert set(skipped) == {"corrupt.png", "cut.jpg", "tiny.png"}
    assert "cannot read" in skipped["corrupt.png"] and "truncated" in skipped["cut.jpg"]
    assert "too small" in skipped["tiny.png"]

    marker = out / "00000" / "0_0.npy"
    marker.write_bytes(marker.read_bytes())  # same content, new mtime to compare against
    stamp = marker.stat().st_mtime_ns
    (out / "00001" / "50_0.npy").unlink()
    assert main(["landmarks", str(folder), "--out", str(out)]) == 0
    assert "kept from an earlier run: 5" in capsys.readouterr().out
    assert (out / "00001" / "50_0.npy").is_file() and marker.stat().st_mtime_ns == stamp

    assert main(["landmarks", str(folder), "--out", str(out), "--overwrite"]) == 0
    assert "kept from an earlier run: 0" in capsys.readouterr().out
    assert marker.stat().st_mtime_ns != stamp


def test_convex_hull_cutout_from_the_written_files(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "landmarks"
    assert main(["landmarks", str(folder / "00001"), "--out", str(out)]) == 0
    image = read_rgb(folder / "00001" / "50_0.png")
    output, region = face_cutout(
        image, np.load(out / "50_0.npy"), variant="convex_hull", seed=0, return_region=True
    )
    assert region.sum() > 0.02 * region.size and (output != image).any()


def test_single_file_with_mtcnn_and_backend_mismatch(folder: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "five"
    image = folder / "00000" / "0_0.png"
    assert main(["landmarks", str(image), "--backend", "mtcnn", "--device", "cpu", "--out", str(out)]) == 0
    assert np.load(out / "0_0.npy").shape == (5, 2)
    assert main(["landmarks", str(image), "--backend", "dlib68", "--out", str(out)]) == 2
    assert "use another --out or --overwrite" in capsys.readouterr().err


def test_missing_input_and_bad_options_are_clear_errors(tmp_path: Path, capsys) -> None:
    assert main(["landmarks", str(tmp_path / "absent"), "--out", str(tmp_path / "o")]) == 2
    assert "neither an image file nor a folder" in capsys.readouterr().err
    assert main(["landmarks", str(tmp_path), "--out", str(tmp_path / "o"), "--batch-size", "0"]) == 2
    assert "--batch-size" in capsys.readouterr().err
