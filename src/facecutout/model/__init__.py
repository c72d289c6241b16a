"""The detector and what it takes to use one: the run configuration it is built from (``config``),
the timm backbone (``backbone``), the LightningModule (``classifier``) with its on-device cutout
(``device_cutout``), checkpoint loading (``checkpoint``), batched scoring (``scoring``), per-video
aggregation (``aggregate``) and the detection metrics (``metrics``).

Training writes checkpoints of it; evaluation and prediction load and score them."""
