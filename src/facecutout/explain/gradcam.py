"""Grad-CAM heat maps of a :class:`~facecutout.model.classifier.DeepfakeClassifier` on RGB faces.

The target layer is a feature stage as timm declares it, the last by default: every timm model
lists its stages in ``feature_info`` (module name, channels, stride), and the last entry is the
deepest convolutional stage (``layer4`` of a ResNet, ``blocks.6`` of an EfficientNet, ``stages.3``
of a ConvNeXt); ``stage=-2`` is the one before it, at twice the resolution. Its output must be a
(B, C, H, W) map with the declared channels; backbones whose stage gives tokens (ViT) or
channels-last maps (Swin) are refused with an error naming the model.

Faces go through the evaluation transform (longest side to the model's input size, centred
padding), so the network sees what ``facecutout evaluate`` and ``predict`` show it; the heat map
is cut back to the unpadded face and resized to the face's own size before it is overlaid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch
from tqdm import tqdm

from facecutout.data.augment import eval_transform
from facecutout.data.dataset import image_tensor
from facecutout.errors import InvalidInputError
from facecutout.model.scoring import model_image_size

Target = Literal["fake", "real"]
"""Which evidence the heat map shows: what raises the fake logit, or what lowers it."""


@dataclass(frozen=True)
class Explanation:
    """One face seen by one model: ``heatmap`` float32 (H, W) in [0, 1] at the face's size,
    ``overlay`` uint8 (H, W, 3) RGB (the heat map in the jet colours over the face) and
    ``score`` the model's fake probability of the face; ``layer`` the backbone module explained."""

    heatmap: np.ndarray
    overlay: np.ndarray
    score: float
    layer: str


def target_layer(backbone: torch.nn.Module, stage: int = -1) -> tuple[str, torch.nn.Module]:
    """(name, module) of a feature stage a timm backbone declares in ``feature_info``: the last by
    default, ``stage=-2`` the one before it (twice the resolution), or any index into the stages."""
    info = getattr(backbone, "feature_info", None)
    if not info:
        raise InvalidInputError(
            f"backbone {type(backbone).__name__} declares no feature_info: Grad-CAM needs a timm model"
        )
    if not isinstance(stage, int) or not -len(info) <= stage < len(info):
        stages = ", ".join(f"{index - len(info)}: {item['module']}" for index, item in enumerate(info))
        raise InvalidInputError(
            f"stage {stage!r} is not a stage of backbone {type(backbone).__name__} ({stages})"
        )
    name = info[stage]["module"]
    return name, backbone.get_submodule(name)


def _check_feature_map(
    backbone: torch.nn.Module, layer: torch.nn.Module, name: str, stage: int, sample: torch.Tensor
):
    """Refuse a stage whose output is not a (B, C, H, W) map of the declared channels."""
    shapes = []
    handle = layer.register_forward_hook(lambda module, inputs, output: shapes.append(tuple(output.shape)))
    try:
        with torch.no_grad():
            backbone.forward_features(sample)
    finally:
        handle.remove()
    channels = backbone.feature_info[stage]["num_chs"]
    if len(shapes[0]) != 4 or shapes[0][1] != channels:
        raise InvalidInputError(
            f"the stage {name} of backbone {type(backbone).__name__} gives {shapes[0]}, not a "
            f"(B, {channels}, H, W) feature map: Grad-CAM here needs a convolutional backbone"
        )


def _check_faces(faces: Sequence[np.ndarray]) -> None:
    for index, face in enumerate(faces):
        if not (isinstance(face, np.ndarray) and face.dtype == np.uint8 and face.ndim == 3):
            raise InvalidInputError(f"faces[{index}] must be an RGB uint8 (H, W, 3) array")
        if face.shape[2] != 3 or min(face.shape[:2]) < 2:
            raise InvalidInputError(f"faces[{index}] has shape {face.shape}, expected (H, W, 3), H, W >= 2")


def _model_input(face: np.ndarray, size: int) -> tuple[torch.Tensor, tuple[slice, slice]]:
    """The face as the model sees it, and where the face lies in it (the rest is padding)."""
    placed = eval_transform(size)(image=face, mask=np.ones(face.shape[:2], np.uint8))
    rows, cols = np.nonzero(placed["mask"])
    inside = (slice(rows.min(), rows.max() + 1), slice(cols.min(), cols.max() + 1))
    return image_tensor(placed["image"]), inside


def overlay_heatmap(face: np.ndarray, heatmap: np.ndarray, image_weight: float = 0.5) -> np.ndarray:
    """The heat map in the jet colours over the RGB face (``image_weight`` of the face)."""
    from pytorch_grad_cam.utils.image import show_cam_on_image

    return show_cam_on_image(
        face.astype(np.float32) / 255.0, heatmap, use_rgb=True, image_weight=image_weight
    )


def explain_faces(
    model: torch.nn.Module,
    faces: Sequence[np.ndarray],
    *,
    target: Target = "fake",
    stage: int = -1,
    batch_size: int = 8,
    progress: bool = True,
) -> list[Explanation]:
    """Grad-CAM of ``model`` (a loaded classifier, see :func:`facecutout.model.checkpoint.load_classifier`)
    on RGB uint8 face crops, one :class:`Explanation` per face, in order.

    ``target="fake"`` shows what raises the fake logit, ``"real"`` what lowers it. ``stage`` picks
    the backbone stage explained (see :func:`target_layer`): the last stage of a small input is a
    few pixels wide, the one before it twice as fine. Each heat map is scaled to [0, 1] on its own
    (Grad-CAM's convention), so maps compare where, not how much.
    """
    import cv2
    from pytorch_grad_cam import GradCAM
    from pytorch_grad_cam.utils.model_targets import BinaryClassifierOutputTarget

    if target not in ("fake", "real"):
        raise InvalidInputError(f"target must be 'fake' or 'real', got {target!r}")
    if batch_size < 1:
        raise InvalidInputError(f"batch_size must be >= 1, got {batch_size}")
    _check_faces(faces)
    if not faces:
        return []
    size = model_image_size(model)
    device = next(model.parameters()).device
    name, layer = target_layer(model.backbone, stage)
    inputs = [_model_input(face, size) for face in faces]
    _check_feature_map(model.backbone, layer, name, stage, model.normalize(inputs[0][0][None].to(device)))
    cam = GradCAM(model=model, target_layers=[layer])
    explanations = []
    try:
        starts = range(0, len(faces), batch_size)
        for start in tqdm(starts, desc="Grad-CAM", unit="batch", leave=False, disable=not progress):
            batch = inputs[start : start + batch_size]
            targets = [BinaryClassifierOutputTarget(1 if target == "fake" else 0)] * len(batch)
            with torch.enable_grad():  # also under a caller's torch.no_grad()
                maps = cam(input_tensor=torch.stack([tensor for tensor, _ in batch]), targets=targets)
            scores = torch.sigmoid(cam.outputs.detach().float()).cpu().numpy()
            for face, (_, inside), heat, score in zip(
                faces[start : start + batch_size], batch, maps, scores, strict=True
            ):
                heatmap = cv2.resize(heat[inside], face.shape[1::-1], interpolation=cv2.INTER_LINEAR)
                heatmap = np.clip(heatmap, 0.0, 1.0).astype(np.float32)
                explanations.append(Explanation(heatmap, overlay_heatmap(face, heatmap), float(score), name))
    finally:
        cam.activations_and_grads.release()
        model.zero_grad(set_to_none=True)
    return explanations
