"""LossFunctions: renders, shows the traced numbers, the lessons hold on the traces (MSE's
line pulled towards the outlier the most, MAE's the least, Huber's between; the curves are
the engine's losses as the formulas on screen say; accuracy is a step), and traces it
cannot show are refused in one line."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import CONFIGS
from scene_utils import assert_shown_match_trace, refusal, rendered, shown_texts

from nnanim.engine import config
from nnanim.engine.run import run
from nnanim.scenes.format import fmt

SCENE = "LossFunctions"
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once
FITS = ("main", "mae", "huber")


def final(scene, role):
    """(w, b, the prediction at the outlier, the outlier's y) at the last recorded step."""
    t = scene.trace(role)
    s = t.steps[-1]
    return (t.get(s, "dense_0", "W")[0, 0], t.get(s, "dense_0", "b")[0],
            t.get(s, "dense_0", "output")[-1, 0], t.static("data/labels")[-1])


def test_every_recorded_step_of_the_three_fits_is_shown(last):
    _, scene = last
    assert_shown_match_trace(scene, min_count=9 * len(scene.trace("main").steps))
    shown = shown_texts(scene)
    for role in FITS:
        t = scene.trace(role)
        for s in t.steps:
            assert shown[(role, s, "dense_0", "W", (0, 0))] == fmt(t.get(s, "dense_0", "W")[0, 0])
            assert shown[(role, s, "dense_0", "b", (0,))] == fmt(t.get(s, "dense_0", "b")[0])
            assert shown[(role, s, "scalar", "loss", ())] == fmt(t.scalars("loss")[s])
        # where the line ends at the outlier's x, and the slope the outlier pushes with
        assert (role, t.steps[-1], "dense_0", "output", (20, 0)) in shown
    for curve in ("mse", "mae", "huber", "logistic", "hinge"):
        assert any(k[0] == "curves" and k[2] == curve and k[3] == "dy" for k in shown)
    assert shown[("huber", None, "config", "loss.delta", ())] == "2"


def test_the_outlier_pulls_mse_most_mae_least_huber_between(last):
    """The lesson, on the traced final parameters and predictions, and said so."""
    _, scene = last
    (w_mse, _, p_mse, y), (w_mae, b_mae, p_mae, _), (w_hub, _, p_hub, _) = (
        final(scene, r) for r in FITS)
    assert abs(p_mse - y) < abs(p_hub - y) < abs(p_mae - y)
    assert abs(p_mae - p_mse) > 0.5 and min(p_hub - p_mse, p_mae - p_hub) > 0.2
    assert w_mse < w_hub < w_mae and w_mae - w_mse > 0.4
    # MAE keeps the line the 20 points were drawn from (config slope and intercept)
    data = scene.trace("mae").config["data"]
    assert abs(w_mae - data["slope"]) < 0.1 and abs(b_mae - data["intercept"]) < 0.1
    assert abs(w_mse - data["slope"]) > 0.4
    assert ("MSE's line is pulled to the outlier the most, MAE's the least, Huber's between."
            in scene.captions)


def test_each_fit_has_converged(last):
    """The lines on screen are each run's settled fit: the last recorded steps agree."""
    _, scene = last
    for role in FITS:
        t = scene.trace(role)
        a, b = t.steps[-2], t.steps[-1]
        for q in ("W", "b"):
            assert np.allclose(t.get(a, "dense_0", q), t.get(b, "dense_0", q), atol=2e-3)


def test_the_lines_drawn_are_the_traced_eval_pred(last):
    from nnanim.scenes.loss_functions import inside_runs

    _, scene = last
    t = scene.trace("main")
    gx, pred = t.static("eval/grid_x"), t.get(t.steps[-1], "eval", "pred")[:, 0]
    pieces = inside_runs(scene.plot, gx, pred)
    line = scene.lines["main"]  # MSE: solid, so its points are the polyline's corners
    start, end = line.get_start(), line.get_end()
    assert np.allclose(start, pieces[0][0]) and np.allclose(end, pieces[-1][-1])
    assert np.allclose(scene.heads["mae"].get_center(),
                       scene.plot.p(gx[-1], scene.trace("mae").get(t.steps[-1], "eval",
                                                                   "pred")[-1, 0]))


def test_why_the_outlier_pushes_as_it_does(last):
    """At each run's end: MSE's outlier has the largest residual of all points (so the
    largest slope 2r); Huber's 20 points are within δ and the outlier beyond (its slope is
    δ); MAE's slope is 1. The marked slopes are read at the grid point nearest r."""
    _, scene = last
    curves = scene.trace("curves")
    x = curves.static("grid/x")
    delta = scene.trace("huber").config["loss"]["delta"]
    for role, curve in zip(FITS, ("mse", "mae", "huber")):
        t = scene.trace(role)
        r = t.get(t.steps[-1], "dense_0", "output")[:, 0] - t.static("data/labels")
        j = int(np.argmin(np.abs(x - r[-1])))
        slope = curves.get(0, curve, "dy")[j, 0]
        shown = [s for s in scene.shown.items if s.role == "curves" and s.layer == curve
                 and s.quantity == "dy"]
        assert shown and shown[0].index == (j, 0) and abs(x[j] - r[-1]) <= 0.0125 + 1e-9
        if curve == "mse":
            assert np.all(np.abs(r[:-1]) < abs(r[-1])) and slope > 2 * np.abs(r[:-1]).max()
        elif curve == "mae":
            assert slope == 1.0
        else:
            assert np.all(np.abs(r[:-1]) <= delta) and r[-1] > delta and slope == delta


def test_the_curves_are_the_losses_the_formulas_say(last):
    """engine/losses.py per point: MSE r², MAE |r|, Huber ½r² within δ and δ(|r| − ½δ)
    beyond; cross-entropy log(1 + e^−m), hinge max(0, 1 − m); and their slopes."""
    _, scene = last
    c = scene.trace("curves")
    r = c.static("grid/x")
    d = scene.trace("huber").config["loss"]["delta"]
    y = {n: c.get(0, n, "y")[:, 0] for n in ("mse", "mae", "huber", "logistic", "hinge")}
    dy = {n: c.get(0, n, "dy")[:, 0] for n in y}
    assert np.allclose(y["mse"], r ** 2) and np.allclose(dy["mse"], 2 * r)
    assert np.allclose(y["mae"], np.abs(r)) and np.allclose(dy["mae"], np.sign(r))
    huber = np.where(np.abs(r) <= d, 0.5 * r ** 2, d * (np.abs(r) - 0.5 * d))
    assert np.allclose(y["huber"], huber) and np.allclose(dy["huber"], np.clip(r, -d, d))
    assert np.allclose(y["logistic"], np.log1p(np.exp(-r)))
    assert np.allclose(dy["logistic"], -1 / (1 + np.exp(r)))
    assert np.allclose(y["hinge"], np.maximum(0, 1 - r))
    assert np.all(dy["hinge"][r > 1] == 0) and np.all(dy["hinge"][r <= 1] == -1)


def test_accuracy_is_a_step(last):
    """`correct` is 0 up to m = 0 and 1 beyond: one jump, flat on both sides; at the probe
    (a wrong answer) both losses' slopes are negative, so both say "raise m"."""
    _, scene = last
    c = scene.trace("curves")
    m = c.static("grid/x")
    for curve in ("logistic", "hinge"):
        correct = c.get(0, curve, "correct")[:, 0]
        assert np.array_equal(correct, (m > 0).astype(float))
    probe = [s for s in scene.shown.items if s.quantity == "grid/x"]
    assert probe and probe[0].value == -2.0
    j = probe[0].index[0]
    assert c.get(0, "logistic", "dy")[j, 0] < 0 and c.get(0, "hinge", "dy")[j, 0] < 0
    assert any("derivative is 0 almost everywhere" in t for t in scene.captions)


@pytest.fixture(scope="module")
def traces(tmp_path_factory):
    """An MSE fit, the curves run, and the curves with another Huber δ."""
    d = tmp_path_factory.mktemp("loss-traces")
    run(config.load(CONFIGS / "loss_outlier_mse.toml"), d / "mse.trace")
    run(config.load(CONFIGS / "loss_curves.toml"), d / "curves.trace")
    cfg = config.load(CONFIGS / "loss_curves.toml")
    cfg["curve"][2]["loss"]["delta"] = 1.0
    run(cfg, d / "delta1.trace")
    return d


def test_refuses_traces_it_cannot_show(traces, tmp_path):
    assert "run 'main' must be a network run" in refusal(
        SCENE, tmp_path, "--trace", str(traces / "curves.trace"))
    assert "run 'mae' must be trained with mae" in refusal(
        SCENE, tmp_path, "--run", f"mae={traces / 'mse.trace'}")
    assert "run 'curves' must be a curves run" in refusal(
        SCENE, tmp_path, "--run", f"curves={traces / 'mse.trace'}")
    assert "Huber curve's delta (1) differs" in refusal(
        SCENE, tmp_path, "--run", f"curves={traces / 'delta1.trace'}")
