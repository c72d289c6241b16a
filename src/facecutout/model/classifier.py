"""The LightningModule: a timm backbone with one logit, BCE with the paper's label clipping."""

from __future__ import annotations

from typing import Any

import lightning as L
import torch
import torch.nn.functional as F

from facecutout.data.cut_records import TrainingCuts
from facecutout.model.backbone import create_backbone
from facecutout.model.config import TrainConfig
from facecutout.model.metrics import METRIC_KEYS, compute_metrics


def clip_targets(labels: torch.Tensor, clip: float) -> torch.Tensor:
    """The paper's label clipping: BCE targets in [clip, 1 - clip] (labels stay 0/1 everywhere else)."""
    return labels.clamp(clip, 1.0 - clip)


class DeepfakeClassifier(L.LightningModule):
    """Fake probability = sigmoid(logit) of a timm backbone fed uint8 images normalised on device.

    ``config`` is a :class:`TrainConfig` as a plain dict (saved in the checkpoint's hyper-parameters,
    so a checkpoint is rebuilt without pickled objects). ``pretrained`` overrides the config's flag
    (loading a checkpoint needs no ImageNet weights).
    """

    def __init__(self, config: dict[str, Any], pretrained: bool | None = None):
        super().__init__()
        self.save_hyperparameters({"config": config})
        self.config = TrainConfig.from_dict(config)
        model = self.config.model
        self.backbone = create_backbone(
            model.name,
            pretrained=model.pretrained if pretrained is None else pretrained,
            pretrained_file=model.pretrained_file if pretrained is not False else None,
            drop_rate=model.drop_rate,
        )
        self.register_buffer("mean", torch.tensor(model.mean).view(1, 3, 1, 1) * 255.0, persistent=False)
        self.register_buffer("std", torch.tensor(model.std).view(1, 3, 1, 1) * 255.0, persistent=False)
        self.device_cutout = self._device_cutout() if self.config.data.cutout_on_device else None
        self._val_scores: list[torch.Tensor] = []
        self._val_labels: list[torch.Tensor] = []
        self._cuts = TrainingCuts(self.config.data.cutout_variant)

    def _device_cutout(self) -> torch.nn.Module | None:
        if self.config.data.augmentation != "face_cutout":
            return None
        from facecutout.model.device_cutout import build_device_cutout

        return build_device_cutout(self.config.data)

    def normalize(self, images: torch.Tensor) -> torch.Tensor:
        """uint8 (B, 3, H, W) -> float normalised with the model's mean and std."""
        return (images.float() - self.mean) / self.std

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Logits (B,) of uint8 images (B, 3, H, W)."""
        return self.backbone(self.normalize(images)).squeeze(1).float()

    def training_step(self, batch: dict, batch_idx: int) -> torch.Tensor:
        images, labels = batch["image"], batch["label"].float()
        self._cuts.add_batch(batch)
        if self.device_cutout is not None:
            from facecutout.model.device_cutout import apply_device_cutout

            images, _ = apply_device_cutout(self.device_cutout, batch)
        logits = self(images)
        loss = F.binary_cross_entropy_with_logits(logits, clip_targets(labels, self.config.optim.label_clip))
        self.log("train_loss", loss, on_step=True, on_epoch=True, prog_bar=True, batch_size=len(labels))
        return loss

    def on_train_epoch_end(self) -> None:
        """Log what Face-Cutout did this epoch (counts, and quantiles per variant and part)."""
        from facecutout.model.epoch_cuts import gather_cuts

        cuts, self._cuts = self._cuts, TrainingCuts(self.config.data.cutout_variant)
        if self.device_cutout is not None:
            cuts.statistics.merge(self.device_cutout.statistics)
            self.device_cutout.statistics.reset()
        cuts = gather_cuts(cuts)
        if cuts.faces:
            self.log_dict(cuts.metrics())

    def on_validation_epoch_start(self) -> None:
        self._val_scores.clear()
        self._val_labels.clear()

    def validation_step(self, batch: dict, batch_idx: int) -> None:
        logits = self(batch["image"])
        self._val_scores.append(torch.sigmoid(logits).detach())
        self._val_labels.append(batch["label"].float())

    def on_validation_epoch_end(self) -> None:
        if not self._val_scores:
            return
        scores = self.all_gather(torch.cat(self._val_scores)).reshape(-1)
        labels = self.all_gather(torch.cat(self._val_labels)).reshape(-1)
        metrics = compute_metrics(labels.cpu().numpy(), scores.cpu().double().numpy())
        # Every rank holds the gathered scores, so every rank logs the same values.
        values = {f"val_{key}": metrics.value(key) for key in METRIC_KEYS if key != "logloss"}
        values["val_samples"] = float(metrics.n)
        self.log_dict(values)
        self.log("val_logloss", metrics.logloss, prog_bar=True)

    def configure_optimizers(self) -> Any:
        optim = self.config.optim
        if optim.optimizer == "sgd":
            optimizer = torch.optim.SGD(
                self.parameters(), lr=optim.lr, momentum=optim.momentum, weight_decay=optim.weight_decay
            )
        else:
            optimizer = torch.optim.AdamW(self.parameters(), lr=optim.lr, weight_decay=optim.weight_decay)
        if optim.scheduler == "none":
            return optimizer
        epochs = max(self.config.trainer.max_epochs, 1)
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "epoch"}}
