"""EventBadge: a run event (non-finite loss, exploding or vanishing gradient, dying ReLUs)
announced on top of a scene at the step where it happens (``nnanim render --events``).

    ┌──────────────────────────────────────────────────────────┐
    │ ⚠ step 20: exploding gradient   run descent-1d-lr-large   │  alert colour, muted
    │   objective.theta: ‖grad‖ = 3.21e+21 > 1000               │  muted: where and what
    └──────────────────────────────────────────────────────────┘

Two lines, so it fits the title band of a scene (the top-left corner, where every scene
keeps its title: the least needed thing while training runs). An opaque panel with an
alert-coloured border keeps it legible over whatever it covers for its few seconds.
"""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, RoundedRectangle, Text, VGroup, smooth

from nnanim.scenes.mobjects.light_animations import Fade
from nnanim.scenes.mobjects.light_text import light

FONT = "DejaVu Sans"
KIND_TITLE = {"non-finite": "NaN / inf", "exploding": "exploding gradient",
              "vanishing": "vanishing gradient", "dead-relu": "dying ReLU units"}


class EventBadge(VGroup):
    """The events of one moment in two lines: the first (step, kind) as a title, with the
    run's name (``run``, when a scene follows several runs) and "+N more" when there are
    other kinds; then where it happened (up to 3 places) and its detail.
    ``events``: engine.inspection.events.Event objects. At most ``max_width`` wide (scaled down)."""

    def __init__(self, events, theme, run: str | None = None, max_width: float = 8.2,
                 font_size: float = 20) -> None:
        groups: dict[tuple, list] = {}
        for e in events:
            groups.setdefault((e.step, e.kind), []).append(e)
        (step, kind), group = next(iter(groups.items()))

        def text(words: str, color: str, scale: float = 1.0) -> Text:
            return light(Text(words, font=FONT, font_size=font_size * scale,
                              color=theme.ink(color)))

        title = VGroup(text(f"\u26a0 step {step}: {KIND_TITLE.get(kind, kind)}", theme.alert,
                            1.1))
        extra = ([f"run {run}"] if run else []) + (
            [f"+{len(groups) - 1} more"] if len(groups) > 1 else [])
        if extra:
            title.add(text("   ".join(extra), theme.muted))
        title.arrange(RIGHT, buff=0.3, aligned_edge=DOWN)
        places = list(dict.fromkeys(e.where for e in group))
        where = ", ".join(places[:3]) + (f" +{len(places) - 3} more" if len(places) > 3
                                         else "")
        detail = text(f"{where}: {group[0].detail}", theme.muted)
        body = VGroup(title, detail).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        detail.shift(0.3 * RIGHT)  # indented under its title
        if body.width > max_width:
            body.scale_to_fit_width(max_width)
        panel = RoundedRectangle(corner_radius=0.1, width=body.width + 0.36,
                                 height=body.height + 0.24, stroke_color=theme.alert,
                                 stroke_width=3, fill_color=theme.background, fill_opacity=1.0)
        panel.move_to(body)
        super().__init__(panel, body)
        self.panel, self.body, self.events = panel, body, list(events)
        self.lines = [title, detail]
        self.set_z_index(50)  # over everything the scene draws


class BadgeFade(Fade):
    """Fade a badge in or out within the first ``span`` seconds of a play lasting
    ``play_time``, whatever rate function that play gives its animations (a badge rides
    along with the scene's own animations, e.g. a 12 s linear sweep)."""

    def __init__(self, badge: EventBadge, into: bool, play_time: float,
                 span: float = 0.4) -> None:
        self.portion = min(1.0, span / play_time) if play_time > 0 else 1.0
        super().__init__(badge, into, run_time=play_time)

    def interpolate_mobject(self, alpha: float) -> None:
        a = smooth(min(1.0, alpha / self.portion))
        self.opacity.scale(a if self.into else 1 - a)
