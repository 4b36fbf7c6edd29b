"""LogisticRegressionGD: renders, shows only traced numbers (every step's a, b, L, ∂L/∂a,
∂L/∂b and threshold, the worked updates, the minimum), draws the traced curve, errors and
threshold, reads the gradient's sign from the errors, ends near the minimum; refuses traces
it cannot show; and the mobjects it brought (LossPlane, the readouts)."""
import numpy as np
import pytest
from conftest import CONFIGS
from scene_utils import refusal, rendered, shown_texts

from nnanim.engine import config
from nnanim.engine.run import run
from nnanim.scenes.format import fmt

SCENE = "LogisticRegressionGD"
OBJ = "objective"
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once


def test_every_step_the_readouts_the_threshold_and_the_worked_updates_are_shown(last):
    _, scene = last
    t = scene.trace("main")
    shown = shown_texts(scene)
    for k in t.all_steps:
        for q, i in (("theta", 0), ("theta", 1), ("theta.grad", 0), ("theta.grad", 1),
                     ("value", 0), ("boundary", 0)):
            assert shown[("main", k, OBJ, q, (i,))] == fmt(t.get(k, OBJ, q)[i]), (k, q, i)
    for k in range(2):  # a_{k+1} = a_k − η ∂L/∂a written out for the first two steps
        for i in range(2):
            assert shown[("main", k, OBJ, "theta.after", (i,))] == \
                fmt(t.get(k, OBJ, "theta.after")[i])
    assert shown[("main", 0, "scalar", "lr", ())] == f"{t.scalars('lr')[0]:g}"
    for i in range(2):
        assert shown[("main", None, "static", "objective/minimizer", (i,))] == \
            fmt(t.static("objective/minimizer")[i])
    assert shown[("main", None, "static", "model/boundary_star", (0,))] == \
        fmt(t.static("model/boundary_star")[0])


def test_the_picture_is_the_last_traced_state(last):
    """The curve is the traced p on model/x, the errors run from (x_i, y_i) to the traced
    p_i, the dashed line stands at the traced threshold, the point on the map is θ."""
    _, scene = last
    t = scene.trace("main")
    end = t.all_steps[-1]
    plot, x = scene.data_plot, t.static("model/x")
    curve = np.column_stack([x, t.get(end, OBJ, "prediction")])
    drawn = np.vstack([scene.curve.get_start_anchors(), scene.curve.get_end_anchors()[-1:]])
    np.testing.assert_allclose(drawn, plot.points_of(curve), atol=1e-6)
    for seg, xi, yi, pi in zip(scene.errors, t.static("data/x"), t.static("data/y"),
                               t.get(end, OBJ, "data_prediction")):
        start, stop = seg.get_start_and_end()
        # an error under 0.001 is drawn as a point on the row (no segment to see)
        end_at = plot.p(xi, pi) if abs(pi - yi) > 1e-3 else plot.p(xi, yi)
        assert np.allclose(start, plot.p(xi, yi)) and np.allclose(stop, end_at)
    boundary = t.get(end, OBJ, "boundary")[0]
    assert np.isclose(scene.threshold.get_center()[0], plot.p(boundary, 0)[0])
    assert np.allclose(scene.here.get_center(), scene.loss_plane.p(*t.get(end, OBJ, "theta")))
    assert scene.threshold_value.text == fmt(boundary)


def test_the_gradient_is_read_from_the_errors(last):
    _, scene = last
    t = scene.trace("main")
    x, y = t.static("data/x"), t.static("data/y")
    p0 = t.get(0, OBJ, "data_prediction")
    (a0, b0), (ga, gb) = t.get(0, OBJ, "theta"), t.get(0, OBJ, "theta.grad")
    after = t.get(0, OBJ, "theta.after")
    # the wrong start: p falls as x grows, and p = ½ is inside the plot from the first frame
    assert a0 < 0 and np.isfinite(t.get(0, OBJ, "boundary")[0])
    assert any("a wrong start: p(x) falls as x grows" in c for c in scene.captions)
    # too high on average (∂L/∂b > 0): b goes down
    assert gb > 0 and after[1] < b0
    assert any("p is too high on average" in c and "make b smaller" in c
               for c in scene.captions)
    # most errors point up left of 0 and down right of it: ∂L/∂a < 0, a grows
    assert (p0 > y)[x < 0].mean() > 0.75 and (p0 < y)[x > 0].mean() > 0.75
    assert ga < 0 and after[0] > a0
    assert any("(up at x < 0, down at x > 0)" in c and "make a larger" in c
               for c in scene.captions)
    # the first update turns the curve around (a changes sign), as the caption says
    assert after[0] > 0
    assert any("turned the curve around" in c for c in scene.captions)


def test_the_run_ends_near_the_minimum(last):
    _, scene = last
    t = scene.trace("main")
    end = t.all_steps[-1]
    # overlapping classes: L has a minimum; the step is well below the stable limit
    assert "objective/minimizer" in t.manifest["static"]
    assert t.scalars("lr")[0] < 0.5 * t.static("objective/max_stable_lr")[0]
    assert np.allclose(t.get(end, OBJ, "theta"), t.static("objective/minimizer"), atol=0.05)
    assert abs(t.get(end, OBJ, "boundary")[0] - t.static("model/boundary_star")[0]) < 0.005
    assert t.get(end, OBJ, "gap")[0] < 1e-4
    # the loss falls at every step, and the curve steepens at every step
    losses = t.scalars("loss")
    assert np.all(np.diff(losses) < 0)
    assert np.all(np.diff(t.series(OBJ, "theta")[:, 0]) > 0)
    assert any(c.startswith(f"After {end} steps") for c in scene.captions)


@pytest.fixture(scope="module")
def other_traces(tmp_path_factory):
    d = tmp_path_factory.mktemp("other")
    for name in ("descent_1d", "linear_regression"):
        run(config.load(CONFIGS / f"{name}.toml"), d / f"{name}.trace")
    return d


def test_refuses_a_trace_it_cannot_show(other_traces, tmp_path):
    one_d = refusal(SCENE, tmp_path, "--trace", str(other_traces / "descent_1d.trace"))
    assert "needs a 2-D objective run" in one_d
    # a line fitted to real-valued y: no threshold recorded
    line = refusal(SCENE, tmp_path, "--trace", str(other_traces / "linear_regression.trace"))
    assert f"{SCENE}: " in line and "lacks boundary" in line


def test_loss_plane_has_equal_units_and_draws_on_its_axes():
    from nnanim.scenes.mobjects.loss_plane import LossPlane
    from nnanim.scenes.theme import DARK

    a, b = np.linspace(-1, 3, 41), np.linspace(-1, 1, 21)
    A, B = np.meshgrid(a, b)
    plane = LossPlane(DARK, a, b, (A - 1) ** 2 + 4 * B ** 2, height=2.0, max_width=10)
    ux, uy = plane.axes.unit()
    assert np.isclose(ux, uy) and np.isclose(plane.box.height, 2.0)
    narrow = LossPlane(DARK, a, b, (A - 1) ** 2 + 4 * B ** 2, height=2.0, max_width=3.0)
    assert np.isclose(narrow.box.width, 3.0) and np.isclose(narrow.box.height, 1.5)
    piece = plane.path_piece((0, 0), (1, 0.5))
    assert np.allclose(piece[0].get_start_and_end(), [plane.p(0, 0), plane.p(1, 0.5)])
    assert np.allclose(plane.cross(1, 0).get_center(), plane.p(1, 0))


def test_update_rows_colour_the_parameters_and_the_gradient():
    from manim import MathTex

    from nnanim.scenes.mobjects.readouts import update_rows

    rows = update_rows(lambda *t, size: MathTex(*t, font_size=size),
                       [("a_1", "-0.500", "-0.516", "1.049"), ("b_1", "1.000", "0.196", "0.411")],
                       "3", "#8163FF", "#C68517")
    assert len(rows) == 2 and rows[0].get_left()[0] == pytest.approx(rows[1].get_left()[0])
    assert rows[0][2].get_color().to_hex().upper() == "#8163FF"
    assert rows[1][6].get_color().to_hex().upper() == "#C68517"
