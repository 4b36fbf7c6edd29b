"""The contract every layer keeps: forward, backward, params, grads."""
from __future__ import annotations

import numpy as np


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

    def __repr__(self) -> str:
        return self.describe()
