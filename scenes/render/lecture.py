"""A whole lecture: a title card and the scene for each part, rendered in parallel
processes, joined into one video with a chapter per part, and optionally a slide player
that pauses at every section end."""
from __future__ import annotations

import json
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from nnanim.engine.atomic import check_output
from nnanim.scenes.options import SceneOptions
from nnanim.scenes.render.ffmpeg import duration, ffmpeg_to


@dataclass(frozen=True)
class Part:
    """One render of the lecture: a scene, or (``scene`` None) the title card before it."""

    scene: str | None
    options: SceneOptions
    quality: str
    out: Path
    reuse: bool = False
    length: float = 0.0  # seconds at speed 1 the scene is planned to last (scheduling)


def _render_part(part: Part) -> Path:
    """Render one part (runs in a worker process)."""
    from nnanim.scenes.render.scene import render_scene, render_title_card

    if part.scene is None:
        return render_title_card(part.options, part.quality, part.out, reuse=part.reuse)
    return render_scene(part.scene, part.options, quality=part.quality, fmt="mp4",
                        output=part.out, reuse=part.reuse)[0]


def _train_default_runs(names: list[str], options: SceneOptions) -> None:
    """Train each scene's default runs once, here, so parallel renders never race on the
    cache."""
    from nnanim.engine.assets import bundled_config
    from nnanim.scenes.catalog import scene_info
    from nnanim.scenes.runs import cached_trace

    for name in names:
        for config in scene_info(name).runs.values():
            cached_trace(bundled_config(config), options.cache)


def _plan(names: list[str], options: SceneOptions, quality: str, tmp: Path,
          reuse: bool) -> list[Part]:
    """Title card and scene for every part, in order."""
    from nnanim.scenes.catalog import scene_info

    parts = []
    for i, name in enumerate(names, start=1):
        info = scene_info(name)
        card = options.with_(part=f"Part {i}", title=info.title, subtitle=info.description)
        parts.append(Part(None, card, quality, tmp / f"{i:02d}a.mp4", reuse))
        parts.append(Part(name, options.with_(sections=tmp / f"{i:02d}.sections"), quality,
                          tmp / f"{i:02d}b.mp4", reuse, info.cls.duration))
    return parts


def longest_first(parts: list[Part]) -> list[Part]:
    """The order to hand parts to the workers: the longest first, so that no long scene
    starts last and keeps one core busy while the other waits (the lecture's order is
    restored when the parts are joined)."""
    return sorted(parts, key=lambda p: -p.length)


def _chapters_and_stops(names: list[str], parts: list[Part]):
    """Chapters (start, end, title) per part and slide stops {t, label} per section end."""
    from nnanim.scenes.catalog import scene_info

    lengths = [duration(p.out) for p in parts]
    chapters, stops, t0 = [], [], 0.0
    for i, name in enumerate(names):
        title, card_len, scene_len = scene_info(name).title, lengths[2 * i], lengths[2 * i + 1]
        chapters.append((t0, t0 + card_len + scene_len, f"{i + 1}. {title}"))
        start = t0 + card_len
        sections = parts[2 * i + 1].options.sections
        if sections.exists():
            for line in sections.read_text().splitlines():
                sec = json.loads(line)
                stops.append({"t": round(start + sec["end"], 3),
                              "label": f"{title} · {sec['section']}"})
        else:
            stops.append({"t": round(start + scene_len, 3), "label": title})
        t0 += card_len + scene_len
    return chapters, stops


def _join(parts: list[Part], chapters: list[tuple], out: Path, tmp: Path) -> Path:
    """Concatenate the parts (no re-encoding) with chapter markers, atomically."""
    listing = tmp / "parts.txt"
    listing.write_text("".join(f"file '{p.out}'\n" for p in parts))
    meta = tmp / "chapters.txt"
    meta.write_text(";FFMETADATA1\n" + "".join(
        f"[CHAPTER]\nTIMEBASE=1/1000\nSTART={int(a * 1000)}\nEND={int(b * 1000)}\n"
        f"title={title}\n" for a, b, title in chapters))
    return ffmpeg_to(out, ["-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(meta),
                           "-map", "0", "-map_metadata", "1", "-map_chapters", "1", "-c", "copy",
                           "-movflags", "+faststart"], "join the parts")


def build_lecture(names: list[str], out: Path, options: SceneOptions | None = None, *,
                  quality: str = "m", jobs: int = 2, slides: Path | None = None,
                  reuse: bool = False, echo=print) -> Path:
    """Render every part, join them with chapters into ``out`` (atomically), and write a
    slide player into ``slides`` if given. Returns ``out``. ``reuse``: a part rendered
    before with the same code, traces and options is copied (``reuse.py``)."""
    from nnanim.scenes.catalog import scene_info
    from nnanim.scenes.render.slides import write_slides

    options = options or SceneOptions()
    for name in names:
        scene_info(name)  # an unknown name fails before anything is rendered
    out = check_output(out)
    _train_default_runs(names, options)
    with tempfile.TemporaryDirectory(prefix="nnanim-lecture-") as tmp:
        parts = _plan(names, options, quality, Path(tmp), reuse)
        with ProcessPoolExecutor(max_workers=max(1, jobs),
                                 mp_context=get_context("spawn")) as pool:
            for done in pool.map(_render_part, longest_first(parts)):
                echo(f"rendered {Path(done).name}")
        chapters, stops = _chapters_and_stops(names, parts)
        _join(parts, chapters, out, Path(tmp))
    if slides is not None:
        write_slides(out, stops, Path(slides),
                     title=" · ".join(scene_info(n).title for n in names))
    return out
