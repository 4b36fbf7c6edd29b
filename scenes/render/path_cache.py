"""A manim camera that builds each shape's cairo path once, not once per frame.

Manim redraws every mobject above the first moving one at every frame (to keep their
order), and for each it splits the points into sub-paths and issues one ``curve_to`` per
Bézier curve from Python: most of a frame's drawing time in nnanim's text-heavy scenes,
where the redrawn glyphs have not moved at all. This camera keeps the finished cairo path
of each shape with a copy of the points it was built from, and replays it with one
``append_path`` while the points and the camera's frame are unchanged. What is drawn is
the same path, so frames are identical.
"""
from __future__ import annotations

import cairo
import numpy as np
from manim.camera.camera import Camera

#: paths kept; past it the cache starts over (a scene shows a few thousand shapes at most)
MAX_PATHS = 20_000


class PathCachingCamera(Camera):
    """Camera whose ``set_cairo_context_path`` reuses the path of unchanged points."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._paths: dict[int, tuple[np.ndarray, tuple, cairo.Path]] = {}

    def _frame_key(self) -> tuple:
        """What else the path depends on: where the camera looks and how wide."""
        return (*np.asarray(self.frame_center, float).tolist(), float(self.frame_width),
                float(self.frame_height), self.pixel_width, self.pixel_height)

    def set_cairo_context_path(self, ctx: cairo.Context, vmobject):
        points = vmobject.points
        if len(points) == 0:  # manim leaves the context's path as it was: so do we
            return super().set_cairo_context_path(ctx, vmobject)
        frame = self._frame_key()
        hit = self._paths.get(id(vmobject))
        # a reused id with equal points would give the same path: equality is the test
        if hit is not None and hit[1] == frame and hit[0].shape == points.shape \
                and np.array_equal(hit[0], points):
            ctx.new_path()
            ctx.append_path(hit[2])
            return self
        super().set_cairo_context_path(ctx, vmobject)
        if len(self._paths) >= MAX_PATHS:
            self._paths.clear()
        self._paths[id(vmobject)] = (points.copy(), frame, ctx.copy_path())
        return self
