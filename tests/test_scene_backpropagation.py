"""Backpropagation scene: renders, shows only traced numbers, tells the batch-mean truth,
names one sample's gradient apart from the batch's, names η, and explains the loss curve."""
import numpy as np
import pytest
from conftest import small_xor
from scene_utils import render, rendered, shown_text_sets

from nnanim.engine import config
from nnanim.engine.errors import TraceError
from nnanim.engine.run import run
from nnanim.scenes.format import fmt, fmt_auto
from nnanim.scenes.backpropagation import LONG, NEAR, find_plateau

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


def tex_of(row) -> str:
    """The TeX a formula row (a VGroup of MathTex parts) was written with."""
    return " ".join(part.tex_string for part in row)


def test_one_sample_share_and_the_batch_sum_have_their_own_names(last):
    _, scene = last
    t, shown = scene.trace(), shown_text_sets(scene)
    j = scene.FOCUS
    chain, numbers, share, label, total, *sums = scene.chain_block[:-1]
    # the chain rule is sample n's share ∂L_n/∂w, written out but never one number ...
    assert tex_of(chain).startswith("\\frac{\\partial L_n}{\\partial w}")
    assert "\\delta^{(2)}_n" in tex_of(share)
    assert "\\frac{\\partial L}" not in tex_of(numbers) + tex_of(share)
    # ... and ∂L/∂w is the sum of the shares, ending in the traced batch gradient W.grad
    assert tex_of(total).startswith("\\frac{\\partial L}{\\partial w}")
    assert "\\sum_{n=1}^{4} \\frac{\\partial L_n}{\\partial w}" in tex_of(total)
    grad = fmt(t.get(0, "dense_2", "W.grad")[0, j], 4)
    assert sums[-1][-1].tex_string == grad and grad in shown[(0, "dense_2", "W.grad", (0, j))]
    # the boxed term of the sum is the followed sample's δ_n a_n (the share's own factors)
    box = scene.chain_block[-1]
    inside = [p for row in sums for p in row
              if box.get_left()[0] <= p.get_center()[0] <= box.get_right()[0]
              and box.get_bottom()[1] <= p.get_center()[1] <= box.get_top()[1]]
    assert [p.tex_string for p in inside] == [p.tex_string for p in share[-2:]]


def test_the_learning_rate_is_shown_with_its_name(last):
    _, scene = last
    t = scene.trace()
    rule, one = scene.update_block[:2]
    lr = fmt_auto(t.scalars("lr")[0])
    assert "\\eta =" in tex_of(rule) and rule[-1].tex_string == lr
    assert f"\\underset{{\\eta}}{{{lr}}}" in tex_of(one)
    assert lr in shown_text_sets(scene)[(0, "scalar", "lr", ())]


def test_the_plateau_caption_says_what_the_trace_shows(last):
    _, scene = last
    t, shown = scene.trace(), shown_text_sets(scene)
    losses, steps = t.scalars("loss"), t.all_steps
    chance = float(t.static("baseline/loss")[0])
    a, b = find_plateau(losses, steps, chance)
    # the rule holds: a stretch near chance, as long as asked, which the run then leaves
    assert np.all(np.abs(losses[a:b + 1] - chance) <= NEAR * chance)
    assert abs(losses[b + 1] - chance) > NEAR * chance
    assert steps[b] - steps[a] >= LONG * steps[-1] and losses[-1] < chance / 2
    top, bottom = scene.story_lines
    chance_text = fmt(chance, 3)
    assert chance_text in shown[(None, "static", "baseline/loss", (0,))]
    assert top[0].startswith(f"Plateau: until step {steps[b]}, L stays near {chance_text}")
    assert str(steps[b]) in shown[(steps[b], "scalar", "step", ())]
    # why it is flat: mid-plateau the gradient is a fraction of its peak after, as the
    # samples' terms δ·a of ∂L/∂W⁽²⁾ cancel (checked on the traced δ's and a's)
    norm = t.scalars("grad_norm/dense_2.W")
    mid, peak = (a + b) // 2, b + 1 + int(np.argmax(norm[b + 1:]))
    assert norm[mid] <= norm[peak] / 4
    for k in (mid, peak):
        assert fmt(norm[k], 4) in shown[(steps[k], "scalar", "grad_norm/dense_2.W", ())]
        assert f"{fmt(norm[k], 4)} at step {steps[k]}" in top[1]
    rec = max(s for s in t.steps if s <= steps[mid])
    terms = t.get(rec, "sigmoid_3", "grad_input") * t.get(rec, "sigmoid_1", "output")
    assert np.all(np.abs(terms.sum(0)) <= 0.1 * np.abs(terms).sum(0))
    assert top[1].startswith("The samples' terms δ·a cancel")
    # then the hidden units pull apart and the loss falls to its last traced value
    end, before = t.steps[-1], max(s for s in t.steps if s <= steps[b])
    spread = [np.ptp(t.get(s, "sigmoid_1", "output"), axis=0).mean() for s in (before, end)]
    assert spread[1] >= 2 * spread[0]
    assert bottom == (f"Then the hidden units' outputs spread apart and L falls to "
                      f"{fmt(losses[-1], 4)} by step {steps[-1]}.")


@pytest.mark.parametrize("losses, found", [
    ([0.26] + [0.25] * 30 + [0.2, 0.1, 0.05, 0.01], (1, 30)),  # at chance, then it falls
    ([0.25] * 3 + list(np.linspace(0.2, 0.01, 30)), None),     # too short a stay
    ([0.25] * 20 + [0.2] * 13, None),                            # never leaves for good
    (list(np.linspace(0.3, 0.01, 33)), None),                    # falls all along
])
def test_a_plateau_is_a_long_stay_near_chance_that_ends(losses, found):
    assert find_plateau(np.array(losses), list(range(len(losses))), 0.25) == found


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
