"""Differentiable objectives f(θ) for optimization lessons.

Every objective has one parameter vector θ of shape (d,), named component-wise by
``coords``, and gives ``value(θ, batch) -> float`` and ``grad(θ, batch) -> (d,)``.
Objectives with data (``n_samples > 0``) take ``batch``, an index array into the data,
and then use only those samples (mini-batch gradients are real sample averages or
sums); without data ``batch`` is ignored. For drawing: ``bounds`` (a (lo, hi) pair per
coordinate), the vectorized ``value_grid`` and ``surface(nx, ny)`` (2-D) or
``curve(n)`` (1-D), whose arrays the tracer stores so that scenes read them from the
trace. ``minimizer`` is the known minimum θ* (None when there is none); ``hessian(θ)`` the
curvature, so ``at_minimum()`` gives f(θ*), ∇²f(θ*) and the largest stable GD step 2/λ_max.
Values and gradients are computed in θ's dtype (float32 stays float32).
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from .errors import ConfigError, ShapeError
from .registry import OBJECTIVES


def _real(name: str, x, lo: float = -math.inf, *, strict: bool = False) -> float:
    """x validated as a finite number ≥ lo (> lo when strict)."""
    ok = isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(x)
    if not ok or x < lo or (strict and x == lo):
        bound = "" if lo == -math.inf else f" {'>' if strict else '>='} {lo:g}"
        raise ConfigError(f"{name} must be a finite number{bound}, got {x!r}")
    return float(x)


def _integer(name: str, x, lo: int | None = None) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral) or (lo is not None and x < lo):
        raise ConfigError(f"{name} must be an integer" + ("" if lo is None else f" >= {lo}")
                          + f", got {x!r}")
    return int(x)


def _vector(name: str, v, d: int) -> np.ndarray:
    a = np.asarray(v, dtype=np.float64).reshape(-1) if v is not None else None
    if a is None or a.shape != (d,) or not np.all(np.isfinite(a)):
        raise ConfigError(f"{name} must be {d} finite number(s), got {v!r}")
    return a


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = ½ (1 + tanh(z/2)): no overflow for any z."""
    return 0.5 * (1 + np.tanh(0.5 * z))


class Objective:
    """Base of the objectives. Subclasses set ``coords`` and implement ``_value``,
    ``_grad`` (θ as a float array of shape (d,)) and ``value_grid``."""

    name = "objective"
    coords: tuple[str, ...] = ()
    n_samples = 0
    minimizer: np.ndarray | None = None

    def _view(self, start, bounds, default_start, default_bounds) -> None:
        """Set ``default_start`` (d,) and ``bounds`` ((lo, hi), ...), user values first."""
        d = len(self.coords)
        self.default_start = _vector("start", default_start if start is None else start, d)
        b = default_bounds if bounds is None else bounds
        try:
            b = tuple((float(lo), float(hi)) for lo, hi in b)
        except (TypeError, ValueError):
            b = None
        if b is None or len(b) != d or not all(math.isfinite(lo) and lo < hi for lo, hi in b):
            raise ConfigError(f"bounds must be {d} pair(s) [lo, hi] with lo < hi, got {bounds!r}")
        self.bounds = b

    @property
    def dim(self) -> int:
        return len(self.coords)

    def _theta(self, theta) -> np.ndarray:
        t = np.asarray(theta)
        if not np.issubdtype(t.dtype, np.floating):
            t = t.astype(np.float64)
        if t.shape != (self.dim,):
            raise ShapeError(f"{self.name}: θ must have shape ({self.dim},), got {t.shape}")
        return t

    def _rows(self, batch):
        """Index of the samples used: all (a slice) when batch is None."""
        return slice(None) if batch is None else np.asarray(batch)

    def value(self, theta, batch=None) -> float:
        """f(θ) on the batch (all data when None); θ: (d,)."""
        return float(self._value(self._theta(theta), batch))

    def grad(self, theta, batch=None) -> np.ndarray:
        """∇f(θ) on the batch, shape (d,), in θ's dtype."""
        t = self._theta(theta)
        return np.asarray(self._grad(t, batch), dtype=t.dtype).reshape(t.shape)

    def _value(self, t, batch):
        raise NotImplementedError

    def _grad(self, t, batch):
        raise NotImplementedError

    def hessian(self, theta, batch=None) -> np.ndarray:
        """∇²f(θ) on the batch, shape (d, d), float64: the curvature that bounds a stable
        gradient-descent step (η < 2/λ_max near a minimum)."""
        return np.asarray(self._hessian(np.asarray(self._theta(theta), dtype=np.float64), batch),
                          dtype=np.float64).reshape(self.dim, self.dim)

    def _hessian(self, t, batch):
        raise NotImplementedError

    def at_minimum(self) -> dict | None:
        """f(θ*), ∇²f(θ*) (d, d) and the step bound 2/λ_max(∇²f(θ*)), None without θ*.

        Near θ*, gradient descent multiplies the distance along the steepest direction by
        (1 − η λ_max) each step: it converges for η < 2/λ_max and diverges above.
        """
        if self.minimizer is None:
            return None
        h = self.hessian(self.minimizer)
        lam = float(np.linalg.eigvalsh(h).max())
        return {"value": self.value(self.minimizer.astype(np.float64)), "hessian": h,
                "max_stable_lr": 2.0 / lam if lam > 0 else float("inf")}

    def predict(self, theta, x: np.ndarray) -> np.ndarray:
        """The fitted model's output at inputs ``x`` (objectives that fit a model to data);
        None for objectives without one."""
        return None

    def boundary(self, theta) -> float | None:
        """The input where a classifier's output crosses its threshold; None for others."""
        return None

    def value_grid(self, *grids: np.ndarray) -> np.ndarray:
        """f at every point of ``d`` same-shaped coordinate grids (all data), vectorized."""
        raise NotImplementedError

    def surface(self, nx: int = 101, ny: int = 101) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(xs (nx,), ys (ny,), Z (ny, nx)) over ``bounds``, Z[j, i] = f(xs[i], ys[j])."""
        if self.dim != 2:
            raise ShapeError(f"{self.name}: surface() needs a 2-D objective, this is {self.dim}-D")
        (x0, x1), (y0, y1) = self.bounds
        xs, ys = np.linspace(x0, x1, nx), np.linspace(y0, y1, ny)
        X, Y = np.meshgrid(xs, ys)  # 'xy' indexing: rows follow y
        return xs, ys, self.value_grid(X, Y)

    def curve(self, n: int = 201) -> tuple[np.ndarray, np.ndarray]:
        """(xs (n,), f(xs) (n,)) over ``bounds`` for a 1-D objective."""
        if self.dim != 1:
            raise ShapeError(f"{self.name}: curve() needs a 1-D objective, this is {self.dim}-D")
        xs = np.linspace(*self.bounds[0], n)
        return xs, self.value_grid(xs)

    def describe(self) -> str:
        args = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                         for k, v in self.settings().items())
        return f"{type(self).__name__}({args})"

    def settings(self) -> dict:
        """The shape-giving options (condition, n_samples, ...) as plain numbers."""
        return dict(getattr(self, "_args", {}))

    def __repr__(self) -> str:
        return self.describe()


@OBJECTIVES.register("exp_quadratic")
class ExpQuadratic(Objective):
    """f(x) = e^(−x) + x²,  f'(x) = −e^(−x) + 2x;  θ = (x,).

    Convex; the minimum solves 2x = e^(−x), x* = W(½) ≈ 0.351734 (W: Lambert's).
    """

    name = "exp_quadratic"
    coords = ("x",)

    def __init__(self, start=None, bounds=None) -> None:
        self._view(start, bounds, (-0.5,), ((-1.0, 2.0),))
        x = 0.5
        for _ in range(30):  # Newton on f'(x) = 0, f'' = e^(−x) + 2 > 0
            x -= (-math.exp(-x) + 2 * x) / (math.exp(-x) + 2)
        self.minimizer = np.array([x])

    def _value(self, t, batch):
        return np.exp(-t[0]) + t[0] * t[0]

    def _grad(self, t, batch):
        return -np.exp(-t) + 2 * t

    def _hessian(self, t, batch):
        return np.exp(-t) + 2  # f''(x) = e^(−x) + 2

    def value_grid(self, X):
        X = np.asarray(X, dtype=float)
        return np.exp(-X) + X * X


@OBJECTIVES.register("quadratic_bowl", "ravine")
class QuadraticBowl(Objective):
    """f(θ) = ½ (θ − c)ᵀ A (θ − c),  ∇f = A (θ − c);  θ = (x, y).

    A = R diag(1, κ) Rᵀ with κ = ``condition`` and R the rotation by ``angle`` radians:
    a round bowl for κ = 1, a ravine (steep across, flat along) for large κ.
    With ``n_samples`` = n > 0 it is an average of per-sample bowls centred at
    c_i = c + ε_i, ε_i ~ N(0, noise²) from ``seed`` and shifted to zero mean:
        f_B(θ) = (1/|B|) Σ_{i∈B} ½ (θ − c_i)ᵀ A (θ − c_i) = ½ (θ − c̄_B)ᵀ A (θ − c̄_B) + s_B
        ∇f_B(θ) = A (θ − c̄_B),   c̄_B = mean of c_i over B,
        s_B = (1/|B|) Σ_{i∈B} ½ (c_i − c̄_B)ᵀ A (c_i − c̄_B)
    so the full objective is the bowl around c exactly, plus the constant s.
    """

    name = "quadratic_bowl"
    coords = ("x", "y")

    def __init__(self, condition: float = 10.0, angle: float = 0.0, n_samples: int = 0,
                 noise: float = 0.5, seed: int = 0, center=(0.0, 0.0), start=None,
                 bounds=None) -> None:
        kappa = _real("condition", condition, 0, strict=True)
        angle = _real("angle", angle)
        n_samples = _integer("n_samples", n_samples, 0)
        noise = _real("noise", noise, 0)
        seed = _integer("seed", seed)
        self.center = c = _vector("center", center, 2)
        R = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
        self.A = R @ np.diag([1.0, kappa]) @ R.T
        self.n_samples = n_samples
        if n_samples:
            eps = np.random.default_rng(seed).normal(0.0, noise, size=(n_samples, 2))
            self.centers = c + (eps - eps.mean(axis=0))  # zero mean: full minimum exactly at c
        else:
            self.centers = c[None, :]
        self._full = self._stats(None)
        self._view(start, bounds, c + R @ np.array([-4.0, 2.0]),
                   ((c[0] - 5, c[0] + 5), (c[1] - 5, c[1] + 5)))
        self.minimizer = c.copy()
        self._args = {"condition": kappa, "angle": angle, "n_samples": self.n_samples}

    def _stats(self, batch) -> tuple[np.ndarray, float]:
        """(c̄_B (2,), s_B) of the batch's centres."""
        C = self.centers if (batch is None or not self.n_samples) else self.centers[batch]
        mu = C.mean(axis=0)
        D = C - mu
        return mu, 0.5 * float(np.mean(np.einsum("ni,ij,nj->n", D, self.A, D)))

    def _batch_stats(self, batch):
        return self._full if (batch is None or not self.n_samples) else self._stats(batch)

    def _value(self, t, batch):
        mu, s = self._batch_stats(batch)
        d = t - mu.astype(t.dtype)
        return 0.5 * d @ self.A.astype(t.dtype) @ d + s

    def _grad(self, t, batch):
        mu, _ = self._batch_stats(batch)
        return self.A.astype(t.dtype) @ (t - mu.astype(t.dtype))

    def _hessian(self, t, batch):
        return self.A  # every batch's bowl has the same A

    def value_grid(self, X, Y):
        (mx, my), s = self._full
        dx, dy = np.asarray(X, dtype=float) - mx, np.asarray(Y, dtype=float) - my
        A = self.A
        return 0.5 * (A[0, 0] * dx * dx + 2 * A[0, 1] * dx * dy + A[1, 1] * dy * dy) + s


@OBJECTIVES.register("rosenbrock")
class Rosenbrock(Objective):
    """f(x, y) = (a − x)² + b (y − x²)²;  minimum 0 at (a, a²), in a curved flat valley.

    ∂f/∂x = −2 (a − x) − 4 b x (y − x²),   ∂f/∂y = 2 b (y − x²)
    """

    name = "rosenbrock"
    coords = ("x", "y")

    def __init__(self, a: float = 1.0, b: float = 100.0, start=None, bounds=None) -> None:
        self.a = _real("a", a)
        self.b = _real("b", b, 0, strict=True)
        self._view(start, bounds, (-1.5, 2.0), ((-2.0, 2.0), (-1.0, 3.0)))
        self.minimizer = np.array([self.a, self.a ** 2])
        self._args = {"a": self.a, "b": self.b}

    def _value(self, t, batch):
        x, y = t
        return (self.a - x) ** 2 + self.b * (y - x * x) ** 2

    def _grad(self, t, batch):
        x, y = t
        r = y - x * x
        return np.array([-2 * (self.a - x) - 4 * self.b * x * r, 2 * self.b * r], dtype=t.dtype)

    def _hessian(self, t, batch):
        x, y = t
        b = self.b
        return np.array([[2 - 4 * b * (y - x * x) + 8 * b * x * x, -4 * b * x],
                         [-4 * b * x, 2 * b]])

    def value_grid(self, X, Y):
        X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
        return (self.a - X) ** 2 + self.b * (Y - X * X) ** 2


def _data(x, y, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) as 1-D float arrays of one length n ≥ 1, finite."""
    if x is None or y is None:
        raise ConfigError(f"{name} needs data x and y (a data set)")
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if x.ndim != 1 or y.shape != x.shape or x.size == 0:
        raise ConfigError(f"{name} needs x and y of one shape (n,), got {x.shape} and {y.shape}")
    x = x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)
    y = y if np.issubdtype(y.dtype, np.floating) else y.astype(np.float64)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ConfigError(f"{name}: x and y must be finite")
    return x, y


@OBJECTIVES.register("linear_regression")
class LinearRegressionLoss(Objective):
    """Sum of squared residuals of the line y ≈ a x + b;  θ = (a, b), data x, y (n,).

        L(a, b) = Σ_i (y_i − (a x_i + b))²          (a SUM, as in the lecture deck)
        ∂L/∂a = Σ_i 2 [y_i − (a x_i + b)] · (−x_i),  ∂L/∂b = Σ_i 2 [y_i − (a x_i + b)] · (−1)
    With a batch the sums run over the batch only. ``minimizer`` is the least-squares line.
    """

    name = "linear_regression"
    coords = ("a", "b")

    def __init__(self, x, y, start=None, bounds=None) -> None:
        self.x, self.y = _data(x, y, self.name)
        self.n_samples = len(self.x)
        x64, y64 = self.x.astype(np.float64), self.y.astype(np.float64)
        design = np.column_stack([x64, np.ones_like(x64)])
        self.minimizer = np.linalg.lstsq(design, y64, rcond=None)[0]
        r = y64 - design @ self.minimizer
        # at θ* the residual is orthogonal to x and 1, so L(θ* + Δ) = L* + Δᵀ (XᵀX) Δ exactly
        self._sse, self._gram = float(r @ r), design.T @ design
        start0 = np.zeros(2)
        lo, hi = np.minimum(start0, self.minimizer), np.maximum(start0, self.minimizer)
        pad = 0.5 * np.maximum(hi - lo, 1.0)
        self._view(start, bounds, start0, tuple(zip(lo - pad, hi + pad)))
        self._args = {"n_samples": self.n_samples}

    def predict(self, theta, x: np.ndarray) -> np.ndarray:
        """The line a x + b at every x."""
        t = self._theta(theta)
        return t[0] * np.asarray(x, dtype=t.dtype) + t[1]

    def residuals(self, theta, batch=None) -> np.ndarray:
        """r_i = y_i − (a x_i + b) over the batch (all data when None), in θ's dtype."""
        t = self._theta(theta)
        rows = self._rows(batch)
        return (self.y[rows] - (t[0] * self.x[rows] + t[1])).astype(t.dtype, copy=False)

    def _value(self, t, batch):
        r = self.residuals(t, batch)
        return r @ r

    def _grad(self, t, batch):
        r = self.residuals(t, batch)
        return np.array([-2 * (r @ self.x[self._rows(batch)].astype(t.dtype)), -2 * r.sum()])

    def _hessian(self, t, batch):
        x = self.x[self._rows(batch)].astype(np.float64)
        X = np.column_stack([x, np.ones_like(x)])
        return 2 * X.T @ X  # ∇²L = 2 Σ_i [x_i, 1]ᵀ [x_i, 1], the same everywhere

    def value_grid(self, A, B):
        da = np.asarray(A, dtype=float) - self.minimizer[0]
        db = np.asarray(B, dtype=float) - self.minimizer[1]
        G = self._gram
        return self._sse + G[0, 0] * da * da + 2 * G[0, 1] * da * db + G[1, 1] * db * db


@OBJECTIVES.register("slope", "line_through_origin")
class SlopeLoss(Objective):
    """Mean squared error of the line y ≈ w x through the origin: ONE parameter, so the
    loss is a curve and every mini-batch's loss is a curve too;  θ = (w,), data x, y (n,).

        L(w) = (1/n) Σ_i (y_i − w x_i)²,    dL/dw = (1/n) Σ_i −2 x_i (y_i − w x_i)
    With a batch the means run over the batch, so L_B is a noisy copy of L with its own
    minimum w*_B = Σ_B x y / Σ_B x². ``minimizer`` is w* = Σ x y / Σ x².
    """

    name = "slope"
    coords = ("w",)

    def __init__(self, x, y, start=None, bounds=None) -> None:
        self.x, self.y = _data(x, y, self.name)
        self.n_samples = len(self.x)
        x64, y64 = self.x.astype(np.float64), self.y.astype(np.float64)
        if not np.any(x64):
            raise ConfigError(f"{self.name}: the x values must not all be 0")
        w = float(x64 @ y64 / (x64 @ x64))
        self.minimizer = np.array([w])
        reach = max(2.0, 1.5 * abs(w))
        self._view(start, bounds, (w - reach,), ((w - 1.5 * reach, w + 1.5 * reach),))
        self._args = {"n_samples": self.n_samples}

    def _xy(self, t, batch):
        rows = self._rows(batch)
        return self.x[rows].astype(t.dtype), self.y[rows].astype(t.dtype)

    def _value(self, t, batch):
        x, y = self._xy(t, batch)
        r = y - t[0] * x
        return np.mean(r * r)

    def _grad(self, t, batch):
        x, y = self._xy(t, batch)
        return np.array([np.mean(-2 * x * (y - t[0] * x))])

    def _hessian(self, t, batch):
        x, _ = self._xy(t, batch)
        return np.array([[2 * np.mean(x * x)]])

    def predict(self, theta, x: np.ndarray) -> np.ndarray:
        """The line w x at every x."""
        t = self._theta(theta)
        return t[0] * np.asarray(x, dtype=t.dtype)

    def value_grid(self, W):
        W = np.asarray(W, dtype=float)[..., None]
        return np.mean((self.y - W * self.x) ** 2, axis=-1)

    def batch_curve(self, ws: np.ndarray, batch) -> np.ndarray:
        """L_B(w) at every w of ``ws``: the loss the mini-batch ``batch`` sees."""
        x, y = self.x[batch].astype(np.float64), self.y[batch].astype(np.float64)
        W = np.asarray(ws, dtype=float)[:, None]
        return np.mean((y - W * x) ** 2, axis=1)


@OBJECTIVES.register("logistic_regression")
class LogisticRegressionLoss(Objective):
    """Mean log loss of p = σ(a x + b) for labels y ∈ {0, 1};  θ = (a, b), data x, y (n,).

        z_i = a x_i + b,   L = (1/n) Σ_i [ log(1 + e^{z_i}) − y_i z_i ]
                             = −(1/n) Σ_i [ y_i log p_i + (1 − y_i) log(1 − p_i) ]
        ∂L/∂a = (1/n) Σ_i (p_i − y_i) x_i,   ∂L/∂b = (1/n) Σ_i (p_i − y_i)
    With a batch the means run over the batch. ``minimizer`` is found by Newton's method;
    None when the classes are separable (the loss then has no minimum).
    """

    name = "logistic_regression"
    coords = ("a", "b")

    def __init__(self, x, y, start=None, bounds=None) -> None:
        self.x, self.y = _data(x, y, self.name)
        if not np.all((self.y == 0) | (self.y == 1)):
            raise ConfigError(f"{self.name}: labels y must be 0 or 1")
        self.n_samples = len(self.x)
        self.minimizer = self._newton()
        # a box of |α|, |β| ≤ 5 in standardized units u = (x − m)/s, where z = α u + β
        m, s = float(np.mean(self.x)), float(np.std(self.x)) or 1.0
        a_max, b_max = 5 / s, 5 + 5 * abs(m) / s
        self._view(start, bounds, (0.0, 0.0), ((-a_max, a_max), (-b_max, b_max)))
        self._args = {"n_samples": self.n_samples}

    def _newton(self) -> np.ndarray | None:
        x, y = self.x.astype(np.float64), self.y.astype(np.float64)
        X = np.column_stack([x, np.ones_like(x)])
        t = np.zeros(2)
        for _ in range(100):
            p = _sigmoid(X @ t)
            H = (X * (p * (1 - p))[:, None]).T @ X / len(x)
            try:
                d = np.linalg.solve(H, X.T @ (p - y) / len(x))
            except np.linalg.LinAlgError:
                return None
            t = t - d
            if np.max(np.abs(d)) < 1e-12 * (1 + np.max(np.abs(t))):
                return t
        return None  # no convergence: separable data, the loss only decreases to 0

    def predict(self, theta, x: np.ndarray) -> np.ndarray:
        """p = σ(a x + b) at every x."""
        t = self._theta(theta)
        return _sigmoid(t[0] * np.asarray(x, dtype=t.dtype) + t[1])

    def boundary(self, theta) -> float | None:
        """x where p = ½, i.e. a x + b = 0: −b/a (inf when a = 0: p is ½ nowhere or everywhere)."""
        a, b = (float(v) for v in self._theta(theta))
        return -b / a if a != 0 else float("inf")

    def _z(self, t, batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = self._rows(batch)
        x, y = self.x[rows].astype(t.dtype), self.y[rows].astype(t.dtype)
        return t[0] * x + t[1], x, y

    def _value(self, t, batch):
        z, _, y = self._z(t, batch)
        return np.mean(np.logaddexp(0, z) - y * z)

    def _grad(self, t, batch):
        z, x, y = self._z(t, batch)
        e = _sigmoid(z) - y
        return np.array([np.mean(e * x), np.mean(e)])

    def _hessian(self, t, batch):
        z, x, _ = self._z(t, batch)
        p = _sigmoid(z)
        X = np.column_stack([x, np.ones_like(x)])
        return (X * (p * (1 - p))[:, None]).T @ X / len(x)

    def value_grid(self, A, B):
        # grid × samples in one broadcast: memory grid.size · n floats
        A, B = np.asarray(A, dtype=float)[..., None], np.asarray(B, dtype=float)[..., None]
        z = A * self.x + B
        return np.mean(np.logaddexp(0, z) - self.y * z, axis=-1)



def get_objective(name: str, **kwargs) -> Objective:
    """An objective from any of its registered names; ``kwargs`` (data as ``x=..., y=...``)
    go to the constructor."""
    return OBJECTIVES.build(name, "objective", kwargs)
