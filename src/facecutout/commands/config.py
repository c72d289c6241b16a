"""``facecutout config``: print a configuration template that ships with the package."""

from __future__ import annotations

import argparse

from facecutout.configs import template_names, template_summary


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    names = template_names()
    parser = subparsers.add_parser(
        "config",
        help="print a configuration template (train, ablation)",
        description="Print the configuration template NAME as YAML, to edit a copy "
        "(facecutout config train > my.yaml) or to read as it is (--config NAME). Without NAME, list them. "
        + " ".join(f"{name}: {template_summary(name)}" for name in names),
    )
    parser.add_argument("name", nargs="?", choices=names, metavar="NAME", help=f"one of {', '.join(names)}")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from facecutout.configs import template_text

    if args.name is None:
        for name in template_names():
            print(f"{name}: {template_summary(name)}")
        return 0
    print(template_text(args.name), end="")
    return 0
