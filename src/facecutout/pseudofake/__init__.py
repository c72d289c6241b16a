"""Self-blended pseudo-fakes: fake faces made from real ones, with their exact manipulated region.

``make_pseudo_fake`` transforms a copy of a real face (colour, sharpness, a small warp) and blends
it back inside a soft landmark-hull mask; ``write_pseudo_fake_dataset`` turns folders of real face
crops into the paper's training layout (crops, diffs, landmarks, CSV with folds by original).
"""

from facecutout.pseudofake.blend import BlendSettings, PseudoFake, make_pseudo_fake

__all__ = ["BlendSettings", "PseudoFake", "make_pseudo_fake"]
