"""Score images and videos: sample frames, detect faces, crop with a margin, score, aggregate per input.

A video's score aggregates the scores of every face found in its sampled frames (mean and the
confident strategy); an image's score is its most fake-looking face. Inputs that cannot be read
or hold no face get a record with an ``error`` and no score, counted in the summary.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from facecutout.data.crops import CROP_MARGIN, crop_rectangle
from facecutout.errors import DataError
from facecutout.model.aggregate import DEFAULT_RULE, ConfidentRule, aggregate
from facecutout.predict.inputs import collect_inputs

logger = logging.getLogger(__name__)


@dataclass
class Prediction:
    """The verdict on one input: fake probability ``score`` (by ``strategy``) and how it was formed."""

    input: str
    kind: str
    score: float | None = None
    label: str | None = None
    strategy: str = "confident"
    score_mean: float | None = None
    score_confident: float | None = None
    frames: int = 0
    faces: int = 0
    face_scores: list[float] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def crop_faces(frame: np.ndarray, faces: Sequence, min_score: float) -> list[np.ndarray]:
    """Crops of the detected faces (box grown by a third on each side), most confident first."""
    height, width = frame.shape[:2]
    crops = []
    for face in sorted(faces, key=lambda face: -face.score):
        if face.score < min_score:
            continue
        x1, y1, x2, y2 = crop_rectangle(list(face.box), CROP_MARGIN, width, height)
        if x2 - x1 >= 2 and y2 - y1 >= 2:
            crops.append(frame[y1:y2, x1:x2])
    return crops


class Predictor:
    """A loaded checkpoint and detector that score images and videos."""

    def __init__(
        self,
        checkpoint: str | os.PathLike,
        *,
        frames: int = 32,
        detector: str | None = "mtcnn",
        min_face_score: float = 0.9,
        strategy: str = "confident",
        rule: ConfidentRule = DEFAULT_RULE,
        batch_size: int = 32,
        device: str | None = None,
    ):
        from facecutout.model.checkpoint import load_classifier
        from facecutout.model.scoring import pick_device

        self.device = pick_device(device)
        self.model = load_classifier(checkpoint, self.device)
        self.frames = frames
        self.detector = None
        if detector:
            from facecutout.landmarks import get_detector

            self.detector = get_detector(detector, str(self.device) if detector == "mtcnn" else None)
        self.min_face_score = min_face_score
        self.strategy = strategy
        self.rule = rule
        self.batch_size = batch_size
        aggregate([0.5], strategy)  # rejects an unknown strategy before any work

    def _faces(self, frames: list[np.ndarray]) -> list[np.ndarray]:
        if self.detector is None:
            return frames
        crops = []
        for frame, faces in zip(frames, self.detector.detect_batch(frames), strict=True):
            crops.extend(crop_faces(frame, faces, self.min_face_score))
        return crops

    def _score(self, prediction: Prediction, crops: list[np.ndarray], image: bool) -> Prediction:
        from facecutout.model.scoring import score_crops

        if not crops:
            prediction.error = "no face found"
            return prediction
        scores = score_crops(self.model, crops, self.batch_size)
        prediction.faces = len(scores)
        prediction.face_scores = [round(float(score), 6) for score in scores]
        if image:
            prediction.strategy = "max"
            prediction.score = float(scores.max())
        else:
            prediction.score_mean = aggregate(scores, "mean")
            prediction.score_confident = aggregate(scores, "confident", self.rule)
            prediction.score = (
                prediction.score_confident if self.strategy == "confident" else prediction.score_mean
            )
        prediction.label = "fake" if prediction.score >= 0.5 else "real"
        return prediction

    def predict_image(self, path: Path) -> Prediction:
        from facecutout.fileio import read_rgb

        prediction = Prediction(str(path), "image", frames=1)
        return self._score(prediction, self._faces([read_rgb(path)]), image=True)

    def predict_video(self, path: Path) -> Prediction:
        from facecutout.video import frame_count, read_frames, sample_indices

        prediction = Prediction(str(path), "video", strategy=self.strategy)
        decoded = read_frames(path, sample_indices(frame_count(path), count=self.frames))
        frames = [decoded[index] for index in sorted(decoded)]
        prediction.frames = len(frames)
        return self._score(prediction, self._faces(frames), image=False)


def predict(
    checkpoint: str | os.PathLike, inputs: Sequence[str | os.PathLike], **options
) -> list[Prediction]:
    """One :class:`Prediction` per image or video among ``inputs`` (options as :class:`Predictor`)."""
    files = collect_inputs(inputs)
    predictor = Predictor(checkpoint, **options)
    results = []
    for path, kind in tqdm(files, desc="predicting", unit="file", leave=False):
        try:
            if kind == "image":
                results.append(predictor.predict_image(path))
            else:
                results.append(predictor.predict_video(path))
        except DataError as error:
            results.append(Prediction(str(path), kind, error=str(error)))
    failed = [result for result in results if result.error]
    if failed:
        logger.warning("%d of %d inputs have no score (no face or unreadable)", len(failed), len(results))
    return results


def format_predictions(predictions: Sequence[Prediction]) -> str:
    """A plain-text table: input, kind, faces, score, label (or the error)."""
    width = max([len("input")] + [len(Path(item.input).name) for item in predictions])
    lines = [f"{'input':<{width}}  {'kind':<5}  {'frames':>6}  {'faces':>5}  {'score':>7}  verdict"]
    for item in predictions:
        score = f"{item.score:.4f}" if item.score is not None else "-"
        verdict = item.label if item.error is None else f"skipped: {item.error}"
        name = Path(item.input).name
        lines.append(
            f"{name:<{width}}  {item.kind:<5}  {item.frames:>6}  {item.faces:>5}  {score:>7}  {verdict}"
        )
    return "\n".join(lines)
