"""Parsed SVGs kept on disk: every Text and formula is turned into shapes once per machine.

Each ``Text``, ``MathTex`` or ``SVGMobject`` is an SVG file (from Pango or LaTeX) that manim
parses into shapes with svgelements: 30–40 ms each, a sixth of the render time of a
text-heavy scene, paid again by every render (manim's own SVG cache lives in one process
and skips ``Text``). While ``svg_cache(folder)`` is active, the shapes parsed from an SVG
are pickled (and zlib-compressed: a sixth of the size) into ``folder`` under a hash of the
file's bytes, its default style and manim's version, and later renders load them (a few
ms) instead of parsing.

Files are written under a temporary name and renamed: parallel renders may share the
folder. A file that cannot be read is parsed again and rewritten. Past ``MAX_FILES`` the
least recently written files are removed when a render ends.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from manim.mobject.svg.svg_mobject import SVGMobject

#: parsed SVGs kept (about 16 kB each; the whole lecture uses about 1,500)
MAX_FILES = 10_000


def svg_key(mobject: SVGMobject) -> str:
    """What the parsed shapes depend on: the SVG's bytes, its default style, manim."""
    from importlib.metadata import version

    h = hashlib.sha256(f"{type(mobject).__name__} manim {version('manim')}".encode())
    h.update(repr((mobject.svg_default, mobject.path_string_config)).encode())
    h.update(mobject.get_file_path().read_bytes())
    return h.hexdigest()[:32]


@contextmanager
def svg_cache(folder: Path) -> Iterator[Path]:
    """Within the block, SVG parsing goes through the disk cache ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    parse = SVGMobject.generate_mobject

    def generate_mobject(self):
        path = folder / f"{svg_key(self)}.pickle"
        try:
            shapes, groups = pickle.loads(zlib.decompress(path.read_bytes()))
        except Exception:  # not there yet, or unreadable: parse, and keep the result
            parse(self)
            _write(path, zlib.compress(pickle.dumps((self.submobjects,
                                                     self.id_to_vgroup_dict)), 1))
            return self
        # what parse leaves: the shapes (already flipped upright) and the id groups
        self.add(*shapes)
        self.id_to_vgroup_dict = groups
        return self

    SVGMobject.generate_mobject = generate_mobject
    try:
        yield folder
    finally:
        SVGMobject.generate_mobject = parse
        _prune(folder)


def _prune(folder: Path) -> None:
    files = list(folder.glob("*.pickle"))
    if len(files) > MAX_FILES:
        files.sort(key=lambda f: f.stat().st_mtime)
        for f in files[:-MAX_FILES]:
            f.unlink(missing_ok=True)


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:  # a full or read-only cache costs speed, never the render
        tmp.unlink(missing_ok=True)
