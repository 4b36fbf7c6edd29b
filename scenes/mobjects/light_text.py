"""light(): a Text without the SVG parse data it keeps after layout.

manim's Text holds each glyph's parsed SVG path and an id→group table; animations deep-copy
their mobjects, and copying that data makes a Text ~15× slower to copy (30 ms for a short
label). Scenes that animate many labels (FadeIn of table rows, lag_ratio groups) strip it.
The glyph outlines (points), colours and sizes are untouched.
"""
from __future__ import annotations

from manim import Text


def light(text: Text) -> Text:
    """``text`` itself, without its SVG parse data (colour, move and scale still work;
    Text's t2c/t2w lookups by substring do not)."""
    text.id_to_vgroup_dict = {}
    for part in text.family_members_with_points():
        part.path_obj = None
    return text
