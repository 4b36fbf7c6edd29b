"""Finished texts kept on disk: a label is built once per machine, then loaded.

With Pango's SVGs and the parsed shapes kept (``text_folder``, ``svg_cache.py``), building
a ``Text`` still costs 2–5 ms of manim's own work: the shapes loaded, cut into lines and
characters, coloured, scaled and moved into place. A text-heavy scene builds 100–300 of
them, a tenth of its render, and the process drawing a scene's later stretch builds the
earlier ones again while it skips through them. The finished text's attributes (its
glyphs, their points and colours, and the rest of what its ``__init__`` set) load from a
pickle in a tenth of that.

While ``text_cache(folder)`` is active, ``Text``, ``MarkupText``, ``MathTex`` and ``Tex``
built with plain arguments (strings, numbers, colours, arrays, and lists and dicts of
them) are kept in ``folder`` under a hash of the class, the arguments, manim's version, the
frame's pixel size (Pango lays a text out on a canvas that size) and, for a formula, the
TeX template. A subclass (``TickerText``) is built as manim builds it: its own arguments
are not in the key. Files are written under a temporary name and renamed; one that cannot
be read is built again and rewritten. Past ``MAX_FILES`` the least recently written files
are removed when the block ends.
"""
from __future__ import annotations

import hashlib
import pickle
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np
from manim import MarkupText, MathTex, Tex, Text
from manim.utils.color import ManimColor

from nnanim.scenes.render.reuse import remove_oldest
from nnanim.scenes.render.svg_cache import keep_file, manim_version

#: what a kept file holds: 1, a finished text's ``__dict__``, pickled and zlib-compressed
FORMAT = 1
#: finished texts kept (10–50 kB each; the whole lecture builds about 2,000 distinct ones)
MAX_FILES = 10_000
#: the classes kept; each is patched itself, so a subclass's own __init__ still runs
KEPT = (Text, MarkupText, MathTex, Tex)


class NotPlain(Exception):
    """An argument with no faithful plain form: that text is built, not kept."""


def plain(value):
    """``value`` as nested tuples of plain Python values, equal exactly when the arguments
    build the same text (a float keeps all its digits; an array its dtype and shape)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return (type(value).__name__, value)
    if isinstance(value, np.generic):
        return ("scalar", value.dtype.str, value.item())
    if isinstance(value, ManimColor):
        return ("color", value.to_hex(with_alpha=True))
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, *map(plain, value))
    if isinstance(value, dict):
        return ("dict", *sorted((plain(k), plain(v)) for k, v in value.items()))
    raise NotPlain(type(value).__name__)


def text_key(text, args: tuple, kwargs: dict) -> str | None:
    """The file name of the text ``type(text)(*args, **kwargs)`` would build; None for a
    text that is not kept (a subclass, or an argument without a plain form)."""
    from manim import config

    if type(text) not in KEPT:
        return None
    try:
        what = [FORMAT, type(text).__name__, manim_version(), config.pixel_width,
                config.pixel_height, str(config.renderer), plain(args), plain(kwargs)]
        if isinstance(text, MathTex):  # a template given as an argument is not plain
            template = config.tex_template
            what.append(plain([template.body, template.tex_compiler, template.output_format]))
    except NotPlain:
        return None
    return hashlib.sha256(repr(what).encode()).hexdigest()[:32]


@contextmanager
def text_cache(folder: Path) -> Iterator[Path]:
    """Within the block, the kept classes' texts are loaded from ``folder`` when kept there,
    and kept there when built."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    loaded: dict[str, bytes] = {}  # this block's files, read and decompressed
    inits = {cls: cls.__dict__["__init__"] for cls in KEPT}
    building = []  # the texts being built: a Tex's MathTex.__init__ is part of the Tex

    def patched(build):
        def __init__(self, *args, **kwargs):
            key = None if building else text_key(self, args, kwargs)
            if key is None:
                return build(self, *args, **kwargs)
            path = folder / f"{key}.pickle"
            try:
                if key not in loaded:
                    loaded[key] = zlib.decompress(path.read_bytes())
                self.__dict__.update(pickle.loads(loaded[key]))
                return
            except Exception:  # not kept yet, or unreadable: build it, and keep it
                loaded.pop(key, None)
            building.append(self)
            try:
                build(self, *args, **kwargs)
            finally:
                building.pop()
            data = pickle.dumps(self.__dict__)
            loaded[key] = data
            keep_file(path, zlib.compress(data, 1))
        return __init__

    for cls, build in inits.items():
        cls.__init__ = patched(build)
    try:
        yield folder
    finally:
        for cls, build in inits.items():
            cls.__init__ = build
        remove_oldest(folder.glob("*.pickle"), MAX_FILES)

