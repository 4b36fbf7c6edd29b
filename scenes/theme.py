"""Colours that mean one thing each, for dark (projector) and light (white slide) themes.

    value     numbers that flow forward: inputs, activations, weights shown as numbers
    gradient  anything ∂L/∂·, flowing backward
    active    the element being worked on now (window, neuron, cell)
    update    parameter updates, w ← w − η ∂L/∂w, the step arrow
    positive / negative   sign of a weight on a network edge
    alert     a run event: NaN/inf, exploding or vanishing gradients, dying ReLUs
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    text: str
    muted: str
    value: str
    gradient: str
    active: str
    update: str
    positive: str
    negative: str
    grid: str
    alert: str
    series: tuple[str, ...]  # distinct colours for several runs (optimizer race, learning rates)

    def colors(self) -> tuple[str, ...]:
        """Every colour that means something, e.g. for a GIF palette that must keep them."""
        return (self.background, self.text, self.muted, self.value, self.gradient,
                self.active, self.update, self.positive, self.negative, self.grid,
                self.alert, *self.series)


DARK = Theme(name="dark", background="#111418", text="#ECECEC", muted="#8A8F98",
             value="#58C4DD", gradient="#FF8C42", active="#FFE14D", update="#7BD88F",
             positive="#58C4DD", negative="#F25F5C", grid="#3A3F47", alert="#FF4FA3",
             series=("#58C4DD", "#7BD88F", "#FF8C42", "#C792EA", "#F25F5C"))

LIGHT = Theme(name="light", background="#FFFFFF", text="#1B1B1B", muted="#6B7280",
              value="#1F6FB2", gradient="#D9480F", active="#E6A700", update="#2B8A3E",
              positive="#1F6FB2", negative="#C92A2A", grid="#D0D4DA", alert="#C2255C",
              series=("#1F6FB2", "#2B8A3E", "#D9480F", "#7048E8", "#C92A2A"))

THEMES = {"dark": DARK, "light": LIGHT}


