"""Sparkline.grow_to draws the line on through the recorded values, its rider on the tip,
and ends on exactly the line through values[0..k]."""
from __future__ import annotations

import numpy as np
from manim import Dot, linear

from nnanim.scenes.mobjects.sparkline import Sparkline
from nnanim.scenes.theme import DARK


def spark() -> Sparkline:
    values = np.array([1.0, 0.8, 0.9, 0.5, 0.45, 0.3, 0.35, 0.2])
    return Sparkline(values, DARK, width=3.5, height=0.7, lo=0.0, hi=1.0,
                     color="#FFFFFF")


def step(animations, alpha: float) -> None:
    for animation in animations:
        animation.interpolate(alpha)


def test_the_line_grows_through_every_value_between_and_ends_as_line_upto():
    s, dot = spark(), Dot()
    grow = s.grow_to(4, rider=dot)
    for animation in grow:
        animation.rate_func = linear
        animation.begin()
    step(grow, 0.5)  # half way from values[0] to values[4]: through values[1], at values[2]
    corners = s.line.get_anchors()
    assert np.allclose(corners[-1], s.point(2))
    assert any(np.allclose(c, s.point(1)) for c in corners)
    assert np.allclose(dot.get_center(), s.point(2))
    step(grow, 0.625)  # half way between values[2] and values[3]: a straight tip
    assert np.allclose(s.line.get_anchors()[-1], (s.point(2) + s.point(3)) / 2)
    step(grow, 1.0)
    assert np.allclose(s.line.points, s.line_upto(4).points)
    assert np.allclose(dot.get_center(), s.point(4)) and s.upto == 4
    later = s.grow_to(7)  # the next growth starts where this one ended
    later[0].begin()
    later[0].interpolate(0.0)
    assert np.allclose(s.line.points, s.line_upto(4).points)
