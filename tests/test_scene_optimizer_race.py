"""OptimizerRace: renders, shows only traced numbers, draws the traced paths and surfaces,
refuses traces it cannot race; and its two mobjects, ContourMap and TickerText."""
import numpy as np
import pytest
from conftest import CONFIGS
from scene_utils import render, rendered

from nnanim.engine import config
from nnanim.engine.errors import TraceError
from nnanim.engine.run import run
from nnanim.scenes.format import fmt

SCENE = "OptimizerRace"
RAVINE = ("main", "ravine_sgd", "ravine_momentum", "ravine_adam")
ROSEN = ("rosen_gd", "rosen_sgd", "rosen_momentum", "rosen_adam")
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once


def test_every_runners_learning_rate_and_first_and_last_loss_are_shown(last):
    _, scene = last
    shown = {(s.role, s.step, s.quantity): s.text for s in scene.shown.items}
    for role in RAVINE + ROSEN:
        t = scene.trace(role)
        assert shown[(role, 0, "lr")] == fmt(t.scalars("lr")[0])
        assert shown[(role, 0, "loss")] == fmt(t.scalars("loss")[0])
        end = t.all_steps[-1]
        assert shown[(role, end, "loss")] == fmt(t.scalars("loss")[-1])


def test_the_final_frame_is_the_last_traced_step(last):
    _, scene = last
    assert [tuple(r.role for r in race["runners"]) for race in scene.races] == [RAVINE, ROSEN]
    for race in scene.races:
        cmap = race["map"]
        for r in race["runners"]:
            t = scene.trace(r.role)
            end = t.all_steps[-1]
            theta = t.get(end, "objective", "theta")
            # the dot sits on the last traced θ, the path passes every traced θ
            assert np.allclose(r.dot.get_center(), cmap.points_of(theta[None])[0])
            path = t.series("objective", "theta")
            assert np.allclose(r.path.get_anchors()[::2][:len(path)], cmap.points_of(path))
            assert r.ticker.text == fmt(t.scalars("loss")[-1])
        assert race["step"].text == str(scene.trace(race["runners"][0].role).all_steps[-1])


def test_the_surface_and_the_runs_are_the_bundled_ones(last):
    _, scene = last
    for roles in (RAVINE, ROSEN):
        traces = [scene.trace(r) for r in roles]
        z = traces[0].static("surface/z")
        assert z.shape == (121, 121)
        assert all(np.array_equal(t.static("surface/z"), z) for t in traces)  # one surface
    # the ravine's SGD draws real mini-batches; Rosenbrock's has no data, so it is GD ...
    assert scene.trace("ravine_sgd").has(0, "batch", "indices")
    assert not scene.trace("rosen_sgd").has(0, "batch", "indices")
    gd, sgd = scene.trace("rosen_gd"), scene.trace("rosen_sgd")
    assert np.array_equal(gd.series("objective", "theta"), sgd.series("objective", "theta"))
    # ... and the scene says so
    rosen = scene.races[1]
    assert rosen["lessons"][1][1].startswith("Rosenbrock has no data")
    # the lesson of the ravine: momentum ends lowest there, GD zig-zags across (y flips sign)
    finals = {r: scene.trace(r).scalars("loss")[-1] for r in RAVINE}
    assert min(finals, key=finals.get) == "ravine_momentum"
    y = scene.trace("main").series("objective", "theta")[:6, 1]
    assert np.all(np.sign(y[1:]) != np.sign(y[:-1]))


def test_a_1d_objective_trace_is_refused(tmp_path):
    run(config.load(CONFIGS / "descent_1d.toml"), tmp_path / "1d")
    with pytest.raises(TraceError, match="needs a 2-D objective"):
        render(SCENE, tmp_path, trace=tmp_path / "1d")


def test_a_trace_of_another_surface_is_refused(tmp_path):
    cfg = config.load(CONFIGS / "race_ravine_gd.toml")
    cfg["objective"]["condition"] = 10.0
    run(cfg, tmp_path / "bowl")
    with pytest.raises(TraceError, match="share one surface"):
        render(SCENE, tmp_path, trace=tmp_path / "bowl")


def test_contour_map_maps_grid_coordinates_exactly():
    from nnanim.scenes.mobjects.contour_map import ContourMap
    from nnanim.scenes.theme import DARK

    xs, ys = np.linspace(-2, 2, 41), np.linspace(-1, 1, 21)
    X, Y = np.meshgrid(xs, ys)
    cmap = ContourMap(xs, ys, X ** 2 + 4 * Y ** 2, DARK, width=6.0, levels=5)
    cmap.shift(np.array([1.0, -0.5, 0]))
    # equal scales; pixel (i, j) of the image is centred on grid point (xs[j], ys[i])
    assert np.isclose(cmap.frame.width / cmap.frame.height, 41 / 21)
    p00, p11 = cmap.c2p(xs[0], ys[0]), cmap.c2p(xs[1], ys[1])
    assert np.allclose(p11 - p00, [6.0 / 41, 6.0 / 41, 0])
    assert np.allclose(p00[:2] - cmap.frame.get_corner(np.array([-1, -1, 0]))[:2], 3.0 / 41)
    assert np.allclose(cmap.c2p(0, 0), cmap.frame.get_center())
    # points beyond the region (a diverging run) stay on its border
    far = cmap.points_of(np.array([[1e9, -np.inf]]))[0]
    assert np.isclose(far[0], cmap.frame.get_right()[0]) and np.isclose(far[1],
                                                                         cmap.frame.get_bottom()[1])
    assert len(cmap.contours) == 5


def test_ticker_text_aligns_and_swaps_glyphs():
    from manim import LEFT

    from nnanim.scenes.mobjects.ticker_text import TickerText

    t = TickerText("0.258", font_size=26).anchor_at(np.array([2.0, 1.0, 0]))
    right = t.get_right()[0]
    assert right <= 2.0 and right > 2.0 - t.advance
    t.set_text("1.4e-4")
    assert t.text == "1.4e-4" and abs(t.get_right()[0] - right) < t.advance / 2  # same last cell
    assert sum(len(s.points) > 0 for s in t.slots) == 6
    left = TickerText("12", align=LEFT).anchor_at(np.zeros(3))
    assert left.get_left()[0] >= 0
    with pytest.raises(ValueError):
        t.set_text("x")
