"""set_box (scenes/mobjects/box.py): the points a Rectangle of that size at that place has."""
from __future__ import annotations

import numpy as np
from manim import Rectangle

from nnanim.scenes.mobjects.box import set_box


def test_a_box_set_in_place_is_the_rectangle_built_there():
    rng = np.random.default_rng(5)
    bar = Rectangle(width=0.3, height=0.01)
    for _ in range(50):
        lo = rng.uniform(-5, 5, 3) * [1, 1, 0]
        size = rng.uniform(1e-3, 3, 2)
        hi = lo + [*size, 0]
        built = Rectangle(width=size[0], height=size[1]).move_to((lo + hi) / 2)
        assert set_box(bar, lo, hi) is bar
        assert np.allclose(bar.points, built.points, atol=1e-12)
    assert np.allclose(bar.get_corner([-1, -1, 0]), lo) and np.allclose(bar.get_corner([1, 1, 0]), hi)
