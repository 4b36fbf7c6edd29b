"""Running ffmpeg and ffprobe: atomic outputs, one-line errors (no manim here)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from nnanim.engine.atomic import atomic_path
from nnanim.engine.errors import NnanimError


def ffmpeg() -> str:
    exe = shutil.which("ffmpeg")
    if exe is None:
        raise NnanimError("ffmpeg is not installed (apt-get install ffmpeg; see 'nnanim doctor')")
    return exe


def ffprobe(path: Path, entry: str) -> str:
    """One value of ``path``'s first video stream or format, e.g. entry
    "format=duration" or "stream=r_frame_rate" ("" if ffprobe cannot read it)."""
    exe = shutil.which("ffprobe") or ffmpeg()[:-len("ffmpeg")] + "ffprobe"
    r = subprocess.run([exe, "-v", "error", "-select_streams", "v:0", "-show_entries", entry,
                        "-of", "csv=p=0", str(path)], capture_output=True, text=True)
    return r.stdout.strip().splitlines()[0] if r.stdout.strip() else ""


def duration(path: Path) -> float:
    """Length of a video in seconds."""
    try:
        return float(ffprobe(path, "format=duration"))
    except ValueError:
        raise NnanimError(f"could not read the length of {path}") from None


def frame_rate(path: Path, default: float = 30.0) -> float:
    """Frames per second of the first video stream of ``path`` (``default`` if unreadable)."""
    num, _, den = ffprobe(path, "stream=r_frame_rate").partition("/")
    try:
        fps = float(num) / float(den or 1)
    except (ValueError, ZeroDivisionError):
        return default
    return fps if fps > 0 else default


def concat_input(videos: list[Path], listing: Path) -> list[str]:
    """ffmpeg's input arguments for ``videos`` one after the other (the concat demuxer):
    writes their list to ``listing`` (a quote in a name escaped as the demuxer reads it)."""
    quoted = (str(Path(v).resolve()).replace("'", "'\\''") for v in videos)
    listing.write_text("".join(f"file '{v}'\n" for v in quoted))
    return ["-f", "concat", "-safe", "0", "-i", str(listing)]


def ffmpeg_to(out: Path, args: list[str], what: str) -> Path:
    """Run ``ffmpeg args <tmp>`` with a temporary file beside ``out``, then rename it, so
    ``out`` is never half-written; a failure raises one line saying ``what`` failed."""
    with atomic_path(out) as tmp:
        r = subprocess.run([ffmpeg(), "-v", "error", "-y", *args, str(tmp)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise NnanimError(f"ffmpeg could not {what}: {r.stderr.strip()[-300:]}")
    return Path(out)
