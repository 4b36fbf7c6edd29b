"""SoftmaxCrossEntropy: renders, shows the watched samples' traced logits, probabilities,
losses and gradients, its lessons hold on the trace (softmax regression learns the sure
point, the confidently wrong one costs most, p − y is negative only at the true class, the
points sit on the traced −log p curve, BCE is −log p and −log(1 − p)), and it refuses
traces it cannot show."""
import numpy as np
import pytest
from conftest import CONFIGS, small_xor
from nnanim.engine import config
from nnanim.engine.run import run
from nnanim.scenes.format import fmt
from nnanim.scenes.softmax_cross_entropy import chosen_samples, percent
from scene_utils import refusal, rendered, shown_text_sets

SCENE = "SoftmaxCrossEntropy"
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once


def true_p(t, step, k):
    return t.get(step, "watch", "probabilities")[k, int(t.static("watch/labels")[k])]


def test_the_watched_samples_numbers_are_shown(last):
    """Both samples at the end (logits, probabilities, own loss, own gradient) and before
    training, each as the trace has it (test_scenes.py checks every shown number too)."""
    _, scene = last
    t = scene.trace("main")
    end, shown = t.steps[-1], shown_text_sets(scene)
    right, wrong = chosen_samples(t)
    logits = t.layers[-1]
    for k in (right, wrong):
        for step in (0, end):
            assert fmt(t.get(step, "watch", "loss")[k]) in shown[(step, "watch", "loss", (k,))]
            for c in range(3):
                z = t.get(step, "watch", logits)[k, c]
                assert fmt(z, 2) in shown[(step, "watch", logits, (k, c))]
                p = t.get(step, "watch", "probabilities")[k, c]
                assert fmt(p) in shown[(step, "watch", "probabilities", (k, c))]
        for c in range(3):  # p − y of both at the end
            g = t.get(end, "watch", "grad")[k, c]
            assert fmt(g) in shown[(end, "watch", "grad", (k, c))]
    # the confident wrong answer in percent, as the caption says it
    pred = int(np.argmax(t.get(end, "watch", "probabilities")[wrong]))
    said = " ".join(scene.captions)
    assert percent(t.get(end, "watch", "probabilities")[wrong, pred]) in said
    assert "a confident wrong answer costs most" in said


def test_the_lessons_hold_on_the_trace(last):
    _, scene = last
    t = scene.trace("main")
    end = t.steps[-1]
    right, wrong = chosen_samples(t)
    labels = t.static("watch/labels").astype(int)

    def loss(s, k):
        return t.get(s, "watch", "loss")[k]

    # trained, the sure and right point is cheap; before training it cost far more
    assert true_p(t, end, right) > 0.95 and loss(end, right) < 0.05
    assert loss(0, right) > 10 * loss(end, right)
    # the wrong one: the net is sure of another class, and its loss tops every other
    probs = t.get(end, "watch", "probabilities")[wrong]
    assert np.argmax(probs) != labels[wrong] and probs.max() > 0.8
    assert loss(end, wrong) > 4 > max(loss(s, right) for s in t.steps)
    assert loss(end, wrong) > loss(0, wrong)  # training pushed it up the curve
    # its own loss is −log p_true, and p − y is negative only at the true class, the others
    # equal to their probability
    for k in (right, wrong):
        for s in (0, end):
            p, g = t.get(s, "watch", "probabilities")[k], t.get(s, "watch", "grad")[k]
            assert np.isclose(loss(s, k), -np.log(p[labels[k]]))
            assert g[labels[k]] < 0 and np.all(np.delete(g, labels[k]) > 0)
            assert np.allclose(np.delete(g, labels[k]), np.delete(p, labels[k]))
    # the sure-and-right point has almost nothing left to learn, the wrong one much
    assert np.abs(t.get(end, "watch", "grad")[right]).max() < 0.05
    assert t.get(end, "watch", "grad")[wrong, labels[wrong]] < -0.9


def test_the_points_sit_on_the_traced_curve(last):
    _, scene = last
    t, c = scene.trace("main"), scene.trace("curves")
    end = t.steps[-1]
    right, wrong = chosen_samples(t)
    grid, neg_log = c.static("grid/x"), c.get(0, "neg_log", "y")[:, 0]
    for k in (right, wrong):
        for s in (0, end):
            p = true_p(t, s, k)
            if grid[0] <= p <= grid[-1]:
                assert abs(np.interp(p, grid, neg_log) - t.get(s, "watch", "loss")[k]) < 0.02
    plot = scene.plot[0]
    for mark, k in ((scene.mark, right), (scene.mark_w, wrong)):
        where = plot.p(true_p(t, end, k), t.get(end, "watch", "loss")[k])
        assert np.allclose(mark.get_center(), where, atol=1e-6)


def test_binary_cross_entropy_is_the_two_class_case(last):
    _, scene = last
    c = scene.trace("curves")
    grid = c.static("grid/x")
    y1, y0 = c.get(0, "neg_log", "y")[:, 0], c.get(0, "bce0", "y")[:, 0]
    assert np.allclose(y1, y0[::-1])  # −log p against −log(1 − p): mirror images
    i = int(np.argmin(np.abs(grid - 0.9)))
    assert y1[i] < 0.2 and y0[i] > 2  # p = 0.9: cheap if y = 1, costly if y = 0
    shown = shown_text_sets(scene)
    assert fmt(y1[i]) in shown[(0, "neg_log", "y", (i, 0))]
    assert fmt(y0[i]) in shown[(0, "bce0", "y", (i, 0))]
    # the −log p curve climbs without bound: its traced slope −1/p is steepest at the left
    dy = c.get(0, "neg_log", "dy")[:, 0]
    assert np.all(dy < 0) and dy[0] < 100 * dy[-1]


@pytest.fixture(scope="module")
def curves_trace(tmp_path_factory):
    path = tmp_path_factory.mktemp("curves") / "c.trace"
    run(config.load(CONFIGS / "ce_curves.toml"), path)
    return path


@pytest.fixture(scope="module")
def xor_trace(tmp_path_factory):
    path = tmp_path_factory.mktemp("xor") / "xor.trace"
    run(small_xor(epochs=2), path)
    return path


def test_refuses_a_curves_run_as_its_main_trace(curves_trace, tmp_path):
    assert "needs a network run as its main trace" in refusal(SCENE, tmp_path, "--trace",
                                                              str(curves_trace))


def test_refuses_a_network_without_watched_samples(xor_trace, tmp_path):
    assert "needs watched samples (record.watch)" in refusal(SCENE, tmp_path, "--trace",
                                                             str(xor_trace))


def test_refuses_a_network_run_as_its_curves(xor_trace, tmp_path):
    assert "needs a curves run for −log p" in refusal(SCENE, tmp_path, "--run",
                                                      f"curves={xor_trace}")


def test_the_slide_follows_the_trace(last):
    """Halfway through a slide the counter, the numbers and the point show the recorded
    step halfway along (a frame of the video; the PNG render only sees the slide's end)."""
    _, scene = last
    t = scene.trace("main")
    right, _ = chosen_samples(t)
    tween = scene.slide(right, scene.mark, 1.0)
    tween.interpolate_mobject(0.5)
    step = t.steps[len(t.steps) // 2]
    assert scene.counter.text == str(step)
    assert scene.loss_numbers[1].text == fmt(t.get(step, "watch", "loss")[right])
    where = scene.plot[0].p(true_p(t, step, right), t.get(step, "watch", "loss")[right])
    assert np.allclose(scene.mark.get_center(), where)
    tween.interpolate_mobject(1.0)  # back to the last step, as rendered
