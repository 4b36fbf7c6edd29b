"""Layers of shapes that stand still (scenes/render/static_layers.py): which runs are pasted,
how they are cut into chunks, when a layer is drawn again, and that a pasted layer looks like
the shapes drawn one by one."""
from __future__ import annotations

import numpy as np
import pytest
from unittest.mock import ANY
from manim import BLUE, RED, Square, VGroup, tempconfig

import nnanim.scenes.render.static_layers as static_layers
from nnanim.scenes.render.static_layers import MIN_RUN, SETTLED, StaticLayers


@pytest.fixture
def whole_runs(monkeypatch):
    """No chunk boundaries: a still run is one chunk (the tests of which runs are pasted
    do not depend on where the marks happen to cut)."""
    monkeypatch.setattr(static_layers, "_boundary", lambda mark: False)


def squares(n: int = 6) -> list:
    row = VGroup(*[Square(0.8, fill_color=BLUE, fill_opacity=0.6, stroke_width=4)
                   for _ in range(n)]).arrange(buff=-0.2)  # overlapping edges
    return list(row)


def settle(layers: StaticLayers, shapes: list, captures: int = SETTLED + 1) -> list:
    for _ in range(captures):
        layers.next_capture()
        runs = layers.runs(shapes)
    return runs


def test_a_run_that_stood_still_is_pasted_and_a_change_takes_its_shape_out(whole_runs):
    assert MIN_RUN == 4
    layers, shapes = StaticLayers(), squares(10)
    assert layers.runs(shapes) == [(False, shapes)]  # first sight: drawn
    assert settle(layers, shapes) == [(True, shapes)]
    shapes[4].set_fill(RED)  # colour only: the points stay
    layers.next_capture()
    assert layers.runs(shapes) == [(True, shapes[:4]), (False, shapes[4:5]), (True, shapes[5:])]
    shapes[1].set_fill(RED)  # leaves runs of 1, 2 and 5: the short ones are drawn
    layers.next_capture()
    assert layers.runs(shapes) == [(False, shapes[:5]), (True, shapes[5:])]


@pytest.mark.parametrize("change", [
    lambda s: s.shift([0.1, 0, 0]), lambda s: s.set_fill(opacity=0.3),
    lambda s: s.set_stroke(width=8), lambda s: s.set_stroke(RED),
])
def test_any_change_to_what_a_shape_draws_unsettles_it(change, whole_runs):
    layers, shapes = StaticLayers(), squares()
    settle(layers, shapes)
    change(shapes[0])
    layers.next_capture()
    assert layers.runs(shapes)[0] == (False, [shapes[0]])


def test_a_shape_that_keeps_changing_waits_longer_before_joining_again(whole_runs):
    layers, shapes = StaticLayers(), squares()
    settle(layers, shapes)
    for _ in range(3):  # a counter that changes every frame for three frames
        shapes[0].shift([0.01, 0, 0])
        layers.next_capture()
        layers.runs(shapes)
    runs = settle(layers, shapes, SETTLED + 1)
    assert runs[0] == (False, [shapes[0]])  # it changed 3 times: it waits 2 × 4 frames
    assert settle(layers, shapes, SETTLED * 4)[0] == (True, shapes)


def test_gradients_and_short_runs_are_drawn(whole_runs):
    layers, shapes = StaticLayers(), squares(7)
    shapes[2].set_fill([BLUE, RED])  # a gradient: drawn from its family's extent
    assert settle(layers, shapes) == [(False, shapes[:3]), (True, shapes[3:])]
    assert settle(StaticLayers(), squares(MIN_RUN - 1)) == [(False, ANY)]


def test_a_layer_is_drawn_once_and_pasted_like_the_shapes_drawn_one_by_one(monkeypatch):
    from nnanim.scenes.render.cached_camera import CachedCamera

    drawn = []
    real = static_layers._draw_layer
    monkeypatch.setattr(static_layers, "_draw_layer", lambda *a: drawn.append(1) or real(*a))
    with tempconfig({"pixel_width": 320, "pixel_height": 180}):
        camera, shapes = CachedCamera(), squares()
        pictures = []
        for _ in range(SETTLED + 3):
            camera.reset()
            camera.capture_mobjects(shapes)
            pictures.append(camera.pixel_array.copy())
    assert len(drawn) == 1  # drawn at the first capture it was pasted in, then reused
    direct, pasted = pictures[0].astype(int), pictures[-1].astype(int)  # drawn; pasted
    assert not np.array_equal(direct, np.full_like(direct, direct[0, 0]))  # something drawn
    assert np.abs(direct - pasted).max() <= 3


def test_float_rounding_on_the_points_changes_nothing(whole_runs):
    """An animation carrying a shape from a place to the same place leaves rounding noise on
    its points: the shape stays still, and its kept path is replayed."""
    from nnanim.scenes.render.static_layers import NOISE, same_points

    layers, shapes = StaticLayers(), squares()
    settle(layers, shapes)
    p = shapes[0].points
    noisy = (1 - 0.3) * p + 0.3 * p  # what interpolating p to itself gives
    assert not np.array_equal(noisy, p) and same_points(p, noisy)
    shapes[0].points = noisy
    layers.next_capture()
    assert layers.runs(shapes) == [(True, shapes)]
    assert not same_points(p, p + 10 * NOISE) and not same_points(p, p[:-1])


def test_a_layer_never_stands_for_other_pixels_once_the_record_starts_over():
    """Past MAX_SEEN the record of what shapes drew starts over (and a dead shape's id goes
    to a new one): a layer kept from before must not be pasted for what is drawn now."""
    from manim.camera.camera import Camera

    from nnanim.scenes.render.cached_camera import CachedCamera

    with tempconfig({"pixel_width": 320, "pixel_height": 180}):
        camera, shapes = CachedCamera(), squares()
        for _ in range(SETTLED + 3):
            camera.reset()
            camera.capture_mobjects(shapes)
        shapes[3].set_fill(RED)
        camera._layers._seen.clear()  # as past MAX_SEEN
        for _ in range(SETTLED + 3):
            camera.reset()
            camera.capture_mobjects(shapes)
        plain = Camera()
        plain.capture_mobjects(shapes)
        assert np.abs(camera.pixel_array.astype(int) - plain.pixel_array).max() <= 3


def test_still_runs_are_cut_into_chunks_where_their_marks_say(monkeypatch):
    """Chunks end at shapes whose marks are boundaries, none shorter than MIN_RUN (a short
    tail joins the chunk before): a run cut elsewhere by a moving shape keeps its inner
    chunks, so their layers are pasted again."""
    layers, shapes = StaticLayers(), squares(16)
    settle(layers, shapes)
    mark = {id(s): layers._seen[id(s)].mark for s in shapes}
    ends = {mark[id(shapes[5])], mark[id(shapes[11])], mark[id(shapes[13])]}
    monkeypatch.setattr(static_layers, "_boundary", lambda m: m in ends)
    layers.next_capture()
    assert layers.runs(shapes) == [(True, shapes[:6]), (True, shapes[6:12]),
                                   (True, shapes[12:])]  # 12–13 is short: no cut at 13
    shapes[0].shift([0.1, 0, 0])  # moving: the run now starts at 1
    layers.next_capture()
    assert layers.runs(shapes) == [(False, shapes[:1]), (True, shapes[1:6]),
                                   (True, shapes[6:12]), (True, shapes[12:])]


def test_boundaries_are_about_one_mark_in_chunk():
    hits = sum(static_layers._boundary(m) for m in range(1, 100_001))
    assert abs(hits - 100_000 / static_layers.CHUNK) < 0.1 * 100_000 / static_layers.CHUNK


def test_a_chunk_met_in_an_earlier_capture_gets_its_layer(monkeypatch, whole_runs):
    """A play's still background is drawn once, at its start: the same chunk met there
    again, captures later, is drawn into a layer then and pasted from then on."""
    from nnanim.scenes.render.cached_camera import CachedCamera

    drawn = []
    real = static_layers._draw_layer
    monkeypatch.setattr(static_layers, "_draw_layer", lambda *a: drawn.append(1) or real(*a))
    with tempconfig({"pixel_width": 320, "pixel_height": 180}):
        camera, shapes, others = CachedCamera(), squares(), squares(5)
        for _ in range(SETTLED + 1):  # settled, drawn one by one: met
            camera.reset()
            camera.capture_mobjects(shapes)
        for _ in range(3):  # other frames, without them
            camera.reset()
            camera.capture_mobjects(others)
        before = len(drawn)
        camera.reset()
        camera.capture_mobjects(shapes)
    assert len(drawn) == before + 1
