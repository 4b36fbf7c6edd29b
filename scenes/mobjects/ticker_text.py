"""TickerText: a short text that changes every frame (a step counter, a running loss),
redrawn from glyphs built once instead of a new Text per frame (a Text costs ~10 ms)."""
from __future__ import annotations

import numpy as np
from manim import LEFT, RIGHT, Text, VGroup, VMobject, VectorizedPoint

MONO = "DejaVu Sans Mono"
#: every character ``format.fmt`` writes: digits, sign, point, exponent, nan, inf
CHARSET = "0123456789.-+enaif"

_GLYPHS: dict[tuple[str, float, str], tuple[float, dict[str, np.ndarray]]] = {}


def _glyphs(font: str, font_size: float, charset: str) -> tuple[float, dict[str, np.ndarray]]:
    """(advance, {char: outline points relative to its cell's baseline origin}), cached.

    A monospace font puts glyph k of a string at origin k·advance, so glyphs keep their
    side bearings and baseline when reassembled."""
    key = (font, float(font_size), charset)
    if key not in _GLYPHS:
        ref = Text(charset, font=font, font_size=font_size)
        pair = Text("00", font=font, font_size=font_size)
        adv = pair[1].get_center()[0] - pair[0].get_center()[0]
        zero = ref[charset.index("0")]
        x0 = zero.get_center()[0] - (charset.index("0") + 0.5) * adv  # '0' sits centred
        y0 = zero.get_bottom()[1]
        table = {c: ref[k].points - np.array([x0 + k * adv, y0, 0.0])
                 for k, c in enumerate(charset)}
        _GLYPHS[key] = (adv, table)
    return _GLYPHS[key]


class TickerText(VGroup):
    """Up to ``max_len`` characters of ``charset`` in a monospace font, aligned to an
    anchor point (the right end with ``align=RIGHT``, numbers line up in a column).

    ``set_text(s)`` copies outline points into fixed glyph slots: no new mobjects, so it
    is cheap inside an updater. Place it with ``anchor_at`` (its box changes with the
    text); do not scale it (the glyphs are built at ``font_size``).
    """

    def __init__(self, text: str = "", font_size: float = 28, color: str = "#FFFFFF",
                 max_len: int = 10, align=RIGHT, font: str = MONO,
                 charset: str = CHARSET) -> None:
        super().__init__()
        self.advance, self._table = _glyphs(font, font_size, charset)
        self.align = RIGHT if np.allclose(align, RIGHT) else LEFT
        self.max_len = max_len
        self.anchor = VectorizedPoint()
        self.slots = [VMobject(fill_color=color, fill_opacity=1.0, stroke_width=0)
                      for _ in range(max_len)]
        self.add(self.anchor, *self.slots)
        self.text = ""
        self.set_text(text)

    def anchor_at(self, point) -> "TickerText":
        """Place the anchor (the baseline's right or left end) at ``point``."""
        return self.shift(np.asarray(point) - self.anchor.get_center())

    def set_text(self, text: str) -> "TickerText":
        if len(text) > self.max_len:
            raise ValueError(f"TickerText holds {self.max_len} characters, got {text!r}")
        bad = set(text) - set(self._table) - {" "}
        if bad:
            raise ValueError(f"TickerText has no glyph for {''.join(sorted(bad))!r}")
        ax, ay, _ = self.anchor.get_center()
        x0 = ax - len(text) * self.advance if self.align is RIGHT else ax
        for i, slot in enumerate(self.slots):
            c = text[i] if i < len(text) else " "
            if c == " ":
                slot.clear_points()
            else:
                slot.set_points(self._table[c] + np.array([x0 + i * self.advance, ay, 0.0]))
        self.text = text
        return self
