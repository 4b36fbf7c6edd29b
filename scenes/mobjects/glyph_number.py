"""glyph_number(): a number drawn from cached monospace glyphs (TickerText) instead of a Text.

A Text costs tens of milliseconds to lay out; a table of numbers (logits, probabilities, a
legend updated every epoch) built from glyphs costs almost nothing, lines up in columns,
and can be changed in place with ``set_text``.
"""
from __future__ import annotations

from manim import LEFT

from .ticker_text import CHARSET, TickerText

#: what format.fmt writes, plus "%" for percentages (a space is left blank)
NUMBER_CHARS = CHARSET + "%"


def glyph_number(text: str, at, font_size: float, color: str, align=LEFT,
                 max_len: int | None = None) -> TickerText:
    """``text`` with its digits centred vertically on the point ``at``; ``align`` says which
    end sits at ``at``'s x (RIGHT lines a column up on the decimal places' side). Room for
    ``max_len`` characters (default: the text's length) when it will be ``set_text``-ed."""
    glyphs = TickerText(text, font_size=font_size, color=color,
                        max_len=max(max_len or len(text), 1), align=align, charset=NUMBER_CHARS)
    digit_height = TickerText("0", font_size=font_size, charset=NUMBER_CHARS).height
    return glyphs.anchor_at([at[0], at[1] - digit_height / 2, 0])
