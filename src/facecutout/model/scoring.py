"""Batched inference: fake probabilities of datasets or in-memory face crops."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from tqdm import tqdm

from facecutout.data.augment import eval_transform
from facecutout.data.dataset import image_tensor


def pick_device(device: str | None) -> torch.device:
    """``device`` as given, or CUDA when available, else the CPU."""
    if device:
        return torch.device(device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def model_image_size(model: torch.nn.Module) -> int:
    """The input size a classifier was trained at."""
    return int(model.config.data.image_size)


@torch.no_grad()
def score_dataset(
    model: torch.nn.Module,
    dataset: Dataset,
    batch_size: int = 32,
    num_workers: int = 0,
    desc: str = "scoring",
    progress: bool = True,
) -> np.ndarray:
    """Fake probabilities of every item of ``dataset`` (items with ``image`` and ``index``), in order;
    ``progress``: a bar named ``desc``."""
    device = next(model.parameters()).device
    scores = np.full(len(dataset), np.nan, dtype=np.float64)
    loader = DataLoader(dataset, batch_size=batch_size, num_workers=num_workers, shuffle=False)
    for batch in tqdm(loader, desc=desc, unit="batch", leave=False, disable=not progress):
        probabilities = torch.sigmoid(model(batch["image"].to(device)))
        scores[batch["index"].numpy()] = probabilities.double().cpu().numpy()
    return scores


@torch.no_grad()
def score_crops(model: torch.nn.Module, crops: Sequence[np.ndarray], batch_size: int = 32) -> np.ndarray:
    """Fake probabilities of RGB uint8 face crops held in memory."""
    device = next(model.parameters()).device
    transform = eval_transform(model_image_size(model))
    scores = []
    for start in range(0, len(crops), batch_size):
        images = [image_tensor(transform(image=crop)["image"]) for crop in crops[start : start + batch_size]]
        logits = model(torch.stack(images).to(device))
        scores.append(torch.sigmoid(logits).double().cpu().numpy())
    return np.concatenate(scores) if scores else np.zeros(0)
