"""L1 and L2 penalties on chosen parameters, added to the loss and to its gradient.

Parameters are named "layer.param" (e.g. "dense_0.W"). A regularizer's ``on`` lists
parameter names: a bare name ("W", "b") selects that parameter of every layer, a
qualified one ("dense_0.W") exactly that array.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

from .errors import ConfigError


class Regularizer:
    """Base: ``penalty(named_params) -> float`` and ``add_grad(named_params, named_grads)``.

    named_params, named_grads: dict "layer.param" -> ndarray (same keys and shapes).
    """

    name = "regularizer"

    def __init__(self, lam: float, on: Iterable[str] | str = ("W",)) -> None:
        is_number = isinstance(lam, (int, float, np.number)) and not isinstance(lam, bool)
        if not (is_number and np.isfinite(lam) and lam >= 0):
            raise ConfigError(f"{self.name}: lambda must be a number >= 0, got {lam!r}")
        on = (on,) if isinstance(on, str) else tuple(on)
        if not on or not all(isinstance(n, str) and n for n in on):
            raise ConfigError(f"{self.name}: 'on' must list parameter names such as "
                              f"'W' or 'dense_0.W', got {on!r}")
        self.lam = float(lam)
        self.on = on

    def applies_to(self, key: str) -> bool:
        """Whether parameter ``key`` ("layer.param") is penalized: key == n or key ends in ".n"."""
        return any(key == n or key.endswith("." + n) for n in self.on)

    def selected(self, named_params: dict) -> list[str]:
        return [k for k in named_params if self.applies_to(k)]

    def validate(self, keys: Iterable[str]) -> None:
        """Raise ConfigError when ``on`` matches none of ``keys`` (a typo would do nothing)."""
        keys = list(keys)
        if not any(self.applies_to(k) for k in keys):
            raise ConfigError(f"{self.name}: on={list(self.on)} matches no parameter; "
                              f"parameters: {', '.join(keys) or 'none'}")

    def penalty(self, named_params: dict[str, np.ndarray]) -> float:
        raise NotImplementedError

    def add_grad(self, named_params: dict[str, np.ndarray],
                 named_grads: dict[str, np.ndarray]) -> None:
        raise NotImplementedError

    def describe(self) -> str:
        return f"{type(self).__name__}(lam={self.lam:g}, on={self.on})"

    def __repr__(self) -> str:
        return self.describe()


class L1(Regularizer):
    """L1 penalty (lasso): loss + λ ‖θ‖₁ over the selected parameters.

        penalty = λ Σ_θ Σ_i |θ_i|
        d penalty / dθ = λ sign(θ)          (0 at θ_i = 0)
    """

    name = "l1"

    def penalty(self, named_params: dict[str, np.ndarray]) -> float:
        return self.lam * sum(float(np.sum(np.abs(named_params[k])))
                              for k in self.selected(named_params))

    def add_grad(self, named_params: dict[str, np.ndarray],
                 named_grads: dict[str, np.ndarray]) -> None:
        """named_grads[k] += λ sign(θ_k), in place, for every selected k."""
        for k in self.selected(named_params):
            named_grads[k] += self.lam * np.sign(named_params[k])


class L2(Regularizer):
    """L2 penalty (ridge): loss + λ ‖θ‖₂² over the selected parameters (no ½).

        penalty = λ Σ_θ Σ_i θ_i²
        d penalty / dθ = 2 λ θ
    So L2(λ) is SGD's ``weight_decay = 2λ`` (torch's weight decay adds wd·θ to the gradient).
    """

    name = "l2"

    def penalty(self, named_params: dict[str, np.ndarray]) -> float:
        return self.lam * sum(float(np.sum(np.square(named_params[k])))
                              for k in self.selected(named_params))

    def add_grad(self, named_params: dict[str, np.ndarray],
                 named_grads: dict[str, np.ndarray]) -> None:
        """named_grads[k] += 2 λ θ_k, in place, for every selected k."""
        for k in self.selected(named_params):
            named_grads[k] += (2 * self.lam) * named_params[k]


_REGULARIZERS = {"l1": L1, "l2": L2}


def get_regularizer(name: str, lam: float, on: Iterable[str] | str = ("W",)) -> Regularizer:
    """L1 or L2 from its name ("l1", "l2", case-insensitive)."""
    cls = _REGULARIZERS.get(str(name).lower())
    if cls is None:
        raise ConfigError(f"unknown regularizer {name!r}; valid: {', '.join(_REGULARIZERS)}")
    return cls(lam, on=on)
