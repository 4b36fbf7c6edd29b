"""LayerStrip: a deep network drawn compactly as a row of numbered layer boxes."""
from __future__ import annotations

from typing import Sequence

from manim import LEFT, RIGHT, Arrow, MathTex, RoundedRectangle, Text, VGroup, VMobject

from ..theme import Theme

FONT = "DejaVu Sans"


def activation_glyph(kind: str, theme: Theme, size: float = 0.18,
                     font_size: float = 26) -> VMobject:
    """A small symbol for an activation layer: σ for Sigmoid, a hinge (``size`` wide) for
    ReLU-like units, the name's first letters otherwise. Letters at ``font_size`` (TeX;
    Text at 0.7 of it, which is as tall): 26 is 21.6 px a line at 720p, readable from the
    back of a lecture hall."""
    if kind == "Sigmoid":
        return MathTex(r"\sigma", font_size=font_size, color=theme.text)
    if kind in ("ReLU", "LeakyReLU", "PReLU", "ELU"):
        h = size / 2
        knee = -0.15 * h if kind == "ReLU" else -0.45 * h
        hinge = VMobject(stroke_color=theme.text, stroke_width=3)
        hinge.set_points_as_corners([[-h, knee, 0], [0, -0.15 * h, 0], [h, h, 0]])
        return hinge
    if kind == "Tanh":
        return MathTex(r"\tanh", font_size=font_size, color=theme.text)
    return Text(kind[:4], font=FONT, font_size=0.7 * font_size, color=theme.text)


class LayerStrip(VGroup):
    """in → [1] f [2] f … [n] → out: ``n`` Dense layers as boxes centred at ``xs`` (scene x,
    e.g. a chart's columns so each box stands above its bar) on the line ``y``, with the
    activation's glyph between boxes.

    boxes[i]  the box of layer i;  numbers[i] its label;  glyphs the activation symbols;
    ``inp`` and ``out`` the end labels (input, loss).
    """

    def __init__(self, xs: Sequence[float], y: float, theme: Theme, activation: str,
                 box: float = 0.44, inp: str = "x", out: str = "L",
                 font_size: float = 22) -> None:
        super().__init__()
        self.theme = theme
        self.boxes, self.numbers, self.glyphs = VGroup(), VGroup(), VGroup()
        for i, x in enumerate(xs):
            b = RoundedRectangle(width=box, height=box, corner_radius=0.06,
                                 stroke_color=theme.muted, stroke_width=2.5)
            b.move_to([x, y, 0])
            self.boxes.add(b)
            self.numbers.add(Text(str(i + 1), font=FONT, font_size=font_size,
                                  color=theme.text).move_to(b))
        for a, b in zip(xs[:-1], xs[1:]):
            self.glyphs.add(activation_glyph(activation, theme).move_to([(a + b) / 2, y, 0]))
        self.inp = MathTex(inp, font_size=font_size * 1.3, color=theme.value)
        self.inp.next_to(self.boxes[0], LEFT, buff=0.32)
        self.out = MathTex(out, font_size=font_size * 1.3, color=theme.text)
        self.out.next_to(self.boxes[-1], RIGHT, buff=0.32)
        arrows = VGroup(
            Arrow(self.inp.get_right(), self.boxes[0].get_left(), buff=0.05, stroke_width=2,
                  max_tip_length_to_length_ratio=0.35, color=theme.muted),
            Arrow(self.boxes[-1].get_right(), self.out.get_left(), buff=0.05, stroke_width=2,
                  max_tip_length_to_length_ratio=0.35, color=theme.muted))
        self.add(self.inp, arrows, self.boxes, self.numbers, self.glyphs, self.out)
