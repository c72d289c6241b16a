"""The embedded demo: a cutout gallery on a face that ships with scikit-image, a small pseudo-fake
dataset made from it, a short ablation and a report."""
