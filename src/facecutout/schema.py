"""One way to check configuration and one way to write reports: pydantic models.

:class:`ConfigModel` is a configuration (section): unknown keys are errors, values are checked
against the field types and the constraints declared on the fields, and every failure is an
:class:`InvalidInputError` naming the dotted key, e.g. ``data.batch_size: must be >= 1, got 0``.
Integers are strict (no ``true`` or ``3.0`` for an int); a float accepts an int or a numeric
string (YAML 1.1 reads ``3e-4`` as a string); a string accepts a number (``precision: 16``).

:class:`ReportModel` is what a run reports, with named fields; ``to_dict()`` / ``to_json()`` is
how it is written (NaN becomes null).
"""

from __future__ import annotations

import json
import typing
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from facecutout.errors import InvalidInputError

T = TypeVar("T")
C = TypeVar("C", bound="ConfigModel")


def one_or_many(value: Any) -> Any:
    """A scalar becomes a one-item list (``csvs: a.csv``); lists and tuples pass."""
    return value if isinstance(value, (list, tuple)) else [value]


OneOrMany = Annotated[list[T], BeforeValidator(one_or_many)]
"""A list that also accepts a single item."""

_PROBLEMS = {
    "greater_than_equal": "must be >= {ge}",
    "greater_than": "must be > {gt}",
    "less_than_equal": "must be <= {le}",
    "less_than": "must be < {lt}",
    "literal_error": "must be one of {expected}",
    "too_short": "must hold at least {min_length} item(s)",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_from_float": "must be an integer",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
    "missing": "is required",
    "extra_forbidden": "unknown key",
}
_NO_INPUT = ("missing", "extra_forbidden", "value_error", "assertion_error")


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class inside a field's annotation (``X``, ``X | None``, ``tuple[X, ...]``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _key(model: type[BaseModel] | None, loc: tuple, extra: bool) -> tuple[str, type[BaseModel] | None]:
    """The dotted key of an error location (union and validator tags dropped) and its model."""
    key = ""
    parts = loc[:-1] if extra else loc
    for part in parts:
        if isinstance(part, int):
            key += f"[{part}]"
        elif model is not None and part in model.model_fields:
            key += f".{part}" if key else part
            model = _model_in(model.model_fields[part].annotation)
    if extra:
        key += f".{loc[-1]}" if key else str(loc[-1])
    return key, model


def _problem(error: dict[str, Any], model: type[BaseModel]) -> tuple[str, str, str]:
    """(dotted key, what is wrong, the offending value or "") of one pydantic error."""
    kind = error["type"]
    key, parent = _key(model, error["loc"], kind == "extra_forbidden")
    if kind in ("value_error", "assertion_error"):
        problem = str(error["ctx"]["error"]) if "error" in error.get("ctx", {}) else error["msg"]
    elif kind in _PROBLEMS:
        problem = _PROBLEMS[kind].format(**error.get("ctx", {}))
    else:
        problem = error["msg"][:1].lower() + error["msg"][1:]
    if kind == "extra_forbidden" and parent is not None:
        problem += f" (known: {', '.join(parent.model_fields)})"
    shown = "" if kind in _NO_INPUT else repr(error["input"])
    return key, problem, shown


def describe(error: ValidationError, model: type[BaseModel], source: str | None = None) -> str:
    """A readable message: ``key: problem, got value`` per key, ``; `` between keys."""
    found: dict[str, tuple[list[str], str]] = {}
    for item in error.errors(include_url=False):
        key, problem, shown = _problem(item, model)
        problems, _ = found.setdefault(key, ([], shown))
        if problem not in problems:
            problems.append(problem)
    lines = []
    for key, (problems, shown) in found.items():
        text = " or ".join([problems[0], *(p.removeprefix("must be ") for p in problems[1:])])
        text += f", got {shown}" if shown else ""
        lines.append(f"{key}: {text}" if key else text)
    message = "; ".join(lines)
    return f"{source}: {message}" if source else message


class ConfigModel(BaseModel):
    """A configuration: unknown keys and invalid values are InvalidInputErrors naming the key."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    def __init__(self, **values: Any):
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise InvalidInputError(describe(error, type(self))) from None

    # Like BaseModel.__init__ (and RootModel's), this only validates: pydantic need not call it when
    # it validates a nested section, so errors keep their full location.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def from_dict(cls: type[C], values: dict[str, Any] | None, source: str | None = None) -> C:
        """Build from nested dicts (missing keys keep their defaults); errors start with ``source``."""
        if not isinstance(values, dict | None):
            where = f"{source}: " if source else ""
            raise InvalidInputError(f"{where}must be a mapping of settings, got {values!r}")
        try:
            return cls.model_validate(values or {})
        except ValidationError as error:
            raise InvalidInputError(describe(error, cls, source)) from None

    def to_dict(self) -> dict[str, Any]:
        """Nested plain dicts and lists, as ``from_dict`` reads them."""
        return self.model_dump()


class ReportModel(BaseModel):
    """What a run reports: named fields, written as JSON by ``to_json``."""

    model_config = ConfigDict(extra="forbid")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready nested dicts: paths as strings, NaN as None."""
        return json.loads(self.model_dump_json())

    def to_json(self) -> bytes:
        return json.dumps(self.to_dict(), indent=2).encode()
