"""Overfitting: the numbers on screen are the traces' (data settings, λ, the losses and
penalties at the end, the early-stopping epoch, the largest weights), the curves and bars
drawn are the traced functions and weights, the lessons hold on the traces (the plain net
memorises: train loss near 0 while the validation loss turns up; L2, L1 and dropout end
with a lower validation loss; L2 shrinks every weight, L1 leaves most near 0 but none
exactly 0), the penalty on screen is the engine's, and traces it cannot show are refused in
one line."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import CONFIGS
from scene_utils import assert_shown_match_trace, refusal, rendered, shown_texts

from nnanim.engine import config
from nnanim.engine.run import run
from nnanim.scenes.loss_functions import inside_runs
from nnanim.scenes.overfitting import NEAR_ZERO, dense_layers, loss_text

SCENE = "Overfitting"
ROLES = ("main", "l2", "l1", "dropout")
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once


def weights(t, step=None, k=1):
    """The k-th Dense layer's W at ``step`` (default: the last recorded)."""
    return t.get(t.steps[-1] if step is None else step, dense_layers(t)[k], "W")


def test_every_number_is_the_traces(last):
    _, scene = last
    assert_shown_match_trace(scene, min_count=20)
    shown = shown_texts(scene)
    t = scene.trace("main")
    assert shown[("main", None, "config", "data.n", ())] == "40"
    assert shown[("main", None, "config", "data.validation", ())] == "50 %"
    # the net and its size: 1 → 32 → 32 → 1, 1153 parameters; dropout's p; W₂'s shape
    assert [shown[("main", None, "config", f"model.layers.{i}.{f}", ())]
            for i, f in ((0, "in_features"), (0, "out_features"), (2, "out_features"),
                         (4, "out_features"))] == ["1", "32", "32", "1"]
    assert shown[("main", None, "config", "model.layers.2.in_features", ())] == "32"
    assert shown[("main", None, "summary", "param_count", ())] == "1153"
    assert shown[("dropout", None, "config", "model.layers.2.p", ())] == "0.1"
    for role in ("l2", "l1"):
        assert shown[(role, None, "config", f"regularization.{role}", ())] == "0.001"
        r = scene.trace(role)
        end = r.all_steps[-1]
        assert shown[(role, end, "scalar", "loss", ())] == loss_text(r.scalars("loss")[end])
        assert shown[(role, end, "scalar", "penalty", ())] == loss_text(
            r.scalars("penalty")[end])
    end = (len(t.epochs) - 1,)
    for role in ROLES:
        assert shown[(role, None, "epoch", "val_loss", end)] == loss_text(
            scene.trace(role).epochs[-1]["val_loss"])
    # the step counter starts at step 0 and ends at the last recorded step
    assert shown[("main", 0, "scalar", "step", ())] == "0"
    assert shown[("main", scene.steps[-1], "scalar", "step", ())] == str(scene.steps[-1])
    # the early stop: the epoch of the lowest validation loss, after that many steps
    best = int(np.argmin([e["val_loss"] for e in t.epochs]))
    assert shown[("main", None, "epoch", "steps", (best,))] == str(t.epochs[best]["steps"])
    assert shown[("main", None, "epoch", "val_loss", (best,))] == loss_text(
        t.epochs[best]["val_loss"])


def test_the_fits_drawn_are_the_traced_functions(last):
    """The plain net's curve at the end and each remedy's are eval/pred of the last
    recorded step, cut at the plot's box."""
    _, scene = last
    gx = scene.trace("main").static("eval/grid_x")
    t = scene.trace("main")
    pieces = inside_runs(scene.plot, gx, t.get(t.steps[-1], "eval", "pred")[:, 0])
    drawn = scene.fit[0].points  # solid: one corner path per piece inside the box
    want = np.concatenate([p for p in pieces])
    np.testing.assert_allclose(drawn[0], want[0], atol=1e-9)
    np.testing.assert_allclose(drawn[-1], want[-1], atol=1e-9)
    for c in scene.cols:
        r = scene.trace(c.role)
        pred = r.get(r.steps[-1], "eval", "pred")[:, 0]
        head = c.fit[1].get_center()
        np.testing.assert_allclose(head, c.plot.p(gx[-1], np.clip(pred[-1], *c.plot.y_range)),
                                   atol=1e-9)


def test_the_plain_net_memorises_and_early_stopping_is_marked(last):
    _, scene = last
    e = scene.trace("main").epochs
    train = np.array([x["loss"] for x in e])
    val = np.array([x["val_loss"] for x in e])
    best = int(np.argmin(val))
    assert scene.best == best
    # the training loss falls to near 0 (it threads the 20 noisy points)...
    assert train[-1] < 0.01 and train[-1] < train[0] / 100
    # ...below the noise (σ = 0.3: 0.09), while the validation loss turns up after an early
    # minimum and ends well above it
    assert train[-1] < 0.09 / 10
    assert best < len(e) // 5 and val[-1] > 2 * val[best]
    assert any("lowest after" in c and "early stopping would stop there" in c
               for c in scene.captions)


def test_the_remedies_validate_better_but_not_better_than_early_stopping(last):
    _, scene = last
    plain = scene.trace("main").epochs
    best = min(x["val_loss"] for x in plain)
    for role in ("l2", "l1", "dropout"):
        e = scene.trace(role).epochs
        assert e[-1]["val_loss"] < 0.6 * plain[-1]["val_loss"]
        assert e[-1]["val_loss"] > best
        # the gap between train and validation stays far smaller than the plain net's
        assert e[-1]["val_loss"] / e[-1]["loss"] < plain[-1]["val_loss"] / plain[-1]["loss"] / 5
    assert any(c.startswith("All three end below the plain net's validation loss") and
               "none beats early stopping's" in c for c in scene.captions)


def test_the_penalty_on_screen_is_the_engines(last):
    """The scalar penalty is λ·Σw² (L2, no ½) and λ·Σ|w| (L1) over every Dense W, as the
    columns write; it is part of the loss."""
    _, scene = last
    for role, norm in (("l2", np.square), ("l1", np.abs)):
        t = scene.trace(role)
        lam = t.config["regularization"][role]
        for s in (t.steps[0], t.steps[-1]):
            want = lam * sum(float(norm(t.get(s, d, "W")).sum()) for d in dense_layers(t))
            assert t.scalars("penalty")[t.step_position(s)] == pytest.approx(want, rel=1e-12)
        end = t.all_steps[-1]
        assert 0 < t.scalars("penalty")[end] < t.scalars("loss")[end]
        # full batch: the epoch's train loss is that step's loss, penalty included
        assert t.epochs[-1]["loss"] == pytest.approx(t.scalars("loss")[end])


def test_l2_shrinks_every_weight_l1_leaves_most_near_zero(last):
    _, scene = last
    runs = {r: scene.trace(r) for r in ROLES}
    start = weights(runs["main"], 0)
    for r in ROLES:  # the same start: the histograms begin alike
        np.testing.assert_array_equal(weights(runs[r], 0), start)
    plain, l2, l1, drop = (np.abs(weights(runs[r])) for r in ROLES)
    assert np.median(l2) < np.median(plain) / 5 and l2.max() < plain.max() / 2
    assert np.median(drop) > np.median(l2) * 5          # dropout leaves the sizes alone
    assert np.mean(l1 < NEAR_ZERO) > 0.5                # "most" near 0 ...
    assert np.mean(l2 < NEAR_ZERO) < 0.2                # ... which L2 does not do
    assert np.count_nonzero(l1 == 0) == 0 == scene.exact_zeros   # ... but none exactly 0
    assert l1.max() > 0.3 and 0 < np.count_nonzero(l1 > 0.1) < 0.1 * l1.size  # a few large
    assert scene.near_fraction == np.mean(l1 < NEAR_ZERO)
    assert any("L1 leaves most weights near 0" in c and "none exactly 0" in c
               and "a few large" in c for c in scene.captions)
    assert any("L2 shrinks them all" in c for c in scene.captions)
    # the bars: every weight counted, the penalised runs' weights inside the drawn range
    assert scene.reach >= max(l2.max(), l1.max(), np.abs(start).max())


def small(name: str, **changes) -> dict:
    """A bundled overfit config, 20 epochs, recorded every 10, with ``changes`` as
    {"table.field": value}."""
    cfg = config.load(CONFIGS / f"{name}.toml")
    cfg["training"]["epochs"] = 20
    cfg["record"]["every"] = 10
    for key, value in changes.items():
        table, field = key.split(".")
        cfg[table][field] = value
    return config.validate(cfg)


@pytest.fixture(scope="module")
def other_traces(tmp_path_factory):
    d = tmp_path_factory.mktemp("overfit-others")
    run(small("overfit_plain", **{"data.validation": 0.0}), d / "no_val.trace")
    run(small("overfit_plain", **{"training.batch_size": 5}), d / "minibatch.trace")
    run(small("overfit_plain", **{"record.quantities": ["output"]}), d / "no_w.trace")
    run(small("overfit_plain"), d / "plain.trace")
    run(small("overfit_l1", **{"run.seed": 1}), d / "l1_seed1.trace")
    return d


@pytest.mark.parametrize("args, message", [
    (["--trace", "no_val.trace"], "needs a validation split"),
    (["--trace", "minibatch.trace"], "needs full-batch training (one step per epoch)"),
    (["--trace", "no_w.trace"], "needs the weights W of every Dense layer"),
    (["--run", "l2=plain.trace"], "must be trained with L2"),
    (["--run", "l1=l1_seed1.trace"], "its data/labels differs from the plain run's"),
])
def test_refuses_traces_it_cannot_show(other_traces, tmp_path, args, message):
    args = [a if a.startswith("--") else a.replace(a.split("=")[-1],
                                                   str(other_traces / a.split("=")[-1]))
            for a in args]
    assert message in refusal(SCENE, tmp_path, *args)
