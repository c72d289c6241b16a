"""Face-Cutout on batches of tensors (CPU or GPU), for the training step.

``batch_face_cutout`` is the functional form, ``BatchFaceCutout`` the ``nn.Module`` and
``binarize_diffs`` turns SSIM diffs and uint8 or float masks into the bool masks both take.
"""

from facecutout.batched.functional import batch_face_cutout, binarize_diffs
from facecutout.batched.module import BatchFaceCutout

__all__ = ["BatchFaceCutout", "batch_face_cutout", "binarize_diffs"]
