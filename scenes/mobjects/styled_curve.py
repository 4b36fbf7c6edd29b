"""A polyline in a run's colour and dash pattern, as one shape: every dash a sub-path of
its points, so a dashed curve redrawn at every frame is one path to build and stroke, not
a family of one shape per dash (manim's ``DashedVMobject``)."""
from __future__ import annotations

import numpy as np
from manim import VMobject

from nnanim.scenes.theme import RunStyle


def dashes(points: np.ndarray, dash: float | None, gap: float | None = None,
           phase: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """The polyline through ``points`` cut into dashes ``dash`` long (scene units) with
    ``gap`` between them (default: as long as a dash, at least 0.07: dots stay apart), the
    first dash ``phase`` from the start: (the dashes' points, one dash after the other, and
    the index of each dash's last point); None: the whole line, one dash."""
    if dash is None or len(points) < 2:
        return points, np.array([len(points) - 1])
    seg = np.linalg.norm(np.diff(points, axis=0), axis=1)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    starts = np.arange(phase, s[-1], dash + (max(dash, 0.07) if gap is None else gap))
    ends = np.minimum(starts + dash, s[-1])
    # every dash's end points at once (a redraw every frame cuts hundreds of dashes)
    at_start, at_end = (np.stack([np.interp(d, s, points[:, k]) for k in range(3)], axis=1)
                        for d in (starts, ends))
    first = np.searchsorted(s, starts, side="right")  # the points strictly inside a dash
    inside = np.searchsorted(s, ends, side="left") - first
    # a dash is its start, the points inside it, its end: laid out one after the other
    size = inside + 2
    last = np.cumsum(size) - 1
    which = np.repeat(np.arange(len(starts)), size)  # the dash of every output point
    local = np.arange(last[-1] + 1 if len(last) else 0) - (last - size + 1)[which]
    out = points[np.minimum(first[which] + local - 1, len(points) - 1)]
    out[last - size + 1] = at_start
    out[last] = at_end
    return out, last


class StyledCurve(VMobject):
    """A polyline drawn in a run's colour and dash pattern (``set_curve`` redraws it in
    place, cheap enough for every frame)."""

    def __init__(self, style: RunStyle | None, color: str, width: float = 4.0,
                 dash: float | None = None, gap: float | None = None,
                 phase: float = 0.0) -> None:
        """``style``'s dash pattern, or with no style ``dash`` (None: solid), ``gap`` and
        ``phase`` (``dashes``)."""
        super().__init__(stroke_color=color, stroke_width=width, fill_opacity=0)
        self.dash = style.dash if style is not None else dash
        self.gap, self.phase = gap, phase

    def set_curve(self, points: np.ndarray) -> StyledCurve:
        joined, last = dashes(points, self.dash, self.gap, self.phase)
        # a straight cubic per segment, but no segment from one dash to the next
        keep = np.ones(max(len(joined) - 1, 0), bool)
        keep[last[:-1]] = False
        a, b = joined[:-1][keep], joined[1:][keep]
        self.points = np.stack([a, a + (b - a) / 3, a + 2 * (b - a) / 3, b],
                               axis=1).reshape(-1, 3)
        return self


def dashed_line(start: np.ndarray, end: np.ndarray, color: str, width: float = 2.0,
                dash: float = 0.1) -> StyledCurve:
    """A straight dashed line as one shape (manim's ``DashedLine`` is a shape per dash):
    dashes ``dash`` long, gaps as long, from ``start``."""
    return StyledCurve(None, color, width, dash).set_curve(
        np.array([start, end], dtype=float))


def dashed_outline(polygon: VMobject, color: str, width: float, per_side: int,
                   ratio: float = 0.45) -> StyledCurve:
    """The outline of ``polygon`` (a Square, a Rectangle: its corners in order) dashed as
    one shape: a dash every 1/``per_side`` of its first side (``ratio`` of that period
    drawn), the first half a gap from the first corner. A side then reads the same from
    either end, so where two cells share a side their dashes fall on each other and the
    gaps stay open (dashes laid from one corner on, neighbours going round the other way
    fill each other's gaps into a solid line)."""
    corners = np.asarray(polygon.get_vertices(), dtype=float)
    period = np.linalg.norm(corners[1] - corners[0]) / per_side
    return StyledCurve(None, color, width, ratio * period, (1 - ratio) * period,
                       (1 - ratio) * period / 2).set_curve(np.vstack([corners, corners[:1]]))
