"""Optimizers: SGD (momentum, Nesterov, weight decay), RMSprop, Adam — torch.optim's math.

``opt.step(params, grads)`` updates every array of ``params`` in place (layers hold
those very arrays), keyed by qualified names like "dense_0.W"; ``grads`` has the same
keys and shapes and is never modified. Per-key buffers live in ``opt.state[key]`` and
are created (as zeros of the parameter's shape and dtype) on the first step of a key.
``opt.lr`` is a plain attribute that a schedule may change between steps.
Config names: "sgd", "momentum" (SGD, momentum 0.9), "nesterov" (SGD, momentum 0.9,
Nesterov), "rmsprop", "adam".
"""
from __future__ import annotations

import inspect
import math

import numpy as np

from .errors import ConfigError, ShapeError
from .registry import OPTIMIZERS


def _check(ok: bool, what: str, value) -> None:
    if not ok:
        raise ConfigError(f"optimizer: {what}, got {value!r}")


def _number(x) -> bool:
    return isinstance(x, (int, float, np.number)) and not isinstance(x, bool) and math.isfinite(x)


def _fraction(name: str, x) -> float:
    """x validated to lie in [0, 1) (momentum, decay rates)."""
    _check(_number(x) and 0 <= x < 1, f"{name} must be in [0, 1)", x)
    return float(x)


class Optimizer:
    """Base: per-key state, ``step(params, grads)``, ``state_arrays(key)`` (copies) and
    ``state_buffers(key)`` (the live buffers).

    params, grads: dict[str, ndarray], same keys, same shape per key.
    """

    name = "optimizer"

    def __init__(self, lr: float) -> None:
        _check(_number(lr) and lr > 0, "lr must be a number > 0", lr)
        self.lr = float(lr)
        self.state: dict[str, dict[str, np.ndarray]] = {}

    @property
    def state_names(self) -> tuple[str, ...]:
        """Names of the per-key state buffers this optimizer keeps."""
        return ()

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """One update of every parameter, in place."""
        for key, p in params.items():
            if key not in grads:
                raise KeyError(f"no gradient for parameter {key!r}")
            g = np.asarray(grads[key])
            if g.shape != p.shape:
                raise ShapeError(f"gradient of {key!r} has shape {g.shape}, parameter {p.shape}")
            self._update(key, p, g)

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError

    def _buffers(self, key: str, p: np.ndarray) -> dict[str, np.ndarray]:
        st = self.state.get(key)
        if st is None:
            st = self.state[key] = {n: np.zeros_like(p) for n in self.state_names}
        return st

    def state_arrays(self, key: str) -> dict[str, np.ndarray]:
        """Copies of key's state buffers, name -> array ({} before its first step)."""
        return {n: a.copy() for n, a in self.state.get(key, {}).items()}

    def state_buffers(self, key: str) -> dict[str, np.ndarray]:
        """key's live state buffers, name -> array, not copied: the next ``step`` changes
        them in place (for a trace writer, which copies what it keeps)."""
        return dict(self.state.get(key, {}))

    def reset(self) -> None:
        """Forget all state, as a fresh optimizer."""
        self.state.clear()

    def hparams(self) -> dict:
        """The constructor arguments, for trace metadata."""
        return {k: getattr(self, k) for k in inspect.signature(type(self)).parameters}

    def describe(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hparams().items())
        return f"{type(self).__name__}({args})"

    def __repr__(self) -> str:
        return self.describe()


@OPTIMIZERS.register("nesterov", defaults={"momentum": 0.9, "nesterov": True})
@OPTIMIZERS.register("momentum", defaults={"momentum": 0.9})
@OPTIMIZERS.register("sgd")
class SGD(Optimizer):
    """Stochastic gradient descent, torch.optim.SGD's convention (no dampening).

    g ← g + wd·θ                       (weight decay; L2 penalty ½·wd‖θ‖²)
    plain:     θ ← θ − lr·g
    momentum:  v ← μ v + g,  θ ← θ − lr·v          (v starts at 0, so v₁ = g₁)
    Nesterov:  v ← μ v + g,  θ ← θ − lr·(g + μ v)
    State: {"velocity"} when μ > 0.
    """

    def __init__(self, lr: float, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0) -> None:
        super().__init__(lr)
        self.momentum = _fraction("momentum", momentum)
        _check(isinstance(nesterov, (bool, np.bool_)), "nesterov must be true or false", nesterov)
        _check(not nesterov or self.momentum > 0, "nesterov needs momentum > 0", momentum)
        self.nesterov = bool(nesterov)
        _check(_number(weight_decay) and weight_decay >= 0, "weight_decay must be >= 0",
               weight_decay)
        self.weight_decay = float(weight_decay)

    @property
    def name(self) -> str:
        return "nesterov" if self.nesterov else ("momentum" if self.momentum else "sgd")

    @property
    def state_names(self) -> tuple[str, ...]:
        return ("velocity",) if self.momentum else ()

    def _update(self, key, p, g):
        if self.weight_decay:
            g = g + self.weight_decay * p
        if self.momentum:
            v = self._buffers(key, p)["velocity"]
            v *= self.momentum
            v += g
            g = g + self.momentum * v if self.nesterov else v
        p -= self.lr * g


@OPTIMIZERS.register("rmsprop")
class RMSprop(Optimizer):
    """RMSprop, torch.optim.RMSprop's convention (eps added after the square root).

    s ← α s + (1 − α) g²
    plain:     θ ← θ − lr · g / (√s + eps)
    momentum:  b ← μ b + g / (√s + eps),  θ ← θ − lr·b
    State: {"square_avg"} and {"momentum_buffer"} when μ > 0.
    """

    name = "rmsprop"

    def __init__(self, lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8,
                 momentum: float = 0.0) -> None:
        super().__init__(lr)
        self.alpha = _fraction("alpha", alpha)
        _check(_number(eps) and eps > 0, "eps must be > 0", eps)
        self.eps = float(eps)
        self.momentum = _fraction("momentum", momentum)

    @property
    def state_names(self) -> tuple[str, ...]:
        return ("square_avg", "momentum_buffer") if self.momentum else ("square_avg",)

    def _update(self, key, p, g):
        st = self._buffers(key, p)
        s = st["square_avg"]
        s *= self.alpha
        s += (1 - self.alpha) * g * g
        step = g / (np.sqrt(s) + self.eps)
        if self.momentum:
            b = st["momentum_buffer"]
            b *= self.momentum
            b += step
            step = b
        p -= self.lr * step


@OPTIMIZERS.register("adam")
class Adam(Optimizer):
    """Adam, bias-corrected exactly as torch.optim.Adam.

    t ← t + 1 (once per ``step`` call, shared by all keys)
    m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²
    θ ← θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + eps)
    State: {"m", "v"} per key and the step count ``t``.
    """

    name = "adam"

    def __init__(self, lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8) -> None:
        super().__init__(lr)
        _check(isinstance(betas, (tuple, list)) and len(betas) == 2, "betas must be 2 numbers",
               betas)
        self.betas = (_fraction("betas[0]", betas[0]), _fraction("betas[1]", betas[1]))
        _check(_number(eps) and eps > 0, "eps must be > 0", eps)
        self.eps = float(eps)
        self.t = 0

    @property
    def state_names(self) -> tuple[str, ...]:
        return ("m", "v")

    def step(self, params, grads) -> None:
        self.t += 1
        super().step(params, grads)

    def reset(self) -> None:
        super().reset()
        self.t = 0

    def _update(self, key, p, g):
        b1, b2 = self.betas
        st = self._buffers(key, p)
        m, v = st["m"], st["v"]
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        step_size = self.lr / (1 - b1 ** self.t)
        denom = np.sqrt(v) / math.sqrt(1 - b2 ** self.t) + self.eps
        p -= step_size * m / denom

