"""SparseMatrix: a wide matrix drawn legibly: faint cell lines, only the non-zero
structure filled in (tinted cells with their numbers), zeros left blank."""
from __future__ import annotations

import numpy as np
from manim import LEFT, RIGHT, UP, Line, Rectangle, Text, VGroup

from ..theme import Theme


class SparseMatrix(VGroup):
    """An empty rows×cols frame whose entries are filled in one by one.

    ``entry(i, j, text, color)`` builds (does not add) the tinted cell and number of entry
    (i, j); ``row_frame(i)`` is a rectangle around row i.
    ``group`` columns (e.g. an image's width) get slightly stronger separators, so the
    blocks of a flattened image stay visible.
    """

    def __init__(self, rows: int, cols: int, theme: Theme, cell_w: float = 0.4,
                 cell_h: float = 0.36, group: int | None = None, font_size: float = 20,
                 tint: str | None = None) -> None:
        super().__init__()
        self.rows, self.cols, self.theme = rows, cols, theme
        self.cell_w, self.cell_h, self.font_size = cell_w, cell_h, font_size
        self.tint = tint or theme.active
        w, h = cols * cell_w, rows * cell_h
        self.lines = VGroup()
        for i in range(rows + 1):
            y = h / 2 - i * cell_h
            self.lines.add(Line([-w / 2, y, 0], [w / 2, y, 0], stroke_color=theme.grid,
                                stroke_width=1.0))
        for j in range(cols + 1):
            x = -w / 2 + j * cell_w
            strong = j in (0, cols) or (group and j % group == 0)
            self.lines.add(Line([x, h / 2, 0], [x, -h / 2, 0], stroke_color=theme.grid,
                                stroke_width=2.5 if strong else 1.0,
                                stroke_opacity=1.0 if strong else 0.55))
        self.add(self.lines)

    def cell_center(self, i: int, j: int) -> np.ndarray:
        tl = self.lines.get_corner(UP + LEFT)
        return tl + np.array([(j + 0.5) * self.cell_w, -(i + 0.5) * self.cell_h, 0.0])

    def entry(self, i: int, j: int, text: str, color: str, muted: bool = False) -> VGroup:
        """Tinted cell + number for entry (i, j) (``muted`` for a stored zero)."""
        box = Rectangle(width=self.cell_w, height=self.cell_h, stroke_width=0)
        box.set_fill(self.tint, opacity=0.10 if muted else 0.22).move_to(self.cell_center(i, j))
        t = Text(text, font="DejaVu Sans", font_size=self.font_size,
                 color=self.theme.muted if muted else self.theme.ink(color))
        if t.width > self.cell_w * 0.9:
            t.scale_to_fit_width(self.cell_w * 0.9)
        return VGroup(box, t.move_to(box))

    def row_frame(self, i: int, color: str | None = None, stroke_width: float = 4) -> Rectangle:
        left = self.cell_center(i, 0) + LEFT * self.cell_w / 2
        right = self.cell_center(i, self.cols - 1) + RIGHT * self.cell_w / 2
        return Rectangle(width=right[0] - left[0], height=self.cell_h,
                         stroke_color=color or self.theme.active,
                         stroke_width=stroke_width).move_to((left + right) / 2)
