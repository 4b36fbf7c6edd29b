"""cairo_path.set_path and fast_subpaths give manim's own paths and sub-paths: the same
cairo calls with the same numbers, the same pieces of points, on real shapes and on random
points whose curves meet exactly, nearly, or not at all."""
from __future__ import annotations

import cairo
import numpy as np
import pytest
from manim import Circle, DashedLine, Line, Square, Text, VGroup, VMobject
from manim.camera.camera import Camera

from nnanim.scenes.mobjects.styled_curve import StyledCurve
from nnanim.scenes.render.cairo_path import set_path
from nnanim.scenes.render.fast_subpaths import fast_subpaths


def random_points(rng: np.random.Generator) -> np.ndarray:
    """Curves (and a stray point or two) meeting exactly, within manim's tolerance, just
    outside it, or not; some sub-paths closed, nearly closed, or with a non-finite point."""
    n = 4 * int(rng.integers(0, 11)) + int(rng.random() < 0.2) * int(rng.integers(1, 4))
    points = rng.normal(size=(n, 3)).round(int(rng.integers(0, 3)))
    for i in range(4, n, 4):
        pick = rng.random()
        if pick < 0.5:
            points[i] = points[i - 1]
        elif pick < 0.75:
            points[i] = points[i - 1] + rng.normal(size=3) * 10.0 ** -rng.integers(3, 12)
    if n >= 8 and rng.random() < 0.4:  # a closed first sub-path
        points[7] = points[0] + rng.normal(size=3) * 10.0 ** -rng.integers(4, 12)
    if n and rng.random() < 0.1:
        points[rng.integers(n)] = rng.choice([np.nan, np.inf, -np.inf])
    return points


def shapes() -> list[VMobject]:
    x = np.linspace(-5, 5, 400)
    curve = np.stack([x, np.sin(2 * x) + 0.05 * np.cos(37 * x), 0 * x], axis=1)
    dashed = StyledCurve(None, "#FFFFFF")
    dashed.dash = 0.08
    return [Circle(), Square(), Line(), DashedLine(), *Text("Wx + b ≈ 0.25"),
            dashed.set_curve(curve), StyledCurve(None, "#FFFFFF").set_curve(curve),
            VGroup(Circle(), Square()).set_points(np.vstack([Circle().points,
                                                             Square().points]))]


def nearly_closed(gap: float) -> VMobject:
    """One curve whose start is ``gap`` right of its end, at x = 10⁶ (manim's tolerance
    there is 10⁻⁵·|end|: 10)"""
    end = np.array([1e6, 0.0, 0.0])
    return VMobject().set_points(np.array([end + [gap, 0, 0], end + [3, 2, 0], end + [1, 1, 0],
                                           end]))


@pytest.mark.parametrize("gap, closed", [(9.99995, True), (10.00005, False)])
def test_closed_is_measured_against_the_end(gap, closed):
    shape, camera = nearly_closed(gap), Camera()
    theirs = path_of(lambda ctx: camera.set_cairo_context_path(ctx, shape))
    ours = path_of(lambda ctx: set_path(ctx, shape, shape.points))
    assert ours == theirs
    assert any(kind == cairo.PATH_CLOSE_PATH for kind, _ in theirs) == closed


def path_of(build) -> list:
    ctx = cairo.Context(cairo.ImageSurface(cairo.FORMAT_ARGB32, 64, 64))
    ctx.move_to(1, 1)  # a path left over from the shape before
    build(ctx)
    return list(ctx.copy_path())


def test_real_shapes_get_manims_paths():
    camera = Camera()
    for shape in filter(lambda shape: len(shape.points), shapes()):
        theirs = path_of(lambda ctx: camera.set_cairo_context_path(ctx, shape))
        ours = path_of(lambda ctx: set_path(ctx, shape, shape.points))
        assert ours == theirs and len(theirs) >= 2


def test_random_points_get_manims_paths_or_are_left_to_manim():
    rng, camera, shape = np.random.default_rng(7), Camera(), VMobject()
    built = closed = 0
    for _ in range(2000):
        shape.points = random_points(rng)
        theirs = path_of(lambda ctx: camera.set_cairo_context_path(ctx, shape))
        done = []
        ours = path_of(lambda ctx: done.append(set_path(ctx, shape, shape.points)))
        if done[0]:
            assert ours == theirs
            built += 1
            closed += any(kind == cairo.PATH_CLOSE_PATH for kind, _ in theirs)
        else:  # left to manim: no points, non-finite ones or a stray point
            points = shape.points
            assert len(points) % 4 or len(points) == 0 or not np.isfinite(points).all()
    assert built > 1000 and closed > 100


@pytest.mark.parametrize("seed", [1, 2])
def test_fast_subpaths_are_manims(seed):
    rng, shape = np.random.default_rng(seed), VMobject()
    split = 0
    for _ in range(1500):
        points = random_points(rng)
        theirs = shape.get_subpaths_from_points(points)
        with fast_subpaths():
            ours = shape.get_subpaths_from_points(points)
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert np.array_equal(a, b, equal_nan=True)
        split += len(theirs) > 1
    assert split > 300
    assert VMobject.get_subpaths_from_points is not None  # restored after the block
    with fast_subpaths():
        assert Text("ab")[0].get_subpaths()  # used through manim's get_subpaths
