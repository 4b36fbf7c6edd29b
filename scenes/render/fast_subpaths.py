"""Manim's sub-path split of a shape's points, the same pieces without a NumPy call per curve.

A shape's points are cubic Bézier curves, four points each; a new sub-path starts wherever
one curve's end is not (``np.allclose``) the next one's start. ``VMobject.get_subpaths``
asks that once per curve, one ``np.allclose`` of two points each (about 30 µs), and manim
asks for the sub-paths of both shapes at every ``Transform`` and ``become`` whose point
counts differ: on Backpropagation, whose numbers change by ``become`` at every step, that
was about a tenth of a 480p render. Manim already has the vectorized test
(``get_subpath_split_indices_from_points``, the same comparison in one pass); within
``fast_subpaths()`` ``get_subpaths_from_points`` uses it. The pieces are manim's own:
same points, same order, a trailing piece shorter than a curve dropped
(``tests/test_cairo_path.py`` compares them).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import numpy as np
from manim.mobject.types.vectorized_mobject import VMobject


def get_subpaths_from_points(self: VMobject, points: np.ndarray) -> list[np.ndarray]:
    """``VMobject.get_subpaths_from_points``: ``points`` cut where two curves do not meet."""
    points = np.asarray(points)
    cuts = self.get_subpath_split_indices_from_points(points, n_dims=3).tolist()
    return [points[a:b] for a, b in cuts if b - a >= self.n_points_per_cubic_curve]


@contextmanager
def fast_subpaths() -> Iterator[None]:
    """Within the block, manim's sub-path split is this one."""
    kept = VMobject.get_subpaths_from_points
    VMobject.get_subpaths_from_points = get_subpaths_from_points
    try:
        yield
    finally:
        VMobject.get_subpaths_from_points = kept
