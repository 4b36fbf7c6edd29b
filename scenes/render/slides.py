"""The slide player: a self-contained folder (index.html + the lecture video, and its .vtt
captions) that pauses on the last frame of every section (no manim here), and shows the
presenter notes (``scenes/notes.py``) of the section on screen in a second window."""
from __future__ import annotations

import html
import json
from pathlib import Path
from urllib.parse import quote

from nnanim.engine.atomic import copy_file, write_text
from nnanim.scenes.render.ffmpeg import frame_rate

# The slide player. Stops are section end times; it pauses on the *last frame* of a section
# (seeking to half a frame before the end: the frame at the end itself is the first one of
# the next section, e.g. the next part's title card), detected on every presented frame with
# requestVideoFrameCallback (requestAnimationFrame where missing), and 1.5 frames early so a
# late tick never shows the next section. A last stop at the very end of the video is also
# reached through the `ended` event. Self-contained: no external script, font or style.
# Captions: a <track> of the .vtt beside the page, shown by default; a page opened from a
# file:// address may not load it (Chromium counts every file as its own origin), so the
# page also holds the cues and hands them to the track as a blob of its own when it fails.
# Presenter notes: key n opens the same page as `index.html#notes` in a second window (for
# the lecturer's screen); the player posts it the section on screen at every change
# (postMessage: file:// pages are each their own origin, so neither window can read the
# other), and the notes window asks for it when it loads. The section on screen: the one
# playing, or paused, the one whose last frame shows (the first one before the start).
PLAYER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
 html, body {{ margin: 0; height: 100%; background: #000; overflow: hidden; }}
 video {{ width: 100vw; height: 100vh; object-fit: contain; display: block; }}
 #hud {{ position: fixed; left: 12px; bottom: 10px; padding: 3px 10px; border-radius: 4px;
        background: rgba(0, 0, 0, .6); color: #eee; opacity: .8; pointer-events: none;
        font: 15px "DejaVu Sans", sans-serif; white-space: pre; }}
 #hud.off {{ display: none; }}
 #notes {{ display: none; color: #eee; padding: 24px 40px; font: 24px "DejaVu Sans", sans-serif; }}
 body.notes {{ overflow: auto; }}
 body.notes video, body.notes #hud {{ display: none; }}
 body.notes #notes {{ display: block; }}
 #notes h1 {{ font-size: 22px; color: #aaa; font-weight: normal; }}
 #notes b {{ color: #8cf; }}
 #notes .next {{ color: #999; font-size: 18px; }}
</style></head>
<body>
<video id="v" src="{video}" preload="auto" playsinline>{track}</video>
<div id="hud"></div>
<div id="notes"><h1 id="where"></h1><div id="said"></div><p class="next" id="coming"></p></div>
<script>
// → / space / PageDown / Enter / click: play to the end of the next section;
// ← / PageUp / Backspace: undo the last → (back one stop); f: full screen; h: hide this line;
// c: captions off and on; n: the presenter notes in a second window.
const stops = {stops};  // section end times, seconds, with each section's notes
const vtt = {vtt};  // the captions file's text (null: none), for a page the track cannot load
const frame = {frame};  // one frame, seconds
if (location.hash === "#notes") notesView(); else player();
function notesView() {{  // the second window: the notes of the section the player shows
  document.body.classList.add("notes");
  const v = document.getElementById("v");
  v.removeAttribute("src"); v.load();  // this window plays nothing
  const el = id => document.getElementById(id);
  function render(i) {{
    const s = stops[i] || {{label: "", notes: []}};
    el("where").textContent = `${{i + 1}}/${{stops.length}}  ${{s.label}}`;
    el("said").replaceChildren(...(s.notes.length ? s.notes : [null]).flatMap(n => n
      ? [["Say", n.say], ["Ask", n.ask], ["Answer", n.answer]].map(([k, text]) => {{
          const p = document.createElement("p"), b = document.createElement("b");
          b.textContent = k + ": "; p.append(b, text); p.className = k.toLowerCase(); return p; }})
      : [Object.assign(document.createElement("p"), {{textContent: "(no notes)"}})]));
    const after = stops[i + 1];
    el("coming").textContent = after ? `Next: ${{after.label}}` +
      (after.notes.length ? ` · ${{after.notes[0].say}}` : "") : "";
    document.title = `Notes · ${{s.label}}`;
  }}
  window.addEventListener("message", e => {{
    if (e.data && typeof e.data.section === "number") render(e.data.section);
  }});
  render(0);
  if (window.opener) window.opener.postMessage({{ready: true}}, "*");
}}
function player() {{  // the main window: the video, its stops, the keys
const v = document.getElementById("v"), hud = document.getElementById("hud");
let next = 0;  // index of the stop the video plays towards; the stops before it are passed
let notesWindow = null;  // the notes window, once n opened it
const at = i => i < 0 ? 0 : Math.max(0, stops[i].t - frame / 2);  // last frame of section i
function show() {{
  tell();
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
  else if (e.key === "c") captions();
  else if (e.key === "n") openNotes();
}});
function captions() {{  // showing <-> hidden
  for (const t of v.textTracks) t.mode = t.mode === "showing" ? "hidden" : "showing";
}}
const cc = document.getElementById("cc");
function ownCues() {{  // the track could not load the .vtt: give it the page's copy
  if (!cc.src.startsWith("blob:"))
    cc.src = URL.createObjectURL(new Blob([vtt], {{type: "text/vtt"}}));
}}
if (cc) {{
  cc.addEventListener("error", ownCues);
  if (cc.readyState === HTMLTrackElement.ERROR) ownCues();  // it failed before this script
}}
document.addEventListener("click", forward);
function openNotes() {{
  notesWindow = window.open(location.href.split("#")[0] + "#notes", "nnanim-notes");
  if (!notesWindow) hud.textContent = "allow pop-ups to see the notes";
}}
function tell() {{  // the section on screen, to the notes window
  if (notesWindow && !notesWindow.closed)
    notesWindow.postMessage({{section: v.paused ? Math.max(0, next - 1) : next}}, "*");
}}
window.addEventListener("message", e => {{ if (e.data && e.data.ready) tell(); }});
show();
}}
</script>
</body></html>
"""


def write_slides(video: Path, stops: list[dict], folder: Path, title: str = "nnanim",
                 fps: float | None = None, captions: Path | None = None,
                 notes: list | None = None) -> Path:
    """A self-contained folder: index.html (the player) and the lecture video beside it.
    ``stops``: ``[{"t": seconds, "label": str}]``, section end times; ``fps`` defaults to
    the video's own frame rate; ``captions``: a WebVTT file, copied beside the video and
    shown as the video's captions track (key c: off and on); ``notes``: the video's
    presenter notes (``notes.Note``), each shown with the stop its section ends at (key n:
    the notes window)."""
    video, folder = Path(video), Path(folder)
    copy_file(video, folder / video.name)
    track, vtt = "", None
    if captions is not None:
        captions = copy_file(captions, folder / Path(captions).name)
        vtt = captions.read_text(encoding="utf-8")
        track = (f'<track id="cc" kind="captions" srclang="en" label="Captions" '
                 f'src="{html.escape(quote(captions.name))}" default>')
    fps = fps or frame_rate(video)
    kept: list[dict] = []  # stops less than half a frame apart are one stop (the later label)
    for stop in sorted(stops, key=lambda s: s["t"]):
        if kept and stop["t"] - kept[-1]["t"] < 0.5 / fps:
            kept[-1] = stop
        else:
            kept.append(stop)
    kept = with_notes(kept, notes or [])
    page = PLAYER.format(title=html.escape(title), video=html.escape(quote(video.name)),
                         track=track, stops=script_json(kept), vtt=script_json(vtt),
                         frame=f"{1 / fps:.6f}")
    return write_text(folder / "index.html", page)


def with_notes(stops: list[dict], notes: list) -> list[dict]:
    """The stops (sorted), each with ``"notes": [{"say", "ask", "answer"}]``: the notes whose
    section lies between the stop before it and this one."""
    from nnanim.scenes.notes import inside

    out, before = [], float("-inf")
    for stop in stops:
        mine = inside(notes, before, stop["t"])
        out.append({**stop, "notes": [{"say": n.say, "ask": n.ask, "answer": n.answer}
                                      for n in mine]})
        before = stop["t"]
    return out


def script_json(value) -> str:
    """``value`` as JSON to write inside a <script> (no "</", which would end it)."""
    return json.dumps(value).replace("</", "<\\/")
