"""StochasticGradientDescent: renders, shows only traced numbers, and its lessons hold on the
runs' traces: each step descends its batch's own curve (whose minimum is not L's), smaller
batches give noisier paths, a decaying η settles, momentum's velocity carries w past w*, and
clipping shortens the step that would overshoot. Traces it cannot show are refused."""
import numpy as np
import pytest
from conftest import CONFIGS
from scene_utils import refusal, rendered, shown_texts

from nnanim.engine import config
from nnanim.engine.run import run
from nnanim.scenes.format import fmt

SCENE = "StochasticGradientDescent"
OBJ = "objective"
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once


def values(trace, quantity):
    return trace.series(OBJ, quantity).reshape(len(trace.steps), -1)[:, 0]


def test_the_loop_steps_and_the_worked_update_are_shown(last):
    _, scene = last
    shown = shown_texts(scene)
    for role, steps in (("main", range(9)), ("one", range(9))):
        t = scene.trace(role)
        for k in steps:  # the readouts under the loss plot: w and the batch's gradient
            for q in ("theta", "theta.grad"):
                assert shown[(role, k, OBJ, q, (0,))] == fmt(t.get(k, OBJ, q)[0])
    main = scene.trace("main")
    after = main.get(0, OBJ, "theta.after")[0]
    assert shown[("main", 0, OBJ, "theta.after", (0,))] == fmt(after)
    assert shown[("main", 0, "scalar", "lr", ())] == f"{main.scalars('lr')[0]:g}"
    assert shown[("main", None, "config", "training.batch_size", ())] == "8"
    assert shown[("main", None, "config", "data.n", ())] == "40"
    mom = scene.trace("momentum")
    for k in range(20):  # momentum's g and v at every step shown
        for q in ("theta.grad", "theta.velocity"):
            assert shown[("momentum", k, OBJ, q, (0,))] == fmt(mom.get(k, OBJ, q)[0])
    clip = scene.trace("clip")
    raw = clip.get(0, OBJ, "theta.grad_raw")[0]
    assert shown[("clip", 0, OBJ, "theta.grad_raw", (0,))] == fmt(raw)
    assert shown[("clip", None, "config", "clip.norm", ())] == "1"


def test_the_runs_share_one_data_set_and_one_curve(last):
    _, scene = last
    main = scene.trace("main")
    for role in scene.runs:
        t = scene.trace(role)
        np.testing.assert_array_equal(t.static("curve/f"), main.static("curve/f"))
        np.testing.assert_array_equal(t.static("data/y"), main.static("data/y"))
    # one example a step, with and without decay: the same examples in the same order
    one, decay = scene.trace("one"), scene.trace("decay")
    for k in one.steps:
        assert np.array_equal(one.get(k, "batch", "indices"), decay.get(k, "batch", "indices"))


def test_each_step_descends_its_batch_curve_not_L(last):
    """The gradient is the slope of the batch's own curve at w (its sign, read off the traced
    curve), and the batch's minimum is elsewhere than L's; with one example a step, a step
    even moves away from w*: toward its example's own minimum."""
    _, scene = last
    for role in ("main", "one"):
        t = scene.trace(role)
        xs, full = t.static("curve/x"), t.static("curve/f")
        star = int(np.argmin(full))
        elsewhere = 0
        for k in range(9):
            curve = t.get(k, OBJ, "batch_curve")
            w, g = t.get(k, OBJ, "theta")[0], t.get(k, OBJ, "theta.grad")[0]
            i = int(np.searchsorted(xs, w))
            if 0 < i < len(xs) and abs(g) > 0.05:
                assert np.sign(curve[i] - curve[i - 1]) == np.sign(g)
            elsewhere += int(np.argmin(curve)) != star
        assert elsewhere >= 7
    k = scene.away_step
    one = scene.trace("one")
    assert k is not None and any(f"k = {k}" in c and "away" in c for c in scene.captions)
    w, w1 = one.get(k, OBJ, "theta")[0], one.get(k, OBJ, "theta.after")[0]
    w_star = one.static("objective/minimizer")[0]
    own = one.static("curve/x")[np.argmin(one.get(k, OBJ, "batch_curve"))]
    assert np.sign(w1 - w) != np.sign(w_star - w) and np.sign(w1 - w) == np.sign(own - w)


def test_smaller_batches_jitter_more_and_decay_settles(last):
    _, scene = last
    # "same start, same η": the three batch sizes differ in nothing else
    for r in ("full", "one"):
        assert scene.trace(r).scalars("lr")[0] == scene.trace("main").scalars("lr")[0]
        assert values(scene.trace(r), "theta")[0] == values(scene.trace("main"), "theta")[0]
    late = {r: np.ptp(values(scene.trace(r), "theta")[-20:]) for r in ("full", "main", "one",
                                                                        "decay")}
    assert late["one"] > 2 * late["main"] > 2 * late["full"]
    assert late["decay"] < 0.5 * late["one"]
    last10 = {r: np.ptp(values(scene.trace(r), "theta")[-10:]) for r in ("one", "decay")}
    assert last10["decay"] < 0.2 * last10["one"]
    lr = scene.trace("decay").scalars("lr")
    assert lr[0] == pytest.approx(0.6) and lr[-1] == pytest.approx(0.6 * 0.5 ** 3)
    assert np.ptp(scene.trace("one").scalars("lr")) == 0


def test_momentum_rolls_past_the_minimum(last):
    """At the step the scene names, the batch's slope already points back (g and v differ
    in sign) and the step takes w past w*."""
    _, scene = last
    t = scene.trace("momentum")
    k = scene.turn_step
    g, v = t.get(k, OBJ, "theta.grad")[0], t.get(k, OBJ, "theta.velocity")[0]
    w0, w1 = t.get(0, OBJ, "theta")[0], t.get(k, OBJ, "theta.after")[0]
    star = t.static("objective/minimizer")[0]
    assert np.sign(g) != np.sign(v) and (w1 - star) * (w0 - star) < 0
    assert any(c.startswith(f"k = {k}:") for c in scene.captions)
    # velocity v = β v + g, as the engine keeps it (v_0 = g_0)
    beta = t.config["optimizer"]["momentum"]
    vs, gs = values(t, "theta.velocity"), values(t, "theta.grad")
    np.testing.assert_allclose(vs[1:], beta * vs[:-1] + gs[1:], rtol=1e-12)


def test_clipping_shortens_the_step_that_would_overshoot(last):
    _, scene = last
    clip, noclip = scene.trace("clip"), scene.trace("noclip")
    norm = clip.config["clip"]["norm"]
    raw, used = clip.get(0, OBJ, "theta.grad_raw")[0], clip.get(0, OBJ, "theta.grad")[0]
    assert noclip.get(0, OBJ, "theta.grad")[0] == raw  # the same first step, unclipped
    assert abs(raw) > norm and abs(used) == pytest.approx(norm)
    star = clip.static("objective/minimizer")[0]
    w0 = clip.get(0, OBJ, "theta")[0]
    assert w0 < star < noclip.get(0, OBJ, "theta.after")[0]  # flies past w*
    assert w0 < clip.get(0, OBJ, "theta.after")[0] < star  # stops short of it
    # later gradients are small: clipping leaves them as they are (the last caption)
    np.testing.assert_array_equal(values(clip, "theta.grad_raw")[1:],
                                  values(clip, "theta.grad")[1:])
    assert scene.captions[-1].startswith("Later |g|")


@pytest.fixture(scope="module")
def other_traces(tmp_path_factory):
    """A 2-D objective, a run on other data, and a full-batch run (not mini-batches)."""
    d = tmp_path_factory.mktemp("other")
    run(config.load(CONFIGS / "linear_regression.toml"), d / "lr.trace")
    text = (CONFIGS / "sgd_one.toml").read_text().replace("noise = 0.6", "noise = 0.3")
    run(config.loads(text), d / "noisy.trace")
    run(config.load(CONFIGS / "sgd_full.toml"), d / "full.trace")
    return d


def test_refuses_a_2d_objective(other_traces, tmp_path):
    message = refusal(SCENE, tmp_path, "--trace", str(other_traces / "lr.trace"))
    assert "needs a 1-D objective run (w)" in message


def test_refuses_a_run_on_other_data(other_traces, tmp_path):
    message = refusal(SCENE, tmp_path, "--run", f"one={other_traces / 'noisy.trace'}")
    assert "is not on the main run's data (curve/f differs)" in message


def test_refuses_a_full_batch_main_run(other_traces, tmp_path):
    message = refusal(SCENE, tmp_path, "--trace", str(other_traces / "full.trace"))
    assert "the main run must draw mini-batches" in message
