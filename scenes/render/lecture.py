"""A whole lecture: title card + scene per part, rendered in parallel processes, joined
into one video with chapter markers, and optionally a slide player that pauses at every
section end (no manim at import time; each part renders in its own process)."""
from __future__ import annotations

import json
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from nnanim.scenes.ffmpeg import duration, ffmpeg_to, frame_rate


def _render_task(task: dict) -> str:
    """Render one part (runs in a worker process)."""
    os.environ.update(task["env"])
    if task["kind"] == "title":
        from manim import tempconfig

        from nnanim.cli import QUALITIES
        from nnanim.scenes.title_card import TitleCard

        with tempfile.TemporaryDirectory(prefix="nnanim-title-") as tmp:
            with tempconfig({"quality": QUALITIES[task["quality"]], "media_dir": tmp,
                             "disable_caching": True, "verbosity": "WARNING",
                             "progress_bar": "none"}):
                scene = TitleCard()
                scene.render()
                os.replace(scene.renderer.file_writer.movie_file_path, task["out"])
    else:
        from nnanim.cli import render_scene

        render_scene(task["scene"], quality=task["quality"], fmt="mp4",
                     output=Path(task["out"]), theme=task["env"]["NNANIM_THEME"],
                     speed=float(task["env"]["NNANIM_SPEED"]))
    return task["out"]


def build_lecture(scenes: list[str], out: Path, *, quality: str = "m", theme: str = "dark",
                  speed: float = 1.0, jobs: int = 2, slides: Path | None = None,
                  echo=print) -> Path:
    """Render every part, join them with chapters into ``out`` (atomically), and write a
    slide player into ``slides`` if given. Returns ``out``."""
    from nnanim.scenes.catalog import SCENES
    from nnanim.scenes.runs import CONFIGS, cached_trace

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


# The slide player. Stops are section end times; it pauses on the *last frame* of a section
# (seeking to half a frame before the end: the frame at the end itself is the first one of
# the next section, e.g. the next part's title card), detected on every presented frame with
# requestVideoFrameCallback (requestAnimationFrame where missing), and 1.5 frames early so a
# late tick never shows the next section. A last stop at the very end of the video is also
# reached through the `ended` event. Self-contained: no external script, font or style.
PLAYER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
 html, body {{ margin: 0; height: 100%; background: #000; overflow: hidden; }}
 video {{ width: 100vw; height: 100vh; object-fit: contain; display: block; }}
 #hud {{ position: fixed; left: 12px; bottom: 10px; padding: 3px 10px; border-radius: 4px;
        background: rgba(0, 0, 0, .6); color: #eee; opacity: .8; pointer-events: none;
        font: 15px "DejaVu Sans", sans-serif; white-space: pre; }}
 #hud.off {{ display: none; }}
</style></head>
<body>
<video id="v" src="{video}" preload="auto" playsinline></video>
<div id="hud"></div>
<script>
// → / space / PageDown / Enter / click: play to the end of the next section;
// ← / PageUp / Backspace: undo the last → (back one stop); f: full screen; h: hide this line.
const stops = {stops};  // section end times, seconds
const frame = {frame};  // one frame, seconds
const v = document.getElementById("v"), hud = document.getElementById("hud");
let next = 0;  // index of the stop the video plays towards; the stops before it are passed
const at = i => i < 0 ? 0 : Math.max(0, stops[i].t - frame / 2);  // last frame of section i
function show() {{
  const n = stops.length;
  if (v.error) hud.textContent = `cannot play ${{v.currentSrc}} (error ${{v.error.code}})`;
  else if (!v.paused) hud.textContent = `${{next + 1}}/${{n}}  ${{stops[next].label}}  ▶`;
  else if (next === 0) hud.textContent = `0/${{n}}  → to start`;
  else hud.textContent = `${{next}}/${{n}}  ${{stops[next - 1].label}}` +
                         (next === n ? "  · end" : "");
}}
function stopAt(i) {{ v.pause(); v.currentTime = at(i); next = i + 1; show(); }}
function check(t) {{  // t: media time of the frame on screen
  if (!v.paused && next < stops.length && t >= stops[next].t - 1.5 * frame) stopAt(next);
}}
if ("requestVideoFrameCallback" in v) {{
  const onFrame = (now, meta) => {{ check(meta.mediaTime); v.requestVideoFrameCallback(onFrame); }};
  v.requestVideoFrameCallback(onFrame);
}} else {{
  const onTick = () => {{ check(v.currentTime); requestAnimationFrame(onTick); }};
  requestAnimationFrame(onTick);
}}
v.addEventListener("ended", () => {{ next = stops.length; show(); }});
v.addEventListener("play", show);
v.addEventListener("error", show);
function forward() {{
  if (v.paused && next < stops.length)
    v.play().catch(e => {{  // AbortError: a ← paused it before it began
      if (e.name !== "AbortError") hud.textContent = `cannot play: ${{e.message}}`;
    }});
}}
function back() {{  // paused at stop next-1: to the stop before it; playing: to where it began
  stopAt(Math.max(-1, next - (v.paused ? 2 : 1)));
}}
document.addEventListener("keydown", e => {{
  if (e.ctrlKey || e.altKey || e.metaKey) return;  // leave Alt+← etc. to the browser
  if (["ArrowRight", " ", "PageDown", "Enter"].includes(e.key)) {{ e.preventDefault(); forward(); }}
  else if (["ArrowLeft", "PageUp", "Backspace"].includes(e.key)) {{ e.preventDefault(); back(); }}
  else if (e.key === "f") document.fullscreenElement ? document.exitFullscreen()
                                                     : document.documentElement.requestFullscreen();
  else if (e.key === "h") hud.classList.toggle("off");
}});
document.addEventListener("click", forward);
show();
</script>
</body></html>
"""


def write_slides(video: Path, stops: list[dict], folder: Path, title: str = "nnanim",
                 fps: float | None = None) -> Path:
    """A self-contained folder: index.html (the player) and the lecture video beside it.
    ``stops``: ``[{"t": seconds, "label": str}]``, section end times; ``fps`` defaults to
    the video's own frame rate."""
    import html
    import shutil
    from urllib.parse import quote

    video = Path(video)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / video.name
    if target.resolve() != video.resolve():
        tmp = folder / f".{video.name}.tmp"
        shutil.copyfile(video, tmp)
        os.replace(tmp, target)
    fps = fps or frame_rate(video)
    kept: list[dict] = []  # stops less than half a frame apart are one stop (the later label)
    for stop in sorted(stops, key=lambda s: s["t"]):
        if kept and stop["t"] - kept[-1]["t"] < 0.5 / fps:
            kept[-1] = stop
        else:
            kept.append(stop)
    page = PLAYER.format(title=html.escape(title), video=html.escape(quote(video.name)),
                         stops=json.dumps(kept).replace("</", "<\\/"), frame=f"{1 / fps:.6f}")
    tmp = folder / ".index.html.tmp"
    tmp.write_text(page)
    os.replace(tmp, folder / "index.html")
    return folder / "index.html"
