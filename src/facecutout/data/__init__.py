"""Data in the paper's layout: where its files go, how they are cut and read -> augmented tensors.

Modules: ``layout`` (the on-disk layout, the CSV columns and writer, the fold policy), ``crops``
(a face crop's rectangle in its frame), ``ssim`` (the fake's grey SSIM diff), ``table`` (CSV
reading and path checks), ``folds`` (fold split and leakage checks), ``diffs`` (a fake's
manipulated-region evidence), ``points`` (landmark files), ``augment`` (albumentations
pipelines), ``dataset`` (the torch Dataset), ``sampling`` (real/fake balancing).
"""
