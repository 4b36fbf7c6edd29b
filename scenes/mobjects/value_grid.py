"""ValueGrid: a small matrix drawn as cells with their numbers (like manim's Matrix, but
with cell geometry a scene can highlight: windows, active cells, kernels)."""
from __future__ import annotations

from typing import Callable

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Rectangle, Square, Text, VGroup

from ..format import fmt_auto
from ..theme import Theme


class ValueGrid(VGroup):
    """An (H, W) array as H×W square cells, each with its value.

    cells[i][j]   the Square of entry (i, j);  texts[i][j] its Text (None if blank)
    window(i, j, h, w)  a Rectangle around the h×w block whose top-left is (i, j)
    Values are formatted by ``formatter`` (integers as integers by default); pass
    ``blank`` as a boolean mask to leave cells empty (an output not yet computed).
    """

    def __init__(self, values: np.ndarray, theme: Theme, cell: float = 0.6,
                 formatter: Callable[[float], str] = fmt_auto, font_size: float | None = None,
                 color: str | None = None, fill: np.ndarray | None = None,
                 blank: np.ndarray | None = None, stroke_width: float = 2.0) -> None:
        super().__init__()
        values = np.asarray(values, dtype=np.float64)
        if values.ndim != 2:
            raise ValueError(f"ValueGrid takes a 2-D array, got shape {values.shape}")
        self.values, self.theme, self.cell = values, theme, cell
        self.formatter = formatter
        h, w = values.shape
        font_size = font_size or cell * 38
        self.cells = VGroup()
        self.texts: list[list[Text | None]] = []
        self.font_size = font_size
        self.text_color = color or theme.value
        for i in range(h):
            row = []
            for j in range(w):
                sq = Square(side_length=cell, stroke_color=theme.grid, stroke_width=stroke_width)
                sq.move_to(np.array([(j - (w - 1) / 2) * cell, ((h - 1) / 2 - i) * cell, 0]))
                if fill is not None:
                    sq.set_fill(fill[i][j], opacity=1.0)
                self.cells.add(sq)
                if blank is not None and blank[i, j]:
                    row.append(None)
                    continue
                t = self.make_text(values[i, j])
                t.move_to(sq)
                row.append(t)
            self.texts.append(row)
        self.add(self.cells)
        self.numbers = VGroup(*[t for row in self.texts for t in row if t is not None])
        self.add(self.numbers)

    def make_text(self, value: float, color: str | None = None) -> Text:
        t = Text(self.formatter(value), font="DejaVu Sans", font_size=self.font_size,
                 color=self.theme.ink(color or self.text_color))
        if t.width > self.cell * 0.9:
            t.scale_to_fit_width(self.cell * 0.9)
        return t

    def square(self, i: int, j: int) -> Square:
        return self.cells[i * self.values.shape[1] + j]

    def window(self, i: int, j: int, h: int, w: int, color: str | None = None,
               stroke_width: float = 6.0) -> Rectangle:
        """A rectangle framing the h×w block with top-left cell (i, j)."""
        tl = self.square(i, j).get_corner(UP + LEFT)
        br = self.square(i + h - 1, j + w - 1).get_corner(DOWN + RIGHT)
        r = Rectangle(width=br[0] - tl[0], height=tl[1] - br[1],
                      stroke_color=color or self.theme.active, stroke_width=stroke_width)
        r.move_to((tl + br) / 2)
        return r
