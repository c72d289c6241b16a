"""Configuration models: errors name the dotted key and the problem; what they read and write is unchanged."""

from __future__ import annotations

import pytest
import yaml

from facecutout.ablation.config import AblationConfig, EvalSet
from facecutout.errors import InvalidInputError
from facecutout.model.config import TrainConfig
from facecutout.preprocess.config import STAGES, PreprocessConfig

TRAIN = {"data": {"root": "data", "csvs": ["a.csv"]}}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"data": {"batch_size": 0}}, "data.batch_size: must be >= 1, got 0"),
        ({"data": {"num_workers": -1}}, "data.num_workers: must be >= 0, got -1"),
        ({"data": {"augmentation_p": 1.5}}, "data.augmentation_p: must be <= 1.0, got 1.5"),
        ({"data": {"image_size": 3.0}}, "data.image_size: must be an integer, got 3.0"),
        ({"data": {"balance": "sometimes"}}, "data.balance: must be true or false, got 'sometimes'"),
        ({"data": {"train_folds": [1, "x"]}}, r"data.train_folds\[1\]: must be an integer, got 'x'"),
        ({"data": {"cutout_fill": [1]}}, r"data.cutout_fill: must be a number or a string, got \[1\]"),
        ({"data": {"augmentation": "mixup"}}, "data.augmentation: must be one of 'face_cutout', "),
        ({"optim": {"label_clip": 0.5}}, "optim.label_clip: must be < 0.5, got 0.5"),
        ({"optim": {"optimizer": "adam"}}, "optim.optimizer: must be one of 'adamw' or 'sgd', got 'adam'"),
        ({"optim": {"scheduler": "step"}}, "optim.scheduler: must be one of"),
        ({"trainer": {"max_epochs": 0}}, "trainer.max_epochs: must be >= 1, got 0"),
        ({"trainer": {"monitor_mode": "up"}}, "trainer.monitor_mode: must be one of 'min' or 'max'"),
        ({"data": {"colour": 1}}, r"data.colour: unknown key \(known: root, csvs, "),
        ({"model": "resnet"}, "model: must be a mapping, got 'resnet'"),
        ({"nope": 1}, "nope: unknown key"),
    ],
)
def test_train_config_errors_name_the_dotted_key(values, message):
    with pytest.raises(InvalidInputError, match=message):
        TrainConfig.from_dict(values)


def test_train_config_reports_every_bad_key_and_the_source():
    with pytest.raises(InvalidInputError) as caught:
        TrainConfig.from_dict({"data": {"batch_size": 0}, "trainer": {"max_epochs": 0}}, "run.yaml")
    assert str(caught.value) == (
        "run.yaml: data.batch_size: must be >= 1, got 0; trainer.max_epochs: must be >= 1, got 0"
    )
    with pytest.raises(InvalidInputError, match="data.image_size: must be >= 1, got 0"):
        TrainConfig(data={"image_size": 0})


def test_train_config_coerces_gently(tmp_path):
    config = TrainConfig.from_dict(
        {
            "data": {"csvs": "a.csv", "train_folds": 2, "cutout_fill": 0, "augmentation_p": 1},
            "model": {"mean": 0.5},
            "optim": {"lr": "3e-4"},
            "trainer": {"precision": 16, "devices": [0, 1]},
        }
    )
    assert config.data.csvs == ["a.csv"] and config.data.train_folds == [2]
    assert config.data.cutout_fill == 0.0 and isinstance(config.data.cutout_fill, float)
    assert config.data.augmentation_p == 1.0 and config.model.mean == [0.5]
    assert config.optim.lr == 3e-4 and config.trainer.precision == "16" and config.trainer.devices == [0, 1]
    assert TrainConfig.from_dict({"data": {"cutout_fill": "random"}}).data.cutout_fill == "random"
    # the YAML written is read back to the same config
    path = tmp_path / "config.yaml"
    path.write_text(config.to_yaml())
    assert TrainConfig.from_yaml(path) == config


def test_checkpoint_config_dicts_of_the_dataclass_version_still_load():
    """A checkpoint stores the config as the plain dict the dataclass version wrote (asdict)."""
    old = yaml.safe_load(
        """
data: {root: /data, csvs: [celebdf.csv, ffpp.csv], landmark_folder: original_landmarks, val_fold: 1,
  train_folds: null, allow_fold_leakage: false, image_size: 64, batch_size: 8, num_workers: 0,
  balance: false, augmentation: random_erasing, augmentation_p: 0.5, cutout_variant: random,
  cutout_threshold: 0.3, cutout_fill: 0.0, diff_level: 40, cutout_on_device: false}
model: {name: mobilenetv3_small_050, pretrained: false, pretrained_file: null, drop_rate: 0.2,
  mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]}
optim: {optimizer: adamw, lr: 0.0001, weight_decay: 0.0001, momentum: 0.9, scheduler: cosine,
  label_clip: 0.01}
trainer: {max_epochs: 1, accelerator: auto, devices: auto, strategy: auto, num_nodes: 1,
  precision: 32-true, limit_train_batches: 2, limit_val_batches: 1.0, log_every_n_steps: 1,
  num_sanity_val_steps: 0, monitor: val_logloss, monitor_mode: min, early_stopping_patience: 5,
  gradient_clip_val: null, progress_bar: false}
seed: 42
out_dir: runs/x
resume: auto
best_checkpoint: null
"""
    )
    config = TrainConfig.from_dict(old)
    dumped = config.to_dict()  # what it held, plus the defaults of settings added since
    for section, values in old.items():
        kept = {key: dumped[section][key] for key in values} if isinstance(values, dict) else dumped[section]
        assert kept == values, section
    assert config.trainer.limit_train_batches == 2.0
    assert config.data.cutout_min_area == 0.05 and config.data.cache_manipulated


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"out": ["a"]}, r"out: .*got \['a'\]"),
        ({"seeds": [0, "one"]}, r"seeds\[1\]: must be an integer, got 'one'"),
        ({"methods": ["none", "none"]}, "methods are repeated"),
        ({"train": {"data": {"root": "data", "csvs": "a.csv", "batch_size": 0}}}, "train.data.batch_size: "),
        ({"train": {"data": {"root": "data"}}}, "train: data.root and data.csvs are required"),
        ({"test_sets": [{"name": "x", "root": ".", "csvs": "a.csv", "fold": "1"}]}, r"test_sets\[0\].fold: "),
        ({"test_sets": [{"name": "x", "root": ".", "csvs": [], "more": 1}]}, r"test_sets\[0\].more: unknown"),
        ({"test_sets": [{"name": "x", "root": "."}]}, r"test_sets\[0\].csvs: is required"),
        ({"test_sets": "ffpp"}, "test_sets: must be a list"),
    ],
)
def test_ablation_config_errors_name_the_key(change, message):
    with pytest.raises(InvalidInputError, match=f"^ablation.yaml: {message}"):
        AblationConfig.from_dict({"train": TRAIN, **change}, "ablation.yaml")


def test_ablation_config_defaults_and_yaml(tmp_path):
    config = AblationConfig.from_dict({"methods": None, "train": TRAIN, "test_sets": None})
    assert config.methods == ("face_cutout", "random_erasing", "none") and config.baseline == "none"
    assert config.seeds == (0, 1) and config.test_sets == () and str(config.out) == "runs/ablation"
    assert AblationConfig.from_dict({"methods": ["face_cutout"], "train": TRAIN}).baseline == "face_cutout"
    path = tmp_path / "ablation.yaml"
    path.write_text(
        "methods: [face_cutout, none]\ntrain: {data: {root: d, csvs: a.csv}}\n"
        "test_sets: [{name: ffpp, root: d, csvs: b.csv}]\n"
    )
    loaded = AblationConfig.from_yaml(path)
    assert loaded.test_sets == (EvalSet(name="ffpp", root="d", csvs=("b.csv",)),)
    assert loaded.train.data.csvs == ["a.csv"] and loaded.evaluation_names == ("validation", "ffpp")
    with pytest.raises(InvalidInputError, match=f"{path}: seeds: must hold at least 1 item"):
        path.write_text("seeds: []\ntrain: {data: {root: d, csvs: a.csv}}\n")
        AblationConfig.from_yaml(path)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"frames": 0}, "frames: must be >= 1, got 0"),
        ({"stride": 0}, "stride: must be >= 1, got 0"),
        ({"min_face_score": 1.5}, "min_face_score: must be <= 1.0, got 1.5"),
        ({"max_faces": 0}, "max_faces: must be >= 1, got 0"),
        ({"detect_max_side": 16}, "detect_max_side: must be >= 32, got 16"),
        ({"margin": -0.1}, "margin: must be >= 0.0, got -0.1"),
        ({"folds": 1}, "folds: must be >= 2, got 1"),
        ({"cluster_distance": 0}, "cluster_distance: must be > 0.0, got 0"),
        ({"embed_frames": 0}, "embed_frames: must be >= 1, got 0"),
        ({"landmarks": ("mtcnn", "nope")}, r"landmarks\[1\]: must be one of 'mtcnn' or 'dlib68', got 'nope'"),
        ({"frames": 2.5}, "frames: must be an integer, got 2.5"),
        ({"colour": 1}, "colour: unknown key"),
    ],
)
def test_preprocess_config_errors_name_the_option(values, message):
    with pytest.raises(InvalidInputError, match=f"^{message}"):
        PreprocessConfig(**values)


# Signatures written by the dataclass version of PreprocessConfig: the markers on disk carry them.
KNOWN_SIGNATURES = {
    "default": (
        {},
        {
            "frames": "54da58215d1161f9",
            "faces": "8b40081202788b1c",
            "crops": "9e1a18f8d7911075",
            "landmarks": "d42e65cd4ebaf19d",
            "diffs": "d42e65cd4ebaf19d",
            "folds": "b2011862af2db4cb",
        },
    ),
    "every option": (
        {
            "frames": None,
            "stride": 4,
            "detector": "mtcnn",
            "min_face_score": 0.8,
            "max_faces": 1,
            "detect_max_side": 640,
            "margin": 0.5,
            "landmarks": ("mtcnn", "dlib68"),
            "redetect_landmarks": True,
            "folds": 3,
            "cluster_distance": 0.5,
            "embed_frames": 2,
            "device": "cpu",
        },
        {
            "frames": "0f46131544d25fd0",
            "faces": "1e06e43de5565ebd",
            "crops": "b7df9008bd9d4381",
            "landmarks": "d835fa5bae203f90",
            "diffs": "d835fa5bae203f90",
            "folds": "e614da0c43185f84",
        },
    ),
    "tests": (
        {"frames": 4, "folds": 2, "landmarks": ("dlib68",), "detect_max_side": 160},
        {
            "frames": "8cbb786547e20439",
            "faces": "b3a071c239b9aabc",
            "crops": "98c1e188280dd679",
            "landmarks": "073babdbf4da3238",
            "diffs": "073babdbf4da3238",
            "folds": "6b43d8ec692a3b94",
        },
    ),
}


@pytest.mark.parametrize("name", KNOWN_SIGNATURES)
def test_preprocess_signatures_are_those_the_markers_carry(name):
    values, signatures = KNOWN_SIGNATURES[name]
    config = PreprocessConfig(**values)
    assert {stage: config.signature(stage) for stage in STAGES} == signatures


def test_preprocess_device_changes_neither_equality_nor_signatures():
    on_cpu, anywhere = PreprocessConfig(device="cpu"), PreprocessConfig()
    assert on_cpu == anywhere and hash(on_cpu) == hash(anywhere)
    assert on_cpu.signature("folds") == anywhere.signature("folds")
    assert PreprocessConfig(landmarks=["dlib68"]).landmarks == ("dlib68",)
    with pytest.raises(InvalidInputError, match="stage: unknown stage 'nope'"):
        anywhere.signature("nope")
