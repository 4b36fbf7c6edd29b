"""TitleCard: the card before each part of a lecture ("Part 3 · Backpropagation, number by
number", and what the part shows in one line)."""
from __future__ import annotations

import textwrap

from manim import DOWN, UP, FadeIn, FadeOut, Line, ManimColor, Scene, Text, VGroup

from nnanim.scenes.layout import reading_time
from nnanim.scenes.options import SceneOptions
from nnanim.scenes.theme import THEMES

FONT = "DejaVu Sans"
MAX_WIDTH = 12.5            # scene units; the frame is 14.2 wide
SUBTITLE_CHARS = 48         # a subtitle line wraps at about this many characters


class TitleCard(Scene):
    """Says ``options.part``, ``options.title`` and ``options.subtitle`` (wrapped onto lines
    of about 48 characters at 32 pt, 24 px high at 720p), held long enough to read them."""

    def __init__(self, options: SceneOptions | None = None, **kwargs) -> None:
        self.options = options if options is not None else SceneOptions.from_env()
        super().__init__(**kwargs)

    def construct(self) -> None:
        o, theme = self.options, THEMES[self.options.theme]
        self.camera.background_color = ManimColor(theme.background)  # manim-slides: .to_hex()
        title = Text(o.title or "nnanim", font=FONT, font_size=60, color=theme.text)
        if title.width > MAX_WIDTH:
            title.scale_to_fit_width(MAX_WIDTH)
        rule = Line(color=theme.value, stroke_width=4).set_length(title.width * 0.6)
        lines = textwrap.wrap(o.subtitle, SUBTITLE_CHARS) or [""]
        sub = VGroup(*[Text(line, font=FONT, font_size=32, color=theme.muted) for line in lines])
        sub.arrange(DOWN, buff=0.15)
        card = VGroup(title, rule, sub).arrange(DOWN, buff=0.35)
        if o.part:
            card = VGroup(Text(o.part, font=FONT, font_size=32, color=theme.value), card)
            card.arrange(DOWN, buff=0.4)
        card.move_to(UP * 0.2)
        hold = max(1.4, reading_time(f"{o.title} {o.subtitle}") - 1.1)  # the fades count too
        self.play(FadeIn(card, shift=UP * 0.2), run_time=0.6 / o.speed)
        self.wait(hold / o.speed)
        self.play(FadeOut(card), run_time=0.5 / o.speed)
