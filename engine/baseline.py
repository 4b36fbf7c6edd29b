"""The input-blind baseline: what a model scores when it ignores its input.

A network that has learned nothing useful predicts the same output for every sample; the
best such constant is the one a lecturer calls "chance". Its loss and accuracy are the
floor a trained run must beat (a balanced two-class problem: loss ln 2 ≈ 0.693, 50 %).

The constant per loss (``Loss.targets``), from the training targets y:
    "labels" (softmax logits)  z = log p̂,   p̂_c = class frequency     (loss = entropy of y)
    "onehot"                   z = log p̂,   p̂ = mean target row
    "column", BCE              p = ȳ  (logit log(ȳ / (1 − ȳ)) when the loss takes logits)
    "column", MAE              the median of y;  other regression losses: the mean ȳ
    "signed" (hinge)           the majority sign
"""
from __future__ import annotations

import numpy as np

_TINY = 1e-12  # keeps log p̂ finite for a class the training set lacks


def constant_prediction(loss, y: np.ndarray, classes: int = 0) -> np.ndarray:
    """The input-blind prediction for targets ``y`` (N, ...), one row per sample;
    ``classes``: the model's number of outputs (for integer labels)."""
    y = np.asarray(y)
    n = len(y)
    if loss.targets == "labels":
        prior = np.bincount(y.astype(np.int64).ravel(), minlength=classes) / n
        row = np.log(np.maximum(prior, _TINY))
    elif loss.targets == "onehot":
        row = np.log(np.maximum(y.mean(axis=0), _TINY))
    elif loss.targets == "signed":
        row = np.where(y.mean(axis=0) >= 0, 1.0, -1.0)
    elif getattr(loss, "name", "") == "bce":
        p = np.clip(y.mean(axis=0), _TINY, 1 - _TINY)
        row = np.log(p / (1 - p)) if loss.from_logits else p
    elif getattr(loss, "name", "") == "mae":
        row = np.median(y, axis=0)
    else:
        row = y.mean(axis=0)
    return np.broadcast_to(np.asarray(row, dtype=np.float64), (n,) + np.shape(row)).copy()


def input_blind_baseline(loss, y: np.ndarray, classification: bool,
                         classes: int = 0) -> dict[str, float]:
    """{"loss": L(constant), "accuracy": its accuracy (classification only)} on ``y``."""
    pred = constant_prediction(loss, y, classes)
    out = {"loss": float(loss.forward(pred, y))}
    if classification:
        out["accuracy"] = float(loss.accuracy(pred, y))
    return out
