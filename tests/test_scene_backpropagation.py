"""Backpropagation scene: renders, shows only traced numbers, tells the batch-mean truth."""
import numpy as np
import pytest
from conftest import small_xor
from scene_utils import render, rendered, shown_text_sets

from nnanim.engine import config
from nnanim.engine.errors import TraceError
from nnanim.engine.run import run
from nnanim.scenes.format import fmt

SCENE = "Backpropagation"
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once


def test_the_followed_sample_and_the_batch_gradient_come_from_the_trace(last):
    _, scene = last
    t, shown = scene.trace(), shown_text_sets(scene)
    s, j, n = scene.SAMPLE, scene.FOCUS, 4
    # this sample's chain: ∂L/∂a, δ at the output, the hidden activation, the hidden unit's δ
    for key in [(0, "sigmoid_3", "grad_output", (s, 0)), (0, "sigmoid_3", "grad_input", (s, 0)),
                (0, "sigmoid_1", "output", (s, j)), (0, "sigmoid_1", "grad_output", (s, j)),
                (0, "sigmoid_1", "grad_input", (s, j))]:
        assert key in shown, key
    # the batch gradient is written as Σ_n δ_n a_n over every sample, ending in W.grad ...
    for m in range(n):
        assert (0, "sigmoid_3", "grad_input", (m, 0)) in shown
        assert (0, "sigmoid_1", "output", (m, j)) in shown
    grad = t.get(0, "dense_2", "W.grad")[0, j]
    assert fmt(grad, 4) in shown[(0, "dense_2", "W.grad", (0, j))]
    # ... which is true of the trace: the δ's carry the 1/N of the mean loss
    deltas = t.get(0, "sigmoid_3", "grad_input")[:, 0]
    acts = t.get(0, "sigmoid_1", "output")[:, j]
    assert np.isclose(np.sum(deltas * acts), grad)
    # the update of the highlighted weight: old, learning rate, new
    for q in ("W", "W.after"):
        assert fmt(t.get(0, "dense_2", q)[0, j], 4) in shown[(0, "dense_2", q, (0, j))]
    assert (0, "scalar", "lr", ()) in shown
    # the end of training: the last loss and the four outputs
    end = t.steps[-1]
    assert fmt(t.scalars("loss")[-1], 4) in shown[(end, "scalar", "loss", ())]
    for m in range(n):
        assert (end, "sigmoid_3", "output", (m, 0)) in shown


def _grid(cfg):
    cfg["record"]["grid"] = 5
    return cfg


@pytest.mark.parametrize("change, message", [
    (lambda c: _grid(c)["loss"].update(name="bce"), "MSE"),
    (lambda c: _grid(c)["model"]["layers"][1].update(type="Tanh"), "Dense-Sigmoid-Dense-Sigmoid"),
    (lambda c: c, "eval/pred"),  # no record.grid: no decision boundary to draw
])
def test_a_network_the_scene_cannot_explain_is_refused(tmp_path, change, message):
    cfg = small_xor(epochs=2)
    change(cfg)
    run(config.validate(cfg), tmp_path / "t")
    with pytest.raises(TraceError, match=message):
        render(SCENE, tmp_path, trace=tmp_path / "t")
