"""Synthetic but anatomically ordered landmark sets (iBUG 68 and MTCNN 5) for property tests."""

from __future__ import annotations

import numpy as np


def _arc(center, radii, start, stop, count):
    angles = np.linspace(start, stop, count)
    return np.stack([center[0] + radii[0] * np.cos(angles), center[1] + radii[1] * np.sin(angles)], axis=1)


def _unit_face_68() -> np.ndarray:
    """68 points of a frontal face in a unit frame: x right, y down, eyes at y = -0.15."""
    jaw = _arc((0.0, -0.1), (0.45, 0.6), np.pi, 0.0, 17)
    brow_right = _arc((-0.2, -0.2), (0.13, 0.06), np.pi, 2 * np.pi, 5)
    brow_left = _arc((0.2, -0.2), (0.13, 0.06), np.pi, 2 * np.pi, 5)
    nose_bridge = np.stack([np.zeros(4), np.linspace(-0.12, 0.1, 4)], axis=1)
    nose_base = np.stack([np.linspace(-0.07, 0.07, 5), np.full(5, 0.13)], axis=1)
    eye_right = _arc((-0.18, -0.1), (0.07, 0.03), np.pi, 3 * np.pi, 7)[:6]
    eye_left = _arc((0.18, -0.1), (0.07, 0.03), np.pi, 3 * np.pi, 7)[:6]
    mouth_outer = _arc((0.0, 0.28), (0.17, 0.07), np.pi, 3 * np.pi, 13)[:12]
    mouth_inner = _arc((0.0, 0.28), (0.1, 0.03), np.pi, 3 * np.pi, 9)[:8]
    return np.concatenate(
        [jaw, brow_right, brow_left, nose_bridge, nose_base, eye_right, eye_left, mouth_outer, mouth_inner]
    )


UNIT_FACE_68 = _unit_face_68()


def face_68(center_x: float, center_y: float, size: float, angle: float = 0.0) -> np.ndarray:
    """A 68-point face of width ``size`` centred at (center_x, center_y), rotated by ``angle`` radians."""
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return UNIT_FACE_68 @ rotation.T * size + [center_x, center_y]


def face_5(center_x: float, center_y: float, size: float, angle: float = 0.0) -> np.ndarray:
    """The MTCNN 5 points of :func:`face_68`."""
    points = face_68(center_x, center_y, size, angle)
    return np.stack([points[36:42].mean(0), points[42:48].mean(0), points[30], points[48], points[54]])
