"""A small DeepfakeBench tree built from the shared samples, in the layout its preprocessing writes.

DeepfakeBench keeps, beside each dataset's ``videos/``: ``frames/<video>/<NNN>.png``,
``landmarks/<video>/<NNN>.npy`` (81 points, int) and, for FaceForensics++ fakes,
``<method>/c23/masks/<video>/<NNN>.png`` (3-channel 0 / 255); ``rearrange.py`` lists them in a JSON.
Here the frames are the shared face crops (Celeb-DF's two real videos stand in for the FF++
originals 000-003); the 81 points are the synthetic face of face_shapes.py fitted to each crop's
shared MTCNN points, with scheme_faces.py's forehead; a fake's mask is its shared diff >= 40.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
from face_shapes import UNIT_FACE_68
from scheme_faces import to_dlib81

from facecutout import binarize_diff
from facecutout.cutout import resolve_scheme
from facecutout.data.table import load_samples
from facecutout.fileio import read_grey, read_rgb, write_image

FRAMES_PER_VIDEO = 4
FF_REALS = {"000": "00000", "001": "00001", "002": "00000", "003": "00001"}
FF_FAKES = {"000_003": True, "001_870": True, "002_006": True, "003_000": False}  # name -> has masks
FF_SPLITS = {"000_003": "train", "001_870": "train", "002_006": "test", "003_000": "train"}


def points_81(five: np.ndarray) -> np.ndarray:
    """81 int points: the unit face moved onto ``five`` MTCNN points by a similarity transform."""
    unit_five = resolve_scheme(68).sensory_points(UNIT_FACE_68)
    matrix, _ = cv2.estimateAffinePartial2D(unit_five.astype(np.float32), five.astype(np.float32))
    points68 = UNIT_FACE_68 @ matrix[:, :2].T + matrix[:, 2]
    return np.round(to_dlib81(points68)).astype(np.int32)


def _write_video(folder: Path, video: str, samples: list, with_masks: bool) -> dict:
    """Frames, landmarks and (optionally) masks of one video; its JSON entry with absolute paths."""
    entry: dict = {"frames": [], "masks": []}
    for index, sample in enumerate(samples[:FRAMES_PER_VIDEO]):
        name = f"{index:03d}"
        image = read_rgb(sample.image)
        frame = folder / "frames" / video / f"{name}.png"
        write_image(frame, image)
        five = np.load(sample.landmarks).astype(np.float64)
        landmarks = folder / "landmarks" / video / f"{name}.npy"
        landmarks.parent.mkdir(parents=True, exist_ok=True)
        np.save(landmarks, points_81(five))
        entry["frames"].append(str(frame))
        if with_masks:
            region = binarize_diff(read_grey(sample.diff))
            mask = folder.parent / "c23" / "masks" / video / f"{name}.png"
            write_image(mask, np.repeat(np.where(region, 255, 0).astype(np.uint8)[..., None], 3, axis=2))
            entry["masks"].append(str(mask))
    return entry


def build_tree(samples_dir: Path, root: Path) -> Path:
    """The tree under ``root`` and its JSON (FaceForensics++ and Celeb-DF-v2); the JSON's path."""
    samples, _ = load_samples(samples_dir, ["celebdf.csv", "ffpp.csv"])
    by_video: dict[str, list] = {}
    for sample in samples:
        if sample.landmarks is not None and (sample.label == 0 or sample.diff is not None):
            by_video.setdefault(sample.video, []).append(sample)
    ff = root / "FaceForensics++"
    reals = ff / "original_sequences" / "youtube" / "c23"
    fakes = ff / "manipulated_sequences" / "Deepfakes" / "c23"
    document: dict = {"FaceForensics++": {"FF-real": {}, "FF-DF": {}}, "Celeb-DF-v2": {}}
    ff_real, ff_fake = document["FaceForensics++"]["FF-real"], document["FaceForensics++"]["FF-DF"]
    for split in ("train", "val", "test"):
        ff_real[split], ff_fake[split] = {"c23": {}}, {"c23": {}}
    for name, stand_in in FF_REALS.items():
        entry = _write_video(reals, name, by_video[stand_in], with_masks=False)
        split = next(FF_SPLITS[pair] for pair in FF_FAKES if pair.startswith(name))
        ff_real[split]["c23"][name] = {"label": "FF-real", "frames": entry["frames"]}
    for name, with_masks in FF_FAKES.items():
        entry = _write_video(fakes, name, by_video[f"deepfake_{name}"], with_masks)
        ff_fake[FF_SPLITS[name]]["c23"][name] = {"label": "FF-DF", **entry}
    celeb = root / "Celeb-DF-v2"
    celeb_labels = {"CelebDFv2_real": {}, "CelebDFv2_fake": {}}
    for label, folder, video, stand_in in (
        ("CelebDFv2_real", "Celeb-real", "id0_0007", "00000"),
        ("CelebDFv2_real", "YouTube-real", "00001", "00001"),
        ("CelebDFv2_fake", "Celeb-synthesis", "id0_id1_0007", "id0_id1_0007"),
    ):
        entry = _write_video(celeb / folder, video, by_video[stand_in], with_masks=False)
        # relative to ``root``, as DeepfakeBench writes them when its dataset root is relative
        frames = [str(Path(frame).relative_to(root)) for frame in entry["frames"]]
        splits = celeb_labels[label].setdefault("train", {}), celeb_labels[label].setdefault("test", {})
        for split in splits:  # Celeb-DF: train lists every video, test the official test videos
            if split is splits[0] or video == "00001":
                split[video] = {"label": label, "frames": frames}
    document["Celeb-DF-v2"] = celeb_labels
    json_path = root / "dataset_json" / "FaceForensics++.json"
    json_path.parent.mkdir(parents=True)
    json_path.write_text(json.dumps(document))
    return json_path
