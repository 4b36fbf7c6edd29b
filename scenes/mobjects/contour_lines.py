"""Contour lines of a sampled surface by marching squares (no matplotlib)."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from manim import VGroup, VMobject

# a cell edge: ("h", i, j) joins grid points (i, j)-(i, j+1), ("v", i, j) joins (i, j)-(i+1, j)
Edge = tuple[str, int, int]


def _cell_edges(z: np.ndarray, level: float, i: int, j: int) -> list[tuple[Edge, Edge]]:
    """The segments where ``level`` crosses cell (i, j), as pairs of crossed edges."""
    c = z[i:i + 2, j:j + 2] > level  # corners: [0,0]=(i,j) [0,1]=(i,j+1) [1,0]=(i+1,j) [1,1]
    crossed = []
    if c[0, 0] != c[0, 1]:
        crossed.append(("h", i, j))
    if c[0, 1] != c[1, 1]:
        crossed.append(("v", i, j + 1))
    if c[1, 1] != c[1, 0]:
        crossed.append(("h", i + 1, j))
    if c[1, 0] != c[0, 0]:
        crossed.append(("v", i, j))
    if len(crossed) == 2:
        return [(crossed[0], crossed[1])]
    # a saddle (4 crossings): the mean of the corners decides which pairs connect
    if (z[i:i + 2, j:j + 2].mean() > level) == c[0, 0]:
        return [(crossed[0], crossed[1]), (crossed[2], crossed[3])]
    return [(crossed[0], crossed[3]), (crossed[1], crossed[2])]


def contour_paths(z: np.ndarray, level: float) -> list[np.ndarray]:
    """Polylines where the grid ``z`` (rows i, columns j) crosses ``level``.

    Each polyline is an (m, 2) array of fractional (column, row) grid coordinates;
    closed curves repeat their first point at the end.
    """
    z = np.asarray(z, dtype=np.float64)
    above = z > level
    # cells whose corners disagree are the only ones the level crosses
    mixed = (above[:-1, :-1] != above[1:, :-1]) | (above[:-1, :-1] != above[:-1, 1:]) \
        | (above[:-1, :-1] != above[1:, 1:])
    links: dict[Edge, list[Edge]] = {}
    for i, j in zip(*np.nonzero(mixed)):
        for a, b in _cell_edges(z, level, int(i), int(j)):
            links.setdefault(a, []).append(b)
            links.setdefault(b, []).append(a)

    def point(e: Edge) -> tuple[float, float]:
        kind, i, j = e
        i2, j2 = (i, j + 1) if kind == "h" else (i + 1, j)
        t = (level - z[i, j]) / (z[i2, j2] - z[i, j])
        return (j + t * (j2 - j), i + t * (i2 - i))

    paths, seen = [], set()
    # open curves start at an edge on the grid border (one link); then the closed ones
    starts = [e for e, n in links.items() if len(n) == 1] + list(links)
    for start in starts:
        if start in seen:
            continue
        chain, prev, cur = [start], None, start
        seen.add(start)
        while True:
            nxt = next((n for n in links[cur] if n != prev and n not in seen), None)
            if nxt is None:
                if start in links[cur] and len(chain) > 2:
                    chain.append(start)  # closed
                break
            seen.add(nxt)
            chain.append(nxt)
            prev, cur = cur, nxt
        if len(chain) > 1:
            paths.append(np.array([point(e) for e in chain]))
    return paths


class ContourLines(VGroup):
    """Contour lines of z[i, j] = f(xs[j], ys[i]) at ``levels``, one VMobject per level.

    ``to_point(x, y)`` maps data coordinates to scene points (e.g. ``PlotAxes.p``).
    """

    def __init__(self, xs: np.ndarray, ys: np.ndarray, z: np.ndarray, levels: Sequence[float],
                 to_point: Callable[[float, float], np.ndarray], color: str,
                 stroke_width: float = 1.5, stroke_opacity: float = 0.7) -> None:
        super().__init__()
        xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
        cols, rows = np.arange(len(xs)), np.arange(len(ys))
        for level in levels:
            line = VMobject(stroke_color=color, stroke_width=stroke_width,
                            stroke_opacity=stroke_opacity)
            for path in contour_paths(z, level):
                pts = [to_point(np.interp(c, cols, xs), np.interp(r, rows, ys)) for c, r in path]
                piece = VMobject().set_points_as_corners(pts)
                line.append_points(piece.points)
            self.add(line)
