"""Central finite differences, to check analytic gradients."""
from __future__ import annotations

from typing import Callable

import numpy as np


def numerical_grad(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6,
                   indices: np.ndarray | None = None) -> np.ndarray:
    """dF/dx by central differences, perturbing ``x`` in place one entry at a time.

    ``f`` takes no argument and reads ``x`` itself (so it can be a closure over a
    layer's parameter). Each entry costs two calls of ``f``; meant for small arrays.
        g_i = (f(x + eps·e_i) - f(x - eps·e_i)) / (2·eps)
    With ``indices`` (flat positions), only those entries: returns g[indices], 1-D.
    """
    flat = x.reshape(-1)  # a view: x must be contiguous
    idx = np.arange(flat.size) if indices is None else np.asarray(indices)
    g = np.empty(len(idx), dtype=np.float64)
    for k, i in enumerate(idx):
        old = flat[i]
        flat[i] = old + eps
        fp = f()
        flat[i] = old - eps
        fm = f()
        flat[i] = old
        g[k] = (fp - fm) / (2 * eps)
    return g.reshape(x.shape) if indices is None else g


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(|a|, |b|, tiny): 0 when equal, ~1 when unrelated."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    denom = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(b), initial=0.0), 1e-12)
    return float(np.max(np.abs(a - b), initial=0.0) / denom)
