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
ROSEN = ("rosen_gd", "rosen_momentum", "rosen_adam")  # no data: no SGD
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once


def test_every_runners_settings_and_first_and_last_gap_are_shown(last):
    _, scene = last
    shown = {(s.role, s.step, s.quantity): s.text for s in scene.shown.items}
    for role in RAVINE + ROSEN:
        t = scene.trace(role)
        assert shown[(role, 0, "lr")] == fmt(t.scalars("lr")[0])
        gap = t.series("objective", "gap")[:, 0]
        assert shown[(role, 0, "gap")] == fmt(gap[0])
        end = t.all_steps[-1]
        assert shown[(role, end, "gap")] == fmt(gap[-1])
        if "momentum" in role:  # β, from the run's recorded config
            assert shown[(role, None, "optimizer.momentum")] == fmt(t.config["optimizer"]["momentum"])


def test_the_readout_is_the_gap_to_the_minimum_not_f(last):
    """The ravine's floor is f* ≈ 0.26: the readouts and the "closest" badge use f − f*."""
    _, scene = last
    gd = scene.trace("main")
    f_min = gd.static("objective/min_value")[0]
    assert f_min > 0.2
    ravine = scene.races[0]
    gaps = [scene.trace(r.role).series("objective", "gap")[-1, 0] for r in ravine["runners"]]
    best = ravine["runners"][int(np.argmin(gaps))]
    assert best.ticker in ravine["best"] or best.row.get_center()[1] == pytest.approx(
        ravine["best"][0].get_center()[1], abs=0.3)


def test_momentum_lesson_shows_its_traced_velocity_against_its_gradient(last):
    _, scene = last
    t = scene.trace("ravine_momentum")
    lines = scene.velocity_lines(scene.races[0]["runners"][2])
    k = int(lines[0].split()[1].rstrip(":"))
    g, v = t.get(k, "objective", "theta.grad"), t.get(k, "objective", "theta.velocity")
    assert abs(v[0]) > 2 * abs(g[0]) and np.sign(v[1]) != np.sign(g[1])  # the rule held
    for q, vec in (("theta.grad", g), ("theta.velocity", v)):
        assert all(fmt(x).replace("-", "\u2212") in lines[0] for x in vec), q


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
            assert r.ticker.text == fmt(t.series("objective", "gap")[-1, 0])
        assert race["step"].text == str(scene.trace(race["runners"][0].role).all_steps[-1])


def test_the_surface_and_the_runs_are_the_bundled_ones(last):
    _, scene = last
    for roles in (RAVINE, ROSEN):
        traces = [scene.trace(r) for r in roles]
        z = traces[0].static("surface/z")
        assert z.shape == (121, 121)
        assert all(np.array_equal(t.static("surface/z"), z) for t in traces)  # one surface
    # the ravine's SGD draws real mini-batches; Rosenbrock has no data, so no SGD runner
    assert scene.trace("ravine_sgd").has(0, "batch", "indices")
    assert [r.name for r in scene.races[1]["runners"]] == ["GD", "momentum", "Adam"]
    # the lesson of the ravine: momentum ends closest there, GD zig-zags across (y flips sign)
    finals = {r: scene.trace(r).series("objective", "gap")[-1, 0] for r in RAVINE}
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
