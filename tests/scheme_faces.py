"""Faces in every built-in landmark layout, for the scheme tests and the scheme picture.

Real detections of scikit-image's astronaut (tests/data/astronaut_landmarks.npz, written by
scripts/reference_landmarks.py): MTCNN's 5 points, dlib's 68 and MediaPipe Face Mesh's 478.
The 81-, 98- and 106-point layouts have no detector here; they are derived from 68 iBUG points
through each layout's published correspondence to iBUG (docs/landmarks.md). Points of a layout
that iBUG lacks are interpolated between their neighbours (WFLW's odd contour points, extra eyelid,
brow and nose points), and the 13 forehead points of the 81-point layout are synthetic: the jaw
reflected about the line through its ends and flattened, an arc over the brows, placed in the
predictor's index order.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

REFERENCE = Path(__file__).resolve().parent / "data" / "astronaut_landmarks.npz"
FOREHEAD_81 = (77, 75, 76, 68, 69, 70, 71, 80, 72, 73, 79, 74, 78)
"""The 81-point predictor's forehead indices from the image's left to its right."""


def astronaut() -> np.ndarray:
    from skimage import data

    return np.ascontiguousarray(data.astronaut())


def reference_points() -> dict[str, np.ndarray]:
    """The detected astronaut landmarks: mtcnn5, dlib68, mediapipe478 (float64)."""
    with np.load(REFERENCE) as stored:
        return {key: stored[key].astype(np.float64) for key in stored.files}


def _mid(points: np.ndarray, a: int, b: int) -> np.ndarray:
    return (points[a] + points[b]) / 2


def _contour_33(points68: np.ndarray) -> np.ndarray:
    """33 contour points: iBUG's 17 jaw points and the midpoints between neighbours."""
    jaw = points68[:17]
    contour = np.empty((33, 2))
    contour[0::2] = jaw
    contour[1::2] = (jaw[:-1] + jaw[1:]) / 2
    return contour


def _lower_brow(upper: np.ndarray, eye_distance: float) -> np.ndarray:
    """Four points under a 5-point brow, inner to outer (synthetic)."""
    return upper[1:][::-1] + [0.0, 0.08 * eye_distance]


def forehead_13(points68: np.ndarray) -> np.ndarray:
    """13 synthetic forehead points from left to right: the jaw reflected about its ends' line, flattened."""
    jaw = points68[:17]
    start, end = jaw[0], jaw[-1]
    axis = (end - start) / np.linalg.norm(end - start)
    normal = np.array([axis[1], -axis[0]])
    offsets = (jaw - start) @ normal
    reflected = jaw - 1.6 * offsets[:, None] * normal  # to the other side, at 0.6 of the distance
    positions = np.linspace(0, 16, 13)
    return np.stack([np.interp(positions, np.arange(17), reflected[:, axis_]) for axis_ in (0, 1)], axis=1)


def to_dlib81(points68: np.ndarray) -> np.ndarray:
    """The 81-point layout: iBUG 0-67, then the synthetic forehead in the predictor's index order."""
    points = np.zeros((81, 2))
    points[:68] = points68
    points[list(FOREHEAD_81)] = forehead_13(points68)
    return points


def to_wflw98(points68: np.ndarray) -> np.ndarray:
    """The WFLW layout through its iBUG correspondence (pupils = eye centres)."""
    p = points68
    eye_distance = float(np.linalg.norm(p[36:42].mean(0) - p[42:48].mean(0)))
    w = np.zeros((98, 2))
    w[0:33] = _contour_33(p)
    w[33:38] = p[17:22]
    w[38:42] = _lower_brow(p[17:22], eye_distance)
    w[42:47] = p[22:27]
    w[47:51] = _lower_brow(p[22:27][::-1], eye_distance)[::-1]
    w[51:60] = p[27:36]
    w[[60, 61, 63, 64, 65, 67]] = p[36:42]
    w[62], w[66] = _mid(p, 37, 38), _mid(p, 40, 41)
    w[[68, 69, 71, 72, 73, 75]] = p[42:48]
    w[70], w[74] = _mid(p, 43, 44), _mid(p, 46, 47)
    w[76:96] = p[48:68]
    w[96], w[97] = p[36:42].mean(0), p[42:48].mean(0)
    return w


def to_insightface106(points68: np.ndarray) -> np.ndarray:
    """The InsightFace 2d106 layout through its iBUG correspondence (read off its markup picture)."""
    p = points68
    eye_distance = float(np.linalg.norm(p[36:42].mean(0) - p[42:48].mean(0)))
    f = np.zeros((106, 2))
    contour = (1, *range(9, 17), *range(2, 9), 0, *range(24, 17, -1), *range(32, 24, -1), 17)
    f[list(contour)] = _contour_33(p)
    f[[43, 48, 49, 51, 50]] = p[17:22]
    f[[44, 45, 47, 46]] = _lower_brow(p[17:22], eye_distance)[::-1]
    f[[102, 103, 104, 105, 101]] = p[22:27]
    f[[97, 98, 99, 100]] = _lower_brow(p[22:27][::-1], eye_distance)[::-1]
    f[[35, 41, 42, 39, 37, 36]] = p[36:42]
    f[40], f[33] = _mid(p, 37, 38), _mid(p, 40, 41)
    f[34] = f[38] = p[36:42].mean(0)
    f[[89, 95, 96, 93, 91, 90]] = p[42:48]
    f[94], f[87] = _mid(p, 43, 44), _mid(p, 46, 47)
    f[88] = f[92] = p[42:48].mean(0)
    f[[72, 73, 74, 86]] = p[27:31]
    f[[78, 79, 80, 85, 84]] = p[31:36]
    f[75], f[81] = _mid(p, 27, 39), _mid(p, 27, 42)
    f[76], f[82] = _mid(p, 29, 31), _mid(p, 29, 35)
    f[77], f[83] = _mid(p, 31, 48), _mid(p, 35, 54)
    f[[52, 64, 63, 71, 67, 68, 61]] = p[48:55]
    f[[58, 59, 53, 56, 55]] = p[55:60]
    f[[65, 66, 62, 70, 69, 57, 60, 54]] = p[60:68]
    return f


def astronaut_layouts() -> dict[str, np.ndarray]:
    """The astronaut's landmarks in every built-in scheme, by scheme name."""
    detected = reference_points()
    points68 = detected["dlib68"]
    return {
        "mtcnn5": detected["mtcnn5"],
        "ibug68": points68,
        "dlib81": to_dlib81(points68),
        "wflw98": to_wflw98(points68),
        "insightface106": to_insightface106(points68),
        "mediapipe468": detected["mediapipe478"][:468],
        "mediapipe478": detected["mediapipe478"],
    }
