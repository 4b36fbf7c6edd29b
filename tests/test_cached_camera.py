"""CachedCamera draws a shape with manim's cairo calls: every kind of style gives the very
pixels manim's camera gives, transparent paints skipped or not."""
from __future__ import annotations

import numpy as np
import pytest
from manim import BLUE, RED, YELLOW, Circle, Line, Square, Text, VGroup, tempconfig
from manim.camera.camera import Camera

from nnanim.scenes.render.cached_camera import CachedCamera


def styled_shapes() -> VGroup:
    """Fill only, stroke only, both, a background stroke, fully and half transparent
    paints, a wide stroke with round joints, a gradient, glyphs."""
    return VGroup(
        Square(1, fill_color=BLUE, fill_opacity=0.7, stroke_width=0),
        Circle(0.6, color=RED, stroke_width=6),  # stroke only: its fill is transparent
        Square(0.8, fill_color=YELLOW, fill_opacity=0.5, stroke_color=RED, stroke_width=3),
        Square(0.8, fill_opacity=1, stroke_width=2).set_stroke(BLUE, 10, background=True),
        Square(0.9, fill_opacity=0, stroke_opacity=0),  # invisible
        Line([-1, 0, 0], [1, 0.5, 0], stroke_width=12).set_stroke(opacity=0.4),
        Square(0.7, fill_opacity=1).set_fill([BLUE, RED]),  # a gradient: manim's own path
        Text("g = 0.25", font_size=30),
    ).arrange_in_grid(2, 4, buff=0.3)


@pytest.mark.parametrize("background", ["#101418", "#FFFFFF"])
def test_every_style_draws_manims_pixels(background):
    with tempconfig({"pixel_width": 480, "pixel_height": 270, "background_color": background}):
        ours, theirs = CachedCamera(), Camera()
        shapes = styled_shapes()
        ours.capture_mobjects([shapes])  # first capture: every shape drawn, no layers
        theirs.capture_mobjects([shapes])
    assert np.array_equal(ours.pixel_array, theirs.pixel_array)
    assert len(np.unique(ours.pixel_array.reshape(-1, 4), axis=0)) > 20  # drawn


def test_a_transparent_shape_is_not_even_given_a_path(monkeypatch):
    calls = []
    monkeypatch.setattr(CachedCamera, "set_cairo_context_path",
                        lambda self, ctx, m: calls.append(m))
    with tempconfig({"pixel_width": 160, "pixel_height": 90}):
        camera = CachedCamera()
        hidden = Square(fill_opacity=0, stroke_opacity=0)
        shown = Square(fill_opacity=0.5)
        camera.capture_mobjects([hidden, shown])
    assert calls == [shown]
