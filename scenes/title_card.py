"""TitleCard: the card before each part of a lecture ("Part 3 · Backpropagation")."""
from __future__ import annotations

from manim import DOWN, UP, FadeIn, FadeOut, Line, Scene, Text, VGroup

from nnanim.scenes.options import SceneOptions
from nnanim.scenes.theme import THEMES

FONT = "DejaVu Sans"


class TitleCard(Scene):
    """Says ``options.part``, ``options.title`` and ``options.subtitle``; about 2.5 s."""

    def __init__(self, options: SceneOptions | None = None, **kwargs) -> None:
        self.options = options if options is not None else SceneOptions.from_env()
        super().__init__(**kwargs)

    def construct(self) -> None:
        theme = THEMES[self.options.theme]
        self.camera.background_color = theme.background
        part = self.options.part
        title = Text(self.options.title or "nnanim", font=FONT, font_size=60, color=theme.text)
        if title.width > 12:
            title.scale_to_fit_width(12)
        sub = Text(self.options.subtitle, font=FONT, font_size=26, color=theme.muted)
        if sub.width > 12:
            sub.scale_to_fit_width(12)
        rule = Line(color=theme.value, stroke_width=4).set_length(title.width * 0.6)
        card = VGroup(title, rule, sub).arrange(DOWN, buff=0.35)
        if part:
            card = VGroup(Text(part, font=FONT, font_size=28, color=theme.value), card)
            card.arrange(DOWN, buff=0.4)
        card.move_to(UP * 0.2)
        self.play(FadeIn(card, shift=UP * 0.2), run_time=0.6)
        self.wait(1.4)
        self.play(FadeOut(card), run_time=0.5)
