"""Flatten: the bridge from convolutional feature maps to dense layers."""
from __future__ import annotations

import numpy as np

from nnanim.engine.errors import ShapeError
from nnanim.engine.layer import Layer
from nnanim.engine.registry import LAYERS


@LAYERS.register()
class Flatten(Layer):
    """Merge every axis but the batch axis.

    Shapes
    ------
    x : (N, C, H, W)  ->  y : (N, C·H·W)   (any (N, ...) works)

    Forward:  y = reshape(x, (N, -1))   in C order, as torch.flatten(x, 1)
    Backward: dL/dx = reshape(dL/dy, x.shape)
    No copy unless x is not C-contiguous.
    """

    def __init__(self) -> None:
        super().__init__()
        self._x_shape: tuple | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim < 2:
            raise ShapeError(f"Flatten: expected input (N, ...), got shape {tuple(x.shape)}")
        self._x_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        return np.asarray(grad_out).reshape(self._x_shape)

    def describe(self) -> str:
        return "Flatten()"
