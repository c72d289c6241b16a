"""Landmark schemes: which points are eyes, nose, mouth and the face outline.

5 points follow MTCNN's order (left eye, right eye, nose tip, left mouth corner, right mouth
corner, as seen in the image). 68 points follow dlib / iBUG 300-W.
"""

from __future__ import annotations

import numpy as np

# iBUG 68: jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67.
_EYE_A = slice(36, 42)
_EYE_B = slice(42, 48)
_NOSE_TIP = 30
_MOUTH_A, _MOUTH_B = 48, 54
# The closed face outline: jaw left to right, then the brows back from right to left.
OUTLINE_68 = np.array(list(range(0, 17)) + list(range(26, 16, -1)), dtype=np.intp)


def sensory_points(landmarks: np.ndarray) -> np.ndarray:
    """Return the 5 sensory points (eye, eye, nose tip, mouth corner, mouth corner) of 5 or 68 points."""
    if len(landmarks) == 5:
        return landmarks
    return np.stack(
        [
            landmarks[_EYE_A].mean(axis=0),
            landmarks[_EYE_B].mean(axis=0),
            landmarks[_NOSE_TIP],
            landmarks[_MOUTH_A],
            landmarks[_MOUTH_B],
        ]
    )


def face_outline(landmarks: np.ndarray) -> np.ndarray:
    """Return the 27-point closed face outline of a 68-point set."""
    return landmarks[OUTLINE_68]
