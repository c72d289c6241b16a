"""``facecutout train``: train a deepfake detector on data in the paper's layout."""

from __future__ import annotations

import argparse

from facecutout.configs import template_settings

# Plain flag -> config key; the flags apply after --config and before KEY=VALUE overrides.
FLAG_KEYS = {
    "data": "data.root",
    "csv": "data.csvs",
    "model": "model.name",
    "image_size": "data.image_size",
    "epochs": "trainer.max_epochs",
    "batch_size": "data.batch_size",
    "augmentation": "data.augmentation",
    "val_fold": "data.val_fold",
    "seed": "seed",
    "out": "out_dir",
    "workers": "data.num_workers",
    "accelerator": "trainer.accelerator",
    "devices": "trainer.devices",
    "precision": "trainer.precision",
    "best": "best_checkpoint",
    "resume": "resume",
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    defaults = template_settings("train")

    def setting(flag: str, text: str) -> str:
        """A flag's help: what it sets, its config key and that key's default."""
        key = FLAG_KEYS[flag]
        return f"{text} ({key}, default: {defaults[key]!r})".replace("%", "%%")

    parser = subparsers.add_parser(
        "train",
        help="train a detector (timm backbone, Lightning)",
        description="Train a deepfake detector. Settings: defaults < --config FILE < plain flags < KEY=VALUE "
        "overrides (e.g. optim.lr=3e-4 data.balance=true). Prints the best checkpoint's path at the end.",
        epilog="Every setting and its default (KEY=VALUE changes one; `facecutout config train` prints them "
        "as YAML): " + ", ".join(f"{key}={value!r}" for key, value in defaults.items()),
    )
    parser.add_argument(
        "overrides", nargs="*", metavar="KEY=VALUE", help="config overrides, e.g. optim.lr=1e-3"
    )
    parser.add_argument(
        "--config",
        help="YAML config file, or the name of a template that ships with facecutout (train: every "
        "default; `facecutout config` lists them)",
    )
    parser.add_argument(
        "--data", help=setting("data", "data root holding <dataset>/face_crops, diffs, original_landmarks")
    )
    parser.add_argument(
        "--csv", action="append", help=setting("csv", "CSV of rows (repeatable, one per dataset)")
    )
    parser.add_argument("--model", help=setting("model", "timm model name, e.g. efficientnet_b0"))
    parser.add_argument("--image-size", type=int, help=setting("image_size", "input side in pixels"))
    parser.add_argument("--epochs", type=int, help=setting("epochs", "most epochs"))
    parser.add_argument("--batch-size", type=int, help=setting("batch_size", "images per batch"))
    parser.add_argument(
        "--augmentation",
        choices=["face_cutout", "random_erasing", "coarse_dropout", "none"],
        help=setting("augmentation", "the cutout method"),
    )
    parser.add_argument("--val-fold", type=int, help=setting("val_fold", "validation fold"))
    parser.add_argument("--seed", type=int, help=setting("seed", "seed of the run"))
    parser.add_argument(
        "--out", help=setting("out", "output folder (checkpoints, logs, history.json, best.ckpt)")
    )
    parser.add_argument("--workers", type=int, help=setting("workers", "data loader workers"))
    parser.add_argument("--accelerator", help=setting("accelerator", "auto, cpu, gpu, ..."))
    parser.add_argument("--devices", help=setting("devices", "auto, a count, or a list like [0,1]"))
    parser.add_argument("--precision", help=setting("precision", "32-true, 16-mixed, bf16-mixed"))
    parser.add_argument(
        "--best", help=setting("best", "where to copy the best checkpoint (null: OUT/best.ckpt)")
    )
    parser.add_argument(
        "--resume",
        action="store_const",
        const="auto",
        help=setting("resume", "continue from OUT/checkpoints/last.ckpt when it exists"),
    )
    parser.add_argument("--resume-from", dest="resume", metavar="CKPT", help="continue from this checkpoint")
    parser.add_argument(
        "--no-resume", dest="resume", action="store_const", const="never", help="start afresh"
    )
    parser.add_argument(
        "--no-pretrained",
        action="store_true",
        help="random initialisation, no ImageNet weights (model.pretrained=false; default: pretrained "
        "weights from the local cache, else downloaded)",
    )
    parser.set_defaults(func=run, extra="train")


def build_config(args: argparse.Namespace):
    """The TrainConfig of the command line."""
    import yaml

    from facecutout.configs import config_file
    from facecutout.model.config import TrainConfig

    if args.config:
        with config_file(args.config) as path:
            values = TrainConfig.from_yaml(path).to_dict()
    else:
        values = TrainConfig().to_dict()
    for flag, key in FLAG_KEYS.items():
        value = getattr(args, flag)
        if value is None:
            continue
        if flag == "devices":
            value = yaml.safe_load(value)
        section, _, leaf = key.rpartition(".")
        (values[section] if section else values)[leaf] = value
    if args.no_pretrained:
        values["model"]["pretrained"] = False
    return TrainConfig.from_dict(values).with_overrides(args.overrides)


def run(args: argparse.Namespace) -> int:
    from facecutout.train.run import train

    result = train(build_config(args))
    print(f"best checkpoint ({result.monitor} = {result.best_score:.4f}): {result.best_checkpoint}")
    print(f"copied to: {result.best_copy}")
    print(f"logs: {result.log_dir}")
    return 0
