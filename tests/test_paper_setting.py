"""The shipped paper-setting ablation config loads through the ablation config model, asks for the
paper's experiment, and the documented commands fit it."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import timm

from facecutout.ablation.config import AblationConfig
from facecutout.ablation.runner import run_folder, run_train_config
from facecutout.cli import build_parser
from facecutout.configs import config_file
from facecutout.data.layout import LANDMARK_FOLDERS
from facecutout.model.config import TrainConfig

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = "ablation_paper"
DOC = REPO / "docs" / "paper_setting.md"


def paper_config() -> AblationConfig:
    with config_file(TEMPLATE) as path:
        return AblationConfig.from_yaml(path)


def test_config_is_the_papers_experiment():
    config = paper_config()
    train = config.train
    assert train.model.name == "tf_efficientnet_b4.ns_jft_in1k" and train.model.pretrained
    assert timm.get_pretrained_cfg(train.model.name) is not None, "timm must know the Noisy Student weights"
    assert train.data.image_size == 380
    assert set(config.methods) == {"face_cutout", "random_erasing", "none"}
    assert len(config.seeds) >= 3 and config.baseline in config.methods
    assert train.data.csvs == ["dfdc.csv"] and not train.data.allow_fold_leakage
    assert train.data.landmark_folder == LANDMARK_FOLDERS["dlib68"]
    assert train.trainer.accelerator == "gpu"
    for method in config.methods:  # every run's training config is valid as the runner builds it
        run = TrainConfig.from_dict(run_train_config(config, method, config.seeds[0]))
        assert run.data.augmentation == method and run.data.image_size == 380


def commands(text: str, name: str) -> list[list[str]]:
    """Every `facecutout NAME ...` command of the doc's shell blocks, continuation lines joined."""
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    lines = "\n".join(blocks).replace("\\\n", " ").splitlines()
    return [
        shlex.split(line, comments=True) for line in lines if line.strip().startswith(f"facecutout {name} ")
    ]


def test_documented_commands_parse_and_fit_the_config():
    text = DOC.read_text()
    config = paper_config()
    parser = build_parser()
    (preprocess,) = commands(text, "preprocess")
    args = parser.parse_args(preprocess[1:])
    assert args.source == "dfdc" and Path(args.out) == Path(config.train.data.root)
    assert "dlib68" in args.landmarks
    (ablate,) = commands(text, "ablate")
    assert parser.parse_args(ablate[1:]).config == TEMPLATE
    (explain,) = commands(text, "explain")
    best = {
        run_folder(config, method, seed) / "train" / "best.ckpt"
        for method in config.methods
        for seed in config.seeds
    }
    checkpoints = [Path(item.partition("=")[2]) for item in parser.parse_args(explain[1:]).checkpoint]
    assert len(checkpoints) == len(config.methods) and set(checkpoints) <= best
