"""Slide GIFs: one global palette, no dithering, loop forever.

Lecture animations are flat colours on a plain background. Dithering (what manim's own
``--format gif`` does, Bayer 5) sprinkles noise over those flat areas that LZW cannot
compress; one palette built from the whole clip and no dithering keeps flat colours flat
and the file small. ffmpeg's GIF muxer also stores only the changed rectangle of each
frame. Frame delays are whole centiseconds, which every player honours at 10-15 fps.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from nnanim.scenes.options import SceneOptions
from nnanim.scenes.render.ffmpeg import ffmpeg_to

#: px, the default of ``nnanim gif``: the smallest text a scene may show is 20 px per line at
#: 1280 px (the layout check), so at 768 px it is 12 px, the least a slide GIF should show
GIF_WIDTH = 768
GIF_FPS = 12
HOLD_SECONDS = 2.0  # the last frame stays this long before the GIF loops


def render_gif(name: str, options: SceneOptions | None = None, *, width: int = GIF_WIDTH,
               fps: int = GIF_FPS, output: Path | None = None, reuse: bool = False) -> Path:
    """Scene ``name`` as a slide GIF at ``width`` px (16:9) and ``fps``; returns its path
    (default ``out/<name>.gif``). The palette keeps every colour of the theme exactly.
    ``reuse``: the video it is made from may be a kept earlier render (``reuse.py``)."""
    from nnanim.engine.atomic import check_output
    from nnanim.scenes.render.scene import default_output, render_scene
    from nnanim.scenes.theme import THEMES

    options = options or SceneOptions(theme="light")
    output = check_output(output or default_output(name, "gif"))
    height = int(round(width * 9 / 16 / 2)) * 2
    with tempfile.TemporaryDirectory(prefix="nnanim-gif-") as tmp:
        video, _ = render_scene(name, options, fmt="mp4", output=Path(tmp) / "clip.mp4",
                                size=(width, height), fps=fps, reuse=reuse)
        return encode_gif(video, output, fps=fps, width=width,
                          keep=THEMES[options.theme].colors())


def encode_gif(video: Path, out: Path, fps: int = GIF_FPS, width: int = GIF_WIDTH,
               max_colors: int = 128, keep: tuple[str, ...] = ()) -> Path:
    """Encode ``video`` as a looping slide GIF at ``width`` px and ``fps``; atomic write.

    ``keep``: colours ("#RRGGBB") the palette must hold exactly, however few pixels use
    them (a theme's meanings: an alert badge on screen for a second must stay the alert
    colour, not become the nearest frequent colour, which may mean something else)."""
    scale = f"fps={fps},scale={width}:-2:flags=lanczos"
    with tempfile.TemporaryDirectory(prefix="nnanim-palette-") as tmp:
        palette = Path(tmp) / "palette.png"
        ffmpeg_to(palette, ["-i", str(video), "-vf",
                            f"{scale},palettegen=max_colors={max_colors}:stats_mode=full:"
                            f"reserve_transparent=0", "-update", "1", "-frames:v", "1"],
                  "build the GIF palette")
        if keep:
            add_to_palette(palette, keep)
        # the last frame cloned for HOLD_SECONDS, so the loop does not jump straight back
        hold = f"tpad=stop_mode=clone:stop_duration={HOLD_SECONDS}"
        graph = f"[0:v]{hold},{scale}[v];[v][1:v]paletteuse=dither=none:diff_mode=rectangle"
        return ffmpeg_to(out, ["-i", str(video), "-i", str(palette), "-filter_complex", graph,
                               "-loop", "0", "-f", "gif"], "encode the GIF")


def add_to_palette(palette: Path, colors: tuple[str, ...]) -> None:
    """Put ``colors`` into ffmpeg's 16x16 palette image in place of its unused or
    repeated entries (a palette of max_colors < 256 leaves the rest free)."""
    import numpy as np
    from PIL import Image

    entries = np.asarray(Image.open(palette).convert("RGB")).reshape(-1, 3)
    used = list(dict.fromkeys(map(tuple, entries.tolist())))
    wanted = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in colors]
    extra = [c for c in dict.fromkeys(wanted) if c not in used]
    merged = used[:256 - len(extra)] + extra
    merged += [merged[-1]] * (256 - len(merged))  # repeats never win a nearest-colour tie
    Image.fromarray(np.array(merged, dtype=np.uint8).reshape(16, 16, 3)).save(palette)
