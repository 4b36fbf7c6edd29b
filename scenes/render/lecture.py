"""A whole lecture: a course's parts (``scenes/course.py``), each a title card and its
scene, rendered in parallel processes, joined into one video with a chapter per part and
captions (.srt, .vtt) and presenter notes (.notes.json) beside it, and optionally a slide
player that pauses at every section end and shows the notes on a second view."""
from __future__ import annotations

import json
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from nnanim.engine.atomic import check_output
from nnanim.scenes.captions import Caption, read_srt, shifted, subtitle_paths, write_captions
from nnanim.scenes.course import Course, course_of
from nnanim.scenes.notes import read_notes, write_notes, shifted as shifted_notes
from nnanim.scenes.options import SceneOptions
from nnanim.scenes.render.ffmpeg import concat_input, duration, ffmpeg_to


@dataclass(frozen=True)
class Part:
    """One render of the lecture: a scene, or (``scene`` None) the title card before it."""

    scene: str | None
    options: SceneOptions
    quality: str
    out: Path
    reuse: bool = False
    length: float = 0.0  # seconds at speed 1 the scene is planned to last (scheduling)
    title: str = ""      # the course part's title (chapters, slide stops, captions)


def _render_part(part: Part) -> Path:
    """Render one part (runs in a worker process)."""
    from nnanim.scenes.render.scene import render_scene, render_title_card

    if part.scene is None:
        return render_title_card(part.options, part.quality, part.out, reuse=part.reuse)
    return render_scene(part.scene, part.options, quality=part.quality, fmt="mp4",
                        output=part.out, reuse=part.reuse)[0]


def _train_default_runs(parts: list[Part]) -> None:
    """Train the bundled runs the scenes follow (those a part does not replace) once, here,
    so parallel renders never race on the cache."""
    from nnanim.engine.assets import bundled_config
    from nnanim.scenes.catalog import scene_info
    from nnanim.scenes.runs import cached_trace

    for part in parts:
        if part.scene is None:
            continue
        for role, config in scene_info(part.scene).runs.items():
            if role not in part.options.traces:
                cached_trace(bundled_config(config), part.options.cache)


def as_course(course: Course | list[str]) -> Course:
    """A course, or the course of a list of scene names; an unknown scene fails here, before
    anything is rendered."""
    from nnanim.scenes.catalog import scene_info

    course = course if isinstance(course, Course) else course_of(course)
    for name in course.scenes:
        scene_info(name)
    return course


def _plan(course: Course | list[str], options: SceneOptions, quality: str, tmp: Path,
          reuse: bool) -> list[Part]:
    """Title card and scene for every part, in order. Each part's options: ``options`` with
    the course's theme and speed, then the part's own theme, speed and main run (a config
    is trained here, once)."""
    from nnanim.scenes.catalog import scene_info

    course = as_course(course)
    base = options.with_(theme=course.theme or options.theme,
                         speed=course.speed or options.speed)
    parts = []
    for i, part in enumerate(course.parts, start=1):
        info = scene_info(part.scene)
        title, scene_options = part.title or info.title, part.options(base)
        card = base.with_(theme=scene_options.theme, speed=scene_options.speed,
                          part=f"Part {i}", title=title, subtitle=info.description)
        parts.append(Part(None, card, quality, tmp / f"{i:02d}a.mp4", reuse, title=title))
        parts.append(Part(part.scene, scene_options.with_(sections=tmp / f"{i:02d}.sections"),
                          quality, tmp / f"{i:02d}b.mp4", reuse, info.cls.duration, title))
    return parts


def longest_first(parts: list[Part]) -> list[Part]:
    """The order to hand parts to the workers: the longest first, so that no long scene
    starts last and keeps one core busy while the other waits (the lecture's order is
    restored when the parts are joined)."""
    return sorted(parts, key=lambda p: -p.length)


def _chapters_stops_captions(parts: list[Part]):
    """Chapters (start, end, title) per part, slide stops {t, label} per section end, and
    the captions of the joined video: a title card says its part and title, a scene's
    captions (its .srt) are shifted to where it starts; and its presenter notes (each
    scene's .notes.json, shifted the same way)."""
    lengths = [duration(p.out) for p in parts]
    chapters, stops, captions, notes, t0 = [], [], [], [], 0.0
    for i in range(len(parts) // 2):
        card, scene = parts[2 * i], parts[2 * i + 1]
        title, card_len, scene_len = scene.title, lengths[2 * i], lengths[2 * i + 1]
        chapters.append((t0, t0 + card_len + scene_len, f"{i + 1}. {title}"))
        start = t0 + card_len
        captions.append(Caption(t0, start, f"{card.options.part} · {title}"))
        srt = subtitle_paths(scene.out)[0]
        if srt.is_file():
            captions += shifted(read_srt(srt.read_text(encoding="utf-8")), start)
        notes += shifted_notes(read_notes(scene.out), start)
        sections = scene.options.sections
        if sections.exists():
            for line in sections.read_text().splitlines():
                sec = json.loads(line)
                stops.append({"t": round(start + sec["end"], 3),
                              "label": f"{title} · {sec['section']}"})
        else:
            stops.append({"t": round(start + scene_len, 3), "label": title})
        t0 += card_len + scene_len
    return chapters, stops, captions, notes


def _join(parts: list[Part], chapters: list[tuple], out: Path, tmp: Path) -> Path:
    """Concatenate the parts (no re-encoding) with chapter markers, atomically."""
    meta = tmp / "chapters.txt"
    meta.write_text(";FFMETADATA1\n" + "".join(
        f"[CHAPTER]\nTIMEBASE=1/1000\nSTART={int(a * 1000)}\nEND={int(b * 1000)}\n"
        f"title={title}\n" for a, b, title in chapters))
    listed = concat_input([p.out for p in parts], tmp / "parts.txt")
    return ffmpeg_to(out, [*listed, "-i", str(meta), "-map", "0", "-map_metadata", "1",
                           "-map_chapters", "1", "-c", "copy", "-movflags", "+faststart"],
                     "join the parts")


def render_parts(parts: list[Part], jobs: int, echo=print) -> None:
    """Train the parts' default runs here (parallel renders never race on the cache), then
    render the parts in ``jobs`` processes, the longest first."""
    _train_default_runs(parts)
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=get_context("spawn")) as pool:
        for done in pool.map(_render_part, longest_first(parts)):
            echo(f"rendered {Path(done).name}")


def build_lecture(course: Course | list[str], out: Path, options: SceneOptions | None = None,
                  *, quality: str = "m", jobs: int = 2, slides: Path | None = None,
                  reuse: bool = False, echo=print) -> Path:
    """Render every part of ``course`` (a ``Course``, or scene names: a course of those),
    join them with chapters into ``out`` (atomically) with its captions and notes beside it
    (``<out stem>.srt``, ``.vtt``, ``.notes.json``), and write a slide player into ``slides`` if given.
    Returns ``out``. ``options``: what every part is told unless the course says otherwise
    (the course's theme and speed, then each part's, win). ``reuse``: a part rendered before
    with the same code, traces and options is copied (``reuse.py``)."""
    from nnanim.scenes.render.slides import write_slides

    course, options = as_course(course), options or SceneOptions()
    out = check_output(out)
    with tempfile.TemporaryDirectory(prefix="nnanim-lecture-") as tmp:
        parts = _plan(course, options, quality, Path(tmp), reuse)
        render_parts(parts, jobs, echo)
        chapters, stops, captions, notes = _chapters_stops_captions(parts)
        _join(parts, chapters, out, Path(tmp))
        write_captions(captions, out)
        write_notes(notes, out)
    if slides is not None:
        title = course.title or " · ".join(p.title for p in parts if p.scene)
        write_slides(out, stops, Path(slides), title=title, captions=subtitle_paths(out)[1],
                     notes=notes)
    return out
