"""Weight initializers: He (normal), Glorot (uniform), small uniform.

Each returns a float64 array of ``shape``; layers cast it to their dtype. All
randomness comes from the ``numpy.random.Generator`` passed in, so a seed fixes
the weights; ``rng=None`` means ``np.random.default_rng(0)`` (reproducible, not
"fresh entropy").
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from nnanim.engine.errors import ConfigError

Initializer = Callable[[tuple, int, int, "np.random.Generator | None"], np.ndarray]


def _rng(rng: np.random.Generator | None) -> np.random.Generator:
    return np.random.default_rng(0) if rng is None else rng


def he(shape: tuple, fan_in: int, rng: np.random.Generator | None = None) -> np.ndarray:
    """He/Kaiming normal: W ~ N(0, 2 / fan_in).

    Keeps the variance of ReLU activations constant from layer to layer (half
    the units are zeroed, hence the 2).
    """
    return _rng(rng).normal(0.0, np.sqrt(2.0 / fan_in), size=shape)


def glorot(shape: tuple, fan_in: int, fan_out: int,
           rng: np.random.Generator | None = None) -> np.ndarray:
    """Glorot/Xavier uniform: W ~ U(-l, l), l = sqrt(6 / (fan_in + fan_out)).

    Var = l²/3 = 2 / (fan_in + fan_out): a compromise between keeping forward
    activations and backward gradients at constant variance (tanh/sigmoid nets).
    """
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return _rng(rng).uniform(-limit, limit, size=shape)


def small_uniform(shape: tuple, rng: np.random.Generator | None = None,
                  scale: float = 0.1) -> np.ndarray:
    """W ~ U(-scale, scale): the naive scheme, useful to show why scaling matters."""
    return _rng(rng).uniform(-scale, scale, size=shape)


# Uniform signature (shape, fan_in, fan_out, rng) so layers need not know which
# fans an initializer reads.
_INITIALIZERS: dict[str, Initializer] = {
    "he": lambda shape, fan_in, fan_out, rng=None: he(shape, fan_in, rng),
    "glorot": lambda shape, fan_in, fan_out, rng=None: glorot(shape, fan_in, fan_out, rng),
    "small_uniform": lambda shape, fan_in, fan_out, rng=None: small_uniform(shape, rng),
}
_ALIASES = {"kaiming": "he", "xavier": "glorot"}


def get_initializer(name: str) -> Initializer:
    """The initializer called ``name`` as ``f(shape, fan_in, fan_out, rng) -> ndarray``.

    Names: ``he`` (alias ``kaiming``), ``glorot`` (alias ``xavier``),
    ``small_uniform``. Unknown names raise ``ConfigError``.
    """
    key = _ALIASES.get(str(name).lower(), str(name).lower())
    if key not in _INITIALIZERS:
        raise ConfigError(
            f"unknown initializer {name!r} (choose one of: {', '.join(_INITIALIZERS)})")
    return _INITIALIZERS[key]
