"""Animations that never copy their mobject (scenes/mobjects/light_animations.py): a fade
scales the opacities and, with ``shift``, moves the mobject; without, its points stay; its
opacities are manim's FadeIn/FadeOut's, staggered as manim staggers them."""
from __future__ import annotations

import numpy as np
import pytest
from manim import RIGHT, UP, FadeIn, FadeOut, Square, VGroup, linear

from nnanim.scenes.mobjects.light_animations import Fade, fade_in, fade_out


def shapes() -> VGroup:
    return VGroup(Square(1, fill_opacity=0.8).shift(UP), Square(0.5, fill_opacity=0.4))


def run(animation, alphas=(0.0, 0.3, 0.7, 1.0)) -> list:
    """The fill opacities and the centre at each alpha, as a scene would step it."""
    animation.begin()
    out = []
    for a in alphas:
        animation.interpolate(a)
        out.append(([m.fill_rgbas[0, 3] for m in animation.mobject],
                    animation.mobject.get_center()))
    return out


def test_a_fade_without_shift_leaves_the_points_alone(monkeypatch):
    group = shapes()
    before = [m.points.tobytes() for m in group]
    animation = fade_in(group, rate_func=linear)
    animation.begin()
    measured = []  # measuring the family's extent every frame cost seconds a scene
    monkeypatch.setattr(type(group), "get_critical_point",
                        lambda self, *a: measured.append(1) or np.zeros(3))
    for a in (0.2, 0.5):
        animation.interpolate(a)
    assert measured == []
    monkeypatch.undo()
    group = shapes()
    states = run(fade_in(group, rate_func=linear))
    assert [m.points.tobytes() for m in group] == before  # not even rounding noise
    assert np.allclose(states[0][0], [0, 0]) and np.allclose(states[1][0], [0.24, 0.12])
    assert np.allclose(states[-1][0], [0.8, 0.4])


def test_a_fade_with_shift_arrives_and_leaves_by_it():
    group = shapes()
    centre = group.get_center()
    states = run(fade_in(group, shift=RIGHT, rate_func=linear))
    assert np.allclose(states[0][1], centre - RIGHT)
    assert np.allclose(states[1][1], centre - 0.7 * RIGHT)
    assert np.allclose(states[-1][1], centre)
    out = fade_out(group, shift=UP)
    states = run(out)
    assert np.allclose(states[-1][1], centre + UP) and np.allclose(states[-1][0], [0, 0])
    out.clean_up_from_scene(type("Scene", (), {"remove": lambda *a: None})())
    assert np.allclose(group.get_center(), centre)  # restored, to be shown again
    assert np.allclose([m.fill_rgbas[0, 3] for m in group], [0.8, 0.4])


def fill_alphas(animation, alphas=(0.0, 0.25, 0.5, 0.8, 1.0)) -> np.ndarray:
    """Every drawn shape's fill and stroke opacity at each alpha."""
    animation.begin()
    out = []
    for a in alphas:
        animation.interpolate(a)
        out.append([(m.fill_rgbas[0, 3], m.stroke_rgbas[0, 3])
                    for m in animation.mobject.family_members_with_points()])
    return np.array(out)


def row_of_shapes() -> VGroup:
    return VGroup(*[Square(0.3, fill_opacity=0.2 + 0.1 * i, stroke_opacity=0.9).shift(i * RIGHT)
                    for i in range(5)])


@pytest.mark.parametrize("kwargs", [{}, {"lag_ratio": 0.3}, {"lag_ratio": 0.05},
                                    {"rate_func": linear, "lag_ratio": 0.5}])
@pytest.mark.parametrize("into", [True, False])
def test_light_fades_show_what_manims_show(into, kwargs):
    """The light fade's opacities are manim's FadeIn/FadeOut's at every alpha, staggered
    shape by shape with ``lag_ratio`` as manim staggers them."""
    ours = (fade_in if into else fade_out)(row_of_shapes(), **kwargs)
    theirs = (FadeIn if into else FadeOut)(row_of_shapes(), **kwargs)
    assert isinstance(ours, Fade)
    assert np.allclose(fill_alphas(ours), fill_alphas(theirs), atol=1e-6)


def test_several_mobjects_fade_as_one_group():
    a, b = Square(), Square()
    animation = fade_in(a, b)
    assert isinstance(animation, Fade) and list(animation.mobject.submobjects) == [a, b]
    with pytest.raises(ValueError):
        fade_in()


def points_and_alphas(animation, alphas=(0.0, 0.25, 0.5, 0.8, 1.0)) -> list:
    """Every shape's points and fill and stroke opacities at each alpha."""
    animation.begin()
    out = []
    for a in alphas:
        animation.interpolate(a)
        out.append([(m.points.copy(), m.fill_rgbas[0, 3], m.stroke_rgbas[0, 3])
                    for m in animation.mobject.family_members_with_points()])
    return out


@pytest.mark.parametrize("kwargs", [{"scale": 0.5}, {"scale": 2, "shift": UP},
                                    {"target_position": 2 * RIGHT},
                                    {"target_position": Square().shift(3 * UP), "scale": 0.3},
                                    {"target_position": RIGHT, "shift": UP}])
@pytest.mark.parametrize("into", [True, False])
def test_a_fade_that_scales_or_targets_moves_as_manims(into, kwargs):
    """Scaled or sent to a point, the light fade's points and opacities are manim's
    FadeIn/FadeOut's at every alpha (its Transform to a faded, moved, scaled copy)."""
    ours = (fade_in if into else fade_out)(row_of_shapes(), **kwargs)
    theirs = (FadeIn if into else FadeOut)(row_of_shapes(), **kwargs)
    assert isinstance(ours, Fade)
    for mine, manims in zip(points_and_alphas(ours), points_and_alphas(theirs)):
        for (p, f, s), (q, g, t) in zip(mine, manims):
            assert np.allclose(p, q, atol=1e-9) and np.isclose(f, g) and np.isclose(s, t)


def test_a_scaled_fade_out_leaves_the_mobject_as_it_was():
    group = row_of_shapes()
    before = [m.points.copy() for m in group]
    out = fade_out(group, scale=0.2, target_position=3 * UP)
    points_and_alphas(out)
    out.clean_up_from_scene(type("Scene", (), {"remove": lambda *a: None})())
    assert all(np.array_equal(m.points, p) for m, p in zip(group, before))
    assert np.allclose([m.fill_rgbas[0, 3] for m in group], [0.2, 0.3, 0.4, 0.5, 0.6])


def test_a_fade_that_staggers_a_move_is_manims_own():
    assert isinstance(fade_in(row_of_shapes(), shift=UP, lag_ratio=0.2), FadeIn)
    assert isinstance(fade_in(row_of_shapes(), scale=2, lag_ratio=0.2), FadeIn)
