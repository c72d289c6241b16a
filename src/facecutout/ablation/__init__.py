"""The ablation runner: augmentations x seeds on the same folds and budget, a mean +- std table and plots."""
