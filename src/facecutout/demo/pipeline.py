"""The demo, step by step: gallery on the embedded face (or on the user's data), and the report."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from facecutout.demo.progress import Steps
from facecutout.demo.report import Report

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoSettings:
    """What the demo runs and where it writes."""

    out: Path = Path("demo_output")
    seed: int = 0


def run_demo(settings: DemoSettings) -> Path:
    """Run every step of the demo and return the report's path."""
    from facecutout.demo.face import astronaut, detect_face
    from facecutout.demo.gallery import build_panels, render_gallery

    out = settings.out
    out.mkdir(parents=True, exist_ok=True)
    report = Report(out, "Face-Cutout demo")
    steps = Steps(total=3)
    try:
        with steps.step("detecting landmarks (MTCNN 5-pt, dlib 68-pt)"):
            face = detect_face(astronaut(), "skimage.data.astronaut()").cropped()
        with steps.step("rendering the cutout gallery"):
            gallery = render_gallery(build_panels(face, seed=settings.seed), out / "gallery.png")
        report.add(
            "Cutout gallery",
            "scikit-image's astronaut, detected with both landmark backends. Row 1: the landmarks, a "
            "self-blended pseudo-fake with its manipulated region M (outlined in yellow), M, a sensory "
            "Face-Cutout on the fake that hides at most 30% of M, Random Erasing and CoarseDropout. "
            "Row 2: each Face-Cutout variant on the real face.",
            images=(("cutout gallery", gallery),),
        )
        with steps.step("writing the report"):
            path = report.write()
    finally:
        steps.close()
    return path
