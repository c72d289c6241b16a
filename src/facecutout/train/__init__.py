"""Training: the config (``config``), the LightningModule (``module``), the data module (``datamodule``)
and the entry point ``facecutout.train.run.train(config) -> TrainResult``."""
