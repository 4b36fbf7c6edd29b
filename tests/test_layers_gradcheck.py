"""Every layer's analytic backward against central finite differences (float64).

For a random upstream g, f(x, θ) = Σ layer.forward(x) ⊙ g has ∂f/∂x = backward(g) and
∂f/∂θ = grads[θ]; both are compared with engine.gradcheck.numerical_grad.
"""
from __future__ import annotations

import numpy as np
import pytest

from nnanim.engine.activations import (ELU, ArcTan, BinaryStep, Identity, LeakyReLU, PReLU, ReLU,
                                Sigmoid, Softmax, Softplus, Tanh)
from nnanim.engine.conv2d import Conv2D
from nnanim.engine.dense import Dense
from nnanim.engine.dropout import Dropout
from nnanim.engine.flatten import Flatten
from nnanim.engine.gradcheck import numerical_grad, relative_error
from nnanim.engine.pooling import AvgPool2D, MaxPool2D

TOL = 1e-6


def _normal(shape, rng):
    return rng.standard_normal(shape)


def _away_from_zero(shape, rng):
    """|x| in [0.1, 2]: finite differences never straddle a kink at 0."""
    return rng.uniform(0.1, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


def _distinct(shape, rng):
    """Entries at least 0.01 apart: no ties or near-ties inside pooling windows."""
    n = int(np.prod(shape))
    return (rng.permutation(n) * 0.01 - n * 0.005).reshape(shape)


def _seeded_dropout(p):
    layer = Dropout(p)

    def before():  # the same mask at every call of f
        layer.rng = np.random.default_rng(7)
    return layer, before


# (id, layer factory -> (layer, hook run before each forward), input shape, input maker)
CASES = [
    ("dense", lambda: Dense(4, 3, rng=np.random.default_rng(0)), (5, 4), _normal),
    ("dense_he", lambda: Dense(3, 6, init="he", rng=np.random.default_rng(1)), (2, 3), _normal),
    ("conv_basic", lambda: Conv2D(2, 3, 3, rng=np.random.default_rng(2)), (2, 2, 5, 6), _normal),
    ("conv_pad1_stride2", lambda: Conv2D(2, 2, 3, stride=2, padding=1,
                                         rng=np.random.default_rng(3)), (2, 2, 6, 7), _normal),
    ("conv_nonsquare", lambda: Conv2D(1, 2, (2, 3), stride=(1, 2), padding=(1, 0),
                                      rng=np.random.default_rng(4)), (2, 1, 5, 7), _normal),
    ("conv_same_s1_even_k", lambda: Conv2D(2, 2, (2, 4), padding="same",
                                           rng=np.random.default_rng(5)), (1, 2, 5, 6), _normal),
    ("conv_same_s2", lambda: Conv2D(2, 3, 3, stride=2, padding="same",
                                    rng=np.random.default_rng(6)), (2, 2, 6, 5), _normal),
    ("conv_1x1", lambda: Conv2D(3, 2, 1, rng=np.random.default_rng(7)), (2, 3, 3, 3), _normal),
    ("maxpool_2", lambda: MaxPool2D(2), (2, 2, 6, 6), _distinct),
    ("maxpool_3_s1_overlap", lambda: MaxPool2D(3, stride=1), (2, 2, 5, 6), _distinct),
    ("maxpool_3_s2_overlap", lambda: MaxPool2D(3, stride=2), (1, 2, 7, 8), _distinct),
    ("maxpool_2_s3_gaps", lambda: MaxPool2D(2, stride=3), (1, 2, 8, 7), _distinct),
    ("maxpool_nonsquare", lambda: MaxPool2D((2, 3), stride=(2, 1)), (1, 2, 6, 7), _distinct),
    ("avgpool_2", lambda: AvgPool2D(2), (2, 2, 6, 7), _normal),
    ("avgpool_3_s1", lambda: AvgPool2D(3, stride=1), (1, 2, 5, 5), _normal),
    ("avgpool_nonsquare", lambda: AvgPool2D((3, 2), stride=(1, 2)), (2, 1, 6, 7), _normal),
    ("flatten", lambda: Flatten(), (3, 2, 3, 2), _normal),
    ("identity", lambda: Identity(), (4, 5), _normal),
    ("binarystep", lambda: BinaryStep(), (4, 5), _away_from_zero),
    ("sigmoid", lambda: Sigmoid(), (4, 5), lambda s, r: 3 * r.standard_normal(s)),
    ("tanh", lambda: Tanh(), (4, 5), _normal),
    ("arctan", lambda: ArcTan(), (4, 5), lambda s, r: 3 * r.standard_normal(s)),
    ("relu", lambda: ReLU(), (4, 5), _away_from_zero),
    ("leakyrelu", lambda: LeakyReLU(), (4, 5), _away_from_zero),
    ("leakyrelu_0.3", lambda: LeakyReLU(0.3), (3, 2, 4), _away_from_zero),
    ("prelu", lambda: PReLU(), (4, 5), _away_from_zero),
    ("prelu_conv_shaped", lambda: PReLU(init=0.1), (2, 2, 3, 3), _away_from_zero),
    ("elu", lambda: ELU(), (4, 5), _away_from_zero),
    ("elu_0.5", lambda: ELU(alpha=0.5), (4, 5), _away_from_zero),
    ("softplus", lambda: Softplus(), (4, 5), lambda s, r: 4 * r.standard_normal(s)),
    ("softmax", lambda: Softmax(), (4, 5), lambda s, r: 2 * r.standard_normal(s)),
    ("softmax_3d", lambda: Softmax(), (2, 3, 4), _normal),
]


def _build(factory):
    made = factory()
    return made if isinstance(made, tuple) else (made, lambda: None)


def _setup(case_id):
    _, factory, shape, make = next(c for c in CASES if c[0] == case_id)
    layer, before = _build(factory)
    rng = np.random.default_rng(IDS.index(case_id))
    for v in layer.params.values():  # non-zero biases, so their gradient is not trivial
        if v.ndim == 1 and not v.any():
            v[...] = rng.standard_normal(v.shape)
    x = np.ascontiguousarray(make(shape, rng), dtype=np.float64)
    before()
    g = rng.standard_normal(layer.forward(x).shape)

    def f():
        before()
        return float(np.sum(layer.forward(x) * g))

    return layer, before, x, g, f


def _analytic(layer, before, x, g):
    before()
    layer.forward(x)
    return layer.backward(g)


IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("case_id", IDS)
def test_input_grad(case_id):
    layer, before, x, g, f = _setup(case_id)
    dx = np.asarray(_analytic(layer, before, x, g))
    assert dx.shape == x.shape
    num = numerical_grad(f, x)
    assert relative_error(dx, num) <= TOL


@pytest.mark.parametrize("case_id", [c[0] for c in CASES if _build(c[1])[0].params])
def test_param_grads(case_id):
    layer, before, x, g, f = _setup(case_id)
    _analytic(layer, before, x, g)
    assert set(layer.grads) == set(layer.params)
    for k, p in layer.params.items():
        analytic = layer.grads[k].copy()
        num = numerical_grad(f, p)
        assert analytic.shape == p.shape
        assert relative_error(analytic, num) <= TOL, k


@pytest.mark.parametrize("p", [0.0, 0.3, 0.8])
def test_dropout_grad_with_fixed_mask(p):
    layer, before = _seeded_dropout(p)
    rng = np.random.default_rng(11)
    x = rng.standard_normal((6, 7))
    g = rng.standard_normal((6, 7))

    def f():
        before()
        return float(np.sum(layer.forward(x) * g))

    dx = _analytic(layer, before, x, g)
    assert relative_error(dx, numerical_grad(f, x)) <= TOL
    before()
    y = layer.forward(x)  # inverted dropout: kept units scaled by 1/(1-p)
    assert layer.mask.dtype == bool and layer.mask.shape == x.shape
    assert np.allclose(y, np.where(layer.mask, x / (1 - p), 0.0))


def test_dropout_eval_is_identity():
    layer = Dropout(0.5, rng=np.random.default_rng(0))
    layer.training = False
    x = np.random.default_rng(1).standard_normal((3, 4))
    assert np.array_equal(layer.forward(x), x)
    assert layer.mask is None
    g = np.ones_like(x)
    assert np.array_equal(layer.backward(g), g)


@pytest.mark.parametrize("cls", [Identity, BinaryStep, Sigmoid, Tanh, ArcTan, ReLU, LeakyReLU,
                                 PReLU, ELU, Softplus])
def test_derivative_method_matches_finite_differences(cls):
    """The pure f' that the activation-table scene plots is the slope of f."""
    layer = cls()
    x = _away_from_zero((50,), np.random.default_rng(3)) * 2
    eps = 1e-6
    num = (layer.function(x + eps) - layer.function(x - eps)) / (2 * eps)
    assert relative_error(layer.derivative(x), num) <= TOL if num.any() else \
        not layer.derivative(x).any()
