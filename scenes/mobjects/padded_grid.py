"""PaddedGrid: a ValueGrid of an array with a ring of zero padding drawn as dashed, empty
cells (the zeros a convolution slides over are not data, so they carry no numbers)."""
from __future__ import annotations

import numpy as np
from manim import VGroup

from ..theme import Theme
from .styled_curve import dashed_outline
from .value_grid import ValueGrid


class PaddedGrid(ValueGrid):
    """``values`` (H, W) padded by ``pad`` = (top, bottom, left, right) cells.

    Grid indices are those of the padded array: entry (i, j) of ``values`` is cell
    (i + top, j + left). ``inner`` holds the data cells with their numbers, ``padding``
    the dashed outlines of the padding cells, so they can be shown one after the other.
    """

    def __init__(self, values: np.ndarray, pad: tuple[int, int, int, int], theme: Theme,
                 **kwargs) -> None:
        values = np.asarray(values, dtype=np.float64)
        t, b, l, r = pad
        h, w = values.shape
        full = np.zeros((h + t + b, w + l + r))
        full[t:t + h, l:l + w] = values
        blank = np.ones(full.shape, dtype=bool)
        blank[t:t + h, l:l + w] = False
        super().__init__(full, theme, blank=blank, **kwargs)
        self.pad = pad
        self.padding = VGroup()
        inner_cells = VGroup()
        for i in range(full.shape[0]):
            for j in range(full.shape[1]):
                sq = self.square(i, j)
                if blank[i, j]:
                    # 8 dashes around the cell, one shape (not a shape per dash)
                    self.padding.add(dashed_outline(sq, theme.muted, 2, 2))
                    sq.set_stroke(opacity=0)  # the dashed copy is the outline
                else:
                    inner_cells.add(sq)
        self.inner = VGroup(inner_cells, self.numbers)
        self.add(self.padding)
