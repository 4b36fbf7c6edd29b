"""Learning happens: real training reaches the accuracy a lecture promises."""
import numpy as np
from conftest import CONFIGS

from nnanim.engine import config
from nnanim.engine.run import run
from nnanim.engine.trace import Trace


def test_xor_mlp_reaches_100_percent(tmp_path):
    s = run(config.load(CONFIGS / "xor_mlp.toml"), tmp_path / "t")
    assert s.final["accuracy"] == 1.0
    t = Trace(tmp_path / "t")
    loss = t.scalars("loss")
    assert loss[-1] < 0.05 < loss[0]


def test_mnist_cnn_default_reaches_95_percent_on_held_out_digits(tmp_path):
    cfg = config.load(CONFIGS / "mnist_cnn.toml")
    s = run(cfg, tmp_path / "t")
    assert s.final["val_accuracy"] >= 0.95, s.final
    t = Trace(tmp_path / "t")
    assert t.size_bytes() < 200e6
    # held out: validation digits never appear in a training batch
    val = set(t.static("data/val_indices").tolist())
    train = t.static("data/train_indices")
    assert len(val) == 1000 and not val & set(train.tolist())


def test_exp_quadratic_descent_converges(tmp_path):
    run(config.load(CONFIGS / "descent_1d.toml"), tmp_path / "t")
    t = Trace(tmp_path / "t")
    x = t.get(t.steps[-1], "objective", "theta.after")[0]
    assert abs(x - 0.3517) < 1e-3
    # f decreases monotonically for this small learning rate
    assert np.all(np.diff(t.scalars("loss")) < 0)


def test_linear_regression_descent_fits_the_data(tmp_path):
    run(config.load(CONFIGS / "linear_regression.toml"), tmp_path / "t")
    t = Trace(tmp_path / "t")
    x, y = t.static("data/x"), t.static("data/y")
    a_ls, b_ls = np.polyfit(x, y, 1)
    a, b = t.get(t.steps[-1], "objective", "theta.after")
    assert abs(a - a_ls) < 0.05 and abs(b - b_ls) < 0.05
