"""PlotAxes: a data box [x0, x1] × [y0, y1] drawn as L-shaped axes with ticks, mapping data
coordinates to scene points (lighter than manim's Axes: Text tick labels, no LaTeX)."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Line, Rectangle, Text, VGroup, VMobject

from ..theme import Theme

FONT = "DejaVu Sans"


def nice_ticks(lo: float, hi: float, target: int = 6) -> list[float]:
    """Round tick values (steps of 1, 2, 2.5 or 5 × 10^k) inside [lo, hi], about ``target``."""
    raw = (hi - lo) / max(target, 1)
    mag = 10 ** np.floor(np.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = np.ceil(lo / step - 1e-9) * step
    return [round(float(v), 10) for v in np.arange(first, hi + 1e-9 * step, step)]


def tick_text(v: float) -> str:
    """A tick value as a short label with a typographic minus: −1, 0.5, 2."""
    return "0" if abs(v) < 1e-12 else f"{v:g}".replace("-", "\u2212")


class PlotAxes(VGroup):
    """Axes for data in ``x_range`` × ``y_range``, ``width`` × ``height`` scene units.

    p(x, y)           scene point of a data point (follows the group when moved or scaled)
    points_of(xy)     scene points of an (n, 2) array of data points
    polyline(xs, ys)  a VMobject through the points, cut where they leave the box
    clip(p, q)        the part of segment p→q (data coordinates) inside the box, or None
    contains(x, y)    whether a data point lies in the box
    """

    def __init__(self, theme: Theme, x_range: tuple[float, float], y_range: tuple[float, float],
                 width: float, height: float, x_ticks: Sequence[float] = (),
                 y_ticks: Sequence[float] = (), x_label: str | None = None,
                 y_label: str | None = None, font_size: float = 22,
                 tick_format: Callable[[float], str] = tick_text) -> None:
        super().__init__()
        self.theme = theme
        self.x_range, self.y_range = tuple(map(float, x_range)), tuple(map(float, y_range))
        # the box is the coordinate reference; invisible, but moves with the group
        self.box = Rectangle(width=width, height=height, stroke_opacity=0, fill_opacity=0)
        self.add(self.box)
        style = {"stroke_color": theme.muted, "stroke_width": 2}
        self.x_axis = Line(self.p(x_range[0], y_range[0]), self.p(x_range[1], y_range[0]), **style)
        self.y_axis = Line(self.p(x_range[0], y_range[0]), self.p(x_range[0], y_range[1]), **style)
        self.ticks = VGroup()
        self.tick_labels = VGroup()
        for x in x_ticks:
            base = self.p(x, y_range[0])
            self.ticks.add(Line(base, base + 0.1 * DOWN, **style))
            lab = Text(tick_format(x), font=FONT, font_size=font_size, color=theme.muted)
            self.tick_labels.add(lab.next_to(base, DOWN, buff=0.15))
        for y in y_ticks:
            base = self.p(x_range[0], y)
            self.ticks.add(Line(base, base + 0.1 * LEFT, **style))
            lab = Text(tick_format(y), font=FONT, font_size=font_size, color=theme.muted)
            self.tick_labels.add(lab.next_to(base, LEFT, buff=0.15))
        self.add(self.x_axis, self.y_axis, self.ticks, self.tick_labels)
        # axis names: right of the x-axis, above the y-axis (clear of the tick labels)
        self.labels = VGroup()
        name = {"font": FONT, "font_size": font_size + 4, "color": theme.text, "slant": "ITALIC"}
        if x_label:
            self.labels.add(Text(x_label, **name).next_to(self.x_axis.get_end(), RIGHT, buff=0.15))
        if y_label:
            self.labels.add(Text(y_label, **name).next_to(self.y_axis.get_end(), UP, buff=0.22))
        self.add(self.labels)

    # -- coordinates --------------------------------------------------------------------------
    def _frame(self) -> tuple[np.ndarray, np.ndarray]:
        """Lower-left corner and size of the box (from its points: cheaper than manim's
        bounding-box queries, and p() runs for every point of every frame)."""
        lo, hi = self.box.points.min(axis=0), self.box.points.max(axis=0)
        return lo, hi - lo

    def p(self, x: float, y: float) -> np.ndarray:
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        lo, size = self._frame()
        return np.array([lo[0] + (x - x0) / (x1 - x0) * size[0],
                         lo[1] + (y - y0) / (y1 - y0) * size[1], 0.0])

    def points_of(self, xy: np.ndarray) -> np.ndarray:
        """(n, 2) data points -> (n, 3) scene points: ``p`` for many points at once."""
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        lo, size = self._frame()
        out = np.zeros((len(xy), 3))
        out[:, 0] = lo[0] + (xy[:, 0] - x0) / (x1 - x0) * size[0]
        out[:, 1] = lo[1] + (xy[:, 1] - y0) / (y1 - y0) * size[1]
        return out

    def unit(self) -> tuple[float, float]:
        """Scene units per data unit along x and y."""
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        _, size = self._frame()
        return size[0] / (x1 - x0), size[1] / (y1 - y0)

    def contains(self, x: float, y: float) -> bool:
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        return bool(x0 <= x <= x1 and y0 <= y <= y1)

    def clip(self, a: Sequence[float], b: Sequence[float]):
        """Segment a→b (data) cut to the box (Liang–Barsky): ((x, y), (x, y)) or None."""
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        (ax, ay), (bx, by) = a, b
        if not all(np.isfinite([ax, ay, bx, by])):
            return None
        dx, dy = bx - ax, by - ay
        t0, t1 = 0.0, 1.0
        for p, q in ((-dx, ax - x0), (dx, x1 - ax), (-dy, ay - y0), (dy, y1 - ay)):
            if p == 0:
                if q < 0:
                    return None
                continue
            r = q / p
            if p < 0:
                t0 = max(t0, r)
            else:
                t1 = min(t1, r)
            if t0 > t1:
                return None
        return (ax + t0 * dx, ay + t0 * dy), (ax + t1 * dx, ay + t1 * dy)

    def polyline(self, xs: np.ndarray, ys: np.ndarray, color: str | None = None,
                 stroke_width: float = 4.0) -> VMobject:
        """The points (xs, ys) joined by straight pieces, drawn only inside the box."""
        curve = VMobject(stroke_color=color or self.theme.text, stroke_width=stroke_width)
        inside = [self.contains(x, y) for x, y in zip(xs, ys)]
        run: list[np.ndarray] = []
        for (x, y), ok in zip(zip(xs, ys), inside):
            if ok:
                run.append(self.p(x, y))
            elif run:
                self._add_run(curve, run)
                run = []
        if run:
            self._add_run(curve, run)
        return curve

    @staticmethod
    def _add_run(curve: VMobject, run: list[np.ndarray]) -> None:
        if len(run) < 2:
            return
        if curve.has_no_points():
            curve.set_points_as_corners(run)
        else:
            piece = VMobject().set_points_as_corners(run)
            curve.append_points(piece.points)
