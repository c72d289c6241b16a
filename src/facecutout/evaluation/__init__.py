"""Evaluation: metrics (``metrics``), per-video aggregation (``aggregate``), curves (``curves``) and
``evaluate.evaluate(checkpoint, ..., out_dir)``."""
