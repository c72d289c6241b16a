"""``facecutout ablate``: augmentations x seeds on the same folds and budget, a mean ± std table and plots."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ablate",
        help="compare augmentations over seeds (resumable)",
        description=(
            "Train every method x seed of the config with the same folds and budget, evaluate each best "
            "checkpoint on the validation fold and the extra test sets, and write OUT/table.md, "
            "OUT/table.csv (mean ± std per metric, LogLoss change vs the baseline), OUT/runs.csv and the "
            "plots. Finished runs (OUT/runs/<method>/seed<k>/result.json) are not retrained. "
            "`facecutout config ablation` prints an example."
        ),
    )
    parser.add_argument(
        "--config",
        required=True,
        help="ablation YAML file, or the name of a template that ships with facecutout (ablation)",
    )
    parser.add_argument("--out", help="output folder (default: the config's 'out')")
    parser.set_defaults(func=run, extra="train")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from facecutout.ablation.config import AblationConfig
    from facecutout.ablation.runner import run_ablation
    from facecutout.ablation.summary import write_outputs
    from facecutout.configs import config_file

    with config_file(args.config) as path:
        config = AblationConfig.from_yaml(path)
    if args.out:
        config = config.model_copy(update={"out": Path(args.out)})
    outputs = write_outputs(config, run_ablation(config))
    print(outputs.markdown)
    print(f"table: {outputs.table_md}")
    return 0
