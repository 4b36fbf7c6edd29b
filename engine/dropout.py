"""Inverted dropout."""
from __future__ import annotations

import numpy as np

from nnanim.engine.errors import ShapeError
from nnanim.engine.layer import Layer
from nnanim.engine.registry import LAYERS


@LAYERS.register()
class Dropout(Layer):
    """Zero each unit with probability p while training; the identity in eval mode.

    Shapes: x (N, ...) -> y same shape.

    Forward (training), m ~ Bernoulli(1 − p) elementwise, drawn from ``rng``:
        y = x ⊙ m / (1 − p)
    so E[y] = x and nothing needs rescaling at test time (inverted dropout).
    Backward:
        dL/dx = dL/dy ⊙ m / (1 − p)
    With ``training`` False: y = x and dL/dx = dL/dy.

    Attributes
    ----------
    p : float in [0, 1)
    mask : bool array of the last training forward, True = kept (None after an
        eval forward)
    """

    def __init__(self, p: float = 0.5, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        try:
            p = float(p)
        except (TypeError, ValueError):
            raise ShapeError(f"Dropout: p must be a number in [0, 1), got {p!r}") from None
        if not 0.0 <= p < 1.0:  # p = 1 would divide by zero and drop everything
            raise ShapeError(f"Dropout: p must be in [0, 1), got {p}")
        self.p = p
        self.rng = np.random.default_rng(0) if rng is None else rng
        self.mask: np.ndarray | None = None
        self._scale = 1.0 / (1.0 - p)

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        if not self.training:
            self.mask = None
            return x
        dt = x.dtype if x.dtype in (np.float32, np.float64) else np.dtype(np.float64)
        self.mask = self.rng.random(x.shape, dtype=dt) >= self.p
        return x * self.mask * dt.type(self._scale)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        g = np.asarray(grad_out)
        if self.mask is None:
            return g
        return g * self.mask * g.dtype.type(self._scale)

    def describe(self) -> str:
        return f"Dropout(p={self.p:g})"

    def settings(self) -> dict:
        return {"p": self.p}
