"""LayoutCheck: is every text on screen readable in a lecture hall? (issue #10, items 3–4)

Pure geometry on the scene's mobjects, no rendering of its own. ``TraceScene`` runs it
when ``SceneOptions.check_layout`` is set: at the end of every play and at the start of
every wait (the still the audience reads), and it samples the captions before and after
each; normal renders pay nothing. Kinds of violation:

  small    a text's line is under MIN_LINE_PX pixels high at 720p
  outside  a text reaches into the MARGIN along the frame's edge (or past the edge)
  overlap  the boxes of two texts intersect by more than OVERLAP_PX both ways
  caption  a caption left (or the scene ended) before (1 s + 0.3 s per word) / speed
  still    a section ended less than MIN_STILL / speed after its last animation

A text is a manim ``Text``, ``MarkupText``, ``MathTex``/``Tex``, ``DecimalNumber``/``Integer``
or nnanim's ``TickerText`` (``glyph_number``; ValueGrid cells, tables and legends are built
of these), found by walking the scene's families; a text's own parts are never compared
with each other. Scenes also place parts of a formula (a ``MathTexPart``) or a run of a
text's glyphs on their own: each such part, or the glyphs one group holds, is a text too.
A text is visible when it is in the scene, has a width and a height, and some part of it
has a fill or stroke opacity over MIN_OPACITY.

The height of a line is not the text's height ("x" or "0.5" is shorter than a line):
it is the height that the reference "Hg" (a capital's top to a descender's bottom, about
one em) has at the text's current font size in its own kind of type (the Text's font,
TeX, or the monospace of TickerText), so a text's letters do not change the measure.
manim gives the current font size (its ``font_size`` property follows scaling); a
TickerText's is read from its glyphs against the same glyphs built at size 48. A part
has no font size: ``remember`` (TraceScene calls it on every label and formula it makes,
and the check on every whole text it sees) notes on each part its line height per unit of
its own height, which copies keep and scaling does not change. A part never noted is
measured by its height. (``Transform(a, b)`` or ``a.become(b)`` between texts of other
sizes leaves ``a``'s font size stale: manim's property reads it from ``a``'s first height.)

A finding that persists over successive checks (same kind, text and measurement) is
recorded once, at its start; times are of the render (manim rounds a run time up to
whole frames, so they vary a little with the quality).

``CaptionRecorder`` is the caption bookkeeping alone (when each caption is on screen): every
render runs it, for its subtitles (``captions.py``); the check reads the reading times from it.
"""
from __future__ import annotations

import html
import itertools
import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Iterable

import numpy as np
from manim import (BackgroundRectangle, DecimalNumber, MarkupText, Mobject, SingleStringMathTex,
                   Text, VGroup,
                   VMobject, config)
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
from manim.mobject.text.tex_mobject import MathTexPart

from .captions import Caption
from .color_vision import contrast
from .mobjects.ticker_text import MONO, TickerText, _glyphs

#: the video height the pixel figures are given at
REFERENCE_HEIGHT_PX = 720
#: the least height of a line of text, in pixels at 720p (issue #10: "at least 20 px").
#: A font-size point is 1.17 px of line in Text (DejaVu Sans; Mono 1.18) but 0.83 px in
#: MathTex (manim draws TeX smaller at equal font_size): 20 px is Text at font_size 17.1,
#: MathTex at 24.1
MIN_LINE_PX = 20.0
#: scene units kept free along the frame's edge: manim's SMALL_BUFF, 9 px at 720p; a text
#: placed with the smallest standard gap passes, one touching the edge (cut by a
#: projector's or player's scaling) does not
MARGIN = 0.1
#: the least contrast of a text colour against the background (WCAG AA for text): a
#: highlight colour (the light theme's amber) may frame text but not colour it
MIN_CONTRAST = 4.5
#: how far two text boxes may intersect both ways, in pixels at 720p: neighbouring parts
#: of one line (a name and its number) may touch in their glyphs' side bearings
OVERLAP_PX = 2.0
#: below this a text is faded out (invisible); a dimmed text (0.18–0.35) still counts
MIN_OPACITY = 0.05
#: reading time of a caption: CAPTION_BASE + CAPTION_PER_WORD × words seconds at speed 1
CAPTION_BASE, CAPTION_PER_WORD = 1.0, 0.3
#: the least still at the end of a section, seconds at speed 1
MIN_STILL = 1.0
#: the reference font size the "Hg" heights are measured at
REF_FONT_SIZE = 48.0
#: the attribute ``remember`` notes on a text's parts: (line height / part height, what the
#: text says, a number naming the text)
TAG = "_layout_line"
_texts_noted = itertools.count(1)
EPS = 1e-6


@dataclass(frozen=True)
class Violation:
    """One finding. ``time`` in seconds of video; ``text`` what the text says (or the
    section's name); ``detail`` the measurement, rounded so that it is stable."""

    time: float
    kind: str
    text: str
    detail: str

    def __str__(self) -> str:
        return f"{self.time:.1f}s {self.kind} {self.text}: {self.detail}"


@dataclass
class Shown:
    """A visible text: the mobject, what it says (quoted, shortened), its box
    (x0, y0, x1, y1) in scene units, its line height in pixels at 720p, and for a part
    (not a whole text) the number ``remember`` gave the text it is part of."""

    mobject: Mobject
    text: str
    box: np.ndarray
    line_px: float
    part_of: int | None = None


# -- what a text says -----------------------------------------------------------------------
def raw_text(m: Mobject) -> str:
    """The string a text mobject shows (markup and TeX as written)."""
    if isinstance(m, MarkupText):
        return html.unescape(re.sub(r"<[^>]*>", "", m.original_text))
    if isinstance(m, Text):
        return m.original_text
    if isinstance(m, SingleStringMathTex):
        return m.tex_string
    if isinstance(m, DecimalNumber):
        return f"{m.number:.{m.num_decimal_places}f}"
    if isinstance(m, TickerText):
        return m.text
    if isinstance(m, MathTexPart):
        return m.tex_string
    tag = noted(m)
    return f"[part of] {tag[1]}" if tag else "[glyphs]"


def noted(m: Mobject) -> tuple | None:
    """What ``remember`` noted on ``m`` or, first, on a part of it (None: nothing)."""
    return next((vars(sub)[TAG] for sub in m.get_family() if TAG in vars(sub)), None)


def quoted(s: str, limit: int = 72) -> str:
    s = " ".join(s.split())
    return f'"{s if len(s) <= limit else s[:limit - 1] + "…"}"'


def words(s: str) -> int:
    return len(s.split())


def split_in_two(text: str) -> tuple[str, str]:
    """``text`` as two lines, cut at the space nearest its middle (a caption too wide for
    one line)."""
    words = text.split()
    cut = min(range(1, len(words)),
              key=lambda k: abs(len(" ".join(words[:k])) - len(text) / 2))
    return " ".join(words[:cut]), " ".join(words[cut:])


def reading_time(text: str) -> float:
    """Seconds (at speed 1) a caption needs on screen: 1 s + 0.3 s a word."""
    return CAPTION_BASE + CAPTION_PER_WORD * words(text)


# -- finding the texts ------------------------------------------------------------------------
TEXT_TYPES = (Text, MarkupText, SingleStringMathTex, DecimalNumber, TickerText)
WHOLE_OR_PART = (*TEXT_TYPES, MathTexPart)


def texts_in(mobjects: Iterable[Mobject]) -> list[Mobject]:
    """The texts in the families of ``mobjects``, each once, outermost only (a MathTex's
    parts or a Text's glyphs are that one text); a formula's part placed on its own is a
    text, and so are the glyphs one group holds outside any text (as a new VGroup)."""
    out, seen = [], set()

    def walk(m: Mobject) -> None:
        if id(m) in seen:
            return
        seen.add(id(m))
        if isinstance(m, WHOLE_OR_PART):
            out.append(m)
            return
        glyphs = [sub for sub in m.submobjects if isinstance(sub, VMobjectFromSVGPath)]
        if glyphs:
            seen.update(id(g) for g in glyphs)
            out.append(VGroup(*glyphs))
        for sub in m.submobjects:
            walk(sub)

    for m in mobjects:
        walk(m)
    return out


def _points(m: Mobject) -> np.ndarray:
    parts = [sub.points for sub in m.get_family() if len(sub.points)]
    return np.concatenate(parts) if parts else np.zeros((0, 3))


def opacity(m: Mobject) -> float:
    """The largest fill or (drawn) stroke opacity among the parts of ``m`` that have
    points (0 when none has)."""
    best = 0.0
    for sub in m.get_family():
        if not len(sub.points) or not isinstance(sub, VMobject):
            continue
        for rgbas, width in ((sub.fill_rgbas, 1.0), (sub.stroke_rgbas, sub.stroke_width)):
            if width and isinstance(rgbas, np.ndarray) and rgbas.size:
                best = max(best, float(np.max(rgbas[..., 3])))
    return best


def box(m: Mobject) -> np.ndarray | None:
    """(x0, y0, x1, y1) of ``m``'s points, or None without width or height."""
    pts = _points(m)
    if not len(pts):
        return None
    (x0, y0), (x1, y1) = pts[:, :2].min(axis=0), pts[:, :2].max(axis=0)
    if x1 - x0 <= EPS or y1 - y0 <= EPS:
        return None
    return np.array([x0, y0, x1, y1])


def visible(m: Mobject) -> bool:
    return opacity(m) > MIN_OPACITY and box(m) is not None


# -- line height --------------------------------------------------------------------------------
@cache
def _hg_text(font: str) -> float:
    """Height of "Hg" per font-size point in Text of ``font`` (scene units)."""
    return Text("Hg", font=font, font_size=REF_FONT_SIZE).height / REF_FONT_SIZE


@cache
def _hg_tex() -> float:
    """Height of "Hg" per font-size point in MathTex (TeX's math italic)."""
    from manim import MathTex

    return MathTex("Hg", font_size=REF_FONT_SIZE).height / REF_FONT_SIZE


@cache
def _ticker_reference(charset: str) -> dict[str, float]:
    """{char: its glyph's height} for TickerText's glyphs built at REF_FONT_SIZE."""
    _, table = _glyphs(MONO, REF_FONT_SIZE, charset)
    return {c: float(np.ptp(p[:, 1])) if len(p) else 0.0 for c, p in table.items()}


def font_size(m: Mobject) -> float | None:
    """The current font size of a text (manim's property follows scaling), or None."""
    if isinstance(m, TickerText):
        ref = _ticker_reference("".join(m._table))
        ratios = [slot.height / ref[c] for c, slot in zip(m.text, m.slots)
                  if c != " " and ref.get(c, 0) > EPS and len(slot.points)]
        return REF_FONT_SIZE * float(np.median(ratios)) if ratios else None
    if getattr(m, "initial_height", 0):
        size = float(m.font_size)
        return size if np.isfinite(size) and size > 0 else None
    return None


def line_units(m: Mobject) -> float:
    """The height of one line of ``m`` in scene units (see the module's docstring); a part
    from what ``remember`` noted on it; one of unknown size: its height over its lines."""
    size = font_size(m) if isinstance(m, TEXT_TYPES) else None
    if size is None:
        noted = [getattr(sub, TAG)[0] * sub.height for sub in m.get_family()
                 if TAG in vars(sub) and len(sub.get_all_points())]
        if noted:
            return float(np.median(noted))
        return m.height / (raw_text(m).count("\n") + 1)
    if isinstance(m, TickerText):
        return size * _hg_text(MONO)
    if isinstance(m, DecimalNumber) and issubclass(getattr(m, "mob_class", object), Text):
        return size * _hg_text("")
    if isinstance(m, (Text, MarkupText)):
        return size * _hg_text(m.font)
    return size * _hg_tex()


def remember(m: Mobject) -> Mobject:
    """Note on every part of the whole text ``m`` its line height per unit of the part's
    height, and what ``m`` says, so that a part shown on its own can be measured (and
    named); returns ``m``. Texts inside ``m`` (a group) are noted each."""
    for text in texts_in([m]):
        if not isinstance(text, TEXT_TYPES) or TAG in vars(text):
            continue
        units, said, key = line_units(text), raw_text(text), next(_texts_noted)
        for sub in text.get_family():
            if len(sub.get_all_points()) and sub.height > EPS:
                setattr(sub, TAG, (units / sub.height, said, key))
    return m


# -- captions on screen ---------------------------------------------------------------------
class CaptionRecorder:
    """When each marked caption is on screen, from samples (every render keeps one; the
    layout check reads its reading times). ``mark`` marks a caption mobject; ``sample`` at
    a time notes which marked captions are in the scene and visible, and returns those that
    left since the last sample; ``finish`` ends the ones still shown. ``captions`` holds
    every ``Caption(first seen, last seen, what it says)``. With no caption marked, a sample
    costs nothing."""

    def __init__(self) -> None:
        self.captions: list[Caption] = []
        self._marked: dict[int, Mobject] = {}
        self._since: dict[int, float] = {}   # caption id -> first seen
        self._last: dict[int, float] = {}    # caption id -> last seen

    def mark(self, mobject: Mobject) -> Mobject:
        self._marked.setdefault(id(mobject), mobject)
        return mobject

    def sample(self, mobjects: Iterable[Mobject], time: float) -> list[Caption]:
        """Note which captions are on screen at ``time``; returns those that left."""
        if not self._marked:
            return []
        in_scene = {id(sub) for m in mobjects for sub in m.get_family()}
        left = []
        for key, cap in self._marked.items():
            if key in in_scene and visible(cap):
                self._since.setdefault(key, time)
                self._last[key] = time
            elif key in self._since:
                left.append(self._left(key))
        return left

    def finish(self, mobjects: Iterable[Mobject], time: float) -> list[Caption]:
        """The scene ends at ``time``: captions still shown end here; returns all that
        left."""
        left = self.sample(mobjects, time)
        return left + [self._left(key) for key in list(self._since)]

    def _left(self, key: int) -> Caption:
        said = " ".join(raw_text(t) for t in texts_in([self._marked[key]]))
        caption = Caption(self._since.pop(key), self._last.pop(key), said)
        self.captions.append(caption)
        return caption


# -- the check ----------------------------------------------------------------------------------
class LayoutCheck:
    """Collects the violations of one scene's run. The scene calls ``check`` at the end of
    every play and at the start of every wait, ``sample`` before and after each (captions),
    ``motion`` after each play that is not a wait, ``section_end`` where a section ends and
    ``finish`` at the scene's end; ``mark_caption`` marks a caption (its ``recorder``, a
    ``CaptionRecorder``, notes when captions are shown; the scene's subtitles read it too).
    A finding that persists over successive checks (same kind, text and measurement) is
    recorded once, at its start.
    """

    def __init__(self, speed: float = 1.0, frame_width: float | None = None,
                 frame_height: float | None = None, background: str | None = None) -> None:
        self.speed = float(speed)
        self.background = background  # when given, text colours are checked against it
        self.frame_width = frame_width or config.frame_width
        self.frame_height = frame_height or config.frame_height
        self.px = REFERENCE_HEIGHT_PX / self.frame_height   # pixels per unit at 720p
        self.violations: list[Violation] = []
        self.smallest: tuple[float, str] | None = None      # (line px, text) over the run
        self.recorder = CaptionRecorder()
        self._open: set[tuple[str, str, str]] = set()       # findings of the last check
        self._motion: float | None = None                   # end of the section's last play

    # -- texts: size, frame, overlap
    def visible_texts(self, mobjects: Iterable[Mobject]) -> list[Shown]:
        out = []
        for m in texts_in(mobjects):
            b = box(m) if opacity(m) > MIN_OPACITY else None
            if b is not None:
                whole = isinstance(m, TEXT_TYPES)
                if whole and TAG not in vars(m):
                    remember(m)  # its parts may be shown on their own later
                tag = None if whole else noted(m)
                out.append(Shown(m, quoted(raw_text(m)), b, line_units(m) * self.px,
                                 tag[2] if tag else None))
        return out

    def findings(self, mobjects: Iterable[Mobject]) -> list[tuple[str, str, str]]:
        """(kind, text, detail) of every size, frame and overlap problem on screen now."""
        shown = self.visible_texts(mobjects)
        found = []
        w, h, margin = self.frame_width / 2 - MARGIN, self.frame_height / 2 - MARGIN, MARGIN
        for s in shown:
            if self.smallest is None or s.line_px < self.smallest[0]:
                self.smallest = (s.line_px, s.text)
            if s.line_px < MIN_LINE_PX - EPS:
                found.append(("small", s.text,  # floor: 19.9 px is "19 px", under 20
                              f"{math.floor(s.line_px + 1e-6)} px < {MIN_LINE_PX:.0f} px"))
            for color in self.faint_colors(s.mobject):
                found.append(("contrast", s.text, f"{color} on {self.background}: "
                              f"{contrast(color, self.background):.1f}:1 < {MIN_CONTRAST}:1"))
            x0, y0, x1, y1 = s.box
            past = {"left": -w - x0, "right": x1 - w, "bottom": -h - y0, "top": y1 - h}
            side = max(past, key=past.get)
            if past[side] > EPS:
                found.append(("outside", s.text,  # ceil: a third of a pixel is "1 px"
                              f"{math.ceil(past[side] * self.px - 1e-6)} px into the {side} "
                              f"margin of {margin * self.px:.0f} px"))
        if len(shown) > 1:
            boxes = np.array([s.box for s in shown])
            ix = np.minimum(boxes[:, None, 2], boxes[None, :, 2]) - np.maximum(
                boxes[:, None, 0], boxes[None, :, 0])
            iy = np.minimum(boxes[:, None, 3], boxes[None, :, 3]) - np.maximum(
                boxes[:, None, 1], boxes[None, :, 1])
            tol = OVERLAP_PX / self.px
            for i, j in zip(*np.nonzero(np.triu((ix > tol) & (iy > tol), 1))):
                if shown[i].part_of is not None and shown[i].part_of == shown[j].part_of:
                    continue  # parts of one formula or text: one text
                a, b = sorted((shown[i].text, shown[j].text))
                found.append(("overlap", f"{a} × {b}",
                              f"{ix[i, j] * self.px:.0f}×{iy[i, j] * self.px:.0f} px"))
        return found

    def faint_colors(self, m: Mobject) -> list[str]:
        """The colours of ``m``'s glyphs that fall below text contrast on the background
        (a highlight colour used for text): none when no background is set."""
        if self.background is None:
            return []
        colors = {g.get_fill_color().to_hex().upper() for g in m.family_members_with_points()
                  if g.get_fill_opacity() > MIN_OPACITY
                  and not isinstance(g, BackgroundRectangle)}  # the plate behind a text
        return sorted(c for c in colors if contrast(c, self.background) < MIN_CONTRAST)

    def check(self, mobjects: Iterable[Mobject], time: float) -> list[Violation]:
        """Record the problems on screen at ``time`` that the previous check did not
        already have; returns them."""
        found = self.findings(mobjects)
        new = [Violation(round(time, 1), *f) for f in found if f not in self._open]
        self._open = set(found)
        self.violations += new
        return new

    # -- captions
    @property
    def captions(self) -> list[Caption]:
        """Every caption shown: (from, to, what it says)."""
        return self.recorder.captions

    def mark_caption(self, mobject: Mobject) -> Mobject:
        return self.recorder.mark(mobject)

    def sample(self, mobjects: Iterable[Mobject], time: float) -> None:
        """Note which captions are on screen at ``time``; one that left since the last
        sample is checked for its reading time."""
        self._reading_times(self.recorder.sample(mobjects, time))

    def _reading_times(self, captions: list[Caption]) -> None:
        for start, end, said in captions:
            need = reading_time(said) / self.speed
            if end - start < need - EPS:
                self.violations.append(Violation(round(start, 1), "caption", quoted(said),
                                                 f"{end - start:.1f} s < {need:.1f} s"))

    # -- sections
    def motion(self, time: float) -> None:
        """A play that is not a wait ended at ``time``."""
        self._motion = time

    def section_end(self, name: str, time: float) -> None:
        """A section ends at ``time``: its last still must last MIN_STILL / speed."""
        if self._motion is not None:
            still, need = time - self._motion, MIN_STILL / self.speed
            if still < need - EPS:
                self.violations.append(Violation(round(self._motion, 1), "still",
                                                 quoted(name), f"{still:.1f} s < {need:.1f} s"))
        self._motion = None

    def finish(self, mobjects: Iterable[Mobject], time: float) -> None:
        """The scene ends at ``time``: captions still shown end here."""
        self._reading_times(self.recorder.finish(mobjects, time))

    # -- reports
    def strings(self) -> list[str]:
        """The violations as text, in the order of their times."""
        return [str(v) for v in sorted(self.violations, key=lambda v: v.time)]

    def summary(self) -> dict:
        """{"counts": {kind: n}, "smallest_px": line px of the smallest text, "smallest": it}"""
        counts: dict[str, int] = {}
        for v in self.violations:
            counts[v.kind] = counts.get(v.kind, 0) + 1
        px, text = self.smallest or (None, None)
        return {"counts": counts, "smallest_px": None if px is None else round(px, 1),
                "smallest": text}
