"""SignedLegend: the key of the diverging colour scale (negative, 0, positive)."""
from __future__ import annotations

import numpy as np
from manim import DOWN, Group, Text

from ..theme import Theme
from .heatmap import Heatmap
from .light_text import light

FONT = "DejaVu Sans"


class SignedLegend(Group):
    """A ``width`` × ``height`` strip from −max (theme.negative) through 0 (background) to
    +max (theme.positive), with "−", "0", "+" under it."""

    def __init__(self, theme: Theme, width: float = 1.6, height: float = 0.14,
                 font_size: float = 20) -> None:
        super().__init__()
        strip = Heatmap(np.linspace(-1.0, 1.0, 65)[None, :], theme, height=height, signed=True)
        strip.stretch_to_fit_width(width)
        marks = [light(Text(s, font=FONT, font_size=font_size, color=theme.muted))
                 for s in ("\u2212", "0", "+")]
        for mark, x in zip(marks, (strip.get_left()[0], strip.get_center()[0],
                                   strip.get_right()[0])):
            mark.next_to(strip, DOWN, buff=0.06).set_x(x)
        self.strip = strip
        self.add(strip, *marks)
