"""ScrollingTable: a table that keeps its last few rows, like a log that scrolls."""
from __future__ import annotations

from typing import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Animation, FadeIn, Line, Mobject, VGroup

from ..theme import Theme


class ScrollingTable(VGroup):
    """A header over right-aligned columns; at most ``visible`` body rows are shown.

    ``push(cells)`` returns the animations that add a row at the bottom (scrolling the
    others up and fading out the oldest when full); call ``settle()`` after playing them
    to drop the rows that scrolled away. ``rows`` holds the rows on screen, oldest first.
    Cells are mobjects the caller builds (so numbers stay the caller's, read from traces).
    """

    def __init__(self, header: Sequence[Mobject], widths: Sequence[float], theme: Theme,
                 visible: int = 6, row_height: float = 0.46) -> None:
        super().__init__()
        self.widths = list(widths)
        self.visible, self.row_height = visible, row_height
        self.header = VGroup(*header)
        self._place(self.header, 0)
        total = sum(self.widths)
        y = -0.5 * row_height - 0.06
        self.rule = Line(np.array([0, y, 0]), np.array([total, y, 0]),
                         stroke_color=theme.grid, stroke_width=2)
        self.body = VGroup()
        self.add(self.header, self.rule, self.body)
        self.rows: list[VGroup] = []
        self._leaving: list[VGroup] = []

    def _right_edges(self) -> np.ndarray:
        return np.cumsum(self.widths)

    def _place(self, cells: VGroup, slot: int) -> None:
        """Right-align each cell in its column, row ``slot`` (0 = header, 1 = first row)."""
        left = self.rule.get_start()[0] if hasattr(self, "rule") else 0.0
        top = self.header.get_center()[1] if slot and hasattr(self, "rule") else 0.0
        y = top - slot * self.row_height - (0.12 if slot else 0.0)
        for cell, right in zip(cells, self._right_edges()):
            cell.move_to(np.array([left + right, y, 0]), aligned_edge=RIGHT)
            cell.set_y(y)

    def row_center(self, slot: int) -> np.ndarray:
        """Scene centre of body row ``slot`` (1 = first row under the header)."""
        left = self.rule.get_start()[0]
        y = self.header.get_center()[1] - slot * self.row_height - 0.12
        return np.array([left + 0.5 * sum(self.widths), y, 0.0])

    def push(self, cells: Sequence[Mobject]) -> list[Animation]:
        row = VGroup(*cells)
        anims: list[Animation] = []
        if len(self.rows) >= self.visible:
            old = self.rows.pop(0)
            self._leaving.append(old)
            anims.append(old.animate.shift(UP * self.row_height).set_opacity(0))
            for r in self.rows:
                anims.append(r.animate.shift(UP * self.row_height))
        self._place(row, len(self.rows) + 1)
        self.rows.append(row)
        self.body.add(row)
        anims.append(FadeIn(row, shift=0.5 * self.row_height * UP))
        return anims

    def settle(self) -> None:
        """Forget rows that scrolled away (they are invisible already)."""
        for r in self._leaving:
            self.body.remove(r)
        self._leaving = []

    def highlight_box(self, row: VGroup, color: str, buff: float = 0.08):
        """A rounded frame around one row, full table width."""
        from manim import SurroundingRectangle

        width = sum(self.widths) + 2 * buff
        box = SurroundingRectangle(row, color=color, buff=buff, corner_radius=0.08)
        box.stretch_to_fit_width(width).set_x(self.rule.get_center()[0])
        return box


__all__ = ["ScrollingTable", "DOWN", "LEFT"]
