"""Colours that mean one thing each, for dark (projector) and light (white slide) themes.

    text, muted  words and numbers; secondary words (axes, notes, what is not in focus)
    value     numbers that flow forward: inputs, activations, outputs
    weight    parameters: weights, biases, the convolution kernel, in every scene
    gradient  anything ∂L/∂·, flowing backward
    update    parameter updates, w ← w − η ∂L/∂w, the step arrow
    active    the element being worked on now (window, neuron, cell, the answer)
    alert     a run event: NaN/inf, exploding or vanishing gradients, dying ReLUs
    positive / negative   the sign of a weight or a signed map (the ends of a diverging map)
    grid      decoration only: cell borders, axes' grid lines (carries no meaning)

Runs (learning rates, optimizers, train against validation) are told apart by ``runs``:
a colour that is none of the meanings' *and* a dash pattern and a marker, so a
colour-blind viewer can tell them apart without the colour.

The palettes were chosen so that every two meaning colours differ by ΔE ≥ 20 (CIE76) in
normal vision and ≥ 15 for deuteranopia, protanopia and tritanopia as simulated after
Machado et al. (2009), and every meaning reaches WCAG 3:1 against the background
(4.5:1 for the meanings text is written in; ``ink`` gives a text-safe shade of the others).
``tests/test_palette.py`` checks all of it (``scenes/color_vision.py`` does the maths).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from nnanim.scenes.color_vision import legible

#: every colour that carries a meaning, in the order the palette test reports them
MEANINGS = ("text", "muted", "value", "weight", "gradient", "update", "active", "alert",
            "positive", "negative")


@dataclass(frozen=True)
class RunStyle:
    """How one run is drawn: its colour, a dash pattern (None: solid; else the dash
    length in scene units) and a marker ("circle", "square", "triangle", "diamond")."""

    color: str
    dash: float | None
    marker: str


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    text: str
    muted: str
    value: str
    weight: str
    gradient: str
    update: str
    active: str
    alert: str
    positive: str
    negative: str
    grid: str
    runs: tuple[RunStyle, ...]
    #: text shades chosen by hand where ``legible``'s nearest one is too close to another
    #: meaning; a meaning mapped to "text" is a highlight only (its texts are plain text on
    #: its frame or fill)
    ink_overrides: dict = field(default_factory=dict)
    _ink: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for meaning in MEANINGS:  # a text-safe shade of each meaning colour
            color = getattr(self, meaning)
            shade = self.ink_overrides.get(meaning) or legible(color, self.background)
            self._ink[color] = self.text if shade == "text" else shade

    def highlight_only(self) -> tuple[str, ...]:
        """Meanings whose texts are written in the text colour (see ink_overrides)."""
        return tuple(m for m, shade in self.ink_overrides.items() if shade == "text")

    def ink(self, color: str) -> str:
        """The colour to write text in for ``color``: the meaning colour itself when text
        in it is legible (4.5:1), else a darker (light theme) or lighter (dark theme) shade
        of it; colours that are no meaning pass through."""
        return self._ink.get(color, color)

    def meanings(self) -> dict[str, str]:
        return {m: getattr(self, m) for m in MEANINGS}

    @property
    def series(self) -> tuple[str, ...]:
        """The runs' colours, in order."""
        return tuple(r.color for r in self.runs)

    def colors(self) -> tuple[str, ...]:
        """Every colour that means something, e.g. for a GIF palette that must keep them."""
        inks = tuple(c for c in self._ink.values() if c not in self.meanings().values())
        return (self.background, *self.meanings().values(), self.grid, *self.series, *inks)


#: the second cue of runs, in order: solid, long dashes, short dashes, dots
_DASHES = (None, 0.22, 0.1, 0.04)
_MARKERS = ("circle", "square", "triangle", "diamond")


def _runs(*colors: str) -> tuple[RunStyle, ...]:
    return tuple(RunStyle(c, d, m) for c, d, m in zip(colors, _DASHES, _MARKERS))


DARK = Theme(name="dark", background="#111418", text="#ECECEC", muted="#898582",
             value="#2CDAFF", weight="#8163FF", gradient="#C68517", update="#97D87A",
             active="#EACB05", alert="#AF1C96", positive="#3D92DF", negative="#C70A34",
             grid="#3A3F47", runs=_runs("#FF8A65", "#D4E157", "#F48FB1", "#B0BEC5"),
             ink_overrides={"alert": "#E129C1"})

LIGHT = Theme(name="light", background="#FFFFFF", text="#1B1B1B", muted="#645661",
              value="#0177DA", weight="#4C0099", gradient="#A0470A", update="#5A7D4E",
              active="#B98400", alert="#F349A7", positive="#013A6C", negative="#6E1A0A",
              grid="#D0D4DA", runs=_runs("#BF360C", "#2E7D32", "#AD1457", "#37474F"),
              ink_overrides={"active": "text"})  # no amber on white reads as text

THEMES = {"dark": DARK, "light": LIGHT}
