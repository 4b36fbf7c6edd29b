"""Handouts: a course as a PDF to print, one A4 landscape page per section of every part.

    build_handout(default_course(), Path("handout.pdf"), SceneOptions(), quality="m")

A page shows the section's still (the frame that ends it), a heading (the part's title · the
section's name, under "Part 2 · section 1 of 3"), the captions shown during the section
(``scenes/captions.py``: what the scene's caption line said, each once; a section that shows
none has the scene's title and the section's name), and a footer with the course's title and
"page 3 of 40".

Each part renders as a lecture's parts do (``lecture.py``: ``render_scene`` in parallel
processes, the longest first; kept renders copied) into a temporary folder: the video, its
captions beside it (``<stem>.srt``), its stills (``<Scene>_NN_<section>.png``, one a section
end) and its section times (JSON lines ``{"scene", "section", "start", "end"}``, seconds).
The pages are drawn with matplotlib's PdfPages, the text as embedded TrueType
(``pdf.fonttype`` 42: it can be selected, searched and read aloud). The PDF is written
atomically (``engine/atomic.py``).
"""
from __future__ import annotations

import json
import logging
import tempfile
import textwrap
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from nnanim.engine.atomic import atomic_path, check_output
from nnanim.scenes.captions import Caption, Section, read_srt, subtitle_paths
from nnanim.scenes.course import Course
from nnanim.scenes.options import SceneOptions
from nnanim.scenes.render.lecture import Part, as_course, render_parts

#: the page, inches (A4 landscape); the margins; the column the still and text share
PAGE = (11.69, 8.27)
MARGIN = 0.6
COLUMN = 9.5
#: caption text sizes (points), the largest that fits; 10 pt is still readable on paper
TEXT_SIZES = (13, 12, 11, 10)
LINE = 1.4           # line spacing, in text sizes
EM_WIDTH = 0.58      # DejaVu Sans' mean character width, in text sizes (line wrapping)
MIN_STILL = 3.0      # inches high: the text gets smaller before the still gets smaller


@dataclass(frozen=True)
class Page:
    """One page: its part (counted from 1), its section (from 1) of ``sections``, the
    heading, the still (None: the scene saved none) and the captions of the section."""

    part: int
    section: int
    sections: int
    heading: str
    still: Path | None
    captions: tuple[str, ...]


def build_handout(course: Course | list[str], out: Path, options: SceneOptions | None = None,
                  *, quality: str = "m", theme: str = "light", jobs: int = 2,
                  reuse: bool = True, echo=print) -> Path:
    """Render every part of ``course`` (a ``Course``, or scene names) with its stills and
    write the handout to ``out`` (atomically); returns ``out``. ``theme``: every part's
    (printed pages look alike, whatever a part would project in); ``options``: what every
    part is told otherwise (the course's speed and each part's run and speed win);
    ``reuse``: copy kept renders (``reuse.py``)."""
    course, options = as_course(course), (options or SceneOptions()).with_(theme=theme)
    out = check_output(out)
    with tempfile.TemporaryDirectory(prefix="nnanim-handout-") as tmp:
        parts = _plan(course, options, quality, Path(tmp), reuse)
        render_parts(parts, jobs, echo)
        pages = [page for i, part in enumerate(parts, start=1) for page in part_pages(i, part)]
        title = course.title or " · ".join(p.title for p in parts)
        echo(f"laying out {len(pages)} pages")
        return write_pdf(pages, out, title)


def _plan(course: Course, options: SceneOptions, quality: str, tmp: Path,
          reuse: bool) -> list[Part]:
    """Every part's render: its options (``options`` with the course's speed, then the
    part's run and speed; ``options``' theme), video, stills folder and sections file."""
    from nnanim.scenes.catalog import scene_info

    base = options.with_(speed=course.speed or options.speed)
    parts = []
    for i, part in enumerate(course.parts, start=1):
        info = scene_info(part.scene)
        told = part.options(base).with_(theme=options.theme, stills=tmp / f"{i:02d}-stills",
                                        sections=tmp / f"{i:02d}.sections")
        parts.append(Part(part.scene, told, quality, tmp / f"{i:02d}.mp4", reuse,
                          info.cls.duration, part.title or info.title))
    return parts


# -- a rendered part, as pages --------------------------------------------------------------
def part_pages(number: int, part: Part) -> list[Page]:
    """The pages of a rendered part: one a line of its sections file, with the still and
    the captions of that section (but its fallback caption: the heading says it)."""
    from nnanim.scenes.catalog import scene_info

    sections = read_sections(part.options.sections)
    stills = section_stills(part.options.stills, sections)
    srt = subtitle_paths(part.out)[0]
    cues = read_srt(srt.read_text(encoding="utf-8")) if srt.is_file() else []
    scene_title = scene_info(part.scene).title or part.scene
    return [Page(number, i, len(sections), _heading(part.title, sec.name), still,
                 tuple(t for t in said_in(cues, sec) if t != _fallback(scene_title, sec.name)))
            for i, (sec, still) in enumerate(zip(sections, stills), start=1)]


def read_sections(path: Path) -> list[Section]:
    """The sections of a JSON-lines file the scene wrote (none if it wrote no file)."""
    if not Path(path).is_file():
        return []
    rows = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    return [Section(row["section"], row["start"], row["end"]) for row in rows]


def section_stills(folder: Path, sections: list[Section]) -> list[Path | None]:
    """The still of each section: the scene saves one a section end, named
    ``<Scene>_NN_<section>.png`` in order, whenever it ends a section it wrote (something
    was shown); a section whose still is missing gets None, and the next still is tried for
    the section after it."""
    stills = sorted(Path(folder).glob("*.png")) if Path(folder).is_dir() else []
    found, i = [], 0
    for sec in sections:
        match = next((j for j in range(i, len(stills))
                      if stills[j].stem.endswith(f"_{sec.name}")), None)
        found.append(None if match is None else stills[match])
        i = i if match is None else match + 1
    return found


def said_in(cues: list[Caption], section: Section) -> tuple[str, ...]:
    """The texts of the cues in ``section`` (a cue lies in one section: its middle says
    which; the .srt's times are rounded to milliseconds), in order, each once."""
    inside = [c.text for c in cues if section.start <= (c.start + c.end) / 2 < section.end]
    return tuple(dict.fromkeys(" ".join(text.split()) for text in inside))


def _heading(title: str, section: str) -> str:
    """"Max pooling · backward"; the section before a scene's first named one is the
    title alone."""
    name = _readable(section)
    return title if name in ("start", "unnamed") else f"{title} · {name}"


def _fallback(scene_title: str, section: str) -> str:
    """The caption of a section that shows none (``TraceScene._finish_captions``): "Max
    pooling: backward". Left off the page: its heading says it already."""
    name = _readable(section)
    return scene_title if name in ("start", "unnamed") else f"{scene_title}: {name}"


def _readable(section: str) -> str:
    return section.replace("-", " ").replace("_", " ")


# -- the PDF ----------------------------------------------------------------------------------
def write_pdf(pages: list[Page], out: Path, title: str) -> Path:
    """Write ``pages`` as one PDF to ``out`` (atomically), the footer saying ``title``."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    # embedded TrueType, not Type 3: every character (σ, ×, ∂) is text a reader can copy
    style = {"pdf.fonttype": 42, "font.family": "DejaVu Sans"}
    meta = {"Title": title, "Creator": "nnanim handout", "CreationDate": None}
    with matplotlib.rc_context(style), _quiet("fontTools"), atomic_path(out) as tmp, \
            PdfPages(tmp, metadata=meta) as pdf:
        for number, page in enumerate(pages, start=1):
            pdf.savefig(draw_page(page, number, len(pages), title))
    return out


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    """Only warnings from the logger ``name`` meanwhile (manim's import sets the root
    logger to INFO: fontTools would list every glyph it embeds)."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def draw_page(page: Page, number: int, total: int, footer: str):
    """The matplotlib Figure of one page (A4 landscape, all sizes in inches from the top
    left, turned into figure fractions where drawn)."""
    from matplotlib.figure import Figure

    from nnanim.scenes.theme import THEMES

    ink, muted = THEMES["light"].text, THEMES["light"].muted  # print: dark ink on paper
    fig = Figure(figsize=PAGE)
    text = _Writer(fig)
    left = (PAGE[0] - COLUMN) / 2
    text(left, 0.55, f"Part {page.part} · section {page.section} of {page.sections}",
         size=10, color=muted)
    text(left, 0.95, page.heading, size=20, color=ink, weight="bold")
    size, lines, still_h = _fit(page, top=1.3, bottom=PAGE[1] - 0.85)
    y = 1.3
    if page.still is not None:
        y = _draw_still(fig, page.still, left, y, still_h, muted) + 0.25
    for paragraph in lines:
        text(left, y, "\n".join(paragraph), size=size, color=ink, linespacing=LINE, va="top")
        y += (len(paragraph) + 0.5) * size * LINE / 72
    fig.add_artist(_rule(fig, left, PAGE[1] - 0.7, muted))
    text(left, PAGE[1] - 0.45, footer, size=9, color=muted)
    text(PAGE[0] - left, PAGE[1] - 0.45, f"page {number} of {total}", size=9, color=muted,
         ha="right")
    return fig


class _Writer:
    """Text on a figure at (x, y) inches from the page's top left, on the baseline unless
    ``va`` says otherwise."""

    def __init__(self, fig) -> None:
        self.fig = fig

    def __call__(self, x: float, y: float, s: str, **style) -> None:
        style.setdefault("va", "baseline")
        # no ligatures: "fi" stays two characters for a reader's search, copy and speech
        style.setdefault("fontfeatures", ("-liga",))
        self.fig.text(x / PAGE[0], 1 - y / PAGE[1], s, **style)


def _fit(page: Page, top: float, bottom: float) -> tuple[int, list[list[str]], float]:
    """(text size, the captions wrapped into lines, the still's height in inches): the
    largest text size that leaves the still ``MIN_STILL`` high, the still as large as the
    column and the rest of the space allow."""
    for size in TEXT_SIZES:
        lines = [textwrap.wrap(c, width=int(COLUMN * 72 / (EM_WIDTH * size)),
                               break_long_words=False, break_on_hyphens=False)
                 for c in page.captions]
        text_h = sum(len(p) + 0.5 for p in lines) * size * LINE / 72
        room = bottom - top - text_h - 0.25
        if room >= MIN_STILL:
            break
    return size, lines, max(min(room, COLUMN * 9 / 16), 1.0)


def _draw_still(fig, still: Path, left: float, top: float, height: float, edge: str) -> float:
    """Draw the PNG ``still`` at most ``height`` inches high and ``COLUMN`` wide, centred in
    the column under ``top``, with a thin frame (a light still's white meets the paper's);
    returns where it ends (inches from the top)."""
    import numpy as np
    from PIL import Image

    with Image.open(still) as im:
        pixels = np.asarray(im.convert("RGB"))
    aspect = pixels.shape[1] / pixels.shape[0]
    h = min(height, COLUMN / aspect)
    w = h * aspect
    x = left + (COLUMN - w) / 2
    ax = fig.add_axes((x / PAGE[0], 1 - (top + h) / PAGE[1], w / PAGE[0], h / PAGE[1]))
    # "none": the PNG goes into the PDF as it is, every pixel, for the printer to scale
    ax.imshow(pixels, interpolation="none", aspect="auto")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set(color=edge, linewidth=0.6)
    return top + h


def _rule(fig, left: float, y: float, color: str):
    """A thin line across the column at ``y`` inches from the top (above the footer)."""
    from matplotlib.lines import Line2D

    yf = 1 - y / PAGE[1]
    return Line2D([left / PAGE[0], 1 - left / PAGE[0]], [yf, yf], transform=fig.transFigure,
                  color=color, linewidth=0.5)
