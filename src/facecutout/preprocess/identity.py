"""Who is who: dlib face embeddings of original crops, and union-find grouping of videos.

Videos are linked when they share an original (a fake and its original), when the dataset names
a common person (Celeb-DF ids, FF++ pair ids: ``TTT_SSS`` links TTT and SSS), or, for originals
the dataset says nothing about, when two of their face embeddings are closer than the dlib
same-person distance (0.6). Linked videos form one group; a group never spans two folds.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np

from facecutout.data.layout import DatasetLayout, crop_name
from facecutout.errors import DataError
from facecutout.fileio import read_rgb, write_npy
from facecutout.landmarks.process_local import ProcessLocal
from facecutout.preprocess.config import PreprocessConfig
from facecutout.sources import VideoRecord

EMBEDDING_SIZE = 128


def models_folder() -> Path:
    """The folder of the face-recognition-models package's .dat files."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise DataError("face-recognition-models is not installed: it provides dlib's face embedding model")
    return Path(list(spec.submodule_search_locations)[0]) / "models"


def _load_dlib_models() -> tuple[Any, Any]:
    import dlib

    folder = models_folder()
    return (
        dlib.shape_predictor(str(folder / "shape_predictor_5_face_landmarks.dat")),
        dlib.face_recognition_model_v1(str(folder / "dlib_face_recognition_resnet_model_v1.dat")),
    )


_dlib_models: ProcessLocal[tuple[Any, Any]] = ProcessLocal(_load_dlib_models)


def face_embedding(image: np.ndarray, box: list[float]) -> np.ndarray:
    """dlib's 128-d embedding of the face in ``box`` (x1, y1, x2, y2) of an RGB uint8 image."""
    import dlib

    shape_predictor, recogniser = _dlib_models.get()
    x1, y1, x2, y2 = (int(round(value)) for value in box[:4])
    shape = shape_predictor(image, dlib.rectangle(x1, y1, x2, y2))
    return np.asarray(recogniser.compute_face_descriptor(image, shape), dtype=np.float32)


def embed_original(
    original: VideoRecord, crops_marker: dict[str, Any], config: PreprocessConfig, layout: DatasetLayout
) -> dict[str, Any]:
    """Embed every face of up to ``embed_frames`` evenly spaced frames of an original; write (K, 128)."""
    crops = crops_marker["crops"]
    frames = sorted({crop["frame"] for crop in crops})
    step = max(1, len(frames) // config.embed_frames)
    chosen = set(frames[::step][: config.embed_frames])
    vectors = [
        face_embedding(
            read_rgb(layout.crop(original.video, crop_name(crop["frame"], crop["person"]))), crop["box"]
        )
        for crop in crops
        if crop["frame"] in chosen
    ]
    write_npy(
        layout.embeddings(original.video), np.stack(vectors) if vectors else np.zeros((0, EMBEDDING_SIZE))
    )
    return {"signature": config.signature("folds"), "status": "done", "embeddings": len(vectors)}


class UnionFind:
    """Disjoint sets over hashable items, with path halving and union by size."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.size: dict[str, int] = {}

    def add(self, item: str) -> None:
        if item not in self.parent:
            self.parent[item] = item
            self.size[item] = 1

    def find(self, item: str) -> str:
        self.add(item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, first: str, second: str) -> None:
        a, b = self.find(first), self.find(second)
        if a == b:
            return
        if (self.size[a], b) < (self.size[b], a):
            a, b = b, a
        self.parent[b] = a
        self.size[a] += self.size[b]


def close_pairs(embeddings: np.ndarray, threshold: float, chunk: int = 2048) -> list[tuple[int, int]]:
    """Index pairs (i < j) of rows closer than ``threshold`` (Euclidean), computed in chunks."""
    pairs = []
    squared = (embeddings.astype(np.float64) ** 2).sum(axis=1)
    for start in range(0, len(embeddings), chunk):
        block = embeddings[start : start + chunk].astype(np.float64)
        distances = squared[start : start + chunk, None] + squared[None, :] - 2 * block @ embeddings.T
        rows, columns = np.nonzero(distances < threshold**2)
        pairs.extend(
            (start + i, j) for i, j in zip(rows.tolist(), columns.tolist(), strict=True) if start + i < j
        )
    return pairs


def identity_groups(
    records: list[VideoRecord], embeddings: dict[str, np.ndarray], threshold: float
) -> dict[str, str]:
    """Video id -> group id ("g" + the smallest video id of its group), linking videos as the module says."""
    links = UnionFind()
    for record in records:
        links.add(f"video:{record.video}")
        links.union(f"video:{record.video}", f"video:{record.original}")
        for person in record.identities:
            links.union(f"video:{record.video}", f"identity:{person}")
    owners = [video for video, vectors in sorted(embeddings.items()) for _ in range(len(vectors))]
    if owners:
        stacked = np.concatenate(
            [embeddings[video] for video in sorted(embeddings) if len(embeddings[video])]
        )
        for i, j in close_pairs(stacked, threshold):
            links.union(f"video:{owners[i]}", f"video:{owners[j]}")
    members: dict[str, list[str]] = {}
    for record in records:
        members.setdefault(links.find(f"video:{record.video}"), []).append(record.video)
    return {video: f"g_{min(videos)}" for videos in members.values() for video in videos}
