"""Gradient clipping, in place, exactly as torch.nn.utils.clip_grad_value_ / clip_grad_norm_.

``grads`` is a dict name -> ndarray (or any iterable of arrays); arrays are modified
in place and keep their dtype.
"""
from __future__ import annotations

import math
from typing import Iterable, Mapping

import numpy as np

from .errors import ConfigError


def _arrays(grads: Mapping[str, np.ndarray] | Iterable[np.ndarray]) -> list[np.ndarray]:
    return list(grads.values()) if isinstance(grads, Mapping) else list(grads)


def _positive(name: str, x) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float, np.number)) or not x > 0:
        raise ConfigError(f"clip: {name} must be a number > 0, got {x!r}")
    return float(x)


def clip_by_value(grads, clip_value: float) -> None:
    """Clamp every gradient entry to [−c, c], in place: g ← min(max(g, −c), c)."""
    c = _positive("clip_value", clip_value)
    for g in _arrays(grads):
        np.clip(g, -c, c, out=g)


def clip_by_norm(grads, max_norm: float) -> float:
    """Rescale all gradients together so that their global L2 norm is at most ``max_norm``.

        total = ‖(g₁, …, g_k)‖₂ = √(Σ_j ‖g_j‖₂²)
        g_j ← g_j · max_norm / (total + 1e-6)       only when that factor is < 1
    Returns ``total``, the norm before clipping (as torch does).
    """
    m = _positive("max_norm", max_norm)
    arrays = _arrays(grads)
    # norm of the per-array norms, as torch: no overflow from squaring big entries twice
    total = float(np.linalg.norm([np.linalg.norm(g.ravel()) for g in arrays])) if arrays else 0.0
    coef = m / (total + 1e-6)
    if coef < 1 or math.isnan(coef):  # torch multiplies a NaN norm through as well
        for g in arrays:
            g *= coef
    return total
