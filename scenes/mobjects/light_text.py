"""light(): texts without the SVG parse data they keep after layout.

manim's Text, MarkupText and MathTex hold each glyph's parsed SVG path and an id→group
table; animations deep-copy their mobjects, and copying that data makes a Text ~15× slower
to copy (30 ms for a short label; a glyph then copies in microseconds instead of a
millisecond). Scenes that animate many texts (FadeIn of table rows, lag_ratio groups,
worked sums of some 60 glyphs) strip it: ``TraceScene.label``/``tex`` always do. The glyph
outlines (points), colours and sizes are untouched.
"""
from __future__ import annotations

from typing import TypeVar

from manim import Mobject, SVGMobject
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

M = TypeVar("M", bound=Mobject)


def light(m: M) -> M:
    """``m`` itself, every text in its family (``m`` may be a Text, a MathTex or any group
    holding some) without its SVG parse data. Colour, move, scale and indexing still work,
    and so do Text's t2c/t2w given at construction; later lookups through the id table
    (MathTex's get_part_by_tex, set_color_by_tex) do not."""
    for sub in m.get_family():
        if isinstance(sub, SVGMobject):
            sub.id_to_vgroup_dict = {}
    return without_svg_paths(m)


def without_svg_paths(m: M) -> M:
    """``m`` itself, each glyph or shape parsed from an SVG without its svgelements path:
    manim reads it once, to make the points, and then only carries it along (it is most of
    what copying or pickling a glyph costs). The id table is kept."""
    for sub in m.get_family():
        if isinstance(sub, VMobjectFromSVGPath):
            sub.path_obj = None
    return m
