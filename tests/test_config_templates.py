"""Configuration templates ship in the package: `facecutout config` prints them, `--config NAME`
reads them, and `--help` shows the defaults."""

from __future__ import annotations

import argparse
import re

import pytest
import yaml

from facecutout.ablation.config import AblationConfig
from facecutout.cli import build_parser, main
from facecutout.commands.train import FLAG_KEYS, build_config
from facecutout.configs import config_file, template_names, template_settings, template_text
from facecutout.errors import DataError
from facecutout.model.config import TrainConfig


def flatten(values: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def test_the_templates_are_the_train_defaults_and_a_valid_ablation():
    assert template_names() == ("ablation", "ablation_paper", "train")
    with config_file("train") as path:
        assert TrainConfig.from_yaml(path) == TrainConfig()
    assert template_settings("train") == flatten(TrainConfig().to_dict())
    with config_file("ablation") as path:
        ablation = AblationConfig.from_yaml(path)
    assert ablation.methods == ("face_cutout", "random_erasing", "none") and ablation.baseline == "none"


def test_config_prints_a_template_and_lists_them(capsys):
    assert main(["config", "train"]) == 0
    printed = capsys.readouterr().out
    assert printed == template_text("train")
    assert TrainConfig.from_dict(yaml.safe_load(printed)) == TrainConfig()
    assert main(["config"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in listing] == ["ablation", "ablation_paper", "train"]
    with pytest.raises(SystemExit):
        main(["config", "nope"])


def test_config_accepts_a_template_name_and_a_file_of_that_name_wins(tmp_path, monkeypatch):
    args = build_parser().parse_args(["train", "--config", "train", "--data", "/d", "--csv", "a.csv"])
    assert build_config(args) == TrainConfig().with_overrides(["data.root=/d", "data.csvs=[a.csv]"])
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ablation").mkdir()  # a data folder named like a template does not hide it
    with config_file("ablation") as path:
        assert path.is_file() and path.read_text() == template_text("ablation")
    (tmp_path / "train").write_text("optim:\n  lr: 0.5\n")
    assert build_config(build_parser().parse_args(["train", "--config", "train"])).optim.lr == 0.5
    with pytest.raises(DataError, match=r"config nope.yaml: no such file, nor a template name \(ablation"):
        build_config(build_parser().parse_args(["train", "--config", "nope.yaml"]))


def test_train_help_shows_every_default(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines anywhere
    for key, value in flatten(TrainConfig().to_dict()).items():
        assert f"{key}={value!r}" in text, key
    for flag, key in FLAG_KEYS.items():
        if flag != "resume":
            option = "--" + flag.replace("_", "-")
            assert re.search(rf"{option} \S+ .*?\({key}, default: ", text), option


def test_every_option_with_a_default_shows_it():
    parser = build_parser()
    (subcommands,) = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    for name, command in subcommands.choices.items():
        for action in command._actions:
            if action.default not in (None, False, argparse.SUPPRESS):
                assert "default" in action.help, f"facecutout {name} {action.option_strings}"
