"""Contours of a function of two variables sampled on a grid (contourpy, vectorized):
ContourLines draws them through any coordinates-to-scene mapping; ContourMap is the shaded
image plus its contour lines, with the mapping from (x, y) to scene points that paths on
the map need."""
from __future__ import annotations

from typing import Callable, Sequence

import contourpy
import numpy as np
from manim import (DOWN, LEFT, RESAMPLING_ALGORITHMS, RIGHT, UP, Group, ImageMobject, Rectangle,
                   ManimColor, VGroup, VMobject)

from ..theme import Theme
from .heatmap import colorize


def contour_paths(xs: np.ndarray, ys: np.ndarray, z: np.ndarray,
                  level: float) -> list[np.ndarray]:
    """Polylines where ``z[i, j] = f(xs[j], ys[i])`` crosses ``level``, each an (m, 2) array
    of (x, y) coordinates; closed curves repeat their first point at the end."""
    gen = contourpy.contour_generator(np.asarray(xs, dtype=np.float64),
                                      np.asarray(ys, dtype=np.float64),
                                      np.asarray(z, dtype=np.float64))
    return [ln for ln in gen.lines(level) if len(ln) > 1]


class ContourLines(VGroup):
    """Contour lines of ``z[i, j] = f(xs[j], ys[i])`` at ``levels``: one VMobject per level
    that has any (all its lines as subpaths). ``points_of`` maps (n, 2) coordinates to
    (n, 3) scene points (``ContourMap.points_of``, ``PlotAxes.points_of``)."""

    def __init__(self, xs: np.ndarray, ys: np.ndarray, z: np.ndarray, levels: Sequence[float],
                 points_of: Callable[[np.ndarray], np.ndarray], color: str,
                 stroke_width: float = 1.5, stroke_opacity: float = 0.7) -> None:
        super().__init__()
        for level in levels:
            lines = contour_paths(xs, ys, z, level)
            if not lines:
                continue
            vm = VMobject(stroke_color=color, stroke_width=stroke_width,
                          stroke_opacity=stroke_opacity)
            for ln in lines:
                pts = points_of(ln)
                vm.start_new_path(pts[0])
                vm.add_points_as_corners(pts[1:])
            self.add(vm)


class ContourMap(Group):
    """z on the grid (xs, ys), ``z[i, j] = f(xs[j], ys[i])`` (a trace's ``surface/*`` arrays),
    drawn ``width`` scene units wide with equal scales on both axes.

    image     the shading: background colour at the lowest z, ``color`` at the highest
    contours  one VMobject per level (all its lines as subpaths), thin and muted
    frame     the border of the plotted region
    ``c2p``/``points_of`` map coordinates to scene points; ``axis_labels`` names the axes.
    ``log=True`` shades and spaces the levels by log10(z − min z + 10⁻³·(max z − min z)),
    which shows both the floor of a ravine and its steep walls (loss surfaces span
    decades). Pixels are centred on the grid points, so ``c2p`` is exact for the grid's
    own coordinates.
    """

    def __init__(self, xs: np.ndarray, ys: np.ndarray, z: np.ndarray, theme: Theme,
                 width: float = 6.0, levels: int = 12, log: bool = True,
                 color: str | None = None, line_color: str | None = None,
                 line_opacity: float = 0.45, line_width: float = 1.2) -> None:
        super().__init__()
        xs, ys, z = (np.asarray(a, dtype=np.float64) for a in (xs, ys, z))
        if z.shape != (len(ys), len(xs)) or len(xs) < 2 or len(ys) < 2:
            raise ValueError(f"ContourMap needs z of shape (len(ys), len(xs)), got {z.shape}")
        self.xs, self.ys, self.z = xs, ys, z
        dx, dy = (xs[-1] - xs[0]) / (len(xs) - 1), (ys[-1] - ys[0]) / (len(ys) - 1)
        # the region the pixels cover: half a grid cell beyond the outer grid points
        self.x_range = (xs[0] - dx / 2, xs[-1] + dx / 2)
        self.y_range = (ys[0] - dy / 2, ys[-1] + dy / 2)
        unit = width / (self.x_range[1] - self.x_range[0])  # scene units per coordinate unit
        height = (self.y_range[1] - self.y_range[0]) * unit

        shade = self._shade(z, log)
        high = color or ManimColor(theme.grid).interpolate(ManimColor(theme.muted), 0.2).to_hex()
        rgba = colorize(shade[::-1], theme.background, high)  # image rows run top-down
        self.image = ImageMobject(rgba)
        self.image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear"])
        self.image.stretch_to_fit_width(width).stretch_to_fit_height(height)
        self.frame = Rectangle(width=width, height=height, stroke_color=theme.grid,
                               stroke_width=2)
        self.add(self.image, self.frame)
        lo, hi = float(np.min(shade)), float(np.max(shade))
        self.contours = ContourLines(xs, ys, shade, np.linspace(lo, hi, levels + 2)[1:-1],
                                     self.points_of, line_color or theme.muted,
                                     stroke_width=line_width, stroke_opacity=line_opacity)
        self.add(self.contours)

    @staticmethod
    def _shade(z: np.ndarray, log: bool) -> np.ndarray:
        if not log:
            return z
        span = float(np.max(z) - np.min(z)) or 1.0
        return np.log10(z - np.min(z) + 1e-3 * span)

    # -- coordinates --------------------------------------------------------------------------
    def points_of(self, xy: np.ndarray, clip: bool = True) -> np.ndarray:
        """(n, 2) coordinates -> (n, 3) scene points; with ``clip`` points outside the
        region (a diverging run) are drawn on its border instead of off the screen."""
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        if clip:
            xy = np.column_stack([np.clip(np.nan_to_num(xy[:, 0]), *self.x_range),
                                  np.clip(np.nan_to_num(xy[:, 1]), *self.y_range)])
        o = self.frame.get_corner(DOWN + LEFT)
        u = self.frame.width / (self.x_range[1] - self.x_range[0])
        out = np.zeros((len(xy), 3))
        out[:, 0] = o[0] + (xy[:, 0] - self.x_range[0]) * u
        out[:, 1] = o[1] + (xy[:, 1] - self.y_range[0]) * u
        return out

    def c2p(self, x: float, y: float) -> np.ndarray:
        """Scene point of one coordinate pair."""
        return self.points_of(np.array([[x, y]]))[0]

    def axis_labels(self, names: tuple[str, str], label) -> VGroup:
        """Coordinate names from ``label(text)`` beside the frame: x under its right end,
        y left of its top."""
        lx, ly = label(names[0]), label(names[1])
        lx.next_to(self.frame.get_corner(DOWN + RIGHT), DOWN, buff=0.1).align_to(self.frame, RIGHT)
        ly.next_to(self.frame.get_corner(UP + LEFT), LEFT, buff=0.12).align_to(self.frame, UP)
        return VGroup(lx, ly)
