"""run.kind = "curves": f and f′ of activations, neurons and losses on a grid of x, from the
engine's own forward and backward, checked against torch's autograd."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from nnanim.engine import config
from nnanim.engine.errors import ConfigError
from nnanim.engine.run import run
from nnanim.engine.trace import Trace

GRID = {"from": -4.0, "to": 4.0, "n": 81}


def curves(tmp_path, *specs, grid=GRID) -> Trace:
    cfg = config.validate({"run": {"name": "c"}, "grid": dict(grid), "curve": list(specs)})
    assert cfg["run"]["kind"] == "curves"
    run(cfg, tmp_path / "c")
    return Trace(tmp_path / "c")


TORCH = {
    "Sigmoid": torch.sigmoid, "Tanh": torch.tanh, "ReLU": torch.relu, "ArcTan": torch.atan,
    "ELU": F.elu, "Softplus": F.softplus, "Identity": lambda x: x,
    "LeakyReLU": lambda x: F.leaky_relu(x, 0.01),
}


@pytest.mark.parametrize("name", TORCH)
def test_activation_curve_is_f_and_its_derivative(tmp_path, name):
    t = curves(tmp_path, {"name": "f", "layers": [{"type": name}]})
    x = torch.tensor(t.static("grid/x"), requires_grad=True)
    y = TORCH[name](x)
    y.sum().backward()
    np.testing.assert_allclose(t.get(0, "f", "y")[:, 0], y.detach().numpy(), rtol=1e-12,
                               atol=1e-12)
    np.testing.assert_allclose(t.get(0, "f", "dy")[:, 0], x.grad.numpy(), rtol=1e-12,
                               atol=1e-12)


def test_neuron_curve_records_its_weights_terms_and_layers(tmp_path):
    t = curves(tmp_path, {"name": "n", "layers": [
        {"type": "Dense", "in_features": 1, "out_features": 1}, {"type": "Sigmoid"}],
        "params": {"dense_0": {"W": [2.0], "b": [-1.0]}}})
    x = t.static("grid/x")
    s = 1 / (1 + np.exp(-(2 * x - 1)))
    np.testing.assert_allclose(t.get(0, "n", "y")[:, 0], s, rtol=1e-12)
    np.testing.assert_allclose(t.get(0, "n", "dy")[:, 0], 2 * s * (1 - s), rtol=1e-10)
    np.testing.assert_allclose(t.get(0, "n", "dense_0.terms")[:, 0, 0], 2 * x)
    np.testing.assert_allclose(t.get(0, "n", "dense_0.output")[:, 0], 2 * x - 1)
    assert t.get(0, "n", "dense_0.W").tolist() == [[2.0]]


def test_loss_curves_per_point(tmp_path):
    t = curves(tmp_path, {"name": "mse", "loss": "mse"},
               {"name": "mae", "loss": {"name": "mae"}},
               {"name": "huber", "loss": {"name": "huber", "delta": 1.0}},
               {"name": "hinge", "loss": "hinge", "target": 1.0},
               {"name": "bce", "loss": {"name": "bce", "from_logits": True}, "target": 1.0})
    r = t.static("grid/x")
    xt = torch.tensor(r, requires_grad=True)
    for name, f in (("mse", lambda p: p ** 2), ("mae", torch.abs),
                    ("huber", lambda p: F.huber_loss(p, torch.zeros_like(p), reduction="none",
                                                     delta=1.0)),
                    ("bce", lambda p: F.binary_cross_entropy_with_logits(
                        p, torch.ones_like(p), reduction="none"))):
        xt.grad = None
        y = f(xt)
        y.sum().backward()
        np.testing.assert_allclose(t.get(0, name, "y")[:, 0], y.detach().numpy(), atol=1e-12)
        nonzero = r != 0  # MAE's derivative at 0 is a convention
        np.testing.assert_allclose(t.get(0, name, "dy")[nonzero, 0], xt.grad.numpy()[nonzero],
                                   atol=1e-12)
    np.testing.assert_allclose(t.get(0, "hinge", "y")[:, 0], np.maximum(0, 1 - r))
    # accuracy is a step: right (1) for a positive margin, wrong (0) for a negative one
    correct = t.get(0, "hinge", "correct")[:, 0]
    assert np.all(correct[r > 0] == 1) and np.all(correct[r < 0] == 0)
    assert "correct" not in t.quantities("mse", 0)  # regression: no accuracy


@pytest.mark.parametrize("cfg, message", [
    ({"grid": {"from": 1, "to": 0}, "curve": [{"name": "a", "loss": "mse"}]}, "from < to"),
    ({"grid": {"from": 0, "to": 1, "step": 2}, "curve": [{"name": "a", "loss": "mse"}]},
     "unknown field grid.step"),
    ({"grid": GRID, "curve": [{"name": "a"}]}, "needs layers or a loss"),
    ({"grid": GRID, "curve": [{"name": "a", "loss": "mse", "layers": []}]},
     "needs layers or a loss"),
    ({"grid": GRID, "curve": [{"name": "a", "loss": "mse"}, {"name": "a", "loss": "mae"}]},
     "used twice"),
    ({"grid": GRID, "curve": [{"name": "a", "loss": "sparse_cce"}]}, "one output"),
    ({"grid": GRID, "curve": [{"name": "a", "layers": [{"type": "Sigmoid"}],
                               "params": {"dense_0": {"W": [1]}}}]}, "name a layer"),
    ({"grid": GRID, "curve": [{"name": "a", "loss": "mse"}], "optimizer": {"name": "sgd"}},
     "not used by run.kind = 'curves'"),
])
def test_bad_curve_configs_are_refused_before_writing(tmp_path, cfg, message):
    with pytest.raises(ConfigError, match=message):
        run(config.validate({"run": {"name": "c", "kind": "curves"}, **cfg}), tmp_path / "c")
    assert not (tmp_path / "c").exists()


def test_grid_and_curve_sections_belong_to_curves():
    with pytest.raises(ConfigError, match=r"\[grid\] is only for run.kind = 'curves'"):
        config.validate({"run": {"kind": "objective"}, "objective": {"name": "rosenbrock"},
                         "optimizer": {"name": "sgd", "lr": 0.1}, "grid": GRID})


def test_a_network_on_1d_inputs_records_each_unit_on_the_grid(tmp_path):
    """record.grid on 1-D inputs: every layer's output and each Dense layer's products on
    a line of x, before the step's update; the output layer's products add up to pred."""
    from conftest import CONFIGS

    cfg = config.load(CONFIGS / "bump_fit.toml")
    cfg["training"]["epochs"] = 30
    run(cfg, tmp_path / "t")
    t = Trace(tmp_path / "t")
    gx = t.static("eval/grid_x")
    np.testing.assert_array_equal(t.static("eval/grid")[:, 0], gx)
    assert "eval/grid_y" not in t.manifest["static"]
    for s in t.steps:
        hidden = t.get(s, "eval", "sigmoid_1")
        W0, b0 = t.get(s, "dense_0", "W"), t.get(s, "dense_0", "b")
        np.testing.assert_allclose(hidden, 1 / (1 + np.exp(-(gx[:, None] * W0[:, 0] + b0))),
                                   rtol=1e-12)
        terms = t.get(s, "eval", "dense_2.terms")  # (G, 1, 4): w_j · h_j
        np.testing.assert_allclose(terms[:, 0, :], hidden * t.get(s, "dense_2", "W")[0],
                                   rtol=1e-12)
        np.testing.assert_allclose(terms.sum(axis=2)[:, 0] + t.get(s, "dense_2", "b")[0],
                                   t.get(s, "eval", "pred")[:, 0], rtol=1e-12, atol=1e-15)


def test_new_1d_data_sets():
    from nnanim.engine.datasets import get_dataset

    x, y = get_dataset("function_1d", seed=0, function="sin", n=9, x_range=[0, np.pi])
    assert x.shape == (9, 1) and np.allclose(y, np.sin(x[:, 0]))
    x, labels = get_dataset("blobs_1d", seed=0, n=41)
    assert x.shape == (41,) and sorted(set(labels.tolist())) == [0, 1]
    assert abs(x[labels == 0].mean() + 1) < 0.4 and abs(x[labels == 1].mean() - 1) < 0.4
    x, y = get_dataset("regression_1d", seed=0, n=5, outliers=[[0.5, -4.0]])
    assert len(x) == 6 and (x[-1], y[-1]) == (0.5, -4.0)
    with pytest.raises(ConfigError, match="function must be one of"):
        get_dataset("function_1d", function="cube")


def test_lines_data_set_and_its_fixed_permutation():
    from nnanim.engine.datasets import get_dataset

    X, y = get_dataset("lines", seed=1, n=20, size=6, layout="nchw")
    assert X.shape == (20, 1, 6, 6) and sorted(set(y.tolist())) == [0, 1]
    for img, label in zip(X[:, 0], y):
        full = (img.sum(axis=1) == 6) if label == 0 else (img.sum(axis=0) == 6)
        assert full.sum() == 1 and img.sum() == 6  # one full row (0) or column (1)
    flat, y2 = get_dataset("lines", seed=1, n=20, size=6)
    shuffled, y3 = get_dataset("lines", seed=1, n=20, size=6, permute=5)
    assert np.array_equal(y, y2) and np.array_equal(y, y3)
    perm = np.random.default_rng(5).permutation(36)
    np.testing.assert_array_equal(shuffled, flat[:, perm])  # one permutation for all images
    assert not np.array_equal(shuffled, flat)
    with pytest.raises(ConfigError, match="permute"):
        get_dataset("lines", permute=3, layout="nchw")
