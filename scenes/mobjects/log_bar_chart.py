"""LogBarChart: one bar per category on a log10 axis, for values that span many decades."""
from __future__ import annotations

import math

import numpy as np
from manim import LEFT, Line, MathTex, Rectangle, VGroup

from ..theme import Theme
from .styled_curve import StyledCurve, dashed_line


class LogBarChart(VGroup):
    """``n`` bars over a log10 axis from 10^lo (the floor) to 10^hi (the top).

    A gridline per decade, labelled 10^k on the left (TeX at ``tick_size``: 26 is 21.6 px
    a line at 720p). Bars start empty (invisible);
    ``bar_for(i, value)`` is the rectangle bar i has for ``value`` (a Transform target).
    Values at or below 10^lo (or 0) draw as a thin stub on the floor, so a vanished
    gradient stays visible. Positions follow the group when it is moved: ``column_x(i)``,
    ``y_of(value)``, ``top(i, value)``, ``level_line(value)``.
    """

    STUB = 0.03  # height of a bar at or below the floor

    def __init__(self, n: int, lo: int, hi: int, theme: Theme, width: float = 5.6,
                 height: float = 3.4, color: str | None = None, bar_fraction: float = 0.62,
                 tick_size: float = 26) -> None:
        super().__init__()
        if n < 1 or hi <= lo:
            raise ValueError(f"LogBarChart needs n >= 1 and hi > lo, got n={n}, {lo}..{hi}")
        self.n, self.lo, self.hi, self.theme = n, lo, hi, theme
        self.bar_fraction = bar_fraction
        self.color = color or theme.gradient
        self.area = Rectangle(width=width, height=height, stroke_width=0)
        self.grid = VGroup()
        self.ticks = VGroup()
        for k in range(lo, hi + 1):
            y = self._y_at(k)
            line = Line(self.area.get_left() * [1, 0, 0] + [0, y, 0],
                        self.area.get_right() * [1, 0, 0] + [0, y, 0],
                        stroke_color=theme.grid, stroke_width=1.5 if k > lo else 2.5)
            self.grid.add(line)
            tick = MathTex(f"10^{{{k}}}", font_size=tick_size, color=theme.muted)
            tick.next_to(line, LEFT, buff=0.12)
            self.ticks.add(tick)
        self.bars = VGroup(*[self.bar_for(i, 0.0).set_fill(opacity=0) for i in range(n)])
        self.add(self.area, self.grid, self.ticks, self.bars)

    # -- geometry (follows the group) ---------------------------------------------------
    def _y_at(self, exponent: float) -> float:
        bottom, top = self.area.get_bottom()[1], self.area.get_top()[1]
        return bottom + (exponent - self.lo) / (self.hi - self.lo) * (top - bottom)

    def y_of(self, value: float) -> float:
        """Scene y of ``value`` on the axis (clamped to the chart)."""
        if not value > 0:
            return self.area.get_bottom()[1]
        return self._y_at(min(max(math.log10(value), self.lo), self.hi))

    def column_x(self, i: int) -> float:
        left = self.area.get_left()[0]
        return left + (i + 0.5) * self.area.width / self.n

    def top(self, i: int, value: float) -> np.ndarray:
        """The point at the top centre of bar i when it shows ``value``."""
        return np.array([self.column_x(i), self._bar_top(value), 0.0])

    def level_line(self, value: float, color: str | None = None) -> StyledCurve:
        """A dashed horizontal line across the chart at ``value`` (one shape)."""
        y = self.y_of(value)
        return dashed_line(np.array([self.area.get_left()[0], y, 0]),
                           np.array([self.area.get_right()[0], y, 0]),
                           color or self.theme.muted, 2, dash=0.08)

    # -- bars -----------------------------------------------------------------------------
    def _bar_top(self, value: float) -> float:
        bottom = self.area.get_bottom()[1]
        return max(self.y_of(value), bottom + self.STUB)

    def bar_for(self, i: int, value: float) -> Rectangle:
        bottom = self.area.get_bottom()[1]
        h = self._bar_top(value) - bottom
        r = Rectangle(width=self.bar_fraction * self.area.width / self.n, height=h,
                      stroke_width=0, fill_color=self.color, fill_opacity=0.9)
        r.move_to([self.column_x(i), bottom + h / 2, 0])
        return r

    @staticmethod
    def decades(values: np.ndarray, slack: float = 0.02) -> tuple[int, int]:
        """(lo, hi): the whole decades that contain all positive ``values``. A maximum
        within ``slack`` decades above a power of ten (1.02 above 1) does not open an empty
        decade: its bar is clamped to the top, short by less than a pixel."""
        v = np.asarray(values, dtype=float)
        v = v[v > 0]
        if v.size == 0:
            return -1, 0
        lo = math.floor(math.log10(v.min()))
        hi = math.ceil(math.log10(v.max()) - slack)
        return lo, max(hi, lo + 1)

