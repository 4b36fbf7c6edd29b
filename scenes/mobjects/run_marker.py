"""A run's marker: the shape that tells runs apart without their colour (theme.RunStyle)."""
from __future__ import annotations

import numpy as np
from manim import PI, Dot, Square, Triangle, VMobject

from nnanim.scenes.theme import RunStyle


def run_marker(style: RunStyle, point=np.zeros(3), radius: float = 0.085,
               outline: str | None = None) -> VMobject:
    """A filled circle, square, triangle or diamond of about ``radius`` at ``point`` in the
    run's colour (``outline``: a thin edge in that colour, e.g. the background)."""
    if style.marker == "circle":
        mark = Dot(radius=radius)
    elif style.marker == "triangle":
        mark = Triangle().scale_to_fit_height(2.1 * radius)
    else:  # square, or the diamond: a square turned 45°
        mark = Square(side_length=1.8 * radius)
        if style.marker == "diamond":
            mark.rotate(PI / 4)
    mark.set_fill(style.color, opacity=1.0)
    mark.set_stroke(outline or style.color, width=1.5 if outline else 0)
    return mark.move_to(point)
