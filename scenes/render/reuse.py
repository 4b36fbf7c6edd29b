"""Earlier renders, kept and reused: a render that would write the same frames again
copies the earlier output instead (no manim here).

A render is keyed by everything its frames depend on: the scene's name and nnanim's
scene code (every file of ``nnanim.scenes``: a scene draws with shared mobjects and the
theme), the versions of nnanim and manim, the content of every trace it reads, the
options that change what is drawn (theme, speed, events, title card text, ...), the
quality, format, size and frame rate. Paths are not part of the key, contents are: a
trace copied elsewhere is the same trace, a trace retrained in place is a new one.

An entry is a folder ``<cache>/renders/<key>/`` holding the output, the section stills,
the section times, the caption cues (``captions.json``, as ``scenes/captions.py`` writes
them; delivered beside an mp4 as .srt and .vtt) and the presenter notes (``notes.json``,
``scenes/notes.py``; delivered beside an mp4 as ``<stem>.notes.json``) the render wrote; the
captions and notes depend on the scene code, the traces and the speed, all in the key. It is written under a temporary
name and renamed, so an interrupted render leaves no entry. The least recently used entries
beyond ``MAX_ENTRIES`` are removed.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from dataclasses import fields
from pathlib import Path

from nnanim.engine.atomic import copy_file
from nnanim.scenes.options import SceneOptions

#: entries kept (a 720p lecture is 43 of them: 21 scenes and 22 title cards)
MAX_ENTRIES = 200
#: options that say where things go, not what is drawn (stills and sections are asked for
#: or not: that is in the key as a yes or no)
_PLACES = {"traces", "cache", "stills", "sections", "check_layout"}


@functools.cache
def code_digest() -> str:
    """SHA-256 of nnanim's scene code and the versions of nnanim and manim."""
    from importlib.metadata import version

    import nnanim.scenes

    root = Path(nnanim.scenes.__file__).parent
    h = hashlib.sha256(f"nnanim {version('nnanim')} manim {version('manim')}".encode())
    for f in sorted(root.rglob("*.py")):
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def trace_digest(path: Path) -> str:
    """SHA-256 of every file of the trace folder ``path``, with their names."""
    h = hashlib.sha256()
    for f in sorted(p for p in Path(path).rglob("*") if p.is_file()):
        h.update(f.relative_to(path).as_posix().encode() + b"\0")
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def render_key(scene: str, options: SceneOptions, runs: dict[str, Path], **render) -> str:
    """The key of rendering ``scene`` with ``options`` from the traces ``runs`` ({role:
    path}); ``render``: quality, fmt, size, fps, upto_animation."""
    drawn = {f.name: getattr(options, f.name) for f in fields(SceneOptions)
             if f.name not in _PLACES}
    what = {"scene": scene, "code": code_digest(), "options": drawn,
            "stills": options.stills is not None, "sections": options.sections is not None,
            "traces": {role: trace_digest(p) for role, p in sorted(runs.items())},
            "render": render}
    return hashlib.sha256(json.dumps(what, sort_keys=True, default=str).encode()).hexdigest()[:24]


class RenderStore:
    """The folder of kept renders, ``<cache>/renders``."""

    def __init__(self, cache: Path) -> None:
        self.root = Path(cache) / "renders"

    def find(self, key: str) -> Path | None:
        """The entry of ``key``, or None; a found entry counts as used now."""
        entry = self.root / key
        if not (entry / "done").is_file():
            return None
        os.utime(entry)
        return entry

    def keep(self, key: str, output: Path, stills: Path | None, sections: Path | None,
             captions: Path | None = None, notes: Path | None = None) -> Path:
        """Store a finished render (its output file, its stills folder, its sections file,
        its captions file, its notes file) as the entry of ``key``; returns the entry."""
        self.root.mkdir(parents=True, exist_ok=True)
        mine = self.root / f".{key}.{os.getpid()}"
        shutil.rmtree(mine, ignore_errors=True)
        mine.mkdir()
        shutil.copy2(output, mine / f"output{output.suffix}")
        if stills is not None and stills.is_dir():
            shutil.copytree(stills, mine / "stills")
        if sections is not None and sections.is_file():
            shutil.copy2(sections, mine / "sections.jsonl")
        for side, name in ((captions, "captions.json"), (notes, "notes.json")):
            if side is not None and side.is_file():
                shutil.copy2(side, mine / name)
        (mine / "done").touch()
        try:
            os.rename(mine, self.root / key)
        except OSError:  # another process kept the same render first
            shutil.rmtree(mine, ignore_errors=True)
        self._prune()
        return self.root / key

    def _prune(self) -> None:
        entries = oldest_first(p for p in self.root.iterdir() if not p.name.startswith("."))
        for old in entries[:-MAX_ENTRIES]:
            shutil.rmtree(old, ignore_errors=True)


def remove_oldest(files, keep: int) -> None:
    """Remove all but the ``keep`` most recently modified of ``files`` (a file another
    process removed meanwhile is skipped)."""
    files = list(files)
    if len(files) > keep:
        for old in oldest_first(files)[:-keep]:
            old.unlink(missing_ok=True)


def oldest_first(paths) -> list[Path]:
    """``paths`` by modification time, oldest first, leaving out any that are gone: parallel
    renders prune the same cache folder, so a file listed a moment ago may be removed by
    the time it is looked at."""
    dated = []
    for path in paths:
        try:
            dated.append((path.stat().st_mtime, path))
        except FileNotFoundError:
            continue
    return [path for _, path in sorted(dated)]


def deliver(entry: Path, output: Path, options: SceneOptions) -> Path:
    """Copy a kept render to where this render was asked to write: the output (atomically),
    its captions and notes beside an mp4 (``<stem>.srt``, ``<stem>.vtt``,
    ``<stem>.notes.json``), the stills into
    ``options.stills``, the section times appended to ``options.sections``."""
    from nnanim.scenes.captions import from_json, write_captions
    from nnanim.scenes.notes import notes_path

    produced = next(entry.glob("output.*"))
    copy_file(produced, output)
    if output.suffix == ".mp4" and (entry / "captions.json").is_file():
        write_captions(from_json((entry / "captions.json").read_text(encoding="utf-8")),
                       output)
    if output.suffix == ".mp4" and (entry / "notes.json").is_file():
        copy_file(entry / "notes.json", notes_path(output))
    if options.stills is not None and (entry / "stills").is_dir():
        Path(options.stills).mkdir(parents=True, exist_ok=True)
        for still in sorted((entry / "stills").iterdir()):
            copy_file(still, Path(options.stills) / still.name)
    if options.sections is not None and (entry / "sections.jsonl").is_file():
        with open(options.sections, "a") as f:
            f.write((entry / "sections.jsonl").read_text())
    return output
