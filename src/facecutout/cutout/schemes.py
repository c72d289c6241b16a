"""Landmark schemes: which points of a landmark set are the eyes, the nose, the mouth and the face outline.

A scheme names, for its point count, the five sensory points (left eye, right eye, nose tip, left
mouth corner, right mouth corner, as seen in the image), each the mean of a group of indices, and
the indices of its closed face outline in order (None when the scheme has no outline). Face-Cutout
reads landmarks only through a scheme, so the per-image and the batched versions share it.

Built in: 5 points in MTCNN's order and 68 points in the iBUG 300-W order (dlib).
:func:`register_scheme` adds others.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from facecutout.errors import InvalidInputError


@dataclass(frozen=True)
class LandmarkScheme:
    """A landmark layout: its name, point count, sensory index groups and closed outline."""

    name: str
    num_points: int
    sensory: tuple[tuple[int, ...], ...]
    outline: tuple[int, ...] | None = None
    source: str = ""

    def __post_init__(self) -> None:
        if len(self.sensory) != 5 or not all(self.sensory):
            raise InvalidInputError(
                f"scheme {self.name!r}: sensory must be 5 non-empty index groups "
                "(left eye, right eye, nose tip, left mouth corner, right mouth corner)"
            )
        indices = [index for group in self.sensory for index in group] + list(self.outline or ())
        if any(not 0 <= index < self.num_points for index in indices):
            raise InvalidInputError(f"scheme {self.name!r}: an index lies outside 0..{self.num_points - 1}")
        if self.outline is not None and len(self.outline) < 3:
            raise InvalidInputError(f"scheme {self.name!r}: the outline needs at least 3 points")

    @property
    def has_outline(self) -> bool:
        return self.outline is not None

    @cached_property
    def _sensory_weights(self) -> np.ndarray:
        """(5, num_points): row i averages the points of sensory group i."""
        weights = np.zeros((5, self.num_points))
        for row, group in enumerate(self.sensory):
            weights[row, list(group)] = 1.0 / len(group)
        return weights

    def sensory_points(self, landmarks: np.ndarray) -> np.ndarray:
        """(5, 2) eye, eye, nose tip, mouth corner, mouth corner of (num_points, 2) landmarks."""
        return self._sensory_weights @ landmarks

    def outline_points(self, landmarks: np.ndarray) -> np.ndarray:
        """(m, 2) the closed face outline of (num_points, 2) landmarks, in order."""
        if self.outline is None:
            raise InvalidInputError(f"the {self.name} landmark scheme has no face outline")
        return landmarks[list(self.outline)]


MTCNN_5 = LandmarkScheme(
    "mtcnn5",
    5,
    sensory=((0,), (1,), (2,), (3,), (4,)),
    source="MTCNN (Zhang et al. 2016), facenet-pytorch point order",
)
IBUG_68 = LandmarkScheme(
    "ibug68",
    68,
    # Eyes 36-41 and 42-47 (their centres), nose tip 30, mouth corners 48 and 54.
    sensory=(tuple(range(36, 42)), tuple(range(42, 48)), (30,), (48,), (54,)),
    # Jaw 0-16 from left to right, then the brows 26-17 back from right to left.
    outline=tuple(range(0, 17)) + tuple(range(26, 16, -1)),
    source="iBUG 300-W 68-point markup (Sagonas et al. 2013), dlib's shape_predictor_68",
)

_SCHEMES: dict[str, LandmarkScheme] = {}
_BY_COUNT: dict[int, LandmarkScheme] = {}


def register_scheme(scheme: LandmarkScheme, default_for_count: bool = True) -> LandmarkScheme:
    """Make ``scheme`` known by name and, unless ``default_for_count`` is False, by its point count."""
    if not isinstance(scheme, LandmarkScheme):
        raise InvalidInputError(f"scheme must be a LandmarkScheme, got {type(scheme).__name__}")
    _SCHEMES[scheme.name] = scheme
    if default_for_count:
        _BY_COUNT[scheme.num_points] = scheme
    return scheme


for _builtin in (MTCNN_5, IBUG_68):
    register_scheme(_builtin)


def known_counts() -> tuple[int, ...]:
    """The point counts that select a scheme by themselves."""
    return tuple(sorted(_BY_COUNT))


def resolve_scheme(count: int, name: str | LandmarkScheme | None = None) -> LandmarkScheme:
    """The scheme named ``name`` (checked against ``count`` points), or the one registered for ``count``."""
    if isinstance(name, LandmarkScheme):
        scheme = name
    elif name is not None:
        if name not in _SCHEMES:
            raise InvalidInputError(f"scheme: unknown landmark scheme {name!r}; known: {sorted(_SCHEMES)}")
        scheme = _SCHEMES[name]
    elif count in _BY_COUNT:
        return _BY_COUNT[count]
    else:
        described = ", ".join(f"{n} ({s.name})" for n, s in sorted(_BY_COUNT.items()))
        raise InvalidInputError(
            f"landmarks: no landmark scheme has {count} points (known: {described}); "
            "name one with scheme=... or add yours with facecutout.register_scheme"
        )
    if scheme.num_points != count:
        raise InvalidInputError(
            f"landmarks: the {scheme.name} scheme has {scheme.num_points} points, got {count}"
        )
    return scheme


def check_scheme_name(name: object) -> str | None:
    """Return ``name`` if it is None or a registered scheme's name."""
    if name is not None and name not in _SCHEMES:
        raise InvalidInputError(f"scheme: unknown landmark scheme {name!r}; known: {sorted(_SCHEMES)}")
    return name  # type: ignore[return-value]
