"""Sparkline: a long series (a loss over every step) as a thin line in a small box."""
from __future__ import annotations

import numpy as np
from manim import Animation, Line, Mobject, Rectangle, VGroup, VMobject

from ..theme import Theme
from .light_animations import Tween
from .styled_curve import StyledCurve, dashed_line


class Sparkline(VGroup):
    """``values`` drawn left to right across ``width``, ``lo`` at the bottom and ``hi`` at the
    top of ``height``, above a baseline. ``line_upto(k)`` is the line through values[0..k];
    ``grow_to(k)`` draws the line on from where it ends to values[k], through every value
    between; ``point(k)`` the scene point of values[k]. Positions follow the group when it is
    moved.
    """

    def __init__(self, values: np.ndarray, theme: Theme, width: float, height: float,
                 lo: float, hi: float, color: str, stroke_width: float = 2.0) -> None:
        super().__init__()
        self.values = np.asarray(values, dtype=float)
        self.lo, self.hi, self.color, self.stroke_width = lo, hi, color, stroke_width
        self.area = Rectangle(width=width, height=height, stroke_width=0)
        self.baseline = Line(self.area.get_corner([-1, -1, 0]), self.area.get_corner([1, -1, 0]),
                             stroke_color=theme.grid, stroke_width=2)
        self.line = self.line_upto(0)
        self.upto = 0  # the line ends at values[upto]
        self.add(self.area, self.baseline, self.line)

    def coords(self, upto: int) -> np.ndarray:
        """Scene points of values[0..upto], (upto + 1, 3)."""
        left, bottom = self.area.get_left()[0], self.area.get_bottom()[1]
        k = np.arange(upto + 1)
        v = np.clip(self.values[:upto + 1], self.lo, self.hi)
        return np.stack([left + k / max(len(self.values) - 1, 1) * self.area.width,
                         bottom + (v - self.lo) / (self.hi - self.lo) * self.area.height,
                         np.zeros(upto + 1)], axis=1)

    def level(self, value: float, color: str) -> StyledCurve:
        """A dashed line across the box at ``value`` (a reference such as chance), one
        shape."""
        y = self.area.get_bottom()[1] + (value - self.lo) / (self.hi - self.lo) * self.area.height
        left, right = self.area.get_left()[0], self.area.get_right()[0]
        return dashed_line(np.array([left, y, 0]), np.array([right, y, 0]), color, 2, dash=0.08)

    def point(self, k: int) -> np.ndarray:
        return self.coords(k)[-1]

    def line_upto(self, k: int) -> VMobject:
        line = VMobject(stroke_color=self.color, stroke_width=self.stroke_width)
        line.set_points_as_corners(_drawable(self.coords(k)))
        return line

    def grow_to(self, k: int, rider: Mobject | None = None) -> list[Animation]:
        """The line drawn on from values[upto] to values[k], through the values between (its
        tip runs straight between neighbouring values: a drawn line, no new value), and
        ``rider`` (a dot) kept on its tip. Copies nothing: Tweens, the rider's after the
        line's."""
        start, self.upto = self.upto, k

        def draw(line: VMobject, a: float) -> None:
            t = start + (k - start) * a
            i = min(int(t), k)
            pts = self.coords(min(i + 1, k))  # values[0..i] and the next one
            corners = pts[:i + 1]
            if t > i:  # part of the way to the next value
                corners = np.vstack([corners, pts[i] + (t - i) * (pts[i + 1] - pts[i])])
            line.set_points_as_corners(_drawable(corners))

        grow = [Tween(self.line, draw)]
        if rider is not None:
            grow.append(Tween(rider, lambda dot, a: dot.move_to(self.line.points[-1])))
        return grow


def _drawable(corners: np.ndarray) -> np.ndarray:
    """``corners`` as a line can be drawn: one point becomes a dot-sized segment."""
    if len(corners) == 1:
        return np.vstack([corners, corners + [1e-3, 0, 0]])
    return corners
