"""The ``facecutout`` command: one subcommand per module of :mod:`facecutout.commands`.

Each command module defines ``add_parser(subparsers)`` and sets ``func`` on its parser; heavy
imports happen inside ``func`` so that ``facecutout --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys

from facecutout import __version__, commands
from facecutout.errors import FaceCutoutError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="facecutout",
        description="Face-Cutout augmentation and deepfake-detection pipeline.",
    )
    parser.add_argument("--version", action="version", version=f"facecutout {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in sorted(pkgutil.iter_modules(commands.__path__), key=lambda info: info.name):
        if not module.name.startswith("_"):
            importlib.import_module(f"facecutout.commands.{module.name}").add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    for name in ("lightning.pytorch", "lightning.fabric"):  # they print through their own handlers
        logging.getLogger(name).propagate = False
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except FaceCutoutError as error:
        print(f"facecutout {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
