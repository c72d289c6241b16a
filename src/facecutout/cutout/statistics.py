"""What Face-Cutout did: one record per call, and their counts and quantiles per variant and part.

A call's record names the variant asked for, the part it cut (a sensory feature or a hull
strategy; None when no candidate was admissible), the share of the face it cut (cut pixels over the
face area of :func:`facecutout.cutout.candidates.face_area`) and the share of the manipulated
region M it hid (NaN without a constraint: a real image, or a fake whose M is empty).
:class:`CutStatistics` gathers records (from a transform, the functional API or a training epoch)
and summarises them per variant: calls, cuts, empty results, and the quantiles of both shares, over
all cuts and per part.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

QUANTILES = (0.1, 0.5, 0.9)
ALL_PARTS = "all"


@dataclass(frozen=True)
class CutRecord:
    """One call: the variant asked for, the part cut (None: nothing was cut), the face share cut and
    the share of M hidden (NaN when not defined)."""

    variant: str
    part: str | None
    face_share: float = math.nan
    hidden_share: float = math.nan

    @property
    def cut(self) -> bool:
        return self.part is not None

    @classmethod
    def measured(
        cls, variant: str, part: str | None, area: int, face: float, hidden: int, manipulated: int
    ) -> CutRecord:
        """The record of a cut of ``area`` pixels on a face of area ``face`` that hides ``hidden`` of
        ``manipulated`` pixels of M (``manipulated`` 0: no constraint); ``part`` None: no cut."""
        if part is None:
            return cls(variant, None)
        face_share = area / face if face > 0 else math.nan
        return cls(variant, part, face_share, hidden / manipulated if manipulated else math.nan)


@dataclass(frozen=True)
class StatisticsRow:
    """The summary of one variant (``part`` = "all", with ``calls`` and ``empty``) or of one part cut
    within it (``calls`` and ``empty`` are 0). Quantiles are at QUANTILES, NaN when there is no value."""

    variant: str
    part: str
    calls: int
    cuts: int
    empty: int
    face_share: tuple[float, ...]
    hidden_share: tuple[float, ...]

    @property
    def cut_rate(self) -> float:
        return self.cuts / self.calls if self.calls else math.nan


class CutStatistics:
    """Records of Face-Cutout calls, kept compactly (two floats per cut) and summarised on demand."""

    def __init__(self) -> None:
        self._empty: dict[str, int] = {}
        self._shares: dict[tuple[str, str], tuple[array, array]] = {}

    def record(self, record: CutRecord) -> None:
        """Add one call's record."""
        if record.part is None:
            self._empty[record.variant] = self._empty.get(record.variant, 0) + 1
            return
        faces, hidden = self._shares.setdefault((record.variant, record.part), (array("d"), array("d")))
        faces.append(record.face_share)
        hidden.append(record.hidden_share)

    def update(self, records: Iterable[CutRecord]) -> None:
        for record in records:
            self.record(record)

    def merge(self, other: CutStatistics) -> None:
        """Add every record of ``other`` (e.g. another worker's)."""
        for variant, count in other._empty.items():
            self._empty[variant] = self._empty.get(variant, 0) + count
        for key, (faces, hidden) in other._shares.items():
            mine = self._shares.setdefault(key, (array("d"), array("d")))
            mine[0].extend(faces)
            mine[1].extend(hidden)

    def reset(self) -> None:
        self._empty.clear()
        self._shares.clear()

    @property
    def calls(self) -> int:
        return sum(self._empty.values()) + sum(len(faces) for faces, _ in self._shares.values())

    def rows(self) -> list[StatisticsRow]:
        """Per variant (sorted): its "all" row, then one row per part cut (sorted)."""
        variants = sorted(set(self._empty) | {variant for variant, _ in self._shares})
        rows = []
        for variant in variants:
            parts = sorted(part for name, part in self._shares if name == variant)
            faces = [self._shares[variant, part][0] for part in parts]
            hidden = [self._shares[variant, part][1] for part in parts]
            empty = self._empty.get(variant, 0)
            cuts = sum(len(values) for values in faces)
            rows.append(_row(variant, ALL_PARTS, cuts + empty, empty, _joined(faces), _joined(hidden)))
            for part, part_faces, part_hidden in zip(parts, faces, hidden, strict=True):
                rows.append(_row(variant, part, 0, 0, np.asarray(part_faces), np.asarray(part_hidden)))
        return rows

    def metrics(self, prefix: str = "cutout") -> dict[str, float]:
        """Flat numbers for a logger: ``{prefix}/{variant}/{part}/{name}``."""
        values: dict[str, float] = {}
        for row in self.rows():
            key = f"{prefix}/{row.variant}/{row.part}"
            if row.part == ALL_PARTS:
                values[f"{key}/calls"] = float(row.calls)
                values[f"{key}/empty"] = float(row.empty)
            values[f"{key}/cuts"] = float(row.cuts)
            for quantile, face, hidden in zip(QUANTILES, row.face_share, row.hidden_share, strict=True):
                values[f"{key}/face_share_p{round(100 * quantile)}"] = face
                values[f"{key}/hidden_share_p{round(100 * quantile)}"] = hidden
        return values

    def markdown(self) -> str:
        """The summary as a Markdown table (see :func:`markdown_table`)."""
        return markdown_table(self.rows())


def markdown_table(rows: list[StatisticsRow]) -> str:
    """Rows as a Markdown table: shares in percent at QUANTILES ("-" where there is no value)."""
    levels = "/".join(f"p{round(100 * quantile)}" for quantile in QUANTILES)
    lines = [
        f"| variant | part | calls | cuts | empty | face share % ({levels}) | M hidden % ({levels}) |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for row in rows:
        calls, empty = (str(row.calls), str(row.empty)) if row.part == ALL_PARTS else ("", "")
        lines.append(
            f"| {row.variant} | {row.part} | {calls} | {row.cuts} | {empty} | "
            f"{_percentages(row.face_share)} | {_percentages(row.hidden_share)} |"
        )
    return "\n".join(lines)


def rows_from_metrics(values: dict[str, float], prefix: str = "cutout") -> list[StatisticsRow]:
    """The rows that :meth:`CutStatistics.metrics` flattened into ``values`` (keys it did not write
    are ignored; a missing quantile is NaN)."""
    found: dict[tuple[str, str], dict[str, float]] = {}
    for key, value in values.items():
        parts = key.split("/")
        if len(parts) == 4 and parts[0] == prefix:
            found.setdefault((parts[1], parts[2]), {})[parts[3]] = value
    rows = []
    for (variant, part), numbers in found.items():
        if "cuts" not in numbers:
            continue
        levels = [f"p{round(100 * quantile)}" for quantile in QUANTILES]
        rows.append(
            StatisticsRow(
                variant=variant,
                part=part,
                calls=int(numbers.get("calls", 0)),
                cuts=int(numbers["cuts"]),
                empty=int(numbers.get("empty", 0)),
                face_share=tuple(numbers.get(f"face_share_{level}", math.nan) for level in levels),
                hidden_share=tuple(numbers.get(f"hidden_share_{level}", math.nan) for level in levels),
            )
        )
    return sorted(rows, key=lambda row: (row.variant, row.part != ALL_PARTS, row.part))


def _joined(arrays: list[array]) -> np.ndarray:
    return np.concatenate([np.asarray(values) for values in arrays]) if arrays else np.zeros(0)


def _quantiles(values: np.ndarray) -> tuple[float, ...]:
    values = values[~np.isnan(values)]
    if not len(values):
        return (math.nan,) * len(QUANTILES)
    return tuple(float(value) for value in np.quantile(values, QUANTILES))


def _row(
    variant: str, part: str, calls: int, empty: int, faces: np.ndarray, hidden: np.ndarray
) -> StatisticsRow:
    return StatisticsRow(
        variant=variant,
        part=part,
        calls=calls,
        cuts=len(faces),
        empty=empty,
        face_share=_quantiles(faces),
        hidden_share=_quantiles(hidden),
    )


def _percentages(values: tuple[float, ...]) -> str:
    if all(math.isnan(value) for value in values):
        return "-"
    return " / ".join(f"{100 * value:.1f}" for value in values)
