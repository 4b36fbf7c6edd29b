"""set_box: a Rectangle reshaped in place to an axis-aligned box, as manim lays one out.

Bars that follow a trace frame by frame (a histogram of the weights during training) were
stretched to a height, stretched to a width and moved: three passes over the points and
three bounding boxes each, for every bar at every frame. ``set_box`` writes the four
corners in manim's order for a Rectangle (top right, top left, bottom left, bottom right,
each side a straight cubic), the points a Rectangle of that size at that place has.
"""
from __future__ import annotations

import numpy as np
from manim import Rectangle


def set_box(rect: Rectangle, lower_left: np.ndarray, upper_right: np.ndarray) -> Rectangle:
    """``rect`` with its corners at ``lower_left`` and ``upper_right`` (x, y; z from
    ``lower_left``); returns it."""
    (x0, y0), (x1, y1) = np.asarray(lower_left, float)[:2], np.asarray(upper_right, float)[:2]
    z = float(np.asarray(lower_left, float)[2]) if len(lower_left) > 2 else 0.0
    return rect.set_points_as_corners(np.array(
        [[x1, y1, z], [x0, y1, z], [x0, y0, z], [x1, y0, z], [x1, y1, z]]))
