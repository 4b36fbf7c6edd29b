"""SlidingWindow: a kernel-sized frame over a ValueGrid, stepping position by position
(convolution, max pooling, edge detection)."""
from __future__ import annotations

import weakref
from typing import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Animation, Mobject, Text, VGroup

from ..theme import Theme
from .value_grid import ValueGrid


def _pair(v: int | Sequence[int]) -> tuple[int, int]:
    return (int(v), int(v)) if np.isscalar(v) else (int(v[0]), int(v[1]))


class SlidingWindow(VGroup):
    """A kh×kw window over ``grid`` that moves by ``stride`` cells.

    Position (p, q) (an output position, 0-based) puts the window's top-left corner on
    grid cell (p·sh, q·sw). The frame is drawn in ``color`` (theme.active by default) with
    a light fill of the same colour. ``labels`` (a kh×kw nested list of strings, e.g. a
    kernel's weights) are written small in the bottom-right corner of each covered cell,
    so the frame carries the kernel with it; leave it None for pooling.

        w = SlidingWindow(grid, (3, 3), stride=1, theme=theme, labels=[["1", "1", "0"], ...])
        self.add(w.place(0, 0))
        self.play(w.slide_to(0, 1))
    """

    def __init__(self, grid: ValueGrid, size: int | Sequence[int], theme: Theme,
                 stride: int | Sequence[int] = 1, color: str | None = None,
                 stroke_width: float = 6.0, fill_opacity: float = 0.14,
                 labels: Sequence[Sequence[str]] | None = None,
                 label_color: str | None = None, label_size: float | None = None) -> None:
        super().__init__()
        # a weak reference: .animate deep-copies the window, and must not copy the grid
        self._grid = weakref.ref(grid)
        self.theme = theme
        self.size, self.stride = _pair(size), _pair(stride)
        kh, kw = self.size
        h, w = grid.values.shape
        if kh > h or kw > w:
            raise ValueError(f"window {kh}x{kw} does not fit a {h}x{w} grid")
        color = color or theme.active
        self.frame = grid.window(0, 0, kh, kw, color=color, stroke_width=stroke_width)
        self.frame.set_fill(color, opacity=fill_opacity)
        self.add(self.frame)
        self.labels = VGroup()
        if labels is not None:
            size = label_size or grid.cell * 22
            for u in range(kh):
                for v in range(kw):
                    t = Text(labels[u][v], font="DejaVu Sans", font_size=size,
                             color=theme.ink(label_color or color))
                    t.move_to(grid.square(u, v).get_corner(DOWN + RIGHT)
                              + (UP + LEFT) * grid.cell * 0.06, aligned_edge=DOWN + RIGHT)
                    self.labels.add(t)
            self.add(self.labels)
        self.position = (0, 0)

    @property
    def grid(self) -> ValueGrid:
        return self._grid()

    # -- geometry ---------------------------------------------------------------------------
    def positions(self, out_shape: tuple[int, int] | None = None) -> list[tuple[int, int]]:
        """Output positions in reading order; ``out_shape`` (from the trace) or every
        position where the window fits the grid."""
        if out_shape is None:
            h, w = self.grid.values.shape
            out_shape = ((h - self.size[0]) // self.stride[0] + 1,
                         (w - self.size[1]) // self.stride[1] + 1)
        return [(p, q) for p in range(out_shape[0]) for q in range(out_shape[1])]

    def origin(self, p: int, q: int) -> tuple[int, int]:
        """Grid cell under the window's top-left corner at position (p, q)."""
        return p * self.stride[0], q * self.stride[1]

    def cells(self, p: int, q: int) -> list[tuple[int, int]]:
        """Grid cells under the window at (p, q), row by row (the kernel's order)."""
        i0, j0 = self.origin(p, q)
        return [(i0 + u, j0 + v) for u in range(self.size[0]) for v in range(self.size[1])]

    def center_at(self, p: int, q: int) -> np.ndarray:
        i0, j0 = self.origin(p, q)
        kh, kw = self.size
        tl = self.grid.square(i0, j0).get_corner(UP + LEFT)
        br = self.grid.square(i0 + kh - 1, j0 + kw - 1).get_corner(DOWN + RIGHT)
        return (tl + br) / 2

    # -- moving -----------------------------------------------------------------------------
    def place(self, p: int, q: int) -> "SlidingWindow":
        """Jump to position (p, q) (no animation)."""
        self.shift(self.center_at(p, q) - self.frame.get_center())
        self.position = (p, q)
        return self

    def slide_to(self, p: int, q: int, **kwargs) -> Animation:
        """The animation that moves the window to position (p, q)."""
        self.position = (p, q)
        return Slide(self, self.center_at(p, q), **kwargs)


class Slide(Animation):
    """Move a SlidingWindow's frame centre to ``target``; unlike ``.animate`` it copies
    nothing, so stepping through many positions stays cheap."""

    def __init__(self, window: SlidingWindow, target: np.ndarray, **kwargs) -> None:
        self.target = np.asarray(target, dtype=float)
        super().__init__(window, **kwargs)

    def begin(self) -> None:
        self.start = self.mobject.frame.get_center()
        super().begin()

    def create_starting_mobject(self) -> Mobject:
        return Mobject()  # interpolate_mobject needs only the start point

    def interpolate_mobject(self, alpha: float) -> None:
        t = self.rate_func(alpha)
        here = self.start + t * (self.target - self.start)
        self.mobject.shift(here - self.mobject.frame.get_center())
