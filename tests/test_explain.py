"""Grad-CAM: a tiny detector trained here to spot a bright patch on its fakes must look at the patch;
overlays, the comparison grid and the explain command."""

from __future__ import annotations

from pathlib import Path

import cv2
import lightning as L
import numpy as np
import pytest
import torch
from model_checkpoints import write_checkpoint

from facecutout.cli import main
from facecutout.errors import DataError, InvalidInputError
from facecutout.explain.files import GRID_NAME, collect_images, explain_files, unique_names
from facecutout.explain.gradcam import explain_faces, target_layer
from facecutout.explain.grid import DPI, grid_inches, write_comparison_grid
from facecutout.model.backbone import create_backbone
from facecutout.model.checkpoint import load_classifier
from facecutout.model.classifier import DeepfakeClassifier
from facecutout.model.config import TrainConfig

pytestmark = pytest.mark.filterwarnings("ignore:You defined a `validation_step` but have no `val_dataloader`")

SIZE = 48
PATCH = (slice(6, 18), slice(28, 40))
"""Where every training fake carries its bright square: top right, off the diagonal, so a heat map
that is transposed or flipped misses it."""


def synthetic_face(rng: np.random.Generator, fake: bool, height: int = SIZE, width: int = SIZE) -> np.ndarray:
    face = rng.integers(0, 140, (height, width, 3), dtype=np.uint8)
    if fake:
        face[PATCH] = 255
    return face


class PatchFakes(torch.utils.data.Dataset):
    """Noise faces, every second one a fake with the bright patch; items as the training loader gives."""

    def __init__(self, count: int, seed: int):
        rng = np.random.default_rng(seed)
        self.faces = [synthetic_face(rng, index % 2 == 1) for index in range(count)]

    def __len__(self) -> int:
        return len(self.faces)

    def __getitem__(self, index: int) -> dict:
        image = torch.from_numpy(np.ascontiguousarray(self.faces[index].transpose(2, 0, 1)))
        return {"image": image, "label": torch.tensor(float(index % 2)), "index": index}


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    """A resnet10t checkpoint trained for 3 short epochs (about 10 s on one thread), Lightning's format."""
    config = TrainConfig().with_overrides(
        ["model.name=resnet10t", "model.pretrained=false", f"data.image_size={SIZE}", "model.drop_rate=0"]
        + ["optim.lr=0.003", "optim.scheduler=none"]
    )
    L.seed_everything(0, verbose=False)
    model = DeepfakeClassifier(config.to_dict())
    trainer = L.Trainer(
        max_epochs=3,
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.fit(model, torch.utils.data.DataLoader(PatchFakes(64, seed=0), batch_size=16, shuffle=True))
    path = tmp_path_factory.mktemp("explain") / "patch.ckpt"
    trainer.save_checkpoint(path)
    return path


@pytest.fixture(scope="module")
def untrained(tmp_path_factory) -> Path:
    return write_checkpoint(tmp_path_factory.mktemp("explain") / "untrained.ckpt", "resnet10t", SIZE)


def test_target_layer_is_the_last_stage_timm_declares():
    assert target_layer(create_backbone("resnet10t"))[0] == "layer4"
    assert target_layer(create_backbone("efficientnet_b0"))[0] == "blocks.6"
    assert target_layer(create_backbone("convnext_atto"))[0] == "stages.3"


def test_target_layer_takes_any_declared_stage_and_names_them_when_asked_for_another():
    backbone = create_backbone("resnet10t")
    assert target_layer(backbone, -2)[0] == "layer3"
    assert target_layer(backbone, 0)[0] == backbone.feature_info[0]["module"]
    with pytest.raises(InvalidInputError, match=r"stage 5 is not a stage .*-2: layer3, -1: layer4"):
        target_layer(backbone, 5)


def test_heat_map_points_at_what_makes_the_fake(trained):
    model = load_classifier(trained)
    rng = np.random.default_rng(7)
    # A taller-than-wide fake: the heat map must be cut back from the padded square to the face.
    fake = np.vstack([synthetic_face(rng, True), rng.integers(0, 140, (12, SIZE, 3), dtype=np.uint8)])
    real = synthetic_face(rng, False)
    with torch.no_grad():  # Grad-CAM turns gradients back on for itself
        fake_view, real_view = explain_faces(model, [fake, real], progress=False)
    assert fake_view.score > 0.9 > 0.1 > real_view.score
    assert fake_view.heatmap.shape == fake.shape[:2] and fake_view.heatmap.dtype == np.float32
    assert fake_view.heatmap.min() >= 0.0 and fake_view.heatmap.max() <= 1.0
    assert fake_view.heatmap.std() > 0.1, "a constant heat map explains nothing"
    outside = np.ones(fake.shape[:2], bool)
    outside[PATCH] = False
    assert fake_view.heatmap[PATCH].mean() > 2 * fake_view.heatmap[outside].mean()
    assert fake_view.overlay.shape == fake.shape and fake_view.overlay.dtype == np.uint8
    assert np.abs(fake_view.overlay.astype(int) - fake).mean() > 10
    assert fake_view.layer == "layer4"

    (finer,) = explain_faces(model, [fake], stage=-2, progress=False)
    assert finer.layer == "layer3" and finer.score == pytest.approx(fake_view.score)
    assert finer.heatmap[PATCH].mean() > finer.heatmap[outside].mean()


def test_explain_refuses_token_backbones_and_bad_faces(tmp_path, untrained):
    vit = load_classifier(write_checkpoint(tmp_path / "vit.ckpt", "vit_tiny_patch16_224", 224))
    face = np.zeros((50, 40, 3), np.uint8)
    with pytest.raises(InvalidInputError, match="convolutional backbone"):
        explain_faces(vit, [face], progress=False)
    model = load_classifier(untrained)
    with pytest.raises(InvalidInputError, match=r"faces\[1\]"):
        explain_faces(model, [face, face[..., 0]], progress=False)
    with pytest.raises(InvalidInputError, match="target"):
        explain_faces(model, [face], target="both", progress=False)


def read_png(path: Path) -> np.ndarray:
    image = cv2.imread(str(path))
    assert image is not None, f"{path} is not a readable PNG"
    return image


def test_grid_has_a_row_per_face_and_a_column_per_model(trained, untrained, tmp_path):
    rng = np.random.default_rng(3)
    faces = [("real", synthetic_face(rng, False)), ("fake", synthetic_face(rng, True, 60, SIZE))]
    big = write_comparison_grid(
        {"no cutout": untrained, "Face-Cutout": trained}, faces, tmp_path / "big.png", progress=False
    )
    small = write_comparison_grid({"patch": trained}, faces[1:], tmp_path / "small.png", progress=False)
    for path, rows, models in ((big, 2, 2), (small, 1, 1)):
        width, height = grid_inches(rows, models)
        assert read_png(path).shape == (round(height * DPI), round(width * DPI), 3)
    big_pixels, small_pixels = read_png(big), read_png(small)
    assert big_pixels.shape[1] > small_pixels.shape[1] and big_pixels.shape[0] > small_pixels.shape[0]
    assert big_pixels.std() > 30, "the grid holds pictures, not a blank page"


def test_explain_files_writes_an_overlay_per_image_and_model(trained, untrained, tmp_path):
    rng = np.random.default_rng(4)
    folder = tmp_path / "faces"
    folder.mkdir()
    for index in range(3):
        cv2.imwrite(str(folder / f"face{index}.png"), synthetic_face(rng, index == 1))
    (folder / "notes.txt").write_text("not an image")
    result = explain_files({"a": trained, "b": untrained}, [folder], tmp_path / "out", grid_rows=2)
    names = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert names == sorted([GRID_NAME] + [f"face{i}_gradcam_{m}.png" for i in range(3) for m in "ab"])
    assert len(result.scores["a"]) == 3 and result.scores["a"][1] > 0.9
    width, height = grid_inches(2, 2)
    assert read_png(result.grid).shape[:2] == (round(height * DPI), round(width * DPI))
    overlay = cv2.cvtColor(read_png(result.overlays["a"][1]), cv2.COLOR_BGR2RGB)
    assert overlay.shape == (SIZE, SIZE, 3)


def test_images_of_the_paper_layout_get_distinct_names(tmp_path):
    with pytest.raises(DataError, match="missing.png does not exist"):
        collect_images([tmp_path / "missing.png"])
    for video in ("00000", "id0_id1_0007"):  # face crops are <frame>_<person>.png in one folder per video
        (tmp_path / video).mkdir()
        cv2.imwrite(str(tmp_path / video / "0_0.png"), np.zeros((8, 8, 3), np.uint8))
    cv2.imwrite(str(tmp_path / "00000" / "10_0.png"), np.zeros((8, 8, 3), np.uint8))
    images = collect_images([tmp_path / "00000", tmp_path / "id0_id1_0007" / "0_0.png"])
    assert unique_names(images) == ["00000_0_0", "00000_10_0", "id0_id1_0007_0_0"]
    assert unique_names(images[1:]) == ["10_0", "0_0"]
    with pytest.raises(DataError, match="given twice"):
        collect_images([tmp_path / "00000", tmp_path / "00000" / "0_0.png"])


def test_explain_command(trained, tmp_path, capsys):
    image = tmp_path / "fake.png"
    cv2.imwrite(str(image), synthetic_face(np.random.default_rng(5), True))
    out = tmp_path / "out"
    assert main(["explain", "--checkpoint", str(trained), str(image), "--out", str(out)]) == 0
    assert sorted(path.name for path in out.iterdir()) == sorted(["fake_gradcam.png", GRID_NAME])
    printed = capsys.readouterr().out
    assert "patch: 1 image(s)" in printed and GRID_NAME in printed

    assert main(["explain", "--checkpoint", str(tmp_path / "nope.ckpt"), str(image), "--out", str(out)]) == 2
    assert "--checkpoint" in capsys.readouterr().err
    missing = tmp_path / "missing.png"
    assert main(["explain", "--checkpoint", str(trained), str(missing), "--out", str(out)]) == 2
    assert f"image {missing} does not exist" in capsys.readouterr().err
    pair = ["--checkpoint", f"x={trained}", "--checkpoint", f"x={trained}"]
    assert main(["explain", *pair, str(image), "--out", str(out)]) == 2
    assert "given twice" in capsys.readouterr().err
    assert main(["explain", "--checkpoint", str(trained), str(image), "--out", str(out), "--stage", "9"]) == 2
    assert "stage 9 is not a stage" in capsys.readouterr().err
