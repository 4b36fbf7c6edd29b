"""LinearRegressionGD: renders, shows only traced numbers, reads ∂L/∂b the deck's way, ends
on the traced fit, refuses traces it cannot show; and the contour lines it draws."""
import numpy as np
import pytest
from conftest import CONFIGS
from scene_utils import refusal, rendered

from nnanim.engine import config
from nnanim.engine.run import run
from nnanim.scenes.format import fmt

SCENE = "LinearRegressionGD"
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once


def test_every_step_the_fit_and_the_worked_updates_are_shown(last):
    _, scene = last
    t = scene.trace("main")
    shown = {(s.step, s.layer, s.quantity, s.index): s.text for s in scene.shown.items}
    for k in t.all_steps:
        for q, i in (("theta", 0), ("theta", 1), ("theta.grad", 0), ("theta.grad", 1)):
            assert shown[(k, "objective", q, (i,))] == fmt(t.get(k, "objective", q)[i])
    end = t.all_steps[-1]
    for i in range(2):
        assert shown[(end, "objective", "theta.after", (i,))] == \
            fmt(t.get(end, "objective", "theta.after")[i])
        assert shown[(None, "static", "objective/minimizer", (i,))] == \
            fmt(t.static("objective/minimizer")[i])
    # the worked updates of the first two steps: θ, ∂L/∂θ and θ after, for a and b
    for k in range(2):
        for i in range(2):
            assert (k, "objective", "theta.after", (i,)) in shown


def test_the_deck_reading_and_the_fit(last):
    _, scene = last
    t = scene.trace("main")
    grad0 = t.get(0, "objective", "theta.grad")
    # below most points: ∂L/∂b < 0, the summed residual is positive, b grows
    assert grad0[1] < 0
    assert t.get(0, "objective", "theta.after")[1] > t.get(0, "objective", "theta")[1]
    assert any("summed residual positive" in c and "make b larger" in c
               for c in scene.captions)
    # the drawn line and point are the last traced θ; it ends near least squares
    a, b = t.get(t.all_steps[-1], "objective", "theta.after")
    plot = scene.data_plot
    x0, x1 = plot.x_range
    start, end = scene.line.get_start_and_end()
    seg = plot.clip((x0, a * x0 + b), (x1, a * x1 + b))
    assert np.allclose(start, plot.p(*seg[0])) and np.allclose(end, plot.p(*seg[1]))
    assert np.allclose(scene.here.get_center(), scene.loss_plot.p(a, b))
    assert np.allclose([a, b], t.static("objective/minimizer"), atol=0.01)
    # the contours come from the traced surface: a 121 × 121 grid
    assert t.static("surface/z").shape == (121, 121)


@pytest.fixture(scope="module")
def other_trace(tmp_path_factory):
    d = tmp_path_factory.mktemp("other")
    run(config.load(CONFIGS / "descent_1d.toml"), d / "d1.trace")
    return d / "d1.trace"


def test_refuses_a_trace_it_cannot_show(other_trace, tmp_path):
    assert "needs a 2-D objective run" in refusal(SCENE, tmp_path, "--trace", str(other_trace))


def test_contour_paths_trace_a_circle():
    from nnanim.scenes.mobjects.contour_map import ContourLines, contour_paths

    g = np.linspace(-2, 2, 41)
    X, Y = np.meshgrid(g, g)
    paths = contour_paths(g, g, X ** 2 + Y ** 2, 1.0)
    assert len(paths) == 1
    p = paths[0]
    assert np.allclose(p[0], p[-1])  # closed
    r = np.hypot(p[:, 0], p[:, 1])  # in the grid's own coordinates
    assert np.allclose(r, 1.0, atol=0.01)
    # a curve cut by the border stays open; a saddle gives two separate pieces
    open_path = contour_paths(g, g, (X - 1.5) ** 2 + Y ** 2, 1.0)
    assert len(open_path) == 1 and not np.allclose(open_path[0][0], open_path[0][-1])
    assert len(contour_paths(g, g, X * Y, 0.5)) == 2
    # ContourLines draws them through the mapping it is given: one subpath a piece
    lines = ContourLines(g, g, X * Y, [0.5], lambda xy: np.column_stack([xy, 0 * xy[:, 0]]),
                         color="#FFFFFF")
    assert len(lines) == 1 and len(lines[0].get_subpaths()) == 2
