"""Neuron: every number on screen is the trace's (the probe's x, w, b, z, y; each logistic
unit's w and b; the bump's weights; the fit's loss and output weights at every recorded
step), the lessons hold on the traces, and traces it cannot show are refused in one line."""
from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from conftest import CONFIGS, small_xor
from scene_utils import assert_shown_match_trace, refusal, rendered, shown_texts

from nnanim.engine import config
from nnanim.engine.run import run
from nnanim.scenes.format import fmt
from nnanim.scenes.neuron import curve_sets, fit_layers, logistic_units, neuron_layers

SCENE = "Neuron"
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once


def test_the_neuron_is_shown_with_the_probes_numbers(last):
    _, scene = last
    t = scene.trace("inputs")
    dense, act = neuron_layers(t)
    shown = shown_texts(scene)
    x, W, b = t.get(0, dense, "input")[0], t.get(0, dense, "W")[0], t.get(0, dense, "b")[0]
    assert len(x) == 3  # the deck's three inputs
    for i in range(3):
        assert shown[("inputs", 0, dense, "input", (0, i))] == f"{x[i]:g}"
        assert shown[("inputs", 0, dense, "W", (0, i))] == f"{W[i]:g}"
    assert shown[("inputs", 0, dense, "b", (0,))] == f"{b:g}"
    z, y = t.get(0, dense, "output")[0, 0], t.get(0, act, "output")[0, 0]
    assert shown[("inputs", 0, dense, "output", (0, 0))] == fmt(z)
    assert shown[("inputs", 0, act, "output", (0, 0))] == fmt(y)
    # the worked line adds up: the engine's z is w·x + b, its y is σ(z)
    assert z == pytest.approx(float(W @ x + b), abs=1e-12)
    assert y == pytest.approx(1 / (1 + np.exp(-z)), abs=1e-12)


def test_every_logistic_unit_is_drawn_with_its_traced_w_and_b(last):
    _, scene = last
    t = scene.trace("main")
    shown = shown_texts(scene)
    units = logistic_units(t)
    assert len(units) >= 6
    for name, (w, b) in units.items():
        assert shown[("main", 0, name, "dense_0.W", (0, 0))] == f"{w:g}"
        assert shown[("main", 0, name, "dense_0.b", (0,))] == f"{b:g}"
    base, w_set, b_set, _ = curve_sets(t)
    assert units[base] == (1.0, 0.0)  # the deck's base case
    assert len(w_set) == 4 and len(b_set) == 3


def test_w_steepens_and_b_shifts_the_traced_curves(last):
    """The captions' lessons on the engine's curves: at x = 0 the slope grows with w; the
    point where y crosses 0.5 moves left as b grows (σ(w·x + b) = 0.5 at w·x + b = 0)."""
    _, scene = last
    t = scene.trace("main")
    x = t.static("grid/x")
    _, w_set, b_set, _ = curve_sets(t)
    zero = int(np.argmin(np.abs(x)))
    slopes = [t.get(0, n, "dy")[zero, 0] for n in w_set]
    assert all(a < b for a, b in pairwise(slopes))
    crossings = [x[int(np.argmin(np.abs(t.get(0, n, "y")[:, 0] - 0.5)))] for n in b_set]
    assert all(a > b for a, b in pairwise(crossings))
    assert any("steeper" in c for c in scene.captions)
    assert any("shifts" in c for c in scene.captions)


def test_the_bump_is_the_sum_of_the_weighted_units(last):
    _, scene = last
    t = scene.trace("main")
    bump = curve_sets(t)[3]
    terms = t.get(0, bump, "dense_2.terms")[:, 0, :]
    y = t.get(0, bump, "y")[:, 0]
    np.testing.assert_allclose(terms.sum(axis=1) + t.get(0, bump, "dense_2.b")[0], y,
                               atol=1e-12)
    # a bump: high in the middle, near zero at both ends
    assert y.max() > 0.9 and y[0] < 0.05 and y[-1] < 0.05
    # one output weight is negative: the caption says which unit it flips
    v = t.get(0, bump, "dense_2.W")[0]
    j = int(np.flatnonzero(v < 0)[0])
    assert any(f"flips h{'₁₂₃'[j]}" in c for c in scene.captions)
    shown = shown_texts(scene)
    peak = int(np.argmax(y))
    assert shown[("main", 0, bump, "y", (peak, 0))] == fmt(y[peak])


def test_the_fit_is_shown_at_every_recorded_step_and_fits(last):
    _, scene = last
    t = scene.trace("fit")
    _, out = fit_layers(t)
    shown = shown_texts(scene)
    losses = t.scalars("loss")
    for s in t.steps:
        assert shown[("fit", s, "scalar", "loss", ())] == fmt(losses[t.step_position(s)])
        for j in range(t.get(s, out, "W").shape[1]):
            assert shown[("fit", s, out, "W", (0, j))] == fmt(t.get(s, out, "W")[0, j])
    # "the sum fits the points": the last loss is far below the input-blind baseline
    assert losses[-1] < t.static("baseline/loss")[0] / 100
    # the output drawn last is the last recorded step's, and it is the units' sum + b
    end = t.steps[-1]
    pred = t.get(end, "eval", "pred")[:, 0]
    terms = t.get(end, "eval", f"{out}.terms")[:, 0, :]
    np.testing.assert_allclose(terms.sum(axis=1) + t.get(end, out, "b")[0], pred, atol=1e-12)
    plot, total, xw = scene.fit_drawn
    keep = np.isin(t.static("eval/grid_x"), xw)
    want = plot.points_of(np.column_stack([xw, pred[keep]]))
    assert np.allclose(total.points[0], want[0]) and np.allclose(total.points[-1], want[-1])


def test_numbers_match_the_trace(last):
    _, scene = last
    assert_shown_match_trace(scene, min_count=5 * len(scene.trace("fit").steps) + 30)


@pytest.fixture(scope="module")
def traces(tmp_path_factory):
    """A network trace without record.grid, and a curves run without a bump."""
    d = tmp_path_factory.mktemp("neuron-other")
    run(small_xor(epochs=2), d / "xor.trace")
    cfg = config.load(CONFIGS / "neuron_curves.toml")
    cfg["curve"] = [c for c in cfg["curve"] if c["name"] != "bump"]
    run(config.validate(cfg), d / "no_bump.trace")
    return d


def test_refuses_traces_it_cannot_show(traces, tmp_path):
    xor = str(traces / "xor.trace")
    msg = refusal(SCENE, tmp_path, "--trace", xor)
    assert msg.endswith(f"Neuron's run 'main' needs a 'curves' trace, but {xor} is a "
                        "'network' trace")
    msg = refusal(SCENE, tmp_path, "--trace", str(traces / "no_bump.trace"))
    assert "has no curve of 2 or 3 sigmoid units summed by a Dense(k, 1)" in msg
    msg = refusal(SCENE, tmp_path, "--run", f"fit={xor}")
    assert "Neuron needs a 1-k-1 sigmoid net (k ≤ 4) as its fit run" in msg
    msg = refusal(SCENE, tmp_path, "--run", f"inputs={xor}")
    assert "Neuron's run 'inputs' needs a 'layer' trace" in msg
