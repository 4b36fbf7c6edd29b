"""Data sets by name (``[data] name``): synthetic 2-D sets in the spirit of TensorFlow
Playground, MNIST, and small helpers.

Every 2-D generator returns ``(X, y)``: ``X`` float (n, 2), ``y`` int64 (n,) with labels 0..K-1.
Common conventions, so lessons can compare sets:

* points live roughly in [-1, 1]² (the n=4 XOR truth table is the one exception: {0, 1}²);
* classes are balanced by construction (class counts differ by at most one) and rows are
  shuffled, so the first rows are not all one class;
* ``noise`` is the standard deviation of Gaussian jitter ε ~ N(0, noise²·I) added to every point
  after its label is fixed, so more noise means overlapping classes, not relabelled points;
* all randomness comes from ``rng`` (a ``numpy.random.Generator``); ``rng=None`` means
  ``default_rng(0)``, so a call without a generator is still reproducible.
"""
from __future__ import annotations

import numbers

import numpy as np

from nnanim.engine import mnist
from nnanim.engine.errors import ConfigError
from nnanim.engine.registry import DATASETS

__all__ = [
    "xor", "circles", "gaussian_blobs", "spiral", "moons", "regression_1d", "mnist_subset",
    "mnist_idx", "one_hot", "train_val_split", "get_dataset", "DATASETS",
]


# --------------------------------------------------------------------------- validation
def _check_n(name: str, n, minimum: int = 1) -> int:
    # minimum = number of classes, so every class appears; bool is an Integral, but n=True isn't.
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < minimum:
        raise ConfigError(f"{name}: n must be an integer >= {minimum}, got {n!r}")
    return int(n)


def _check_noise(name: str, noise) -> float:
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not np.isfinite(noise) \
            or noise < 0:
        raise ConfigError(f"{name}: noise must be a finite number >= 0, got {noise!r}")
    return float(noise)


def _check_classes(name: str, field: str, k) -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 2:
        raise ConfigError(f"{name}: {field} must be an integer >= 2, got {k!r}")
    return int(k)


def _rng(rng) -> np.random.Generator:
    if rng is None:
        return np.random.default_rng(0)
    if not isinstance(rng, np.random.Generator):
        raise ConfigError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng


def _balanced_labels(n: int, k: int) -> np.ndarray:
    """(n,) labels 0..k-1 with counts differing by at most one (shuffled later)."""
    return np.arange(n, dtype=np.int64) % k


def _finish(X: np.ndarray, y: np.ndarray, noise: float, rng: np.random.Generator,
            dtype) -> tuple[np.ndarray, np.ndarray]:
    """Add the Gaussian jitter, shuffle the rows, cast."""
    if noise > 0:
        X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(len(y))
    return X[order].astype(dtype, copy=False), y[order]


# --------------------------------------------------------------------------- generators
@DATASETS.register()
def xor(n: int = 4, noise: float = 0.0, rng=None, dtype=np.float64):
    """The XOR problem.

    ``n == 4``: the truth table, in this fixed order (no shuffle)::

        X = [[0, 0], [0, 1], [1, 0], [1, 1]]      y = [0, 1, 1, 0]

    plus jitter if ``noise > 0``.

    Other ``n``: Playground's XOR. Each point picks a quadrant (s1, s2) ∈ {-1, +1}² and
        x_i = s_i · u_i + ε_i,   u_i ~ U(0.1, 1),   y = [s1 ≠ s2] = [x1·x2 < 0] (before jitter)
    which is XOR of the bits (x1 > 0, x2 > 0). The 0.1 margin keeps points off the axes, as the
    Playground's padding does.

    Returns X (n, 2), y (n,) int64 in {0, 1}.
    """
    n, noise, rng = _check_n("xor", n, 2), _check_noise("xor", noise), _rng(rng)
    if n == 4:
        X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
        y = np.array([0, 1, 1, 0], dtype=np.int64)
        if noise > 0:
            X = X + noise * rng.standard_normal(X.shape)
        return X.astype(dtype, copy=False), y
    quadrant = np.arange(n) % 4                         # balanced quadrants -> balanced labels
    signs = np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]], dtype=np.float64)[quadrant]
    X = signs * rng.uniform(0.1, 1.0, size=(n, 2))
    y = (signs[:, 0] != signs[:, 1]).astype(np.int64)
    return _finish(X, y, noise, rng, dtype)


@DATASETS.register()
def circles(n: int = 200, noise: float = 0.0, rng=None, dtype=np.float64):
    """A disc inside a ring (Playground's "circle").

    With angle θ ~ U(0, 2π) and radius r:
        class 1 (inner disc):  r ~ U(0, 0.5)
        class 0 (outer ring):  r ~ U(0.7, 1.0)
        x = r · (cos θ, sin θ) + ε

    Returns X (n, 2), y (n,) int64 in {0, 1}; not linearly separable, but separable with the
    feature x1² + x2².
    """
    n, noise, rng = _check_n("circles", n, 2), _check_noise("circles", noise), _rng(rng)
    y = _balanced_labels(n, 2)
    theta = rng.uniform(0.0, 2 * np.pi, size=n)
    r = np.where(y == 1, rng.uniform(0.0, 0.5, size=n), rng.uniform(0.7, 1.0, size=n))
    X = r[:, None] * np.stack([np.cos(theta), np.sin(theta)], axis=1)
    return _finish(X, y, noise, rng, dtype)


@DATASETS.register()
def gaussian_blobs(n: int = 200, centers=2, noise: float = 0.0, rng=None, std: float = 0.15,
                   dtype=np.float64):
    """Isotropic Gaussian clusters, one per class.

    ``centers`` is either K (an int >= 2), placing the centres evenly on a circle of radius 0.6
    starting on the diagonal (K=2 gives Playground's two opposite blobs):
        c_k = 0.6 · (cos φ_k, sin φ_k),   φ_k = π/4 + 2πk/K
    or an explicit (K, 2) array of centres. Then
        x = c_y + std · z + ε,   z ~ N(0, I)
    so the spread of a blob is sqrt(std² + noise²).

    Returns X (n, 2), y (n,) int64 in {0..K-1}.
    """
    noise, rng = _check_noise("gaussian_blobs", noise), _rng(rng)
    if isinstance(centers, numbers.Integral) and not isinstance(centers, bool):
        k = _check_classes("gaussian_blobs", "centers", centers)
        phi = np.pi / 4 + 2 * np.pi * np.arange(k) / k
        c = 0.6 * np.stack([np.cos(phi), np.sin(phi)], axis=1)
    else:
        c = np.asarray(centers, dtype=np.float64)
        if c.ndim != 2 or c.shape[1] != 2 or c.shape[0] < 2 or not np.all(np.isfinite(c)):
            raise ConfigError("gaussian_blobs: centers must be an integer >= 2 or a (K, 2) array "
                              f"of finite centres with K >= 2, got {centers!r}")
        k = c.shape[0]
    if isinstance(std, bool) or not isinstance(std, numbers.Real) or not np.isfinite(std) \
            or std < 0:
        raise ConfigError(f"gaussian_blobs: std must be a finite number >= 0, got {std!r}")
    n = _check_n("gaussian_blobs", n, k)
    y = _balanced_labels(n, k)
    X = c[y] + std * rng.standard_normal((n, 2))
    return _finish(X, y, noise, rng, dtype)


@DATASETS.register()
def spiral(n: int = 200, classes: int = 2, noise: float = 0.0, rng=None, dtype=np.float64):
    """Interleaved spiral arms, one per class (Playground's spiral, generalised to K arms).

    The j-th of the m_k points of class k sits at s = j / m_k ∈ [0, 1) along its arm:
        r = s,   θ = 1.75 · 2π · s + 2πk/K,   x = r · (sin θ, cos θ) + ε
    Arms are evenly spaced rather than randomly sampled, so noise=0 draws clean curves and the
    rng only shuffles the rows.

    Returns X (n, 2), y (n,) int64 in {0..K-1}; the classic hard case for a shallow network.
    """
    k = _check_classes("spiral", "classes", classes)
    n, noise, rng = _check_n("spiral", n, k), _check_noise("spiral", noise), _rng(rng)
    y = _balanced_labels(n, k)
    j = np.arange(n) // k                               # position along the arm
    m = np.bincount(y, minlength=k)[y]                  # points on this arm
    s = j / m
    theta = 1.75 * 2 * np.pi * s + 2 * np.pi * y / k
    X = s[:, None] * np.stack([np.sin(theta), np.cos(theta)], axis=1)
    return _finish(X, y, noise, rng, dtype)


@DATASETS.register()
def moons(n: int = 200, noise: float = 0.0, rng=None, dtype=np.float64):
    """Two interleaving half circles (as scikit-learn's ``make_moons``), rescaled to [-1, 1]².

    With t evenly spaced in [0, π] along each moon:
        class 0 (upper):  p = (cos t, sin t)
        class 1 (lower):  p = (1 − cos t, 0.5 − sin t)
        x = (p − (0.5, 0.25)) / 1.5 + ε
    The shift and scale only centre the pair in [-1, 1] × [-0.5, 0.5].

    Returns X (n, 2), y (n,) int64 in {0, 1}.
    """
    n, noise, rng = _check_n("moons", n, 2), _check_noise("moons", noise), _rng(rng)
    y = _balanced_labels(n, 2)
    j = np.arange(n) // 2                               # position along the moon
    m = np.bincount(y, minlength=2)[y]
    t = np.pi * j / np.maximum(m - 1, 1)                # endpoints included, as make_moons does
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    X = (np.where(y[:, None] == 0, upper, lower) - [0.5, 0.25]) / 1.5
    return _finish(X, y, noise, rng, dtype)


@DATASETS.register()
def regression_1d(n: int = 20, slope: float = 2.0, intercept: float = 1.0, noise: float = 0.2,
                  rng=None, x_range: tuple[float, float] = (-1.0, 1.0), outliers=(),
                  dtype=np.float64):
    """Noisy points around a line, for linear-regression lessons.

        x ~ U(x_range),   y = slope · x + intercept + ε,   ε ~ N(0, noise²)

    then the ``outliers``, [x, y] pairs, appended as given (the robust-loss lesson).
    Returns x (n + outliers,), y, both float (unsorted; sort by x to draw a line).
    Least squares recovers slope and intercept as n grows, which the lesson can show.
    """
    name = "regression_1d"
    n, noise, rng = _check_n(name, n), _check_noise(name, noise), _rng(rng)
    for field, v in (("slope", slope), ("intercept", intercept)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v):
            raise ConfigError(f"{name}: {field} must be a finite number, got {v!r}")
    x = rng.uniform(*_x_range(name, x_range), size=n)
    y = slope * x + intercept
    if noise > 0:
        y = y + noise * rng.standard_normal(n)
    extra = np.asarray(outliers, dtype=float).reshape(-1, 2) if len(outliers) else np.zeros((0, 2))
    if not np.all(np.isfinite(extra)):
        raise ConfigError(f"{name}: outliers must be [x, y] pairs of finite numbers")
    x, y = np.concatenate([x, extra[:, 0]]), np.concatenate([y, extra[:, 1]])
    return x.astype(dtype, copy=False), y.astype(dtype, copy=False)


def _x_range(name: str, x_range) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in x_range)
    except (TypeError, ValueError):
        raise ConfigError(f"{name}: x_range must be two numbers (low, high), got {x_range!r}") \
            from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ConfigError(f"{name}: x_range must satisfy low < high, got {x_range!r}")
    return lo, hi


#: the shapes function_1d can sample, as f(x)
FUNCTIONS_1D = {"sin": np.sin, "bump": lambda x: np.exp(-x * x),
                "abs": np.abs, "step": lambda x: (x > 0).astype(float)}


@DATASETS.register()
def function_1d(n: int = 40, function: str = "bump", noise: float = 0.0, rng=None,
                x_range: tuple[float, float] = (-3.0, 3.0), dtype=np.float64):
    """Points on a curve, for "a network can fit any shape" lessons.

        x evenly spaced over x_range (sorted),   y = f(x) + ε,   ε ~ N(0, noise²)
    with f one of FUNCTIONS_1D ("sin", "bump" = e^(−x²), "abs", "step"). x (n, 1), y (n,).
    """
    name = "function_1d"
    n, noise, rng = _check_n(name, n, 2), _check_noise(name, noise), _rng(rng)
    if function not in FUNCTIONS_1D:
        raise ConfigError(f"{name}: function must be one of {', '.join(FUNCTIONS_1D)}, "
                          f"got {function!r}")
    x = np.linspace(*_x_range(name, x_range), n)
    y = FUNCTIONS_1D[function](x)
    if noise > 0:
        y = y + noise * rng.standard_normal(n)
    return x[:, None].astype(dtype, copy=False), y.astype(dtype, copy=False)


@DATASETS.register()
def blobs_1d(n: int = 40, centers: tuple[float, float] = (-1.0, 1.0), std: float = 0.6,
             rng=None, dtype=np.float64):
    """Two classes on a line, for logistic regression: x ~ N(centers[k], std²) for label k.

    Returns x (n,) float and labels (n,) int64 (half each, the rest to class 1), shuffled.
    The classes overlap when std is large against the centres' distance, so the fitted
    sigmoid has a finite slope.
    """
    name = "blobs_1d"
    n, rng = _check_n(name, n, 2), _rng(rng)
    try:
        c0, c1 = (float(v) for v in centers)
    except (TypeError, ValueError):
        raise ConfigError(f"{name}: centers must be two numbers, got {centers!r}") from None
    if isinstance(std, bool) or not isinstance(std, numbers.Real) or not std > 0:
        raise ConfigError(f"{name}: std must be a number > 0, got {std!r}")
    labels = _balanced_labels(n, 2)
    x = np.where(labels == 0, c0, c1) + std * rng.standard_normal(n)
    order = rng.permutation(n)
    return x[order].astype(dtype, copy=False), labels[order]


@DATASETS.register()
def lines(n: int = 200, size: int = 8, noise: float = 0.0, layout: str = "flat",
          permute: int | None = None, rng=None, dtype=np.float64):
    """Images of one horizontal or one vertical line (the Argonne deck's "why convolutions").

    Each image is size × size zeros with one full row (label 0, horizontal) or one full
    column (label 1, vertical) of ones at a random position, plus N(0, noise²) per pixel.
    ``layout`` "flat" gives X (n, size²), "nchw" (n, 1, size, size). ``permute`` = a seed:
    every image's pixels are shuffled by the same fixed permutation (flat layout only): a
    dense layer learns these exactly as well, a convolution cannot. Labels (n,) int64, half
    each, shuffled.
    """
    name = "lines"
    n, noise, rng = _check_n(name, n, 2), _check_noise(name, noise), _rng(rng)
    if isinstance(size, bool) or not isinstance(size, int) or not 2 <= size <= 64:
        raise ConfigError(f"{name}: size must be an integer in 2..64, got {size!r}")
    if layout not in ("flat", "nchw"):
        raise ConfigError(f"{name}: layout must be 'flat' or 'nchw', got {layout!r}")
    if permute is not None and (layout != "flat" or isinstance(permute, bool)
                                or not isinstance(permute, int)):
        raise ConfigError(f"{name}: permute must be an integer seed, with layout 'flat'")
    labels = rng.permutation(_balanced_labels(n, 2))
    where = rng.integers(0, size, size=n)
    X = np.zeros((n, size, size))
    rows = labels == 0
    X[np.flatnonzero(rows), where[rows], :] = 1.0      # a horizontal line: one row
    X[np.flatnonzero(~rows), :, where[~rows]] = 1.0    # a vertical line: one column
    if noise > 0:
        X = X + noise * rng.standard_normal(X.shape)
    if layout == "nchw":
        return X[:, None].astype(dtype, copy=False), labels
    X = X.reshape(n, size * size)
    if permute is not None:  # one fixed shuffle of the pixel positions, from its own seed
        X = X[:, np.random.default_rng(permute).permutation(size * size)]
    return X.astype(dtype, copy=False), labels


# --------------------------------------------------------------------------- helpers
def one_hot(y, num_classes: int | None = None, dtype=np.float64) -> np.ndarray:
    """Integer labels (n,) -> one-hot matrix (n, K) with Y[i, y_i] = 1.

    ``num_classes`` defaults to max(y) + 1; labels outside 0..K-1 raise ConfigError.
    """
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ConfigError(f"one_hot: y must be a 1-d integer array, got {y.dtype} shape {y.shape}")
    if num_classes is None:
        k = int(y.max()) + 1 if y.size else 1
    elif isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral) \
            or num_classes < 1:
        raise ConfigError(f"one_hot: num_classes must be a positive integer, got {num_classes!r}")
    else:
        k = int(num_classes)
    if y.size and (y.min() < 0 or y.max() >= k):
        raise ConfigError(f"one_hot: labels must lie in 0..{k - 1}, got [{y.min()}, {y.max()}]")
    out = np.zeros((y.size, k), dtype=dtype)
    out[np.arange(y.size), y] = 1
    return out


def train_val_split(X, y, val_fraction: float = 0.2, rng=None):
    """Shuffle with ``rng`` and split into training and validation parts.

    X (n, ...), y (n, ...) -> ``X_train, X_val, y_train, y_val`` (scikit-learn's order), with
    n_val = round(n · val_fraction) clamped to 1..n-1 so neither part is empty. Not stratified.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ConfigError(f"train_val_split: X and y need the same number of rows, "
                          f"got {X.shape} and {y.shape}")
    if isinstance(val_fraction, bool) or not isinstance(val_fraction, numbers.Real) \
            or not 0 < val_fraction < 1:
        raise ConfigError(f"train_val_split: val_fraction must be in (0, 1), got {val_fraction!r}")
    n = len(X)
    if n < 2:
        raise ConfigError(f"train_val_split: need at least 2 samples, got {n}")
    n_val = min(max(int(round(n * val_fraction)), 1), n - 1)
    order = _rng(rng).permutation(n)
    val, train = order[:n_val], order[n_val:]
    return X[train], X[val], y[train], y[val]


# --------------------------------------------------------------------------- MNIST
def _mnist(images, labels, layout: str, limit, standardize: bool, rng):
    """What both MNIST sets do after loading: a random subset, the layout, standardizing."""
    if layout not in ("flat", "nchw"):
        raise ConfigError(f"data.layout must be 'flat' or 'nchw', got {layout!r}")
    if limit is not None:  # a random subset: the bundled file is sorted by label
        keep = np.sort(_rng(rng).permutation(len(images))[:int(limit)])
        images, labels = images[keep], labels[keep]
    x, labels = mnist.prepare(images, labels, layout=layout)
    if standardize:  # MNIST's usual constants: pixel mean 0.1307, std 0.3081
        x = (x - 0.1307) / 0.3081
    return x, labels


@DATASETS.register()
def mnist_subset(path=None, layout: str = "flat", limit: int | None = None,
                 standardize: bool = False, rng=None):
    """The bundled 5000 MNIST digits (or an npz like them): X (N, 784) or (N, 1, 28, 28)
    in [0, 1] (standardized: (x − 0.1307)/0.3081), y (N,) int64; ``limit`` random digits."""
    return _mnist(*mnist.load_mnist_subset(path), layout, limit, standardize, rng)


@DATASETS.register()
def mnist_idx(images, labels, layout: str = "flat", limit: int | None = None,
              standardize: bool = False, rng=None):
    """MNIST from a pair of IDX files (paths ``images``, ``labels``), as ``mnist_subset``."""
    return _mnist(*mnist.load_mnist_idx(images, labels), layout, limit, standardize, rng)


def get_dataset(name: str, rng=None, seed: int | None = None, **options):
    """Build a data set by name, e.g. ``get_dataset("spiral", n=300, classes=3, seed=1)``.

    ``seed=<int>`` is accepted as a shorthand for ``rng=numpy.random.default_rng(seed)`` so TOML
    configs can name a seed. Unknown names, unknown arguments and bad values raise ConfigError.
    """
    if seed is not None:
        if rng is not None:
            raise ConfigError(f"{name}: give either seed or rng, not both")
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
            raise ConfigError(f"{name}: seed must be an integer >= 0, got {seed!r}")
        rng = np.random.default_rng(int(seed))
    return DATASETS.build(name, "data", options, rng=rng)
