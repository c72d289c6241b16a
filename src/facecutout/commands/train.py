"""``facecutout train``: train a deepfake detector on data in the paper's layout."""

from __future__ import annotations

import argparse

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
    parser = subparsers.add_parser(
        "train",
        help="train a detector (timm backbone, Lightning)",
        description="Train a deepfake detector. Settings: defaults < --config FILE < plain flags < KEY=VALUE "
        "overrides (e.g. optim.lr=3e-4 data.balance=true). Prints the best checkpoint's path at the end.",
    )
    parser.add_argument(
        "overrides", nargs="*", metavar="KEY=VALUE", help="config overrides, e.g. optim.lr=1e-3"
    )
    parser.add_argument("--config", help="YAML config (see configs/train_default.yaml)")
    parser.add_argument("--data", help="data root holding <dataset>/face_crops, diffs, original_landmarks")
    parser.add_argument("--csv", action="append", help="CSV of rows (repeatable, one per dataset)")
    parser.add_argument("--model", help="timm model name, e.g. tf_efficientnet_b4.ns_jft_in1k")
    parser.add_argument("--image-size", type=int)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--augmentation", choices=["face_cutout", "random_erasing", "coarse_dropout", "none"])
    parser.add_argument("--val-fold", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--out", help="output folder (checkpoints, logs, history.json, best.ckpt)")
    parser.add_argument("--workers", type=int, help="data loader workers")
    parser.add_argument("--accelerator", help="auto, cpu, gpu, ...")
    parser.add_argument("--devices", help="auto, a count, or a list like [0,1]")
    parser.add_argument("--precision", help="32-true, 16-mixed, bf16-mixed")
    parser.add_argument("--best", help="where to copy the best checkpoint (default OUT/best.ckpt)")
    parser.add_argument(
        "--resume",
        action="store_const",
        const="auto",
        help="continue from OUT/checkpoints/last.ckpt when it exists (the default)",
    )
    parser.add_argument("--resume-from", dest="resume", metavar="CKPT", help="continue from this checkpoint")
    parser.add_argument(
        "--no-resume", dest="resume", action="store_const", const="never", help="start afresh"
    )
    parser.add_argument(
        "--no-pretrained", action="store_true", help="random initialisation (no ImageNet weights)"
    )
    parser.set_defaults(func=run)


def build_config(args: argparse.Namespace):
    """The TrainConfig of the command line."""
    import yaml

    from facecutout.model.config import TrainConfig

    values = (TrainConfig.from_yaml(args.config) if args.config else TrainConfig()).to_dict()
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
