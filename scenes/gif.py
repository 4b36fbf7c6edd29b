"""Slide GIFs: one global palette, no dithering, loop forever (no manim here).

Lecture animations are flat colours on a plain background. Dithering (what manim's own
``--format gif`` does, Bayer 5) sprinkles noise over those flat areas that LZW cannot
compress; one palette built from the whole clip and no dithering keeps flat colours flat
and the file small. ffmpeg's GIF muxer also stores only the changed rectangle of each
frame. Frame delays are whole centiseconds, which every player honours at 10-15 fps.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from engine.errors import NnanimError


def ffmpeg() -> str:
    exe = shutil.which("ffmpeg")
    if exe is None:
        raise NnanimError("ffmpeg is not installed (apt-get install ffmpeg; see 'nnanim doctor')")
    return exe


def encode_gif(video: Path, out: Path, fps: int = 12, width: int = 640,
               max_colors: int = 128) -> Path:
    """Encode ``video`` as a looping slide GIF at ``width`` px and ``fps``; atomic write."""
    graph = (f"fps={fps},scale={width}:-2:flags=lanczos,split[a][b];"
             f"[a]palettegen=max_colors={max_colors}:stats_mode=full:reserve_transparent=0[p];"
             f"[b][p]paletteuse=dither=none:diff_mode=rectangle")
    return ffmpeg_to(out, ["-i", str(video), "-filter_complex", graph, "-loop", "0",
                           "-f", "gif"], "encode the GIF")


def ffmpeg_to(out: Path, args: list[str], what: str) -> Path:
    """Run ``ffmpeg args <tmp>`` with a temporary file beside ``out``, then rename it, so
    ``out`` is never half-written; a failure raises one line saying ``what`` failed."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.tmp{out.suffix}")
    try:
        r = subprocess.run([ffmpeg(), "-v", "error", "-y", *args, str(tmp)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise NnanimError(f"ffmpeg could not {what}: {r.stderr.strip()[-300:]}")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
