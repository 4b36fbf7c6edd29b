"""Traced numbers in formulas: slots beside labels ("a =", "∂L/∂a =") that a scene refills at
every step, their baselines set on the labels' "=" signs; and the worked update rows
θ_{k+1} = θ_k − η ∂L/∂θ of a descent."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, VGroup

from .ticker_text import TickerText


def value_cells(labels, colors, font_size: float = 26, max_len: int = 9,
                gap: float = 0.14) -> list[TickerText]:
    """A left-aligned TickerText right of each label (a text ending in "="), in the
    matching colour of ``colors`` (a theme's text-safe shades); fill them with ``set_text``.
    The baseline sits half a digit below the "=" sign's middle, so the number reads as
    the rest of the formula."""
    digit = TickerText("0", font_size=font_size).height
    cells = []
    for label, color in zip(labels, colors):
        cell = TickerText("", font_size=font_size, color=color, max_len=max_len, align=LEFT)
        cell.anchor_at(np.array([label.get_right()[0] + gap,
                                 label[-1].get_center()[1] - digit / 2, 0]))
        cells.append(cell)
    return cells


def update_rows(tex, rows, eta: str, param_color: str, grad_color: str,
                size: float = 32) -> VGroup:
    """The worked update θ_{k+1} = θ_k − η · ∂L/∂θ, one row per parameter, stacked and
    left-aligned. ``rows``: (name with its subscript in TeX, θ_k, ∂L/∂θ, θ_{k+1}) as the
    texts a scene's ``number`` gave; ``tex``: the scene's MathTex maker (``TraceScene.tex``);
    the parameters in ``param_color``, the gradient in ``grad_color`` (text-safe shades)."""
    lines = []
    for name, now, grad, new in rows:
        row = tex(name, "=", now, "-", eta, r"\cdot", f"({grad})", "=", new, size=size)
        for part, color in ((0, param_color), (2, param_color), (6, grad_color),
                            (8, param_color)):
            row[part].set_color(color)
        lines.append(row)
    return VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=0.16)


def step_counter(label, color: str, right=(6.35, 3.42), size: float = 28) -> tuple:
    """("k =", its number slot) for the step a descent shows, the number's baseline at
    ``right`` (its left end: up to three digits fit before the frame's edge); ``label``:
    the scene's Text maker (``TraceScene.label``)."""
    counter = TickerText("0", font_size=size, color=color, max_len=3, align=LEFT)
    counter.anchor_at(np.array([*right, 0.0]))
    name = label("k =", size=size, color=color)
    name.next_to(counter.anchor, LEFT, buff=0.15, aligned_edge=DOWN)
    return name, counter
