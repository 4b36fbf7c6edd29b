"""Presenter notes: what the lecturer says in a section, the question to ask the room and the
answer the trace gives (no manim here).

A scene writes them with ``TraceScene.note(say=..., ask=..., answer=...)`` inside a section;
any number in a note is the text of ``self.number(...)`` (so it is recorded as shown and
equals the trace). Each note gets its section's name and times when the section ends. They go
out as ``<video stem>.notes.json`` beside an mp4 (``write_notes``), as JSON inside a kept
render, joined (shifted) by a lecture, as the slide player's notes view and as the notes of a
manim-slides slide::

    [{"section": "forward", "start": 0.0, "end": 4.5, "say": "...", "ask": "...",
      "answer": "..."}, ...]
"""
from __future__ import annotations

import json
from pathlib import Path
from collections.abc import Iterable
from typing import NamedTuple


class Note(NamedTuple):
    """The notes of one section (``start``, ``end``: seconds of the render)."""

    section: str
    start: float
    end: float
    say: str
    ask: str
    answer: str


def shifted(notes: Iterable[Note], by: float) -> list[Note]:
    """The notes ``by`` seconds later (a lecture part's, from where the part starts)."""
    return [n._replace(start=n.start + by, end=n.end + by) for n in notes]


def inside(notes: Iterable[Note], start: float, end: float) -> list[Note]:
    """The notes whose middle lies in [start, end) (a section or a slide's interval)."""
    return [n for n in notes if start <= (n.start + n.end) / 2 < end]


def as_text(note: Note) -> str:
    """One note as plain text: "Say: …", "Ask: …", "Answer: …" lines."""
    return f"Say: {note.say}\nAsk: {note.ask}\nAnswer: {note.answer}"


def to_json(notes: Iterable[Note]) -> str:
    return json.dumps([n._asdict() for n in notes], ensure_ascii=False, indent=1)


def from_json(text: str) -> list[Note]:
    return [Note(**n) for n in json.loads(text)]


def notes_path(video: Path) -> Path:
    """Where a video's notes go: ``<video stem>.notes.json`` beside it."""
    return Path(video).with_suffix(".notes.json")


def read_notes(video: Path) -> list[Note]:
    """The notes beside ``video`` (none when there is no notes file)."""
    path = notes_path(video)
    return from_json(path.read_text(encoding="utf-8")) if path.is_file() else []


def write_notes(notes: Iterable[Note], video: Path) -> Path:
    """Write the notes beside ``video`` atomically; returns the path."""
    from nnanim.engine.atomic import write_bytes

    return write_bytes(notes_path(video), to_json(notes).encode("utf-8"))
