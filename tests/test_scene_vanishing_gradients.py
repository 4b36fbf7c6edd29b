"""VanishingGradients: renders, every number on screen is the trace's, the lesson holds."""
from __future__ import annotations

import os

import numpy as np
import pytest

from conftest import small_xor
from scene_utils import refusal, rendered

SCENE = "VanishingGradients"
final = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once


def test_each_runs_last_loss_and_accuracy_are_shown(final):
    _, scene = final
    steps = scene.trace("main").steps
    last = scene.trace("main").all_steps[-1]
    for role in scene.runs:
        t = scene.trace(role)
        shown = [s for s in scene.shown.items
                 if s.role == role and s.quantity == "loss" and s.step == steps[-1]]
        assert shown and shown[-1].value == t.scalars("loss")[last]
        accuracy = [s for s in scene.shown.items if s.role == role and s.layer == "epoch"]
        assert accuracy and {a.value for a in accuracy} == {t.epochs[-1]["accuracy"]}
        assert accuracy[0].text == f"{100 * t.epochs[-1]['accuracy']:.1f}%"


def test_the_sigmoid_net_is_shown_at_chance_and_relu_is_not(final):
    """Both loss strips mark the traced chance level; only the sigmoid net ends there."""
    _, scene = final
    for role in scene.runs:
        t = scene.trace(role)
        chance = [s for s in scene.shown.items
                  if s.role == role and s.quantity == "baseline/loss"]
        assert chance and chance[0].value == t.static("baseline/loss")[0]
        assert abs(chance[0].value - np.log(2)) < 0.01  # circles: two balanced classes
    sig, relu = scene.panels
    said = scene.at_chance(sig)
    assert said and "stuck at chance" in said and "50.0%" in said
    assert scene.at_chance(relu) is None


def test_gradient_norms_are_the_traced_w_grad(final):
    """Each norm on screen is ‖W.grad‖ of that layer at that step, formatted, and the
    bars end at the last recorded step's norms."""
    from nnanim.scenes.vanishing_gradients import fmt_norm

    _, scene = final
    items = scene.reductions.items
    n_layers = len(scene.panels[0].layers)
    # the first step's backward walk in both nets, then first and last layer every step
    assert len(items) >= 2 * n_layers + 4 * len(scene.steps)
    for s in items:
        w_grad = scene.trace(s.role).get(s.step, s.layer, "W.grad")
        assert s.value == pytest.approx(float(np.linalg.norm(w_grad)), rel=1e-12), s
        assert s.text == fmt_norm(s.value)
    last = scene.steps[-1]
    for p in scene.panels:
        t = scene.trace(p.role)
        for i, (bar, layer) in enumerate(zip(p.chart.bars, p.layers)):
            norm = float(np.linalg.norm(t.get(last, layer, "W.grad")))
            assert bar.get_fill_opacity() > 0
            assert bar.get_top()[1] == pytest.approx(p.chart.top(i, norm)[1], abs=1e-6)


def test_sigmoid_gradients_vanish_relu_do_not(final):
    """The bundled runs teach the lesson: at the first and the last step the sigmoid net's
    first layer gets >= 4 decades less gradient than its last; ReLU's layers stay within
    10x. The decades on screen are those of the traced norms."""
    from nnanim.scenes.vanishing_gradients import decade_gap, decade_spread, dense_layers, grad_norm

    _, scene = final
    claims = {(role, step, kind): value for role, step, kind, value in scene.claims}
    for step in (scene.steps[0], scene.steps[-1]):
        t = scene.trace("main")
        norms = [grad_norm(t, step, layer) for layer in dense_layers(t)]
        assert claims[("main", step, "gap")] == decade_gap(norms[0], norms[-1]) >= 4
        t = scene.trace("relu")
        norms = [grad_norm(t, step, layer) for layer in dense_layers(t)]
        assert claims[("relu", step, "spread")] == decade_spread(np.array(norms)) == 1
    sig, relu = (scene.trace(r).scalars("loss") for r in ("main", "relu"))
    assert relu[-50:].mean() < 0.2 < 0.6 < sig[-50:].mean()  # ReLU learns, sigmoid does not


def test_shallow_network_trace_is_refused(tmp_path):
    from nnanim.engine.run import run

    trace = tmp_path / "xor.trace"
    run(small_xor(), trace)
    assert "3 to 12 Dense layers" in refusal(SCENE, tmp_path, "--trace", str(trace),
                                             env=dict(os.environ, NNANIM_CACHE=str(tmp_path)))
