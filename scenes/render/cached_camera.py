"""A manim camera that does not redo, frame after frame, the work of shapes and images that
have not changed.

Manim redraws every mobject above the first moving one at every frame (to keep their
order). Two costs of that redraw dominate nnanim's scenes:

- **paths**: for each shape manim splits the points into sub-paths and issues one
  ``curve_to`` per Bézier curve from Python. This camera keeps the finished cairo path of
  each shape with a copy of the points it was built from, and replays it with one
  ``append_path`` while the points (beyond float rounding: an animation carrying a shape
  from a place to the same place leaves 10⁻¹⁶-sized noise) and the camera's frame are
  unchanged. A path it must build it builds with manim's calls from plain floats
  (``cairo_path.py``).
- **images** (heat maps, decision regions, digits): for each ``ImageMobject`` manim warps
  the image into a frame-sized picture and alpha-composites the whole frame. This camera
  warps it into a patch cropped to the pixels it covers (``image_warp.py``), keeps it, and
  composites only that patch while the image's pixels, its corners and the frame are
  unchanged.

- **shapes that stand still** above a moving one: a run of them is drawn once into a
  transparent layer and pasted while none of them changes; shapes a fade scales, drawn
  once unfaded and pasted with the fade's factor as alpha (``static_layers.py``).
- **frames that repeat the last one**: a play whose picture holds for a while (a curve
  that moves only when its epoch changes, the pause at the end of a rate function) asks
  for the same picture again. When every shape and image a frame would draw, in order, and
  its background are those of the last frame drawn, the pixels still hold that frame and
  nothing is drawn (on Overfitting and DecisionBoundary, 14 % and 28 % of the frames).

Paths and patches are the same ones manim draws, so they change no pixel; a pasted layer
may differ from shape-by-shape drawing by a level or two where antialiased edges overlap
(tested against manim's camera).
"""
from __future__ import annotations

import itertools as it

import cairo
import numpy as np
from manim.camera.camera import CAP_STYLE_MAP, LINE_JOIN_MAP, Camera
from manim.mobject.mobject import Mobject
from manim.mobject.types.image_mobject import AbstractImageMobject
from manim.mobject.types.vectorized_mobject import VMobject
from PIL import Image

from nnanim.scenes.render.cairo_path import set_path
from nnanim.scenes.render.image_warp import warped_patch
from nnanim.scenes.render.static_layers import StaticLayers, fading_runs, same_points

#: paths or patches kept; past it that cache starts over (a scene shows a few thousand)
MAX_KEPT = 20_000


class CachedCamera(Camera):
    """Camera whose paths and image patches are reused while their mobject is unchanged."""

    def __init__(self, *args, **kwargs) -> None:
        self._drawn = None  # (background, drawing) the pixels hold; set before manim resets
        super().__init__(*args, **kwargs)
        self._paths: dict[int, tuple[np.ndarray, tuple, cairo.Path]] = {}
        self._patches: dict[int, tuple] = {}  # id -> (points, pixels, frame, box, patch)
        self._layers = StaticLayers()
        self._frame = self._frame_key()
        self._kinds: dict[type, type] = {}  # class -> the drawable type manim files it under
        self._background = None  # a background asked for and not yet copied into the pixels

    def capture_mobjects(self, mobjects, **kwargs) -> None:
        """Manim's capture (the shapes drawn over the pixels, in groups of one type), unless
        it would draw what the last capture drew over the same background: the pixels hold
        that picture still."""
        self._frame = self._frame_key()  # once a frame, not once a shape
        self._layers.next_capture()
        background, self._background = self._background, None
        mobjects = self.get_mobjects_to_display(mobjects, **kwargs)
        # only a frame over a kept background can repeat one (a reset starts a new picture)
        drawing = None if background is None else self._drawing(mobjects)
        last = self._drawn
        if drawing is not None and last is not None and last[0] is background \
                and last[1] == drawing:
            return
        if background is not None:
            super().set_frame_to_background(background)
        for kind, group in it.groupby(mobjects, self.type_or_raise):
            self.display_funcs[kind](list(group), self.pixel_array)
        self._drawn = None if drawing is None else (background, drawing)

    def set_frame_to_background(self, background) -> None:
        """Kept for ``capture_mobjects``, which copies it into the pixels unless the frame
        repeats the last one (manim calls this only right before a capture)."""
        self._background = background

    def set_pixel_array(self, pixel_array, convert_from_floats: bool = False) -> None:
        self._drawn = None  # the pixels no longer hold the last capture's picture
        super().set_pixel_array(pixel_array, convert_from_floats)

    def _drawing(self, mobjects: list) -> tuple | None:
        """What ``mobjects`` draw, as a value equal for equal pictures: the camera's frame
        and each shape's mark or image's corners and pixels; None where that is not known
        (a gradient, a shape over a background image, another kind of mobject)."""
        out = [self._frame]
        for mobject in mobjects:
            kind = self.type_or_raise(mobject)
            if kind is VMobject and mobject.get_background_image() is None:
                mark = self._layers.mark(mobject)
                if mark is None:
                    return None
                out.append(mark)
            elif kind is AbstractImageMobject:
                out.append((id(mobject), mobject.points.tobytes(),
                            mobject.get_pixel_array().tobytes(),
                            mobject.resampling_algorithm))
            elif kind is not Mobject:  # a plain Mobject draws nothing
                return None
        return tuple(out)

    def type_or_raise(self, mobject):
        """Manim's answer, kept per class: manim builds its table of drawable types anew for
        every mobject of every frame."""
        kind = self._kinds.get(type(mobject))
        if kind is None:
            kind = self._kinds[type(mobject)] = super().type_or_raise(mobject)
        return kind

    def display_multiple_non_background_colored_vmobjects(self, vmobjects, pixel_array):
        ctx = self.get_cairo_context(pixel_array)
        size = self.pixel_width, self.pixel_height
        for opacity, shapes in fading_runs(list(vmobjects)):
            if opacity is not None:
                self._layers.paste_faded(ctx, shapes, opacity, self._frame, *size,
                                         self.display_vectorized)
                continue
            for paste, run in self._layers.runs(shapes):
                if paste:
                    self._layers.paste(ctx, run, self._frame, *size, self.display_vectorized)
                    continue
                for vmobject in run:
                    self.display_vectorized(vmobject, ctx)

    def _frame_key(self) -> tuple:
        """What else a path or patch depends on: where the camera looks and how wide."""
        return (*np.asarray(self.frame_center, float).tolist(), float(self.frame_width),
                float(self.frame_height), self.pixel_width, self.pixel_height)

    # -- shapes ---------------------------------------------------------------------------
    def display_vectorized(self, vmobject, ctx: cairo.Context):
        """Manim's drawing of a shape (path; background stroke, fill, stroke), the same
        cairo calls for a shape of one fill and one stroke colour, read as attributes; and
        a paint that is fully transparent is skipped (it leaves every pixel as it was): the
        fill of a curve, the stroke of a glyph, a shape faded out. Colour gradients go
        through manim's own."""
        try:
            fill, stroke = vmobject.fill_rgbas, vmobject.stroke_rgbas
            back = vmobject.background_stroke_rgbas
        except AttributeError:  # a style never set
            return super().display_vectorized(vmobject, ctx)
        if len(fill) != 1 or len(stroke) != 1 or len(back) != 1:
            return super().display_vectorized(vmobject, ctx)
        back_width = vmobject.get_stroke_width(background=True)
        width = vmobject.get_stroke_width()
        paint_back = back_width > 0 and back[0, 3] > 0
        paint_fill = fill[0, 3] > 0
        paint_stroke = width > 0 and stroke[0, 3] > 0
        if not (paint_back or paint_fill or paint_stroke):
            return self
        self.set_cairo_context_path(ctx, vmobject)
        if paint_back:
            self._stroke(ctx, vmobject, back[0], back_width)
        if paint_fill:
            red, green, blue, alpha = fill[0].tolist()
            ctx.set_source_rgba(blue, green, red, alpha)  # manim's order (a BGRA surface)
            ctx.fill_preserve()
        if paint_stroke:
            self._stroke(ctx, vmobject, stroke[0], width)
        return self

    def _stroke(self, ctx: cairo.Context, vmobject, rgba: np.ndarray, width: float) -> None:
        """Manim's ``apply_stroke`` for one colour."""
        red, green, blue, alpha = rgba.tolist()
        ctx.set_source_rgba(blue, green, red, alpha)  # manim's order (a BGRA surface)
        ctx.set_line_width(width * self.cairo_line_width_multiple)
        ctx.set_line_join(LINE_JOIN_MAP[vmobject.joint_type])
        ctx.set_line_cap(CAP_STYLE_MAP[vmobject.cap_style])
        ctx.stroke_preserve()

    # -- paths ----------------------------------------------------------------------------
    def set_cairo_context_path(self, ctx: cairo.Context, vmobject):
        points = vmobject.points
        if len(points) == 0:  # manim leaves the context's path as it was: so do we
            return super().set_cairo_context_path(ctx, vmobject)
        frame = self._frame
        hit = self._paths.get(id(vmobject))
        # a reused id with equal points would give the same path: equality is the test
        # (points off by float rounding alone draw the same path: the kept one is replayed)
        if hit is not None and hit[1] == frame and same_points(hit[0], points):
            ctx.new_path()
            ctx.append_path(hit[2])
            return self
        if not set_path(ctx, vmobject, points):
            super().set_cairo_context_path(ctx, vmobject)
        _keep(self._paths, id(vmobject), (points.copy(), frame, ctx.copy_path()))
        return self

    # -- images ---------------------------------------------------------------------------
    def display_image_mobject(self, image_mobject, pixel_array: np.ndarray) -> None:
        points, pixels = image_mobject.points, image_mobject.get_pixel_array()
        frame = self._frame
        hit = self._patches.get(id(image_mobject))
        if hit is None or hit[2] != frame or not (_same(hit[0], points)
                                                   and _same(hit[1], pixels)):
            box, patch = self._warp(image_mobject, pixel_array)
            hit = (points.copy(), np.array(pixels, copy=True), frame, box, patch)
            _keep(self._patches, id(image_mobject), hit)
        if hit[4] is not None:
            _composite(pixel_array, hit[3], hit[4])

    def _warp(self, image_mobject, pixel_array: np.ndarray):
        """The image warped onto the frame as manim warps it, cropped to the pixels it
        covers: (box, patch), or (None, None) (``image_warp.py``)."""
        corners = self.points_to_subpixel_coords(image_mobject, image_mobject.points)
        return warped_patch(image_mobject.get_pixel_array(), corners,
                            (self.pixel_width, self.pixel_height),
                            image_mobject.resampling_algorithm)


def _same(kept: np.ndarray, now: np.ndarray) -> bool:
    return kept.shape == now.shape and kept.tobytes() == now.tobytes()


def _keep(cache: dict, key: int, value) -> None:
    if len(cache) >= MAX_KEPT:
        cache.clear()
    cache[key] = value


def _composite(pixel_array: np.ndarray, box: tuple, patch: Image.Image) -> None:
    """Alpha-composite ``patch`` over the frame's pixels inside ``box`` (the same sum as
    compositing the whole frame: outside the box the picture is transparent)."""
    x0, y0, x1, y1 = box
    under = Image.fromarray(np.ascontiguousarray(pixel_array[y0:y1, x0:x1]))
    pixel_array[y0:y1, x0:x1] = np.asarray(Image.alpha_composite(under, patch))
