"""Configuration templates that ship with the package, one YAML file each.

``facecutout config NAME`` prints one; ``facecutout train --config NAME`` and ``facecutout ablate
--config NAME`` read one where a YAML file is expected (a file of that name wins).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from facecutout.errors import DataError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

SUFFIX = ".yaml"


def _templates() -> dict[str, Traversable]:
    folder = resources.files(__name__)
    return {
        entry.name.removesuffix(SUFFIX): entry for entry in folder.iterdir() if entry.name.endswith(SUFFIX)
    }


def template_names() -> tuple[str, ...]:
    """The names of the shipped templates, sorted."""
    return tuple(sorted(_templates()))


def _template(name: str) -> Traversable:
    templates = _templates()
    if name not in templates:
        raise DataError(f"no config template named {name!r}; templates: {', '.join(sorted(templates))}")
    return templates[name]


def template_text(name: str) -> str:
    """The template ``name`` as written, comments included."""
    return _template(name).read_text(encoding="utf-8")


def template_summary(name: str) -> str:
    """The template's first comment line: what it configures."""
    for line in template_text(name).splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""


def template_settings(name: str) -> dict[str, object]:
    """The template's settings by dotted key (``data.batch_size``), nested sections flattened."""
    import yaml

    flat: dict[str, object] = {}

    def walk(values: dict, prefix: str) -> None:
        for key, value in values.items():
            if isinstance(value, dict) and value:
                walk(value, f"{prefix}{key}.")
            else:
                flat[f"{prefix}{key}"] = value

    walk(yaml.safe_load(template_text(name)) or {}, "")
    return flat


@contextmanager
def config_file(value: str | os.PathLike) -> Iterator[Path]:
    """The YAML file ``value`` names: a file, else the template of that name (not a folder of it)."""
    path = Path(value)
    if not path.is_file() and str(value) in _templates():
        with resources.as_file(_template(str(value))) as template:
            yield template
        return
    if not path.exists():
        raise DataError(
            f"config {value}: no such file, nor a template name ({', '.join(template_names())}; "
            "`facecutout config NAME` prints one)"
        )
    yield path
