"""A shape's cairo path, built with manim's own calls from plain floats.

Manim's ``Camera.set_cairo_context_path`` issues one ``move_to`` per sub-path, one
``curve_to`` per cubic Bézier curve and a ``close_path`` where a sub-path ends where it
began. It reads every coordinate as a NumPy scalar and tests every sub-path's ends with a
Python call, which on a dashed curve (hundreds of sub-paths, a thousand curves, redrawn at
every frame) costs more than the cairo calls themselves. ``set_path`` makes the same calls
in the same order with the same numbers, read once as floats, and tests all ends at once
(``tests/test_cairo_path.py`` compares the paths).
"""
from __future__ import annotations

import cairo
import numpy as np


def set_path(ctx: cairo.Context, vmobject, points: np.ndarray) -> bool:
    """Set ``ctx``'s path to the finite ``points`` of ``vmobject`` as manim would; False
    (nothing done) where manim treats the points apart: none (the path is left as it was),
    non-finite ones, or a count that is no whole number of curves."""
    if vmobject.n_points_per_cubic_curve != 4 or len(points) == 0 or len(points) % 4 \
            or not np.isfinite(points).all():
        return False
    ctx.new_path()
    pieces = vmobject.get_subpath_split_indices_from_points(points, n_dims=2)
    pieces = pieces[pieces[:, 1] - pieces[:, 0] >= 4]
    if len(pieces) == 0:
        return True
    curves = points[:, :2].reshape(-1, 8).tolist()  # a row: x0 y0 x1 y1 x2 y2 x3 y3
    closed = _closed(vmobject, points[pieces[:, 0], :2], points[pieces[:, 1] - 1, :2])
    move_to, curve_to = ctx.move_to, ctx.curve_to
    new_sub_path, close_path = ctx.new_sub_path, ctx.close_path
    for (start, stop), close in zip((pieces // 4).tolist(), closed.tolist()):
        new_sub_path()
        move_to(*curves[start][:2])
        for row in curves[start:stop]:
            curve_to(*row[2:])
        if close:
            close_path()
    return True


def _closed(vmobject, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """``consider_points_equals_2d(first[i], last[i])`` for every i: each coordinate equal,
    or apart by at most atol + rtol·|last| (finite)."""
    rtol, atol = 1.0e-5, vmobject.tolerance_for_point_equality
    with np.errstate(invalid="ignore"):
        apart = np.abs(first - last)
        near = (first == last) | ((apart <= atol + rtol * np.abs(last)) & np.isfinite(apart))
    return near.all(axis=1)
