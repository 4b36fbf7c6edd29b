"""Fully connected layer."""
from __future__ import annotations

import numpy as np

from nnanim.engine.errors import ShapeError
from nnanim.engine.init import get_initializer
from nnanim.engine.layer import Layer
from nnanim.engine.registry import LAYERS


@LAYERS.register()
class Dense(Layer):
    """Affine map y = x Wᵀ + b (PyTorch's ``nn.Linear`` layout).

    Shapes
    ------
    x : (N, in_features)          W : (out_features, in_features)
    y : (N, out_features)         b : (out_features,)

    Forward
        y[n, o] = Σ_i x[n, i] W[o, i] + b[o]
    Backward (g = dL/dy, shape (N, out))
        dL/dW = gᵀ x            (out, in)
        dL/db = Σ_n g[n, :]     (out,)
        dL/dx = g W             (N, in)

    ``grads`` are overwritten (not accumulated) by each backward, in place so
    references held elsewhere stay valid. Set ``needs_input_grad = False`` on a
    first layer to skip dL/dx (``backward`` then returns None), as torch does for
    inputs that do not require grad; ``input_grad_rows = K`` computes dL/dx of the
    first K samples only (what a trace keeps).
    """

    def __init__(self, in_features: int, out_features: int, init: str = "glorot",
                 rng: np.random.Generator | None = None, dtype=np.float64) -> None:
        super().__init__()
        if int(in_features) <= 0 or int(out_features) <= 0:
            raise ShapeError(
                f"Dense: features must be positive, got {in_features} -> {out_features}")
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        self.dtype = np.dtype(dtype)
        self.init = init
        self.needs_input_grad = True
        self.input_grad_rows: int | None = None
        w = get_initializer(init)((self.out_features, self.in_features),
                                  self.in_features, self.out_features, rng)
        self.params = {"W": w.astype(self.dtype),
                       "b": np.zeros(self.out_features, dtype=self.dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ShapeError(
                f"Dense: expected input (N, {self.in_features}), got {tuple(x.shape)}")
        self._x = x
        y = x @ self.params["W"].T
        y += self.params["b"]
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray | None:
        g = np.asarray(grad_out, dtype=self.dtype)
        np.matmul(g.T, self._x, out=self.grads["W"])
        np.sum(g, axis=0, out=self.grads["b"])
        if not self.needs_input_grad:
            return None
        if self.input_grad_rows is not None:
            g = g[:self.input_grad_rows]
        return g @ self.params["W"]

    def describe(self) -> str:
        return f"Dense({self.in_features} -> {self.out_features})"

    def settings(self) -> dict:
        return {"in_features": self.in_features, "out_features": self.out_features}
