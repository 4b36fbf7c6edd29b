"""Narration: the sentence at the bottom of the frame, one at a time, held long enough."""
from __future__ import annotations

from manim import DOWN, VGroup

from .layout import reading_time, split_in_two
from .mobjects.light_animations import replace


class Narration:
    """A TraceScene mix-in (``class S(Narration, TraceScene)``). ``caption(text)`` builds
    the line at ``caption_y`` (two lines when one is wider than ``caption_width``) and
    keeps the text in ``self.captions`` (tests read them); ``say(text, *also)`` replaces
    the line shown (``self.said``: the old one out, then the new one in, never two at
    once) while ``also`` plays, then holds it its reading time unless ``wait=False``."""

    caption_y = -3.38
    caption_width = 13.4
    caption_size = 24
    say_seconds = 0.8

    def caption(self, text: str) -> VGroup:
        self.captions.append(text)
        lines = [self.label(text, size=self.caption_size)]
        if lines[0].width > self.caption_width:
            lines = [self.label(part, size=self.caption_size) for part in split_in_two(text)]
        return VGroup(*lines).arrange(DOWN, buff=0.12).move_to([0, self.caption_y, 0])

    def say(self, text: str, *also, run_time: float | None = None, wait: bool = True) -> None:
        new = self.caption(text)
        seconds = self.say_seconds if run_time is None else run_time
        self.play(*replace(self.said, new), *also, run_time=self.t(seconds))
        self.said = new
        if wait:
            self.wait(self.t(reading_time(text)))
