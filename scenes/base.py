"""TraceScene: a manim Scene that reads its numbers from engine traces.

Every number a scene writes goes through ``self.number(...)``, which reads the trace,
formats the value one way (``format.fmt``) and records it in ``self.shown`` with its
source (run, step, layer, quantity, index). Tests compare ``shown`` with the trace.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from manim import ManimColor, MathTex, Scene, Text

from nnanim.engine.errors import TraceError
from nnanim.engine.trace import Trace

from .captions import Caption, Section, by_section
from .format import fmt
from .options import SceneOptions
from .runs import trace_path
from .shown import ShownValues
from .theme import THEMES

FONT = "DejaVu Sans"
BADGE_HOLD = 4.0   # seconds an event badge stays (at speed 1) unless a newer one replaces it
BADGE_CORNER = np.array([-1.0, 1.0, 0.0])  # top left: over the title, while steps run


def config_value(trace: Trace, path: str) -> float:
    """The number at dotted ``path`` in the run's recorded config ("optimizer.momentum";
    a number indexes an array of tables: "curve.3.layers.0.alpha")."""
    node = trace.config
    for key in path.split("."):
        if isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        elif isinstance(node, dict) and key in node:
            node = node[key]
        else:
            raise TraceError(f"{trace.path}: the run's config has no {path}")
    return float(node)


def summary_value(trace: Trace, key: str) -> float:
    """The number ``key`` of the run's summary (final loss, param_count, ...)."""
    if key not in trace.summary:
        raise TraceError(f"{trace.path}: the run's summary has no {key}")
    return float(trace.summary[key])


class TraceScene(Scene):
    """Base of nnanim's scenes.

    Subclasses set (the scene catalog, ``nnanim list`` and the lecture read these)
      title        what the lecture calls the part, e.g. "Gradient descent in one dimension"
      description  one line: what the scene shows
      runs         {role: bundled config name}; "main" is the one ``--trace`` replaces
      trace_kind   the kind(s) of trace the main run may be ("network", "objective",
                   "layer", or a tuple of them): a trace of another kind is refused
      duration     seconds of video at speed 1 (documentation of the budget)
    and check what they need in ``check_trace`` (layers, quantities), raising TraceError.

    ``options`` (``SceneOptions``) says theme, speed, traces, events, stills and sections;
    without it (manim's own command line) they come from ``SceneOptions.from_env()``.

    A caption is what ``as_caption(mobject)`` marks, what a scene's method named ``caption``
    returns, or the mobject a scene holds in its attribute ``caption``. Every render notes
    when each is on screen (``self.caption_recorder``) and ends with ``self.caption_cues``
    (``captions.by_section``: per section, a section without any caption gets the scene's
    title and the section's name), also given to manim as sub-captions (its .srt). With
    ``options.check_layout``, ``self.layout`` (``scenes.layout.LayoutCheck``) checks the texts
    at every play and wait and the captions' reading times.

    A scene is also a manim-slides ``Slide`` in either order of the bases, its sections kept
    (``slide_compat.py``).
    """

    title: str = ""
    description: str = ""
    runs: dict[str, str] = {}
    trace_kind: str | tuple[str, ...] | None = None
    duration: float = 30.0

    def __init__(self, options: SceneOptions | None = None, **kwargs) -> None:
        self.options = options if options is not None else SceneOptions.from_env()
        super().__init__(**kwargs)

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        from .slide_compat import keep_sections

        keep_sections(cls)  # a manim-slides Slide among the bases: sections still recorded

    @classmethod
    def trace_kinds(cls) -> tuple[str, ...]:
        """The kinds of trace the main run may be (empty: any)."""
        kind = cls.trace_kind
        return () if kind is None else (kind,) if isinstance(kind, str) else tuple(kind)

    def setup(self) -> None:
        self.theme = THEMES[self.options.theme]
        # a ManimColor, not the hex string: manim-slides reads it with .to_hex()
        self.camera.background_color = ManimColor(self.theme.background)
        self.speed = self.options.speed
        self.shown = ShownValues()
        self._traces: dict[str, Trace] = {}
        # nnanim render --events: each run's events, announced when the scene reaches them
        self.events_on = self.options.events
        self.events: dict[str, list] = {}          # role -> [engine.inspection.events.Event]
        self.event_marks: list[tuple] = []         # (role, step, scene time) announced
        self._announced: dict[str, int] = {}       # role -> how many events announced
        self._pending: list[tuple] = []            # (role, [Event]) for the next play
        self._badge, self._badge_since = None, 0.0
        self.layout = None
        if self.options.check_layout:
            self._start_layout_check()
        self._start_captions()
        self.presenter_notes: list = []  # notes.Note per section, when the section ends
        self._section_notes: list = []  # (say, ask, answer) of the section on screen
        for role in self.runs:
            self.trace(role)

    # -- traces -----------------------------------------------------------------------------
    def trace(self, role: str = "main") -> Trace:
        t = self._traces.get(role)
        if t is None:
            if role not in self.runs:
                raise KeyError(f"{type(self).__name__} has no run {role!r}")
            t = Trace(trace_path(role, self.runs[role], self.options.traces,
                                 self.options.cache))
            kinds = self.trace_kinds()
            if kinds and t.kind not in kinds:
                raise TraceError(f"{type(self).__name__} needs a trace of kind "
                                 f"'{' or '.join(kinds)}', but {t.path} is a '{t.kind}' trace")
            self.check_trace(role, t)
            self._traces[role] = t
        return t

    def check_trace(self, role: str, trace: Trace) -> None:
        """Raise TraceError if ``trace`` lacks what the scene shows."""

    def require_objective(self, trace: Trace, dims: int, statics=(), quantities=(),
                          coords_name: str = "θ") -> None:
        """The checks objective scenes share: a ``dims``-D objective run, with ``statics``
        and ``quantities`` of layer "objective", recorded at every step."""
        name = type(self).__name__
        info = trace.layer_info
        coords = info[0].get("coords") if info else None
        if len(info) != 1 or info[0].get("name") != "objective" or len(coords or []) != dims:
            raise TraceError(f"{name} needs a {dims}-D objective run ({coords_name}); "
                             f"{trace.path} has coordinates {coords}")
        missing = [k for k in statics if k not in trace.manifest.get("static", [])]
        missing += [q for q in quantities if q not in trace.quantities("objective")]
        if missing:
            raise TraceError(f"{name}: {trace.path} lacks {', '.join(missing)}")
        if not trace.steps or trace.steps != trace.all_steps:
            raise TraceError(f"{name} needs every step recorded (record.every = 1) in "
                             f"{trace.path}")

    def array(self, role: str, step: int, layer: str, quantity: str) -> np.ndarray:
        return self.trace(role).get(step, layer, quantity)

    def number(self, role: str, step: int | None, layer: str, quantity: str,
               index: Any = (), digits: int = 3, formatter=None,
               now: bool = True) -> tuple[float, str]:
        """(value, text) of one traced number, recorded as shown.

        ``now``: the picture shows the run at this step (the default), so --events may
        announce what happened up to it; False for a total or a final value shown ahead.

        layer "scalar" reads a per-step scalar (quantity "loss", "lr", ...), layer
        "epoch" a per-epoch metric (quantity "val_accuracy", ..., index (epoch,)), layer
        "static" a static array (quantity = its key), layer "config" a setting of the
        run's recorded config (quantity = its dotted path, "optimizer.momentum"), layer
        "summary" a number of the run's summary ("param_count"), anything else a step
        array.
        """
        t = self.trace(role)
        if layer == "config":
            value = config_value(t, quantity)
        elif layer == "summary":
            value = summary_value(t, quantity)
        elif layer == "scalar":
            value = t.scalars(quantity)[t.step_position(step)]
        elif layer == "epoch":  # a per-epoch metric; index = (epoch,)
            value = t.epochs[(index if isinstance(index, tuple) else (index,))[0]][quantity]
        elif layer == "static":
            value = t.static(quantity)[index]
        else:
            value = t.get(step, layer, quantity)[index]
        if now and step is not None and layer not in ("epoch", "static", "config", "summary"):
            self.reached(role, step)
        value = float(value)
        text = (formatter or (lambda v: fmt(v, digits)))(value)
        self.shown.add(text, value, role, step, layer, quantity, index)
        return value, text

    # -- sections and stills ----------------------------------------------------------------
    def next_section(self, name: str = "unnamed", *args, **kwargs) -> None:
        """Start a section; with ``options.stills``, first save the frame that ends the
        previous one (handouts: one PNG per section end)."""
        self._end_section(name)
        super().next_section(name, *args, **kwargs)

    def _end_section(self, name: str) -> None:
        """Close the section on screen (its still, its times) and start ``name``."""
        self._save_still()
        self._mark_section()
        self._section = name

    def tear_down(self) -> None:
        if self.events_on:
            self.show_events()
        self._save_still()
        self._mark_section()
        self._finish_captions()
        super().tear_down()

    # -- events (nnanim render --events) ----------------------------------------------------
    def run_events(self, role: str) -> list:
        """The events engine.inspection.events finds in run ``role`` (computed once)."""
        if role not in self.events:
            from nnanim.engine.inspection.events import find_events

            self.events[role] = find_events(self.trace(role))
        return self.events[role]

    def run_name(self, role: str) -> str:
        """The run's name from its config (the role when the config has none)."""
        return self.trace(role).manifest.get("config", {}).get("run", {}).get("name", role)

    def reached(self, role: str, step: int) -> None:
        """The picture now shows run ``role`` at training step ``step``. With --events, the
        run's events up to that step are announced by a badge in the next play or wait.
        ``number()`` calls this; scenes call it where steps advance without a number."""
        if not self.events_on:
            return
        events, done = self.run_events(role), self._announced.get(role, 0)
        new = [e for e in events[done:] if e.step <= step]
        if new:
            self._announced[role] = done + len(new)
            self._pending.append((role, new))

    def wait(self, duration: float = 1.0, *args, **kwargs) -> None:
        """manim's ``wait``; one shorter than a frame (what is left of a caption's reading
        time after a play) lasts one frame, as manim makes it, without manim's warning."""
        from manim import config

        super().wait(max(duration, 1 / config.frame_rate), *args, **kwargs)

    def play(self, *animations, **kwargs) -> None:
        still = self._before_play(animations)
        if self.events_on:
            animations = (*animations, *self._badge_animations(animations, kwargs))
        super().play(*animations, **kwargs)
        self._after_play(still)

    def _badge_animations(self, animations, kwargs) -> list:
        """Fade the pending events' badge in (and the previous one out, or an old one out
        after BADGE_HOLD seconds), done in the first 0.4 s of this play."""
        from manim import Animation

        from nnanim.scenes.mobjects.event_badge import BadgeFade, EventBadge

        now, hold = float(self.renderer.time), self.t(BADGE_HOLD)
        if self._badge is not None and self._badge not in self.mobjects:
            self._badge = None  # the scene cleared it (a section change)
        out_old = self._badge is not None and (self._pending or now - self._badge_since >= hold)
        if out_old and any(isinstance(a, Animation) and self._badge in a.mobject.get_family()
                           for a in animations):
            out_old = False  # the scene is fading it out itself
        if not (self._pending or out_old):
            return []
        run_time = kwargs.get("run_time") or max(
            [getattr(a, "run_time", 1.0) for a in animations] or [1.0])
        anims = []
        if out_old:
            anims.append(BadgeFade(self._badge, False, run_time))
            self._badge = None
        if self._pending:
            events = [e for _, group in self._pending for e in group]
            roles = {role for role, _ in self._pending}
            run = None
            if len(self.runs) > 1:  # several runs on screen: say which one
                run = ", ".join(sorted(self.run_name(r) for r in roles))
            badge = EventBadge(events, self.theme, run=run)
            badge.to_corner(BADGE_CORNER, buff=0.1)
            for role, group in self._pending:
                self.event_marks += [(role, e.step, now) for e in group]
            self._pending = []
            anims.append(BadgeFade(badge, True, run_time))
            self._badge, self._badge_since = badge, now
        return anims

    def show_events(self) -> None:
        """``nnanim render --events``: end on a card listing the events (first NaN/inf,
        exploding or vanishing gradients, dying ReLU layers) of every run, with steps."""
        from manim import DOWN, LEFT, FadeIn, FadeOut, VGroup

        self._pending = []  # the card lists them all
        self.next_section("events")
        named = len(self.runs) > 1
        found = [(role, e) for role in self.runs for e in self.run_events(role)]
        lines = [self.label("Events in this run" if not named else "Events in these runs",
                            size=40)]
        if not found:
            lines.append(self.label("none: finite values, no exploding or vanishing "
                                    "gradients, no dying ReLU layer", size=24,
                                    color=self.theme.muted))
        for role, e in found[:8]:
            run = self.run_name(role) + ", " if named else ""
            lines.append(self.label(f"{run}step {e.step}: {e.kind} in {e.where} — {e.detail}",
                                    size=22, color=self.theme.alert))
        card = VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        if card.width > 13:
            card.scale_to_fit_width(13)
        if self.mobjects:
            self.play(FadeOut(*self.mobjects), run_time=self.t(0.5))
        self._badge = None
        self.play(FadeIn(card), run_time=self.t(0.5))
        self.wait(self.t(3))

    def _mark_section(self) -> None:
        """With ``options.sections``, append (name, start, end) of the section that just
        ended to that JSON-lines file (the lecture's slide player pauses at section ends)."""
        path = self.options.sections
        now = float(self.renderer.time)
        start = getattr(self, "_section_start", 0.0)
        if self.layout is not None:
            self.layout.section_end(getattr(self, "_section", "start"), now)
        if now > start:  # the captions are cut at section ends
            self._sections.append(Section(getattr(self, "_section", "start"), start, now))
            self._close_notes(start, now)
        if path and now > start:
            import json

            with open(path, "a") as f:
                f.write(json.dumps({"scene": type(self).__name__,
                                    "section": getattr(self, "_section", "start"),
                                    "start": start, "end": now}) + "\n")
        self._section_start = now

    def _save_still(self) -> None:
        folder = self.options.stills
        plays = self.renderer.num_plays
        if not folder or plays == getattr(self, "_plays_at_still", 0):
            return  # not asked for, or nothing shown since the last still
        from PIL import Image

        self._plays_at_still = plays
        self._still_index = getattr(self, "_still_index", 0) + 1
        name = getattr(self, "_section", "start")
        path = Path(folder) / f"{type(self).__name__}_{self._still_index:02d}_{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(self.renderer.get_frame()).convert("RGB").save(path)

    # -- presenter notes (scenes/notes.py) ---------------------------------------------------
    def note(self, say: str, ask: str, answer: str) -> None:
        """The lecturer's notes for the section on screen: what to say, the question to ask
        the room, the answer the trace gives. A number in them is the text of
        ``self.number(...)``, never typed in. Draws nothing."""
        self._section_notes.append((say, ask, answer))

    def _close_notes(self, start: float, end: float) -> None:
        """Give the section that just ended (``start``..``end``) its notes."""
        from .notes import Note

        name = getattr(self, "_section", "start")
        self.presenter_notes += [Note(name, start, end, *n) for n in self._section_notes]
        self._section_notes = []

    # -- captions (every render) and the layout check (options.check_layout) -----------------
    def as_caption(self, mobject):
        """Mark ``mobject`` as a caption (its times go into the subtitles; with the layout
        check, its reading time is checked); returns it."""
        return self.caption_recorder.mark(mobject)

    def _start_layout_check(self) -> None:
        from .layout import LayoutCheck

        self.layout = LayoutCheck(self.speed, background=self.theme.background)

    def _start_captions(self) -> None:
        """Note captions from here on: the layout check's recorder, or a recorder alone."""
        from .layout import CaptionRecorder

        self.caption_recorder = self.layout.recorder if self.layout else CaptionRecorder()
        self._sections: list[Section] = []
        self.caption_cues: list[Caption] = []
        if callable(getattr(type(self), "caption", None)):
            method = self.caption  # a scene's caption(...) method: it returns captions

            def caption(*args, **kwargs):
                return self.as_caption(method(*args, **kwargs))

            self.caption = caption

    def _caption_sampler(self):
        """What samples the captions: the layout check (it also checks reading times) or the
        recorder; both take ``sample(mobjects, time)`` and ``finish(mobjects, time)``."""
        return self.layout if self.layout is not None else self.caption_recorder

    def _finish_captions(self) -> None:
        """End the captions at the scene's end, cut them into cues per section and hand
        them to manim as sub-captions (it writes them as an .srt beside its video)."""
        now = float(self.renderer.time)
        self._caption_sampler().finish(self._on_screen(), now)
        title = type(self).title or type(self).__name__

        def fallback(section: Section) -> str:  # a section that shows no caption
            name = section.name.replace("-", " ").replace("_", " ")
            return title if name in ("start", "unnamed") else f"{title}: {name}"

        self.caption_cues = by_section(self.caption_recorder.captions, self._sections,
                                       fallback)
        for cue in self.caption_cues:
            self.add_subcaption(cue.text, duration=cue.end - cue.start, offset=cue.start - now)

    def _remember(self, text):
        """With the layout check: note the text's size on its parts (``layout.remember``),
        as scenes show parts of formulas on their own."""
        if getattr(self, "layout", None) is not None:
            from .layout import remember

            remember(text)
        return text

    def _on_screen(self) -> list:
        return [*self.mobjects, *self.foreground_mobjects]

    def _before_play(self, animations) -> bool:
        """Before a play: sample the captions; with the layout check, a wait (the still) is
        checked here. Returns whether the play is a wait."""
        from manim import Mobject, Wait

        held = vars(self).get("caption")  # a scene's current caption, held by name
        if isinstance(held, Mobject):
            self.as_caption(held)
        now, shown = float(self.renderer.time), self._on_screen()
        self._caption_sampler().sample(shown, now)
        still = bool(animations) and all(isinstance(a, Wait) for a in animations)
        if still and self.layout is not None:
            self.layout.check(shown, now)
        return still

    def _after_play(self, still: bool) -> None:
        """After a play: with the layout check, check what it left on screen; sample the
        captions."""
        now, shown = float(self.renderer.time), self._on_screen()
        if not still and self.layout is not None:
            self.layout.motion(now)
            self.layout.check(shown, now)
        self._caption_sampler().sample(shown, now)

    # -- pacing -----------------------------------------------------------------------------
    def pace(self, i: int, slow: int = 3, first: float = 1.0, rest: float = 0.25) -> float:
        """Run time of the i-th repetition: the first ``slow`` ones at ``first`` seconds,
        then ``rest``; all divided by the speed factor."""
        return (first if i < slow else rest) / self.speed

    def t(self, seconds: float) -> float:
        """A run time scaled by the speed factor."""
        return seconds / self.speed

    # -- text in the theme --------------------------------------------------------------------
    def label(self, text: str, size: float = 28, color: str | None = None, **kw) -> Text:
        """Text in the theme's font and colour, light (``mobjects.light_text``): cheap for
        animations to copy. t2c/t2w given here work."""
        from .mobjects.light_text import light

        return self._remember(light(Text(text, font=FONT, font_size=size,
                                         color=self.theme.ink(color or self.theme.text),
                                         **kw)))

    def tex(self, *tex: str, size: float = 36, color: str | None = None, **kw) -> MathTex:
        """MathTex in the theme's colour, light like ``label``: select its parts by index
        (get_part_by_tex/set_color_by_tex need the dropped id table)."""
        from .mobjects.light_text import light

        return self._remember(light(MathTex(*tex, font_size=size,
                                            color=self.theme.ink(color or self.theme.text),
                                            **kw)))
