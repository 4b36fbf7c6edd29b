"""The contract every layer keeps: forward, backward, params, grads."""
from __future__ import annotations

import numpy as np

from .errors import ShapeError


def pair(v, what: str, layer: str) -> tuple[int, int]:
    """An int or an (h, w) pair of ints as (h, w); ShapeError naming ``layer`` otherwise."""
    if isinstance(v, (int, np.integer)):
        return int(v), int(v)
    if isinstance(v, (tuple, list)) and len(v) == 2 and all(
            isinstance(e, (int, np.integer)) for e in v):
        return int(v[0]), int(v[1])
    raise ShapeError(f"{layer}: {what} must be an int or an (h, w) pair, got {v!r}")


class Layer:
    """Base class of every layer.

    A layer maps x -> y in ``forward`` and, given dL/dy, returns dL/dx in
    ``backward`` while filling ``grads`` with dL/dθ for each θ in ``params``.
    ``forward`` caches what ``backward`` needs, so backward always refers to the
    most recent forward call.

    Attributes
    ----------
    params : dict[str, ndarray]   learnable arrays, updated in place by optimizers
    grads  : dict[str, ndarray]   same keys and shapes as ``params``
    training : bool               False in evaluation mode (Dropout is then the identity)
    name : str                    set by ``Sequential`` (e.g. ``"dense_0"``)
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.training: bool = True
        self.name: str = type(self).__name__.lower()

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def zero_grad(self) -> None:
        for k, v in self.grads.items():
            v[...] = 0

    def describe(self) -> str:
        """One line for summaries, e.g. ``Dense(2 -> 3)``."""
        return type(self).__name__

    def settings(self) -> dict:
        """The hyper-parameters, as plain JSON numbers (pairs as [h, w] lists), so a
        reader of the trace needs neither the config nor ``describe`` to know them."""
        return {}

    def manifest_entry(self) -> dict:
        """What a trace manifest says about this layer."""
        return {"name": self.name, "type": type(self).__name__, "describe": self.describe(),
                "params": {k: list(v.shape) for k, v in self.params.items()},
                "settings": self.settings()}

    def __repr__(self) -> str:
        return self.describe()
