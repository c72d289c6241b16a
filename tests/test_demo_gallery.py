"""The cutout gallery on the embedded astronaut: each panel cuts where it says, the PNG has its size."""

from __future__ import annotations

import numpy as np
import pytest

from facecutout.demo.face import astronaut, crop_box, detect_face
from facecutout.demo.gallery import Panel, build_panels, gallery_size, render_gallery
from facecutout.fileio import read_rgb


@pytest.fixture(scope="module")
def face():
    return detect_face(astronaut(), "astronaut").cropped()


def test_both_backends_find_the_astronaut_face_inside_the_crop(face):
    height, width = face.image.shape[:2]
    assert face.points68.shape == (68, 2) and face.points5.shape == (5, 2)
    for points in (face.points68, face.points5):
        assert (points >= -1).all() and (points[:, 0] <= width).all() and (points[:, 1] <= height).all()
    # The dlib eye centres agree with MTCNN's eye points within a tenth of the eye distance.
    eyes68 = np.stack([face.points68[36:42].mean(axis=0), face.points68[42:48].mean(axis=0)])
    eye_distance = np.linalg.norm(face.points5[0] - face.points5[1])
    assert np.linalg.norm(eyes68 - face.points5[:2], axis=1).max() < 0.1 * eye_distance


def test_crop_box_grows_and_clips():
    assert crop_box(np.array([30, 30, 60, 90]), 100, 100) == (20, 10, 70, 100)


def test_panels_cut_exactly_where_they_say(face):
    panels = build_panels(face, seed=3)
    assert len(panels) == 12
    image = face.image
    cut_panels = [panel for panel in panels if panel.cut is not None]
    assert len(cut_panels) == 9
    for panel in cut_panels:
        assert panel.image.shape == image.shape, panel.title
        assert panel.cut.any(), f"{panel.title}: nothing was cut"
    real_cuts = [panel for panel in cut_panels if panel.outline is None]
    for panel in real_cuts:
        # On the real face the panel differs from the input exactly inside the cut, which is black.
        differs = np.any(panel.image != image, axis=2)
        assert not (differs & ~panel.cut).any(), panel.title
        assert (panel.image[panel.cut] == 0).all(), panel.title
    on_fake = next(panel for panel in cut_panels if panel.outline is not None)
    hidden = (on_fake.cut & on_fake.outline).sum() / on_fake.outline.sum()
    assert hidden <= 0.3


def test_gallery_png_has_the_expected_size(tmp_path, face):
    panels = build_panels(face, seed=0)
    path = render_gallery(panels, tmp_path / "gallery.png")
    width, height = gallery_size(len(panels))
    assert read_rgb(path).shape == (height, width, 3)


def test_rendered_cut_panel_differs_from_the_original_where_cut(tmp_path, face):
    original, eyes = build_panels(face, seed=0)[0], build_panels(face, seed=0)[6]
    assert eyes.title == "sensory: eyes"
    plain = Panel("original", original.image)
    picture = read_rgb(render_gallery([plain, eyes], tmp_path / "pair.png", columns=2))
    half = picture.shape[1] // 2
    black = picture.max(axis=2) < 10
    left, right = int(black[:, :half].sum()), int(black[:, half:].sum())
    # Panels are drawn at least at the crop's size, so the cut adds at least its own area of black.
    assert right - left >= eyes.cut.sum()
