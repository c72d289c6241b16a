"""The ``facecutout`` command: one subcommand per module of :mod:`facecutout.commands`.

Each command module defines ``add_parser(subparsers)`` and sets ``func`` (and ``extra``, the pip extra
it needs) on its parser; heavy imports happen inside ``func`` so that ``facecutout --help`` stays
fast and works with the core install alone.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys

from facecutout import __version__, commands
from facecutout.errors import FaceCutoutError
from facecutout.extras import missing_dependency


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
    for command in subparsers.choices.values():
        show_defaults(command)
    return parser


def show_defaults(parser: argparse.ArgumentParser) -> None:
    """Append "(default: X)" to the help of each argument whose default is set and not yet named."""
    for action in parser._actions:
        if action.default in (None, False, argparse.SUPPRESS) or action.help == argparse.SUPPRESS:
            continue
        if "default" not in (action.help or ""):
            action.help = f"{action.help} (default: %(default)s)" if action.help else "default: %(default)s"


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
    except ModuleNotFoundError as error:
        missing = missing_dependency(error, f"facecutout {args.command}", getattr(args, "extra", None))
        if missing is None:
            raise
        print(f"facecutout {args.command}: error: {missing}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
