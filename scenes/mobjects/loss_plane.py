"""LossPlane: a loss over two parameters (a trace's ``surface/x|y|z``) drawn on PlotAxes with
equal units: the surface as a log-shaded heatmap with contour lines, and the marks a descent
leaves on it (the current point, path pieces, step arrows, the minimum's ×).

Made for the regression scenes (a line, a sigmoid): both draw L(a, b) and its descent the
same way."""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RESAMPLING_ALGORITHMS, RIGHT, UP, Arrow, Dot, Group, Line,
                   VGroup)

from ..theme import Theme
from .contour_map import ContourLines
from .heatmap import Heatmap
from .plot_axes import PlotAxes, nice_ticks


class LossPlane(Group):
    """L on the grid ``xs`` × ``ys`` (``z[i, j] = L(xs[j], ys[i])``), ``height`` scene units
    tall (narrower when it would be wider than ``max_width``), equal units on both axes.

    axes      the PlotAxes (``axes.box`` is the plotted region); ``p(a, b)`` a scene point
    surface   Group(heatmap, contour lines): the full colour ramp (a projector washes out a
              half-strength one) on log(1 + (L − min L) / (2 % of its range)), so the valley
              floor and the steep walls both stay readable; ``levels`` contour lines
    """

    def __init__(self, theme: Theme, xs: np.ndarray, ys: np.ndarray, z: np.ndarray,
                 height: float = 2.9, max_width: float = 5.0, names=("a", "b"),
                 levels: int = 8, font_size: float = 22) -> None:
        super().__init__()
        self.theme = theme
        xs, ys, z = (np.asarray(v, dtype=np.float64) for v in (xs, ys, z))
        (a0, a1), (b0, b1) = (xs[0], xs[-1]), (ys[0], ys[-1])
        width = min(max_width, height * (a1 - a0) / (b1 - b0))
        height = width * (b1 - b0) / (a1 - a0)
        self.axes = PlotAxes(theme, (a0, a1), (b0, b1), width, height,
                             x_ticks=nice_ticks(a0, a1, 5), y_ticks=nice_ticks(b0, b1, 4),
                             x_label=names[0], y_label=names[1], font_size=font_size)
        shade = np.log1p((z - z.min()) / (0.02 * np.ptp(z) + 1e-12))
        heat = Heatmap(shade[::-1], theme, height=height, color=theme.value, vmin=0.0,
                       vmax=shade.max())
        heat.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear"])
        # pixels centred on the grid points: the image reaches half a cell past the border
        heat.stretch_to_fit_width(width * len(xs) / (len(xs) - 1))
        heat.stretch_to_fit_height(height * len(ys) / (len(ys) - 1))
        heat.move_to(self.axes.box)
        heights = z.min() + np.geomspace(0.004, 0.6, levels) * np.ptp(z)
        contours = ContourLines(xs, ys, z, heights, self.axes.points_of, color=theme.text,
                                stroke_width=2, stroke_opacity=0.6)
        self.surface = Group(heat, contours)
        self.add(self.surface, self.axes)

    @property
    def box(self):
        return self.axes.box

    def p(self, a: float, b: float) -> np.ndarray:
        return self.axes.p(a, b)

    # -- what a descent draws on it -----------------------------------------------------------
    def here(self, radius: float = 0.09) -> Dot:
        """The current point (a, b), in the highlight colour, above the path."""
        return Dot(radius=radius, color=self.theme.active).set_z_index(3)

    def path_piece(self, start, end) -> VGroup:
        """One update's segment start → end (each (a, b)) with a dot where it lands."""
        th, p = self.theme, self.p
        return VGroup(Line(p(*start), p(*end), color=th.update, stroke_width=6),
                      Dot(p(*end), radius=0.065, color=th.update))

    def step_arrow(self, start, end) -> Arrow:
        """The update start → end as an arrow (the first, worked steps)."""
        return Arrow(self.p(*start), self.p(*end), buff=0, color=self.theme.update,
                     stroke_width=5, max_tip_length_to_length_ratio=0.2)

    def cross(self, a: float, b: float, size: float = 0.12) -> VGroup:
        """An × at (a, b) in the text colour: the minimum."""
        c = self.p(a, b)
        cross = VGroup(Line(c + size * (LEFT + UP), c + size * (RIGHT + DOWN)),
                       Line(c + size * (LEFT + DOWN), c + size * (RIGHT + UP)))
        return cross.set_stroke(self.theme.text, width=3)
