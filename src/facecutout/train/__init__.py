"""Training: the data module (``datamodule``), the per-epoch history (``history``) and the entry point
``facecutout.train.run.train(config) -> TrainResult``; the model and its config are ``facecutout.model``."""
