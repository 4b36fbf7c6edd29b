"""ActivationFunctions: every curve drawn is the engine's f and f′, the numbers shown are the
trace's (the logistic's largest f′ found on the grid, ReLU's f′ at ±2, the slopes), the
lessons hold on the trace, and a curves trace it cannot show is refused in one line."""
import numpy as np
import pytest
from conftest import CONFIGS
from scene_utils import refusal, rendered, shown_texts

from nnanim.engine import config
from nnanim.engine.run import run

SCENE = "ActivationFunctions"
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once

CURVES = ("identity", "binary_step", "logistic", "tanh", "arctan", "relu", "leaky_relu",
          "prelu", "elu", "softplus")


def data_points(plot, points: np.ndarray) -> np.ndarray:
    """Scene points of ``plot`` back in data coordinates, (n, 2)."""
    lo = plot.box.points.min(axis=0)
    ux, uy = plot.unit()
    return np.column_stack([plot.x_range[0] + (points[:, 0] - lo[0]) / ux,
                            plot.y_range[0] + (points[:, 1] - lo[1]) / uy])


def test_every_activation_is_drawn_from_its_traced_f_and_f_prime(last):
    """f's corners are the traced (x, y); every point of f′'s dashes lies on the traced
    dy between grid points (so f′ is the engine's backward, not y or a formula)."""
    _, scene = last
    t = scene.trace("main")
    x = t.static("grid/x")
    assert list(scene.panels) == list(CURVES)
    for name, panel in scene.panels.items():
        y, dy = t.get(0, name, "y")[:, 0], t.get(0, name, "dy")[:, 0]
        corners = data_points(panel.plot, np.concatenate([p.get_anchors() for p in panel.f]))
        expected = np.column_stack([x, y])
        gaps = np.min(np.linalg.norm(corners[:, None] - expected[None], axis=2), axis=1)
        assert gaps.max() < 1e-9, name
        dashes = data_points(panel.plot, np.concatenate([d.points for piece in panel.df
                                                         for d in piece.submobjects]))
        jump = np.abs(np.diff(dy)) > 0.05 * np.ptp(panel.plot.y_range)
        smooth = ~np.isin(np.searchsorted(x, dashes[:, 0]), np.flatnonzero(jump) + 1)
        on = np.interp(dashes[:, 0], x, dy)
        assert np.allclose(dashes[smooth, 1], on[smooth], atol=1e-6), name
    # a jump is not joined: binary step's f and ReLU's f′ are two pieces each
    assert len(scene.panels["binary_step"].f) == 2 and len(scene.panels["relu"].df) == 2
    assert len(scene.panels["logistic"].f) == len(scene.panels["logistic"].df) == 1


def test_the_numbers_shown_are_the_traced_ones(last):
    _, scene = last
    t = scene.trace("main")
    x = t.static("grid/x")
    shown = shown_texts(scene)
    dy = {name: t.get(0, name, "dy")[:, 0] for name in CURVES}
    # the logistic's largest f′: the argmax over the grid, at x = 0
    peak = int(np.argmax(dy["logistic"]))
    assert shown[("main", 0, "logistic", "dy", (peak, 0))] == "0.25"
    assert shown[("main", None, "static", "grid/x", (peak,))] == "0"
    # its tails, at the grid's ends
    for end in (0, len(x) - 1):
        assert shown[("main", 0, "logistic", "dy", (end, 0))] == f"{dy['logistic'][end]:.3g}"
    # ReLU's f′ at x = 2 and x = −2
    for xv, text in ((2.0, "1"), (-2.0, "0")):
        i = int(np.argmin(np.abs(x - xv)))
        assert x[i] == xv
        assert shown[("main", 0, "relu", "dy", (i, 0))] == text
        assert shown[("main", None, "static", "grid/x", (i,))] == f"{xv:g}".replace("-", "−")
    # the slopes: leaky ReLU's ε as its f′ left of 0, PReLU's traced α, ELU's α as f′(0)
    # (α·e⁰): each the value its config set
    curves = {c["name"]: c for c in t.config["curve"]}
    i = int(np.argmin(np.abs(x + 2)))
    assert shown[("main", 0, "leaky_relu", "dy", (i, 0))] == "0.1"
    assert dy["leaky_relu"][i] == pytest.approx(curves["leaky_relu"]["layers"][0]["alpha"])
    assert shown[("main", 0, "prelu", "prelu_0.alpha", (0,))] == "0.25"
    assert t.get(0, "prelu", "prelu_0.alpha")[0] == curves["prelu"]["params"]["prelu_0"]["alpha"][0]
    zero = int(np.flatnonzero(x == 0)[0])
    assert shown[("main", 0, "elu", "dy", (zero, 0))] == "1"
    assert dy["elu"][zero] == curves["elu"]["layers"][0]["alpha"]


def test_the_lessons_hold_on_the_trace(last):
    """What the captions say: the logistic's f′ never exceeds 0.25 and is nearly 0 at the
    grid's ends; ReLU's is 1 for every x > 0 and 0 for every x < 0; binary step's is 0
    everywhere; softplus′ is the logistic."""
    _, scene = last
    t = scene.trace("main")
    x = t.static("grid/x")
    dy = {name: t.get(0, name, "dy")[:, 0] for name in CURVES}
    assert dy["logistic"].max() <= 0.25 and x[np.argmax(dy["logistic"])] == 0
    assert dy["logistic"][0] < 0.01 and dy["logistic"][-1] < 0.01
    assert np.all(dy["relu"][x > 0] == 1) and np.all(dy["relu"][x < 0] == 0)
    assert np.all(dy["binary_step"] == 0)
    assert np.allclose(dy["softplus"], t.get(0, "logistic", "y")[:, 0], atol=1e-12)
    said = "\n".join(scene.captions)
    for claim in ("recorded f′\nis 0 everywhere: no gradient to learn from",
                  "never exceeds 0.25", "It saturates", "f′ = 1 for every x > 0",
                  "f′ = 0 for every x < 0: a unit stuck there is dead",
                  "softplus′ is the logistic curve itself", "many factors ≤ 0.25",
                  "Next: vanishing gradients"):
        assert claim in said, claim


@pytest.fixture(scope="module")
def curves_trace(tmp_path_factory):
    """make(body) -> a curves trace of the bundled config with ``body`` changing it."""
    d = tmp_path_factory.mktemp("curves")

    def make(name: str, change) -> str:
        cfg = config.load(CONFIGS / "activations.toml")
        change(cfg)
        run(config.validate(cfg), d / f"{name}.trace")
        return str(d / f"{name}.trace")

    return make


def test_refuses_curves_it_cannot_show(curves_trace, tmp_path):
    def drop(cfg):
        cfg["curve"] = [c for c in cfg["curve"] if c["name"] not in ("elu", "softplus")]

    message = refusal(SCENE, tmp_path, "--trace", curves_trace("short", drop))
    assert "lacks the curves elu, softplus" in message

    def swap(cfg):  # a curve named logistic that is a ReLU
        next(c for c in cfg["curve"] if c["name"] == "logistic")["layers"] = [{"type": "ReLU"}]

    message = refusal(SCENE, tmp_path, "--trace", curves_trace("swapped", swap))
    assert "curve logistic" in message and "must be one sigmoid layer" in message

    def narrow(cfg):
        cfg["grid"] = {"from": -1.0, "to": 1.0, "n": 21}

    message = refusal(SCENE, tmp_path, "--trace", curves_trace("narrow", narrow))
    assert "must reach past x = ±2" in message
