"""A whole lecture: title card + scene per part, rendered in parallel processes, joined
into one video with chapter markers, and optionally a slide player that pauses at every
section end (no manim at import time; each part renders in its own process)."""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from engine.errors import NnanimError
from scenes.gif import ffmpeg, ffmpeg_to


def _render_task(task: dict) -> str:
    """Render one part (runs in a worker process)."""
    os.environ.update(task["env"])
    if task["kind"] == "title":
        from manim import tempconfig

        from cli import QUALITIES
        from scenes.title_card import TitleCard

        with tempfile.TemporaryDirectory(prefix="nnanim-title-") as tmp:
            with tempconfig({"quality": QUALITIES[task["quality"]], "media_dir": tmp,
                             "disable_caching": True, "verbosity": "WARNING",
                             "progress_bar": "none"}):
                scene = TitleCard()
                scene.render()
                os.replace(scene.renderer.file_writer.movie_file_path, task["out"])
    else:
        from cli import render_scene

        render_scene(task["scene"], quality=task["quality"], fmt="mp4",
                     output=Path(task["out"]), theme=task["env"]["NNANIM_THEME"],
                     speed=float(task["env"]["NNANIM_SPEED"]))
    return task["out"]


def duration(path: Path) -> float:
    r = subprocess.run([ffmpeg().replace("ffmpeg", "ffprobe"), "-v", "error", "-show_entries",
                        "format=duration", "-of", "csv=p=0", str(path)],
                       capture_output=True, text=True)
    try:
        return float(r.stdout.strip())
    except ValueError:
        raise NnanimError(f"could not read the length of {path}") from None


def build_lecture(scenes: list[str], out: Path, *, quality: str = "m", theme: str = "dark",
                  speed: float = 1.0, jobs: int = 2, slides: Path | None = None,
                  echo=print) -> Path:
    """Render every part, join them with chapters into ``out`` (atomically), and write a
    slide player into ``slides`` if given. Returns ``out``."""
    from scenes.catalog import SCENES
    from scenes.runs import CONFIGS, cached_trace

    # train each default run once, here, so parallel renders never race on the cache
    for name in scenes:
        for config in SCENES[name].runs.values():
            cached_trace(CONFIGS / f"{config}.toml")
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="nnanim-lecture-") as tmp:
        tmp = Path(tmp)
        tasks = []
        for i, name in enumerate(scenes, start=1):
            info = SCENES[name]
            base = {"NNANIM_THEME": theme, "NNANIM_SPEED": str(speed)}
            tasks.append({"kind": "title", "quality": quality, "out": str(tmp / f"{i:02d}a.mp4"),
                          "env": {**base, "NNANIM_TITLE": name, "NNANIM_PART": f"Part {i}",
                                  "NNANIM_SUBTITLE": info.description}})
            tasks.append({"kind": "scene", "scene": name, "quality": quality,
                          "out": str(tmp / f"{i:02d}b.mp4"),
                          "env": {**base, "NNANIM_SECTIONS": str(tmp / f"{i:02d}.sections")}})
        with ProcessPoolExecutor(max_workers=max(1, jobs),
                                 mp_context=get_context("spawn")) as pool:
            for done in pool.map(_render_task, tasks):
                echo(f"rendered {Path(done).name}")
        parts = [Path(t["out"]) for t in tasks]
        lengths = [duration(p) for p in parts]
        chapters, stops, t0 = [], [], 0.0
        for i, name in enumerate(scenes):
            title_len, scene_len = lengths[2 * i], lengths[2 * i + 1]
            chapters.append((t0, t0 + title_len + scene_len, f"{i + 1}. {name}"))
            start = t0 + title_len
            sec_file = tmp / f"{i + 1:02d}.sections"
            if sec_file.exists():
                for line in sec_file.read_text().splitlines():
                    sec = json.loads(line)
                    stops.append({"t": round(start + sec["end"], 3),
                                  "label": f"{name} · {sec['section']}"})
            else:
                stops.append({"t": round(start + scene_len, 3), "label": name})
            t0 += title_len + scene_len
        listing = tmp / "parts.txt"
        listing.write_text("".join(f"file '{p}'\n" for p in parts))
        meta = tmp / "chapters.txt"
        meta.write_text(";FFMETADATA1\n" + "".join(
            f"[CHAPTER]\nTIMEBASE=1/1000\nSTART={int(a * 1000)}\nEND={int(b * 1000)}\n"
            f"title={title}\n" for a, b, title in chapters))
        ffmpeg_to(out, ["-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(meta),
                        "-map", "0", "-map_metadata", "1", "-map_chapters", "1", "-c", "copy",
                        "-movflags", "+faststart"], "join the parts")
    if slides is not None:
        write_slides(out, stops, Path(slides), title=" · ".join(scenes))
    return out


PLAYER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
 html, body {{ margin: 0; height: 100%; background: #000; color: #ccc;
              font: 14px "DejaVu Sans", sans-serif; }}
 video {{ width: 100vw; height: 100vh; object-fit: contain; display: block; }}
 #hud {{ position: fixed; left: 12px; bottom: 10px; opacity: .7; }}
</style></head>
<body>
<video id="v" src="{video}" preload="auto"></video>
<div id="hud"></div>
<script>
// Pauses at the end of every section; → / space / click: play on; ←: back one; f: full screen.
const stops = {stops};
const v = document.getElementById("v"), hud = document.getElementById("hud");
let next = 0;  // index of the stop the video is playing towards
function show() {{
  hud.textContent = next < stops.length ? `${{next + 1}}/${{stops.length}}  ${{stops[next].label}}`
                                        : "end";
}}
function watch() {{
  if (!v.paused && next < stops.length && v.currentTime >= stops[next].t - 0.03) {{
    v.pause(); v.currentTime = stops[next].t; next += 1; show();
  }}
  requestAnimationFrame(watch);
}}
function forward() {{ if (v.paused && next < stops.length) v.play(); }}
function back() {{
  next = Math.max(0, next - (v.paused ? 2 : 1));
  v.pause(); v.currentTime = next > 0 ? stops[next - 1].t : 0; show();
}}
document.addEventListener("keydown", e => {{
  if (["ArrowRight", " ", "PageDown", "Enter"].includes(e.key)) {{ e.preventDefault(); forward(); }}
  if (["ArrowLeft", "PageUp", "Backspace"].includes(e.key)) {{ e.preventDefault(); back(); }}
  if (e.key === "f") document.documentElement.requestFullscreen();
}});
v.addEventListener("click", forward);
show(); requestAnimationFrame(watch);
</script>
</body></html>
"""


def write_slides(video: Path, stops: list[dict], folder: Path, title: str = "nnanim") -> Path:
    """A self-contained folder: index.html (the player) and the lecture video beside it."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / video.name
    if target.resolve() != video.resolve():
        tmp = folder / f".{video.name}.tmp"
        shutil.copyfile(video, tmp)
        os.replace(tmp, target)
    html = PLAYER.format(title=title, video=video.name, stops=json.dumps(stops))
    tmp = folder / ".index.html.tmp"
    tmp.write_text(html)
    os.replace(tmp, folder / "index.html")
    return folder / "index.html"
