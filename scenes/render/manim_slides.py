"""A manim-slides presentation from nnanim's own renders: one slide per section, with no
manim-slides render step (writing it needs no manim-slides; ``slides_convert.py`` turns
it into HTML, PowerPoint or PDF with manim-slides' converter).

    build_presentation(["MaxPooling"], Path("deck"), SceneOptions(), quality="m")

renders each part of the course (``scenes/course.py``; kept renders are copied), cuts its
video at its section ends (the section times nnanim records) into one video per section
plus that video reversed (manim-slides plays it when going back), and writes the folder
that ``manim-slides present`` and ``manim-slides convert`` read, as ``manim-slides render``
would have written it (manim-slides 5.7.0's ``PresentationConfig``):

    deck/scenes.txt                      the presentations in the course's order, one a line
    deck/slides/MaxPooling.json          one presentation a part (a scene that comes again
                                         in the course: MaxPooling_2, ...)
    deck/slides/files/MaxPooling/01_forward.mp4, 01_forward_reversed.mp4, 02_backward.mp4, ...
    deck/slides/files/MaxPooling/01_forward.vtt, ...   each slide's captions, timed to its video

A presentation's JSON: ``{"slides": [slide, ...], "resolution": [width, height],
"background_color": "#rrggbb"}``, a slide ``{"file": "slides/files/<name>/01_x.mp4",
"rev_file": ..., "notes": "...", "loop": false, "auto_next": false, ...}``, its paths
relative to ``deck`` (manim-slides resolves them from the JSON's folder's parent). A slide's
notes are the presenter notes of its section (``scenes/notes.py``: "Say: …", "Ask: …",
"Answer: …"), or, for a section without any, its captions (``scenes/captions.py``), each
text once, in order. A slide's captions (the section's cues, from its start) are a WebVTT
file beside its video, which manim-slides does not read; the HTML deck shows them as the
video's captions track (``slides_convert.py``).

The section videos have a constant frame rate (nnanim's own videos hold a still as one
frame; a cut or a reversal must see every frame), H.264, no sound. A video is reversed in
pieces of at most ``REVERSE_BYTES`` of decoded frames (ffmpeg's reverse keeps a whole input
in memory), joined in reverse order. The folder is written beside ``deck`` under a temporary
name and renamed, so an interrupted build leaves what stood there; an earlier presentation
there is replaced, a folder of anything else refused.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from nnanim.engine.atomic import OutputError, check_output
from nnanim.scenes.captions import Caption, read_srt, shifted, subtitle_paths, to_vtt
from nnanim.scenes.course import Course
from nnanim.scenes.options import SceneOptions
from nnanim.scenes.render.ffmpeg import concat_input, ffmpeg_to, ffprobe, frame_rate

#: decoded frames one reversal holds at most (yuv420p: 1.5 bytes a pixel)
REVERSE_BYTES = 256 * 2**20
#: the file naming the presentations in order; with ``slides/`` it marks a folder as ours
ORDER_FILE = "scenes.txt"
#: libx264 settings of every section video: played in browsers and PowerPoint
ENCODE = ["-an", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"]


@dataclass(frozen=True)
class Render:
    """One part to render: its presentation name, scene, options (with a sections file),
    quality, output video and manim extras (size, fps, upto_animation: tests keep renders
    tiny)."""

    name: str
    scene: str
    options: SceneOptions
    quality: str
    out: Path
    reuse: bool
    extra: dict
    length: float = 0.0  # seconds at speed 1 the scene is planned to last (scheduling)


@dataclass(frozen=True)
class SlideCut:
    """One section of a rendered part: where it lies in the video, its name, notes and
    captions (timed from the section's start)."""

    index: int
    name: str
    start: float
    end: float
    notes: str
    captions: tuple[Caption, ...] = ()


def build_presentation(course: Course | list[str], out: Path,
                       options: SceneOptions | None = None, *, quality: str = "m",
                       jobs: int = 2, reuse: bool = True, to: tuple[str, ...] = (),
                       echo=print, **extra) -> Path:
    """Write the presentation of ``course`` (a ``Course`` or scene names) into the folder
    ``out`` (see the module's docstring) and convert it to each format of ``to`` ("html",
    "pptx", "pdf": ``out/presentation.<format>``). Returns ``out``. ``options``: what every
    part is told unless the course says otherwise; ``reuse``: copy kept renders;
    ``extra``: size, fps, upto_animation for every render."""
    from nnanim.scenes.render.lecture import as_course
    from nnanim.scenes.render.slides_convert import check_formats, convert

    course, options = as_course(course), options or SceneOptions()  # unknown scenes fail
    check_formats(to)  # so do an unknown format and a missing extra, before any render
    out = _check_folder(out)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        with tempfile.TemporaryDirectory(prefix="nnanim-slides-") as work:
            renders = _plan(course, options, quality, Path(work), reuse, extra)
            _render_all(renders, jobs, echo)
            names = [_write_presentation(r, tmp) for r in renders]
        (tmp / ORDER_FILE).write_text("".join(f"{n}\n" for n in names))
        for fmt in to:
            echo(f"converting to {fmt}")
            convert(tmp, names, fmt, title=course.title or " · ".join(course.scenes))
        _replace(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def _check_folder(out: Path) -> Path:
    """``out`` as a folder that may be written: missing, empty, or an earlier presentation
    (``slides/`` and ``scenes.txt``); a file or a folder of anything else is refused."""
    out = check_output(out, folder=True)
    if out.is_dir() and any(out.iterdir()) and not (
            (out / "slides").is_dir() and (out / ORDER_FILE).is_file()):
        raise OutputError(f"cannot write {out}: a folder that is not a presentation "
                          "(give a new or empty folder)")
    return out


def _replace(tmp: Path, out: Path) -> None:
    """Put the finished folder ``tmp`` at ``out``, an earlier one there removed."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.rename(out, old)
    os.rename(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def _plan(course: Course, options: SceneOptions, quality: str, work: Path, reuse: bool,
          extra: dict) -> list[Render]:
    """The parts to render, in order, with the lecture's options (the course's theme and
    speed, then each part's; ``lecture._plan``) and a presentation name each."""
    from nnanim.scenes.render.lecture import _plan as lecture_plan

    parts = [p for p in lecture_plan(course, options, quality, work, reuse) if p.scene]
    seen: dict[str, int] = {}
    renders = []
    for part in parts:
        seen[part.scene] = seen.get(part.scene, 0) + 1
        name = part.scene if seen[part.scene] == 1 else f"{part.scene}_{seen[part.scene]}"
        renders.append(Render(name, part.scene, part.options, quality, part.out, reuse,
                              extra, part.length))
    return renders


def _render_one(r: Render) -> Path:
    """Render one part (in a worker process)."""
    from nnanim.scenes.render.scene import render_scene

    return render_scene(r.scene, r.options, quality=r.quality, fmt="mp4", output=r.out,
                        reuse=r.reuse, **r.extra)[0]


def _render_all(renders: list[Render], jobs: int, echo) -> None:
    """Render the parts in parallel processes, the longest first (as the lecture does)."""
    from nnanim.scenes.render.lecture import _train_default_runs

    _train_default_runs(renders)  # once, here: parallel renders never race on the cache
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=get_context("spawn")) as pool:
        for done in pool.map(_render_one, sorted(renders, key=lambda r: -r.length)):
            echo(f"rendered {Path(done).name}")


def section_cuts(sections: Path, video: Path) -> list[SlideCut]:
    """The sections of a rendered part (its JSON-lines section times), each with the text
    of the presenter notes beside ``video`` (its .notes.json) that fall inside it, or else
    of its captions (its .srt), each text once; and the captions inside it, from its
    start."""
    from nnanim.scenes.notes import as_text, inside, read_notes

    srt = subtitle_paths(video)[0]
    captions = read_srt(srt.read_text(encoding="utf-8")) if srt.is_file() else []
    notes = read_notes(video)
    cuts = []
    for i, line in enumerate(sections.read_text().splitlines(), start=1):
        sec = json.loads(line)
        start, end = sec["start"], sec["end"]
        own = [c for c in captions if start <= (c.start + c.end) / 2 < end]
        texts = [as_text(n) for n in inside(notes, start, end)] or [c.text for c in own]
        cuts.append(SlideCut(i, sec["section"], start, end, "\n".join(dict.fromkeys(texts)),
                             tuple(shifted(own, -start))))
    return cuts


def _write_presentation(r: Render, deck: Path) -> str:
    """Cut one rendered part into its slides under ``deck`` and write its JSON; returns
    the presentation's name."""
    from nnanim.scenes.theme import THEMES

    files = deck / "slides" / "files" / r.name
    files.mkdir(parents=True)
    fps = frame_rate(r.out)
    width, height = (int(v) for v in ffprobe(r.out, "stream=width,height").split(","))
    slides = []
    for cut in section_cuts(r.options.sections, r.out):
        video = files / f"{cut.index:02d}_{_slug(cut.name)}.mp4"
        cut_section(r.out, cut.start, cut.end, fps, video)
        reverse_video(video, fps, width * height, video.with_stem(video.stem + "_reversed"))
        video.with_suffix(".vtt").write_text(to_vtt(cut.captions), encoding="utf-8")
        slides.append(slide_config(video.relative_to(deck), cut.notes))
    presentation = {"slides": slides, "resolution": [width, height],
                    "background_color": THEMES[r.options.theme].background}
    (deck / "slides" / f"{r.name}.json").write_text(json.dumps(presentation, indent=2))
    return r.name


def slide_config(video: Path, notes: str) -> dict:
    """One slide as manim-slides 5.7.0's ``SlideConfig`` writes it: ``video`` and its
    reversed twin (paths relative to the presentation folder), the notes, the defaults."""
    reversed_video = video.with_stem(video.stem + "_reversed")
    return {"loop": False, "auto_next": False, "playback_rate": 1.0,
            "reversed_playback_rate": 1.0, "notes": notes, "dedent_notes": True,
            "skip_animations": False, "src": None, "type": "video",
            "direction": "horizontal", "file": video.as_posix(),
            "rev_file": reversed_video.as_posix()}


def _slug(name: str) -> str:
    """A section name as a file name: letters, digits, - and _ only."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "section"


def cut_section(video: Path, start: float, end: float, fps: float, out: Path) -> Path:
    """Frames ``start`` to ``end`` (seconds) of ``video`` at a constant ``fps`` into
    ``out``: the frames of the section, held stills repeated at every frame time."""
    first, last = round(start * fps), round(end * fps)
    return ffmpeg_to(out, ["-i", str(video), "-vf",
                           f"fps={fps},trim=start_frame={first}:end_frame={last},"
                           "setpts=PTS-STARTPTS", *ENCODE, "-movflags", "+faststart"],
                     f"cut the section {out.stem}")


def reverse_video(video: Path, fps: float, pixels: int, out: Path) -> Path:
    """``video`` (constant ``fps``, ``pixels`` a frame) played backwards into ``out``, in
    pieces of at most ``REVERSE_BYTES`` of decoded frames, joined last piece first."""
    frames = round(float(ffprobe(video, "format=duration") or 0) * fps)
    per_piece = max(1, int(REVERSE_BYTES // (pixels * 1.5)))
    starts = list(range(0, max(frames, 1), per_piece))
    if len(starts) == 1:
        return _reverse_piece(video, fps, 0, per_piece, out)
    pieces = [_reverse_piece(video, fps, a, per_piece,
                             out.with_name(f".{out.stem}.{i:04d}.mp4"))
              for i, a in enumerate(starts)]
    listing = out.with_name(f".{out.stem}.txt")
    try:
        return ffmpeg_to(out, [*concat_input(list(reversed(pieces)), listing), "-c", "copy",
                               "-movflags", "+faststart"], f"join the reversed {out.stem}")
    finally:
        for p in (*pieces, listing):
            p.unlink(missing_ok=True)


def _reverse_piece(video: Path, fps: float, first: int, count: int, out: Path) -> Path:
    """Frames ``first`` to ``first + count`` of ``video`` reversed into ``out``. The seek
    lands half a frame early, so that frame ``first`` is the first one kept."""
    seek = max(0.0, (first - 0.5) / fps)
    return ffmpeg_to(out, ["-ss", f"{seek:.6f}", "-t", f"{count / fps:.6f}", "-i", str(video),
                           "-vf", "reverse", *ENCODE], f"reverse {video.stem}")

