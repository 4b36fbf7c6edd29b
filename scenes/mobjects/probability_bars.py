"""ProbabilityBars: a softmax output as one horizontal bar per class, with its value."""
from __future__ import annotations

from typing import Sequence

import numpy as np
from manim import LEFT, Rectangle, Text, VGroup

from ..theme import Theme
from .light_text import light
from .glyph_number import glyph_number

FONT = "DejaVu Sans"


class ProbabilityBars(VGroup):
    """Rows ``name | bar | value`` for probabilities p (summing to 1), ``row`` units apart.

    A bar is ``p * length`` long (a hairline for p ≈ 0, so every class has a row).
    ``texts`` are the values as the scene formatted them (read from the trace), drawn from
    cached glyphs (glyph_number) since a scene may show many of them.
    names[k], bars[k], values[k]   the parts of row k
    highlight(k)                   colour row k as the active element (the prediction)
    """

    HAIRLINE = 0.02

    def __init__(self, probs: np.ndarray, texts: Sequence[str], theme: Theme,
                 names: Sequence[str] | None = None, length: float = 2.0, row: float = 0.28,
                 font_size: float = 20, color: str | None = None) -> None:
        super().__init__()
        probs = np.asarray(probs, dtype=np.float64)
        names = [str(k) for k in range(len(probs))] if names is None else list(names)
        self.theme = theme
        self.names, self.bars, self.values = VGroup(), VGroup(), VGroup()
        bar_h = row * 0.62
        for k, (p, text, name) in enumerate(zip(probs, texts, names)):
            y = -k * row
            label = light(Text(name, font=FONT, font_size=font_size, color=theme.text))
            label.move_to([-0.2, y, 0])
            bar = Rectangle(width=max(p * length, self.HAIRLINE), height=bar_h, stroke_width=0,
                            fill_color=color or theme.value, fill_opacity=1.0)
            bar.move_to([0, y, 0], aligned_edge=LEFT)
            value = glyph_number(text, [length + 0.12, y, 0], font_size, theme.muted)
            self.names.add(label)
            self.bars.add(bar)
            self.values.add(value)
        self.add(self.names, self.bars, self.values)

    def highlight(self, k: int) -> "ProbabilityBars":
        """Mark row k (the prediction) in the theme's active colour (its text in the
        colour's text-safe shade)."""
        self.bars[k].set_fill(self.theme.active)
        self.names[k].set_color(self.theme.ink(self.theme.active))
        self.values[k].set_color(self.theme.ink(self.theme.active))
        return self

    def row_y(self, k: int) -> float:
        """Scene y of row k (to line other columns up with it)."""
        return float(self.bars[k].get_center()[1])

    @property
    def left_edge(self) -> float:
        return float(self.bars.get_left()[0])

