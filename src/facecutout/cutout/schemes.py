"""Landmark schemes: which points of a landmark set are the eyes, the nose, the mouth and the face outline.

A scheme names, for its point count, the five sensory points (left eye, right eye, nose tip, left
mouth corner, right mouth corner, as seen in the image), each the mean of a group of indices, and
the indices of its closed face outline in order (None when the scheme has no outline). Face-Cutout
reads landmarks only through a scheme, so the per-image and the batched versions share it.

Built in, each chosen by its point count (the source of every index layout is named in the scheme
and in docs/landmarks.md): 5 (MTCNN), 68 (iBUG 300-W, dlib), 81 (dlib's 81-point predictor that
DeepfakeBench uses: iBUG 68 + 13 forehead points), 98 (WFLW), 106 (InsightFace 2d106) and 468 / 478
(MediaPipe Face Mesh without / with the iris points). :func:`register_scheme` adds others.
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

# The 13 forehead points 68-80 of dlib's 81-point predictor, from the image's left to its right
# (the order SBI's reorder_landmark, also in DeepfakeBench training/dataset/sbi_api.py, puts them in).
_FOREHEAD_81 = (77, 75, 76, 68, 69, 70, 71, 80, 72, 73, 79, 74, 78)
DLIB_81 = LandmarkScheme(
    "dlib81",
    81,
    sensory=IBUG_68.sensory,
    # The iBUG jaw 0-16 from left to right, then the forehead back from right to left.
    outline=tuple(range(0, 17)) + _FOREHEAD_81[::-1],
    source="dlib shape_predictor_81_face_landmarks (DeepfakeBench's predictor): iBUG 0-67 + forehead 68-80",
)
WFLW_98 = LandmarkScheme(
    "wflw98",
    98,
    # Pupils 96 and 97, nose tip 54, mouth corners 76 and 82.
    sensory=((96,), (97,), (54,), (76,), (82,)),
    # Contour 0-32 from left to right, then the upper brow edges back: 46-42 and 37-33.
    outline=tuple(range(0, 33)) + tuple(range(46, 41, -1)) + tuple(range(37, 32, -1)),
    source="WFLW 98-point markup (Wu et al., Look at Boundary, CVPR 2018)",
)
INSIGHTFACE_106 = LandmarkScheme(
    "insightface106",
    106,
    # Eyes 33-42 and 87-96 (contours and centres), nose tip 86, mouth corners 52 and 61.
    sensory=(tuple(range(33, 43)), tuple(range(87, 97)), (86,), (52,), (61,)),
    # Contour from the left temple down to the chin 0 and up to the right temple (the markup numbers
    # it 1, 9-16, 2-8, 0, 24-18, 32-25, 17), then the upper brow edges from right to left.
    outline=(1, *range(9, 17), *range(2, 9), 0, *range(24, 17, -1), *range(32, 24, -1), 17)
    + (101, 105, 104, 103, 102, 50, 51, 49, 48, 43),
    source="InsightFace 2d106det markup (alignment/coordinate_reg, 2d106markup.jpg)",
)
# MediaPipe Face Mesh (mediapipe/python/solutions/face_mesh_connections.py). Its RIGHT_EYE is the
# subject's right eye, on the image's left.
_MESH_EYE_IMAGE_LEFT = (33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173)
_MESH_EYE_IMAGE_RIGHT = (263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398)
_MESH_FACE_OVAL = (
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
    152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
)  # fmt: skip
MEDIAPIPE_468 = LandmarkScheme(
    "mediapipe468",
    468,
    # Eye contours, nose tip 1, mouth corners 61 and 291.
    sensory=(_MESH_EYE_IMAGE_LEFT, _MESH_EYE_IMAGE_RIGHT, (1,), (61,), (291,)),
    outline=_MESH_FACE_OVAL,
    source="MediaPipe Face Mesh, 468 points (face_mesh_connections.py: FACE_OVAL, eyes, lips)",
)
MEDIAPIPE_478 = LandmarkScheme(
    "mediapipe478",
    478,
    # The mesh's 468 points, then the iris centres 468 (image left) and 473 (image right), each
    # followed by 4 points of its contour.
    sensory=((468,), (473,), (1,), (61,), (291,)),
    outline=_MESH_FACE_OVAL,
    source="MediaPipe Face Mesh with irises, 478 points (refine_landmarks=True)",
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


for _builtin in (MTCNN_5, IBUG_68, DLIB_81, WFLW_98, INSIGHTFACE_106, MEDIAPIPE_468, MEDIAPIPE_478):
    register_scheme(_builtin)


def known_counts() -> tuple[int, ...]:
    """The point counts that select a scheme by themselves."""
    return tuple(sorted(_BY_COUNT))


class PointCountError(InvalidInputError):
    """Landmarks whose point count fits no scheme (or not the named one).

    ``larger`` holds the schemes the landmarks could be a subset of (more points, none registered
    for this count): what remains of such landmarks when a pipeline drops some of their points.
    """

    def __init__(self, message: str, count: int, larger: tuple[LandmarkScheme, ...]):
        super().__init__(message)
        self.count = count
        self.larger = larger


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
        larger = tuple(s for n, s in sorted(_BY_COUNT.items()) if n > count)
        raise PointCountError(
            f"landmarks: no landmark scheme has {count} points (known: {described}); "
            "name one with scheme=... or add yours with facecutout.register_scheme",
            count,
            larger,
        )
    if scheme.num_points != count:
        raise PointCountError(
            f"landmarks: the {scheme.name} scheme has {scheme.num_points} points, got {count}",
            count,
            (scheme,) if count < scheme.num_points else (),
        )
    return scheme


def check_scheme_name(name: object) -> str | None:
    """Return ``name`` if it is None or a registered scheme's name."""
    if name is not None and name not in _SCHEMES:
        raise InvalidInputError(f"scheme: unknown landmark scheme {name!r}; known: {sorted(_SCHEMES)}")
    return name  # type: ignore[return-value]
