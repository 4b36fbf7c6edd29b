"""Captions: what a scene's caption texts say and when they are on screen, as cues per
section and as subtitle files (no manim here).

A scene records its captions as ``Caption(start, end, text)`` (seconds of the render, so at
its speed; ``layout.CaptionRecorder``) and its sections as ``Section(name, start, end)``.
``by_section`` turns them into cues: a caption shown across a section end becomes one cue per
section, and a section with no caption gets one over its whole length (``fallback``: the
scene's title and the section's name). The cues go out as SubRip (``.srt``) and WebVTT
(``.vtt``) beside the video (``write_captions``), UTF-8, and as JSON inside a kept render.
A cue of either file (.srt numbers them, .vtt starts with a ``WEBVTT`` line)::

    1
    00:00:01,000 --> 00:00:04,500
    f squashes z: the logistic σ.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

#: pieces of a caption shorter than this (seconds), cut off by a section end, are dropped
MIN_CUE = 0.01
_TIME = re.compile(r"(\d\d):(\d\d):(\d\d)[,.](\d\d\d)")  # SubRip: ",", WebVTT: "."


class Caption(NamedTuple):
    """A caption on screen from ``start`` to ``end`` (seconds) saying ``text``."""

    start: float
    end: float
    text: str


class Section(NamedTuple):
    """A section of a scene: its name, start and end (seconds)."""

    name: str
    start: float
    end: float


def by_section(captions: Iterable[Caption], sections: Iterable[Section],
               fallback: Callable[[Section], str]) -> list[Caption]:
    """The cues of a scene, sorted by start: each caption cut at the section ends it spans
    (every cue lies inside one section), and ``fallback(section)`` over the whole of each
    section no caption is shown in. Without sections, the captions as they are."""
    captions, sections = list(captions), list(sections)
    if not sections:
        return sorted(captions)
    cues = []
    for sec in sections:
        inside = [Caption(max(c.start, sec.start), min(c.end, sec.end), c.text)
                  for c in captions]
        inside = [c for c in inside if c.end - c.start >= MIN_CUE]
        cues += inside or [Caption(sec.start, sec.end, fallback(sec))]
    return sorted(cues)


def shifted(captions: Iterable[Caption], by: float) -> list[Caption]:
    """The captions ``by`` seconds later (a lecture part's, from where the part starts)."""
    return [Caption(c.start + by, c.end + by, c.text) for c in captions]


def _millis(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def timestamp(seconds: float, separator: str = ",") -> str:
    """``HH:MM:SS,mmm`` (SubRip; WebVTT takes "." as ``separator``)."""
    ms = _millis(seconds)
    return (f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}"
            f"{separator}{ms % 1000:03d}")


def _cues(captions: Iterable[Caption]) -> list[tuple[int, int, str]]:
    """(start ms, end ms, one line of text) of each caption, in order; a cue lasts at least
    a millisecond (players drop empty ones) and says something."""
    out = []
    for c in sorted(captions):
        start, end = _millis(c.start), _millis(c.end)
        text = " ".join(c.text.split())
        if text:
            out.append((start, max(end, start + 1), text))
    return out


def to_srt(captions: Iterable[Caption]) -> str:
    """SubRip: numbered cues from 1, ``HH:MM:SS,mmm --> HH:MM:SS,mmm``, a blank line after
    each."""
    return "".join(f"{i}\n{timestamp(a / 1000)} --> {timestamp(b / 1000)}\n{text}\n\n"
                   for i, (a, b, text) in enumerate(_cues(captions), start=1))


def to_vtt(captions: Iterable[Caption]) -> str:
    """WebVTT: the ``WEBVTT`` header, then cues ``HH:MM:SS.mmm --> HH:MM:SS.mmm`` (text with
    &, < and > escaped: cue text is markup)."""
    return "WEBVTT\n\n" + "".join(
        f"{timestamp(a / 1000, '.')} --> {timestamp(b / 1000, '.')}\n{vtt_text(text)}\n\n"
        for a, b, text in _cues(captions))


def vtt_text(text: str) -> str:
    """Plain text as WebVTT cue text, which is markup: &, < and > escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def read_srt(text: str) -> list[Caption]:
    """The captions of a SubRip file (as ``to_srt`` writes it; a WebVTT file as ``to_vtt``
    writes it reads the same, its cue text still escaped)."""
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.splitlines()
        timing = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
        if timing is None or timing + 1 >= len(lines):  # a header, or a cue without text
            continue
        a, b = (_seconds(t.strip()) for t in lines[timing].split("-->"))
        out.append(Caption(a, b, "\n".join(lines[timing + 1:])))
    return out


def _seconds(stamp: str) -> float:
    match = _TIME.fullmatch(stamp)
    if match is None:
        raise ValueError(f"not a SubRip time: {stamp!r}")
    h, m, s, ms = map(int, match.groups())
    return h * 3600 + m * 60 + s + ms / 1000


def to_json(captions: Iterable[Caption]) -> str:
    """``[{"start": s, "end": s, "text": str}, ...]`` (a kept render's captions.json)."""
    return json.dumps([c._asdict() for c in captions], ensure_ascii=False)


def from_json(text: str) -> list[Caption]:
    return [Caption(c["start"], c["end"], c["text"]) for c in json.loads(text)]


def subtitle_paths(video: Path) -> tuple[Path, Path]:
    """Where a video's captions go: ``<video stem>.srt`` and ``.vtt`` beside it."""
    video = Path(video)
    return video.with_suffix(".srt"), video.with_suffix(".vtt")


def write_captions(captions: Iterable[Caption], video: Path) -> tuple[Path, Path]:
    """Write the captions beside ``video`` as .srt and .vtt (each atomically); returns the
    two paths."""
    from nnanim.engine.atomic import write_bytes

    captions = list(captions)
    srt, vtt = subtitle_paths(video)
    return (write_bytes(srt, to_srt(captions).encode("utf-8")),
            write_bytes(vtt, to_vtt(captions).encode("utf-8")))
