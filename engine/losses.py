"""Losses: the value of a batch and its gradient with respect to the prediction.

Each loss is a small object. ``forward(pred, target) -> float`` caches what
``backward() -> dL/dpred`` needs; the gradient has the shape and dtype of ``pred``.
Reductions are PyTorch's defaults (the mean) unless a docstring says otherwise.
``loss.classification`` tells the trainer to report accuracy as well; ``loss.targets``
says what its targets look like, so the config builder can shape the labels.
"""
from __future__ import annotations

import numpy as np

from .errors import ConfigError, ShapeError
from .registry import LOSSES

#: log(p) is clamped to at least this, as torch.nn.BCELoss does, so p = 0 or 1 stays finite
LOG_CLAMP = -100.0
#: torch's BCELoss backward divides by max(p(1 - p), BCE_EPS); torch's 1e-12 is a C float
BCE_EPS = float(np.float32(1e-12))


def _as_float(a) -> np.ndarray:
    """``a`` as an array, kept as is when floating, else float64."""
    a = np.asarray(a)
    return a if np.issubdtype(a.dtype, np.floating) else a.astype(np.float64)


def _pair(pred, target, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(pred, target) as arrays of pred's dtype and the same shape.

    A target of shape (N,) against a single-output pred (N, 1) is reshaped to (N, 1),
    the only shape difference accepted (anything else would broadcast silently).
    """
    pred = _as_float(pred)
    target = np.asarray(target, dtype=pred.dtype)
    if target.shape != pred.shape:
        if pred.ndim == 2 and pred.shape[1] == 1 and target.shape == pred.shape[:1]:
            target = target.reshape(pred.shape)
        else:
            raise ShapeError(f"{name}: prediction shape {pred.shape} and target shape "
                             f"{target.shape} differ")
    return pred, target


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^−z), from e^−|z| so that exp never overflows."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _log_softmax(z: np.ndarray) -> np.ndarray:
    """log softmax(z) over the last axis: (z − m) − log Σ e^(z − m), m = row max (no overflow)."""
    s = z - z.max(axis=-1, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=-1, keepdims=True))


def _logits(pred, name: str) -> np.ndarray:
    z = _as_float(pred)
    if z.ndim != 2:
        raise ShapeError(f"{name}: expects logits of shape (N, C), got {z.shape}")
    return z


class Loss:
    """Base: ``forward(pred, target) -> float`` then ``backward() -> dL/dpred``.

    Attributes: ``name`` (config name), ``classification`` (report accuracy),
    ``threshold`` (decision threshold of a single output, used by ``accuracy``),
    ``targets``: "column" (N, 1) floats, "signed" (N, 1) of ±1, "onehot" (N, C) rows or
    "labels" (N,) class indices, ``softmax`` (pred are logits of a softmax).
    """

    name = "loss"
    classification = False
    threshold = 0.5
    targets = "labels"
    softmax = False

    def __init__(self) -> None:
        self._cache: tuple | None = None

    def __call__(self, pred, target) -> float:
        return self.forward(pred, target)

    def forward(self, pred, target) -> float:
        raise NotImplementedError

    def backward(self) -> np.ndarray:
        raise NotImplementedError

    def _cached(self) -> tuple:
        if self._cache is None:
            raise RuntimeError(f"{self.name}: backward() called before forward()")
        return self._cache

    def accuracy(self, pred, target) -> float:
        """``accuracy(pred, target)`` with this loss's decision threshold."""
        return accuracy(pred, target, threshold=self.threshold)

    def describe(self) -> str:
        return type(self).__name__ + "()"

    def __repr__(self) -> str:
        return self.describe()


@LOSSES.register("mse", "mean_squared_error")
class MSE(Loss):
    """Mean squared error.

    pred, target: same shape, n elements in all.
        L = (1/n) Σ (pred − target)²
        dL/dpred = 2 (pred − target) / n
    """

    name = "mse"
    targets = "column"

    def forward(self, pred, target) -> float:
        pred, target = _pair(pred, target, self.name)
        d = pred - target
        self._cache = (d,)
        return float(np.mean(d * d))

    def backward(self) -> np.ndarray:
        (d,) = self._cached()
        return d * (2.0 / d.size)


@LOSSES.register("mae", "mean_absolute_error")
class MAE(Loss):
    """Mean absolute error (L1 loss).

    pred, target: same shape, n elements in all.
        L = (1/n) Σ |pred − target|
        dL/dpred = sign(pred − target) / n      (0 where pred = target, as torch)
    """

    name = "mae"
    targets = "column"

    def forward(self, pred, target) -> float:
        pred, target = _pair(pred, target, self.name)
        d = pred - target
        self._cache = (d,)
        return float(np.mean(np.abs(d)))

    def backward(self) -> np.ndarray:
        (d,) = self._cached()
        return np.sign(d) * (1.0 / d.size)


@LOSSES.register("huber")
class Huber(Loss):
    """Huber loss (torch.nn.HuberLoss): quadratic near 0, linear beyond ``delta``.

    pred, target: same shape, n elements; d = pred − target.
        ℓ(d) = ½ d²               if |d| ≤ δ
             = δ (|d| − ½ δ)      otherwise
        L = (1/n) Σ ℓ(d)
        dL/dpred = clip(d, −δ, δ) / n
    """

    name = "huber"
    targets = "column"

    def __init__(self, delta: float = 1.0) -> None:
        super().__init__()
        if not (np.isfinite(delta) and delta > 0):
            raise ConfigError(f"huber: delta must be > 0, got {delta!r}")
        self.delta = float(delta)

    def forward(self, pred, target) -> float:
        pred, target = _pair(pred, target, self.name)
        d = pred - target
        a, delta = np.abs(d), self.delta
        self._cache = (d,)
        return float(np.mean(np.where(a <= delta, 0.5 * d * d, delta * (a - 0.5 * delta))))

    def backward(self) -> np.ndarray:
        (d,) = self._cached()
        return np.clip(d, -self.delta, self.delta) * (1.0 / d.size)

    def describe(self) -> str:
        return f"Huber(delta={self.delta:g})"


@LOSSES.register("bce", "binary_crossentropy")
class BinaryCrossEntropy(Loss):
    """Binary cross-entropy of probabilities (torch BCELoss) or of logits (BCEWithLogitsLoss).

    pred, target: same shape, n elements; target y ∈ [0, 1] (0/1 labels or soft).
    Probabilities p (``from_logits=False``), logs clamped at −100 as torch does:
        L = −(1/n) Σ [ y·max(log p, −100) + (1 − y)·max(log(1 − p), −100) ]
        dL/dp = (p − y) / max(p (1 − p), 1e-12) / n
    (torch's backward; the exact derivative of L wherever p(1 − p) ≥ 1e-12).
    Logits z (``from_logits=True``), sigmoid fused so no log of 0 ever happens:
        L = (1/n) Σ [ max(z, 0) − z·y + log(1 + e^−|z|) ]
        dL/dz = (σ(z) − y) / n
    """

    name = "bce"
    classification = True
    targets = "column"

    def __init__(self, from_logits: bool = False) -> None:
        super().__init__()
        if not isinstance(from_logits, (bool, np.bool_)):
            raise ConfigError(f"bce: from_logits must be true or false, got {from_logits!r}")
        self.from_logits = bool(from_logits)
        self.threshold = 0.0 if self.from_logits else 0.5  # σ(z) > ½  ⇔  z > 0

    def forward(self, pred, target) -> float:
        pred, y = _pair(pred, target, self.name)
        if self.from_logits:
            z = pred
            self._cache = (z, y)
            return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))
        p = pred
        if np.any((p < 0) | (p > 1)):
            raise ConfigError("bce: predictions must be probabilities in [0, 1] "
                              "(add a Sigmoid output or use from_logits=true)")
        self._cache = (p, y)
        with np.errstate(divide="ignore"):  # log 0 = −inf, then clamped
            log_p = np.maximum(np.log(p), LOG_CLAMP)
            log_1mp = np.maximum(np.log(1 - p), LOG_CLAMP)
        return float(-np.mean(y * log_p + (1 - y) * log_1mp))

    def backward(self) -> np.ndarray:
        x, y = self._cached()
        if self.from_logits:
            return (_sigmoid(x) - y) * (1.0 / x.size)
        return (x - y) / np.maximum(x * (1 - x), BCE_EPS) * (1.0 / x.size)

    def describe(self) -> str:
        return f"BinaryCrossEntropy(from_logits={self.from_logits})"


@LOSSES.register("cce", "categorical_crossentropy")
class CategoricalCrossEntropy(Loss):
    """Cross-entropy of logits against one-hot or soft targets, softmax fused (torch
    cross_entropy with probability targets).

    pred z: logits (N, C); target y: (N, C), rows of class probabilities.
        L = −(1/N) Σ_n Σ_c y_nc log softmax(z_n)_c
        dL/dz = (softmax(z) · Σ_c y_nc − y) / N   = (softmax(z) − y) / N when rows sum to 1
    log softmax is computed from z − max(z), so large logits cannot overflow.
    """

    name = "cce"
    classification = True
    targets = "onehot"
    softmax = True

    def forward(self, pred, target) -> float:
        z = _logits(pred, self.name)
        z, y = _pair(z, target, self.name)
        log_p = _log_softmax(z)
        self._cache = (log_p, y)
        return float(-np.sum(y * log_p) / z.shape[0])

    def backward(self) -> np.ndarray:
        log_p, y = self._cached()
        return (np.exp(log_p) * y.sum(axis=1, keepdims=True) - y) * (1.0 / y.shape[0])


@LOSSES.register("sparse_cce", "sparse_categorical_crossentropy")
class SparseCategoricalCrossEntropy(Loss):
    """Cross-entropy of logits against integer labels (torch cross_entropy).

    pred z: logits (N, C); target: labels (N,) with values in 0..C−1.
        L = −(1/N) Σ_n log softmax(z_n)_{y_n}
        dL/dz = (softmax(z) − onehot(y)) / N
    """

    name = "sparse_cce"
    classification = True
    softmax = True

    def forward(self, pred, target) -> float:
        z = _logits(pred, self.name)
        labels = np.asarray(target)
        if labels.shape == (z.shape[0], 1):
            labels = labels[:, 0]
        if labels.shape != (z.shape[0],):
            raise ShapeError(f"{self.name}: labels must have shape ({z.shape[0]},), "
                             f"got {labels.shape}")
        if labels.size and not np.all(labels == np.round(labels)):
            raise ConfigError(f"{self.name}: labels must be integers (class indices)")
        labels = labels.astype(np.int64)
        if labels.size and (labels.min() < 0 or labels.max() >= z.shape[1]):
            raise ShapeError(f"{self.name}: labels go from {labels.min()} to {labels.max()} "
                             f"but the prediction has {z.shape[1]} classes")
        log_p = _log_softmax(z)
        rows = np.arange(z.shape[0])
        self._cache = (log_p, rows, labels)
        return float(-np.sum(log_p[rows, labels]) / z.shape[0])

    def backward(self) -> np.ndarray:
        log_p, rows, labels = self._cached()
        g = np.exp(log_p)
        g[rows, labels] -= 1
        return g * (1.0 / g.shape[0])


@LOSSES.register("hinge")
class Hinge(Loss):
    """Hinge loss for labels y ∈ {−1, +1} (torch: clamp(1 − y·ŷ, min=0).mean()).

    pred ŷ: raw scores, target y: same shape, n elements.
        L = (1/n) Σ max(0, 1 − y ŷ)
        dL/dŷ = −y · [1 − y ŷ ≥ 0] / n      (at the kink the gradient passes, as torch's clamp)
    """

    name = "hinge"
    classification = True
    targets = "signed"
    threshold = 0.0  # the predicted class is sign(ŷ)

    def forward(self, pred, target) -> float:
        pred, y = _pair(pred, target, self.name)
        if not np.all(np.abs(y) == 1):
            raise ConfigError("hinge: targets must be -1 or +1 (map 0/1 labels to 2y - 1)")
        margin = 1 - y * pred
        self._cache = (margin, y)
        return float(np.mean(np.maximum(margin, 0)))

    def backward(self) -> np.ndarray:
        margin, y = self._cached()
        return np.where(margin >= 0, -y, 0).astype(y.dtype) * (1.0 / y.size)


@LOSSES.register("kl", "kl_divergence", "kullback_leibler_divergence", "kld")
class KLDivergence(Loss):
    """Kullback–Leibler divergence KL(p ‖ q), mean over the batch (torch
    KLDivLoss(log q, p, reduction='batchmean')).

    pred q: probabilities (N, C); target p: probabilities (N, C). A 1-D (C,) pair is one
    distribution (N = 1; torch's batchmean would divide by C there).
        L = (1/N) Σ_n Σ_c p_nc (log p_nc − log q_nc),   with 0·log 0 = 0
        dL/dq = −p / (N q)
    """

    name = "kl"
    targets = "onehot"

    def forward(self, pred, target) -> float:
        q, p = _pair(pred, target, self.name)
        n = q.shape[0] if q.ndim >= 2 else 1
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(p > 0, p * (np.log(np.where(p > 0, p, 1)) - np.log(q)), 0)
        self._cache = (q, p, n)
        return float(np.sum(terms) / n)

    def backward(self) -> np.ndarray:
        q, p, n = self._cached()
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(p > 0, -p / q, 0).astype(q.dtype) * (1.0 / n)


def accuracy(pred, target, threshold: float | None = None) -> float:
    """Fraction of samples classified correctly, in [0, 1].

    pred (N, C), C > 1: class = argmax_c pred; target int labels (N,) or one-hot / soft
    rows (N, C) (argmax). pred (N,) or (N, 1): one binary output, class = [pred > t]
    and true class = [target > 0.5] (0/1 labels) or [target > 0] (±1 labels). ``t`` is
    ``threshold``, or when None 0.5 for 0/1 targets (probabilities) and 0 for ±1 targets
    (hinge scores). Logit outputs with 0/1 targets need threshold=0 (``loss.accuracy``
    passes it).
    """
    pred, target = np.asarray(pred), np.asarray(target)
    if len(pred) == 0:
        return float("nan")
    return float(np.mean(predicted_class(pred, target, threshold)
                         == predicted_class(target, target)))


def predicted_class(pred, target, threshold: float | None = None) -> np.ndarray:
    """The class (N,) ints that ``pred`` says, as ``accuracy`` reads it: the argmax of
    several outputs; integer labels as they are; else [pred > t] with ``t`` as in
    ``accuracy`` (``target`` tells 0/1 from ±1 labels). ``predicted_class(target, target)``
    gives the true classes."""
    pred = np.asarray(pred)
    if pred.ndim == 2 and pred.shape[1] > 1:
        return pred.argmax(axis=1)
    if np.issubdtype(pred.dtype, np.integer):
        return pred.reshape(-1)
    signed = bool(np.min(target) < 0)  # ±1 labels
    t = (0.0 if signed else 0.5) if threshold is None else threshold
    return (pred.reshape(-1) > t).astype(np.int64)


def get_loss(name: str, **kwargs) -> Loss:
    """A loss from any of its registered names; ``kwargs`` go to the constructor."""
    return LOSSES.build(name, "loss", kwargs)
