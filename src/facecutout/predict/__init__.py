"""Prediction on images and videos: ``predict.predict(checkpoint, inputs, ...)`` -> per-input records."""
