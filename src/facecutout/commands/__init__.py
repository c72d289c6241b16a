"""Subcommands of the ``facecutout`` command, one module each (see facecutout.cli)."""
