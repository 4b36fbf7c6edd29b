"""Activation layers: f and f' side by side.

Every elementwise activation defines ``function(x)`` (f) and ``derivative(x)``
(f'), both pure, so scenes can plot them; the layer's forward is y = f(x) and its
backward dL/dx = dL/dy ⊙ f'(x). Shapes: any x -> y of the same shape and dtype
(integer inputs become float64). Derivatives at kinks follow PyTorch (ReLU'(0) = 0).
"""
from __future__ import annotations

import numpy as np

from nnanim.engine.layer import Layer
from nnanim.engine.registry import LAYERS


def _float(x) -> np.ndarray:
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) = 1 / (1 + e^{−x}) without overflow: only exponents ≤ 0 are formed.

        σ(x) = e^{min(x,0)} / (1 + e^{−|x|})
    i.e. 1 / (1 + e^{−x}) for x ≥ 0 and e^{x} / (1 + e^{x}) for x < 0, which keeps
    full relative precision for very negative x (no 1 − tiny cancellation), and
    avoids np.where (several times slower than two exps here).
    """
    x = _float(x)
    return np.exp(np.minimum(x, 0)) / (1 + np.exp(-np.abs(x)))


class _Activation(Layer):
    """Elementwise y = f(x); backward dL/dx = dL/dy ⊙ f'(x). No params.

    Not registered (no decorator), so configs cannot name it; the subclasses are.
    """

    def function(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = _float(x)
        self._y = self.function(self._x)
        return self._y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        return grad_out * self.derivative(self._x)


@LAYERS.register()
class Identity(_Activation):
    """f(x) = x;  f'(x) = 1."""

    def function(self, x):
        return _float(x)

    def derivative(self, x):
        return np.ones_like(_float(x))

    def backward(self, grad_out):
        return grad_out


@LAYERS.register()
class BinaryStep(_Activation):
    """f(x) = 1 if x ≥ 0 else 0;  f'(x) = 0 (undefined at 0, taken as 0), so nothing
    upstream can learn through it: the reason gradient descent needs smooth units."""

    def function(self, x):
        x = _float(x)
        return (x >= 0).astype(x.dtype)

    def derivative(self, x):
        return np.zeros_like(_float(x))


@LAYERS.register()
class Sigmoid(_Activation):
    """f(x) = 1 / (1 + e^{−x});  f'(x) = f(x)(1 − f(x)) ≤ 1/4 (vanishing gradients)."""

    def function(self, x):
        return sigmoid(x)

    def derivative(self, x):
        s = sigmoid(x)
        return s * (1 - s)

    def backward(self, grad_out):
        return grad_out * self._y * (1 - self._y)  # reuse f(x) from forward


@LAYERS.register()
class Tanh(_Activation):
    """f(x) = tanh x;  f'(x) = 1 − f(x)²."""

    def function(self, x):
        return np.tanh(_float(x))

    def derivative(self, x):
        t = np.tanh(_float(x))
        return 1 - t * t

    def backward(self, grad_out):
        return grad_out * (1 - self._y * self._y)


@LAYERS.register()
class ArcTan(_Activation):
    """f(x) = arctan x ∈ (−π/2, π/2);  f'(x) = 1 / (x² + 1)."""

    def function(self, x):
        return np.arctan(_float(x))

    def derivative(self, x):
        x = _float(x)
        return 1 / (x * x + 1)


@LAYERS.register()
class ReLU(_Activation):
    """f(x) = max(x, 0);  f'(x) = 1 if x > 0 else 0 (0 at x = 0, as torch)."""

    def function(self, x):
        return np.maximum(_float(x), 0)

    def derivative(self, x):
        x = _float(x)
        return (x > 0).astype(x.dtype)

    def backward(self, grad_out):
        return grad_out * (self._x > 0)  # bool mask: no float temporary


@LAYERS.register()
class LeakyReLU(_Activation):
    """f(x) = x if x > 0 else αx;  f'(x) = 1 if x > 0 else α (α at 0, as torch).

    Written f(x) = x + (α − 1)·min(x, 0): branch-free and valid for any α.
    """

    def __init__(self, alpha: float = 0.01) -> None:
        super().__init__()
        self.alpha = float(alpha)

    def function(self, x):
        x = _float(x)
        return x + (self.alpha - 1) * np.minimum(x, 0)

    def derivative(self, x):
        x = _float(x)
        return 1 + (self.alpha - 1) * (x <= 0).astype(x.dtype)

    def describe(self):
        return f"LeakyReLU(alpha={self.alpha:g})"

    def settings(self) -> dict:
        return {"alpha": self.alpha}


@LAYERS.register()
class PReLU(_Activation):
    """LeakyReLU whose slope α is learned (one scalar shared by all units, torch's
    ``num_parameters=1``).

    params {"alpha": (1,)}
    f(x) = x if x > 0 else αx;  ∂f/∂x = 1 if x > 0 else α;  ∂f/∂α = 0 if x > 0 else x
    Backward: dL/dx = g ⊙ ∂f/∂x,  dL/dα = Σ g ⊙ ∂f/∂α  (summed over every entry).
    """

    def __init__(self, init: float = 0.25, dtype=np.float64) -> None:
        super().__init__()
        self.dtype = np.dtype(dtype)
        self.init = float(init)
        self.params = {"alpha": np.full(1, init, dtype=self.dtype)}
        self.grads = {"alpha": np.zeros(1, dtype=self.dtype)}

    def _alpha(self, x):
        return x.dtype.type(self.params["alpha"][0])  # keep x's dtype

    def function(self, x):
        x = _float(x)
        return x + (self._alpha(x) - 1) * np.minimum(x, 0)  # branch-free, as LeakyReLU

    def derivative(self, x):
        x = _float(x)
        return 1 + (self._alpha(x) - 1) * (x <= 0).astype(x.dtype)

    def backward(self, grad_out):
        neg_x = np.minimum(self._x, 0)  # = ∂f/∂α
        self.grads["alpha"][0] = np.sum(grad_out * neg_x)
        return grad_out * self.derivative(self._x)

    def describe(self):
        return f"PReLU(alpha={float(self.params['alpha'][0]):g})"

    def settings(self) -> dict:
        """The slope's starting value (the slope itself is a parameter, traced)."""
        return {"init": self.init}


@LAYERS.register()
class ELU(_Activation):
    """f(x) = x if x > 0 else α(eˣ − 1);  f'(x) = 1 if x > 0 else αeˣ (= f(x) + α)."""

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = float(alpha)

    # Branch-free: max(x, 0) + α(e^{min(x,0)} − 1); min(x, 0) also keeps exp finite.
    def function(self, x):
        x = _float(x)
        return np.maximum(x, 0) + self.alpha * np.expm1(np.minimum(x, 0))

    def derivative(self, x):
        x = _float(x)
        neg = (x <= 0).astype(x.dtype)
        return (1 - neg) + neg * (self.alpha * np.exp(np.minimum(x, 0)))

    def describe(self):
        return f"ELU(alpha={self.alpha:g})"

    def settings(self) -> dict:
        return {"alpha": self.alpha}


@LAYERS.register()
class Softplus(_Activation):
    """f(x) = log(1 + eˣ), a smooth ReLU;  f'(x) = σ(x).

    Computed as max(x, 0) + log1p(e^{−|x|}): no overflow for large x, no loss of
    precision for very negative x. (torch switches to f(x) = x above x = 20, which
    differs from the exact value by < 2.1e-9.)
    """

    def function(self, x):
        x = _float(x)
        return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))

    def derivative(self, x):
        return sigmoid(x)


@LAYERS.register()
class Softmax(_Activation):
    """Softmax over the last axis: y_k = e^{x_k} / Σ_j e^{x_j}.

    Shapes: x (..., K) -> y (..., K), each row summing to 1. Computed from
    x − max(x) (same result, no overflow).
    Not elementwise: ∂y_k/∂x_j = y_k(δ_kj − y_j), so backward is the
    Jacobian-vector product
        dL/dx = y ⊙ (g − Σ_k g_k y_k)      (g = dL/dy, sum over the last axis)
    which never forms the K x K Jacobian.
    """

    def function(self, x):
        x = _float(x)
        e = np.exp(x - np.max(x, axis=-1, keepdims=True))
        return e / np.sum(e, axis=-1, keepdims=True)

    def derivative(self, x):
        raise NotImplementedError(
            "Softmax is not elementwise: use jacobian(x) or backward(grad_out)")

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """J[..., k, j] = ∂y_k/∂x_j = y_k(δ_kj − y_j), shape (..., K, K); for display."""
        y = self.function(x)
        return y[..., :, None] * (np.eye(y.shape[-1], dtype=y.dtype) - y[..., None, :])

    def backward(self, grad_out):
        y = self._y
        return y * (grad_out - np.sum(grad_out * y, axis=-1, keepdims=True))

