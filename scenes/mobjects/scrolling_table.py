"""ScrollingTable: a table that keeps its last few rows, like a log that scrolls."""
from __future__ import annotations

from typing import Sequence

import numpy as np
from manim import RIGHT, UP, Animation, Line, Mobject, SurroundingRectangle, VGroup

from ..theme import Theme


class ScrollingTable(VGroup):
    """A header over right-aligned columns; at most ``visible`` body rows are shown.

    ``push(cells)`` returns the animations that add a row at the bottom (scrolling the
    others up and fading out the oldest when full); call ``settle()`` after playing them
    to drop the rows that scrolled away. ``rows`` holds the rows on screen, oldest first.
    Cells are mobjects the caller builds (so numbers stay the caller's, read from traces);
    text cells are assumed fully opaque (rows fade in and out by their fill opacity).
    """

    GAP = 0.08  # between the rule under the header and the first row

    def __init__(self, header: Sequence[Mobject], widths: Sequence[float], theme: Theme,
                 visible: int = 6, row_height: float = 0.46) -> None:
        super().__init__()
        self.widths = list(widths)
        self.visible, self.row_height = visible, row_height
        # the rule under the header anchors every row, so the table can be moved freely
        self.rule = Line(np.zeros(3), np.array([sum(self.widths), 0, 0]),
                         stroke_color=theme.grid, stroke_width=2)
        self.header = VGroup(*header)
        self._place(self.header, 0)
        self.body = VGroup()
        self.add(self.header, self.rule, self.body)
        self.rows: list[VGroup] = []
        self._leaving: list[VGroup] = []

    def slot_y(self, slot: int) -> float:
        """Scene y of row ``slot``: 0 is the header, 1 the first body row."""
        y = self.rule.get_start()[1]
        if slot == 0:
            return y + 0.5 * self.row_height
        return y - (slot - 0.5) * self.row_height - self.GAP

    def _place(self, cells: VGroup, slot: int) -> None:
        """Right-align each cell in its column, vertically centred on row ``slot``."""
        left, y = self.rule.get_start()[0], self.slot_y(slot)
        for cell, right in zip(cells, np.cumsum(self.widths)):
            cell.move_to(np.array([left + right, y, 0]), aligned_edge=RIGHT)
            cell.set_y(y)

    def push(self, cells: Sequence[Mobject]) -> list[Animation]:
        row = VGroup(*cells)
        anims: list[Animation] = []
        if len(self.rows) >= self.visible:
            old = self.rows.pop(0)
            self._leaving.append(old)
            anims.append(old.animate.shift(UP * self.row_height).set_fill(opacity=0))
            anims += [r.animate.shift(UP * self.row_height) for r in self.rows]
        self._place(row, len(self.rows) + 1)
        self.rows.append(row)
        # rise into place from transparent (not FadeIn: an introducer would also add the row
        # to the scene on its own, outside the table)
        rise = 0.5 * self.row_height * UP
        row.shift(-rise).set_fill(opacity=0)
        self.body.add(row)
        anims.append(row.animate.shift(rise).set_fill(opacity=1))
        return anims

    def settle(self) -> None:
        """Forget rows that scrolled away (they are invisible already)."""
        for r in self._leaving:
            self.body.remove(r)
        self._leaving = []

    def frame_row(self, row: VGroup, color: str, buff: float = 0.07) -> SurroundingRectangle:
        """A rounded frame around one row, as wide as the table."""
        box = SurroundingRectangle(row, color=color, buff=buff, corner_radius=0.08)
        box.stretch_to_fit_width(sum(self.widths) + 0.3).set_x(self.rule.get_center()[0])
        return box
