"""CachedCamera draws a shape with manim's cairo calls: every kind of style gives the very
pixels manim's camera gives, transparent paints skipped or not."""
from __future__ import annotations

import numpy as np
import pytest
from manim import (BLUE, RED, RIGHT, UP, YELLOW, Circle, Line, Square, Text, VGroup,
                   tempconfig)
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


def frame_over(camera, background, mobjects) -> np.ndarray:
    """One frame as manim's renderer draws it during a play: the still background, then
    the moving mobjects."""
    camera.set_frame_to_background(background)
    camera.capture_mobjects(mobjects)
    return camera.pixel_array.copy()


def test_a_frame_that_repeats_the_last_is_not_drawn_again(monkeypatch):
    from manim import ImageMobject

    drawn = []
    real = CachedCamera.display_vectorized
    monkeypatch.setattr(CachedCamera, "display_vectorized",
                        lambda self, m, ctx: (drawn.append(m), real(self, m, ctx))[1])
    with tempconfig({"pixel_width": 320, "pixel_height": 180}):
        ours, theirs = CachedCamera(), Camera()
        background = theirs.pixel_array.copy()
        background[:90] = [40, 20, 10, 255]
        image = ImageMobject(np.full((4, 4, 4), 200, np.uint8)).scale_to_fit_width(1)
        shapes = VGroup(*[m for m in styled_shapes() if len(m.get_fill_rgbas()) == 1])
        scene = [shapes, image]

        def check(expect_drawn: bool, on=background):
            drawn.clear()
            frame = frame_over(ours, on, scene).astype(int)
            # manim's picture (still runs pasted as layers: a level or two at their edges)
            assert np.abs(frame - frame_over(theirs, on, scene)).max() <= 3
            assert bool(drawn) == expect_drawn

        check(True)
        check(False)  # nothing changed: the pixels hold the frame
        shapes[0].shift(0.01 * RIGHT)
        check(True)
        check(False)
        shapes[1].set_stroke(opacity=0.5)  # a style, not the points
        check(True)
        image.pixel_array[0, 0] = [0, 0, 0, 255]  # an image's pixels, changed in place
        check(True)
        image.shift(0.2 * UP)
        check(True)
        check(True, on=background.copy())  # another background (a new play)
        check(False, on=ours._drawn[0])
        ours.reset()  # the pixels changed under the camera: draw again
        check(True, on=ours._drawn[0] if ours._drawn else background)
        scene.append(Square().set_fill([BLUE, RED], opacity=1))  # a gradient: always drawn
        check(True)
        check(True)


def test_a_fade_pastes_its_shapes_faded_and_shows_what_manim_shows(monkeypatch):
    """A fade's shapes that paint no pixel twice are drawn once, unfaded, and pasted with
    the fade's factor at every frame; shapes that overlap are drawn one by one. Every
    frame is manim's picture within rounding, and the alphas are left as the fade set them,
    also when a shape moves mid-fade or something else sets an alpha."""
    from manim import DOWN

    from nnanim.scenes.mobjects.light_animations import Fade

    drawn = []
    real = CachedCamera.display_vectorized
    monkeypatch.setattr(CachedCamera, "display_vectorized",
                        lambda self, m, ctx: (drawn.append(m), real(self, m, ctx))[1])
    words = Text("shapes that fade as one", font_size=28).to_edge(UP)
    apart = VGroup(*[Square(0.4, fill_opacity=0.8, stroke_width=0) for _ in range(6)])
    apart.arrange(RIGHT, buff=0.3)
    overlapping = VGroup(Square(1, fill_opacity=0.6, stroke_width=0),
                         Circle(0.4, fill_opacity=0.9, stroke_width=0, color=RED))
    framed = VGroup(*[Square(0.4, fill_opacity=0.5, stroke_width=4) for _ in range(4)])
    framed.arrange(RIGHT, buff=0.6).to_edge(DOWN)  # fill and stroke: each paints twice
    group = VGroup(words, apart.shift(DOWN), overlapping, framed)
    shapes = group.family_members_with_points()
    with tempconfig({"pixel_width": 320, "pixel_height": 180}):
        ours, theirs = CachedCamera(), Camera()
        background = theirs.pixel_array.copy()
        fade = Fade(group, into=True)
        fade.begin()
        counts = []
        for alpha in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
            if alpha == 0.5:
                apart[0].shift(0.1 * UP)  # a shape moves mid-fade: its part is drawn anew
            fade.interpolate(alpha)
            expected = [m.fill_rgbas.copy() for m in shapes]
            drawn.clear()
            frame = frame_over(ours, background, [group]).astype(int)
            assert np.abs(frame - frame_over(theirs, background, [group])).max() <= 3
            assert all(np.array_equal(m.fill_rgbas, e) for m, e in zip(shapes, expected))
            counts.append(len(drawn))
        fade.interpolate(0.95)
        words[0].set_fill(opacity=0.2)  # an alpha the fade did not set: drawn as manim does
        drawn.clear()
        frame = frame_over(ours, background, [group]).astype(int)
        assert np.abs(frame - frame_over(theirs, background, [group])).max() <= 3
        assert len(drawn) == len(shapes)
        fade.finish()
        fade.clean_up_from_scene(None)
    assert all(getattr(m, "fading", None) is None for m in shapes)
    # the first frame of a fade draws every shape as manim does (a fade of one frame pays
    # for no picture), the second draws the parts' pictures; from the third on only the
    # overlapping and framed shapes are drawn; a shape that moved starts that over
    assert counts[0] >= len(shapes) and counts[1] >= len(shapes) - counts[2]
    assert 6 <= counts[2] < len(shapes) // 3
    assert counts[3] >= len(shapes) and counts[5] == counts[2]
