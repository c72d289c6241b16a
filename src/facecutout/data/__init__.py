"""Training data in the paper's layout: CSV rows -> face crop, landmarks, diff -> augmented tensors.

Modules: ``table`` (CSV reading and path checks), ``folds`` (fold split and leakage check),
``diffs`` (the fake's SSIM diff), ``points`` (landmark files), ``augment`` (albumentations
pipelines), ``dataset`` (the torch Dataset), ``sampling`` (real/fake balancing).
"""
