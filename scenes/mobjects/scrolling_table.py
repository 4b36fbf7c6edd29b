"""ScrollingTable: a table that keeps its last few rows, like a log that scrolls."""
from __future__ import annotations

from typing import Sequence

import numpy as np
from manim import RIGHT, UP, Line, Mobject, Rectangle, SurroundingRectangle, VGroup

from ..theme import Theme
from .light_animations import Opacity, Tween


class ScrollingTable(VGroup):
    """A header over right-aligned columns; at most ``visible`` body rows are shown.

    ``push(cells)`` returns the animation that adds a row at the bottom, scrolling the
    others up when full: the oldest slides under the header and fades away. Call
    ``settle()`` after playing it (``push_now`` adds a row without animation). ``rows``
    holds the rows on screen, oldest first.
    Cells are mobjects the caller builds (so numbers stay the caller's, read from traces).
    Rows move without copies (a Text costs milliseconds to copy), so pushing is cheap.
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
        # rows scrolling away pass under this patch of background, behind the header
        self.mask = Rectangle(width=sum(self.widths) + 0.2, height=row_height + 0.04,
                              stroke_width=0, fill_color=theme.background, fill_opacity=1)
        self.mask.move_to(np.array([self.rule.get_center()[0], self.slot_y(0) + 0.02, 0]))
        self.body = VGroup()
        self.add(self.body, self.mask, self.header, self.rule)
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

    def push(self, cells: Sequence[Mobject]) -> Tween:
        row = VGroup(*cells)
        up = UP * self.row_height
        leaving = self.rows.pop(0) if len(self.rows) >= self.visible else None
        scroll = up if leaving is not None else 0 * up
        self._place(row, len(self.rows) + 1)
        moving = [r for r in self.rows] + ([leaving] if leaving is not None else [])
        starts = [r.get_center() for r in moving]
        row_end, fade_in = row.get_center(), Opacity(row)
        fade_out = Opacity(leaving) if leaving is not None else None
        self.rows.append(row)
        self.body.add(row)
        if leaving is not None:
            self._leaving.append(leaving)

        def step(_, a: float) -> None:
            for r, s in zip(moving, starts):
                r.move_to(s + a * scroll)
            row.move_to(row_end - (1 - a) * 0.5 * up)
            fade_in.scale(a)
            if fade_out is not None:
                fade_out.scale(1 - a)

        return Tween(self.body, step)

    def push_now(self, cells: Sequence[Mobject]) -> None:
        """Add a row at once, without animation: for fast runs of steps, where the table
        then stays out of the frames that must be redrawn."""
        self.push(cells).interpolate_mobject(1.0)
        self.settle()

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
