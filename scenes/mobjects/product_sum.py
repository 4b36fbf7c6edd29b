"""ProductSum: one line "a·b + c·d + … = s" with coloured factors, as a single text."""
from __future__ import annotations

from typing import Sequence

from manim import MarkupText, VGroup

from ..theme import Theme
from .light_text import light

Factor = tuple[str, str]  # (text, colour)


def markup(parts: Sequence[Factor], font_size: float = 28) -> MarkupText:
    """One line of text whose runs have their own colours: [("size = ", c1), ("3", c2)];
    light (no SVG parse data), so animations copy it fast."""
    body = "".join(f'<span foreground="{c}">{t}</span>' for t, c in parts)
    return light(MarkupText(body, font="DejaVu Sans", font_size=font_size))


def signed(text: str) -> str:
    """A formatted number as it reads inside a sum: typographic minus, negatives in
    parentheses ("-1" -> "(−1)")."""
    return f"({text.replace('-', '−')})" if text.startswith("-") else text


class ProductSum(VGroup):
    """``prefix  f·f + f·f + … = result`` as one MarkupText (one mobject, fast to build).

    terms    each a list of factors (text, colour) joined by "·"; a one-factor term is a
             plain number (a sum of per-channel sums)
    muted    per term: draw it in theme.muted (e.g. a product with a zero weight)
    Attributes: ``text`` (the MarkupText); ``plain`` (the same line as a str, for tests);
    ``term_spans[i]`` the (start, end) glyph range of term i including the " + " before it,
    ``result_span`` that of " = result" (to write the line piece by piece);
    ``result_glyphs`` the result's glyphs (to fly it elsewhere).
    """

    def __init__(self, terms: Sequence[Sequence[Factor]], result: Factor, theme: Theme,
                 muted: Sequence[bool] | None = None, prefix: Factor | None = None,
                 font_size: float = 28) -> None:
        super().__init__()
        muted = muted or [False] * len(terms)
        parts: list[tuple[str, str]] = []  # (text, colour) runs, in order
        term_runs: list[tuple[int, int]] = []
        if prefix is not None:
            parts.append((prefix[0] + "  ", prefix[1]))
        for k, factors in enumerate(terms):
            start = len(parts)
            if k:
                parts.append((" + ", theme.text))
            for f, (text, color) in enumerate(factors):
                if f:
                    parts.append(("·", theme.muted if muted[k] else theme.text))
                parts.append((signed(text), theme.muted if muted[k] else theme.ink(color)))
            term_runs.append((start, len(parts)))
        parts.append((" = ", theme.text))
        parts.append((signed(result[0]), result[1]))

        self.text = markup(parts, font_size)
        self.plain = "".join(t for t, _ in parts)
        self.add(self.text)
        # glyphs are the non-space characters, in order
        ends, n = [], 0
        for t, _ in parts:
            n += sum(not ch.isspace() for ch in t)
            ends.append(n)
        starts = [0] + ends[:-1]
        self.term_spans = [(starts[a], ends[b - 1]) for a, b in term_runs]
        self.result_span = (starts[-2], ends[-1])
        self.result_glyphs = VGroup(*self.text.submobjects[starts[-1]:ends[-1]])
