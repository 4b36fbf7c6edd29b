"""Parsed SVGs kept on disk: every Text and formula is turned into shapes once per machine.

Each ``Text``, ``MathTex`` or ``SVGMobject`` is an SVG file (from Pango or LaTeX) that manim
parses into shapes with svgelements: 30–40 ms each, a sixth of the render time of a
text-heavy scene, paid again by every render (manim's own SVG cache lives in one process
and skips ``Text``). While ``svg_cache(folder)`` is active, the shapes parsed from an SVG
are pickled (and zlib-compressed: a sixth of the size) into ``folder`` under a hash of the
file's bytes (its ids renamed in order: ``canonical_ids``), its default style and manim's
version, and later renders load them (a few ms) instead of parsing.

Files are written under a temporary name and renamed: parallel renders may share the
folder. A file that cannot be read is parsed again and rewritten. Past ``MAX_FILES`` the
least recently written files are removed when a render ends.
"""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from manim.mobject.svg.svg_mobject import SVGMobject

from nnanim.scenes.mobjects.light_text import without_svg_paths
from nnanim.scenes.render.reuse import remove_oldest

#: what a kept file holds: 2, shapes without their svgelements paths (``without_svg_paths``)
FORMAT = 2
#: parsed SVGs kept (about 16 kB each; the whole lecture uses about 1,500)
MAX_FILES = 10_000


@functools.cache
def manim_version() -> str:
    """Read once a process: reading a package's metadata costs about a millisecond, as much
    as loading a text's shapes."""
    from importlib.metadata import version

    return version("manim")


def svg_key(mobject: SVGMobject) -> str:
    """What the parsed shapes depend on: the SVG's bytes, its default style, manim."""
    h = hashlib.sha256(f"{type(mobject).__name__} manim {manim_version()} "
                       f"format {FORMAT}".encode())
    h.update(repr((mobject.svg_default, mobject.path_string_config)).encode())
    h.update(canonical_ids(mobject.get_file_path().read_bytes()))
    return h.hexdigest()[:32]


_ID = re.compile(rb'id="([^"]+)"')
_ID_OR_REFERENCE = re.compile(rb'(id="|#)([^"\)\s]+)')


def canonical_ids(svg: bytes) -> bytes:
    """The SVG with its ids (and the references to them) renamed in order of appearance:
    cairo numbers surfaces and glyphs with counters that run on through a process, so the
    same text drawn after other texts has other ids and the same shapes."""
    names = {old: b"i%d" % i for i, old in enumerate(dict.fromkeys(_ID.findall(svg)))}
    return _ID_OR_REFERENCE.sub(lambda m: m[1] + names.get(m[2], m[2]), svg)


@contextmanager
def svg_cache(folder: Path) -> Iterator[Path]:
    """Within the block, SVG parsing goes through the disk cache ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    parse, init = SVGMobject.generate_mobject, SVGMobject.init_svg_mobject
    loaded: dict[str, bytes] = {}  # this block's files, read and decompressed

    def generate_mobject(self):
        key = svg_key(self)
        path = folder / f"{key}.pickle"
        try:
            if key not in loaded:
                loaded[key] = zlib.decompress(path.read_bytes())
            shapes, groups = pickle.loads(loaded[key])
        except Exception:  # not there yet, or unreadable: parse, and keep the result
            loaded.pop(key, None)
            parse(self)
            without_svg_paths(self)  # most of a glyph's pickle: loads 7 times faster
            keep_file(path, zlib.compress(pickle.dumps((self.submobjects,
                                                     self.id_to_vgroup_dict)), 1))
            return self
        # what parse leaves: the shapes (already flipped upright) and the id groups
        self.add(*shapes)
        self.id_to_vgroup_dict = groups
        return self

    def init_svg_mobject(self, use_svg_cache: bool):
        # manim's own cache (one process) stores a deep copy of every SVG and hands out deep
        # copies of that: copying a formula costs about 30 times loading its pickle
        return self.generate_mobject()

    SVGMobject.generate_mobject, SVGMobject.init_svg_mobject = generate_mobject, init_svg_mobject
    try:
        yield folder
    finally:
        SVGMobject.generate_mobject, SVGMobject.init_svg_mobject = parse, init
        remove_oldest(folder.glob("*.pickle"), MAX_FILES)


def keep_file(path: Path, data: bytes) -> None:
    """``data`` written to ``path`` under a name of this process's, then renamed: renders
    in parallel may keep the same file at once (the SVG cache, the finished texts')."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:  # a full or read-only cache costs speed, never the render
        tmp.unlink(missing_ok=True)
