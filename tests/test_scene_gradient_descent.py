"""GradientDescent1D: renders, shows only traced numbers, reads the slope's sign the deck's
way, shows the three learning rates' outcomes, refuses traces it cannot show; and its
ScrollingTable."""
import numpy as np
from conftest import CONFIGS
from scene_utils import refusal, rendered, shown_texts

from nnanim.engine import config
from nnanim.engine.run import run
from nnanim.scenes.format import fmt

SCENE = "GradientDescent1D"
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once


def test_the_probes_the_table_the_worked_steps_and_the_ends_are_shown(last):
    _, scene = last
    shown = shown_texts(scene)
    main = scene.trace("main")
    probe_grad = main.static("probe/grad")
    for i in range(len(probe_grad)):
        assert shown[("main", None, "static", "probe/grad", (i, 0))] == fmt(probe_grad[i, 0])
    for k in main.all_steps:  # the table holds every step
        for q in ("theta", "theta.grad"):
            assert shown[("main", k, "objective", q, (0,))] == fmt(main.get(k, "objective", q)[0])
    for k in range(3):  # the worked updates x_{k+1} = x_k − η f'(x_k)
        assert ("main", k, "objective", "theta.after", (0,)) in shown
    for role in ("small", "main", "large"):
        t = scene.trace(role)
        end = t.all_steps[-1]
        assert shown[(role, end, "objective", "theta.after", (0,))] == \
            fmt(t.get(end, "objective", "theta.after")[0])
        assert shown[(role, 0, "scalar", "lr", ())] == f"{t.scalars('lr')[0]:g}"


def test_the_deck_reading_and_the_lessons(last):
    _, scene = last
    main = scene.trace("main")
    xs, grads = main.static("probe/theta")[:, 0], main.static("probe/grad")[:, 0]
    np.testing.assert_allclose(xs, [-0.5, -0.25, 0.0, 0.25, 0.5])
    assert np.all(grads[:4] < 0) and grads[4] > 0
    assert scene.captions[1].startswith("Gradient negative \u2192 make x bigger")
    assert "between 0.25 and 0.5" in scene.captions[2]
    # steps: η = 0.1 converges to the known minimizer
    star = main.static("objective/minimizer")[0]
    assert abs(main.get(main.all_steps[-1], "objective", "theta.after")[0] - star) < 1e-4
    # too small crawls (still far after as many steps), too large diverges
    small, large = scene.trace("small"), scene.trace("large")
    assert len(small.all_steps) == len(main.all_steps)
    assert abs(small.get(small.all_steps[-1], "objective", "theta.after")[0] - star) > 0.05
    assert large.summary["diverged"] and len(large.all_steps) < len(main.all_steps)
    assert scene.verdicts == {"small": "too small: crawls", "main": "good: converges",
                              "large": "too large: diverges"}


def test_the_step_limit_is_the_traced_curvature_bound(last):
    """η > 2/f″(x*) ≈ 0.74 is why 0.75 diverges: the bound, f″ and x* are traced values."""
    _, scene = last
    shown = shown_texts(scene)
    large = scene.trace("large")
    bound = large.static("objective/max_stable_lr")[0]
    assert shown[("large", None, "static", "objective/max_stable_lr", (0,))] == fmt(bound)
    assert shown[("large", None, "static", "objective/hessian", (0, 0))] == \
        fmt(large.static("objective/hessian")[0, 0])
    assert large.scalars("lr")[0] > bound > scene.trace("main").scalars("lr")[0]


def test_refuses_a_2d_objective(tmp_path):
    run(config.load(CONFIGS / "linear_regression.toml"), tmp_path / "lr.trace")
    assert "needs a 1-D objective run" in refusal(SCENE, tmp_path, "--trace",
                                                  str(tmp_path / "lr.trace"))


def test_scrolling_table_keeps_the_last_rows():
    from manim import Square

    from nnanim.scenes.mobjects.scrolling_table import ScrollingTable
    from nnanim.scenes.theme import DARK

    table = ScrollingTable([Square(0.2), Square(0.2)], [1.0, 1.0], DARK, visible=3)
    for i in range(5):
        cells = [Square(0.2), Square(0.3)]
        if i < 2:
            table.push(cells).interpolate_mobject(1.0)
            table.settle()
        else:
            table.push_now(cells)
        assert table.rows[-1][1] is cells[1]
    assert len(table.rows) == 3 and len(table.body) == 3
    ys = [r.get_center()[1] for r in table.rows]
    assert np.allclose(np.diff(ys), -table.row_height)  # evenly spaced, oldest on top
    assert np.isclose(ys[0], table.slot_y(1))
    # cells are right-aligned in their columns
    assert np.isclose(table.rows[0][1].get_right()[0], table.rule.get_end()[0])


def test_refuses_a_run_recorded_every_other_step(tmp_path):
    """The scene draws x at every step: a sparser recording is refused in one line."""
    text = (CONFIGS / "descent_1d.toml").read_text() + "\n[record]\nevery = 2\n"
    run(config.loads(text), tmp_path / "sparse.trace")
    message = refusal(SCENE, tmp_path, "--trace", str(tmp_path / "sparse.trace"))
    assert "GradientDescent1D needs every step recorded (record.every = 1)" in message
