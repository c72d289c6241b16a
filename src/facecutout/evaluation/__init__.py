"""Evaluation: ``evaluate.evaluate(checkpoint, ..., out_dir)`` and its curves (``curves``); the metrics
and per-video aggregation are ``facecutout.model.metrics`` and ``facecutout.model.aggregate``."""
