"""Runs of shapes that stand still, drawn once into a transparent picture and pasted.

Manim redraws every shape above the first moving one at every frame, to keep their order:
a label over a moving curve, the digits of a table beside a sliding window. ``StaticLayers``
looks at what each shape would draw (its points, colours, widths, joints) at every frame.
A run of consecutive shapes that have not changed (beyond float rounding: ``same_points``)
for ``SETTLED`` frames is drawn once into
a transparent picture the size of what it covers (a *layer*) and, while every shape of the
run is unchanged, that layer is pasted over the frame in their place: one composite instead
of a path, a fill and a stroke per shape. Shapes that change, shapes with a colour gradient
(drawn from their whole family's extent) and runs shorter than ``MIN_RUN`` are drawn as
manim draws them.

A long still run is cut into *chunks* of about ``CHUNK`` shapes where its shapes' own marks
say (content-defined, as a deduplicating backup cuts files): the still background manim
draws at the start of each play and the runs above a moving shape start and end in other
places from play to play, and a chunk's layer serves wherever the same shapes, unchanged,
come in the same order. A chunk gets its layer the second time it is met.

A *fade* (``light_animations.Fade``) scales the alphas of its shapes at every frame, so none
of them stands still; over 90 % of the shapes drawn because they changed had changed only
that.
The fade tags its shapes with its ``Opacity``; a run of them is cut into parts whose shapes
paint no pixel twice, each part drawn once unfaded and pasted with the fade's factor as its
alpha (``paste_faded``). Where shapes overlap, or one paints fill and stroke, it is drawn
as manim draws it: a picture faded as one would hide what is under it within the picture.

Pasting composites the run's pixels in one step where manim composites shape after shape:
where antialiased edges of the run overlap, a pixel may differ by a level or two of 255
(tested against manim's camera on every scene).
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Callable, NamedTuple

import cairo
import numpy as np

#: shorter runs are drawn shape by shape (a paste costs about what a few shapes cost)
MIN_RUN = 4
#: frames a shape must have been drawn unchanged before it joins a layer
SETTLED = 2
#: points that differ by no more than this (in frame units, a 10⁻⁷ of a pixel) draw the same
NOISE = 1e-9
#: at most this many frames before a shape that changed often joins a layer
MAX_WAIT = 30
#: shapes remembered; past it the record starts over (a scene shows a few thousand)
MAX_SEEN = 20_000
#: pixels of layer a shape is worth: pasting costs about 0.4 ns a pixel, drawing a shape
#: 15–40 µs (a 720p frame's worth of layer is pasted in the time of about 20 shapes)
PIXELS_PER_SHAPE = 30_000
#: layers kept, in bytes of pixels (a 720p frame is 3.7 MB; most layers are smaller)
MAX_BYTES = 128 * 2**20
#: a still run is cut into chunks of about this many shapes, where its shapes' own marks
#: say (content-defined, so the same shapes cut alike in runs that start or end elsewhere)
CHUNK = 32
#: chunks remembered as met (a chunk gets a layer the second time it is met)
MAX_MET = 50_000


class Seen(NamedTuple):
    """What a shape drew last time (its points, kept, and the rest of its style), since
    which capture, and its layer identity."""

    points: np.ndarray
    style: tuple | None
    since: int
    changes: int  # how often it changed while seen
    mark: int  # unique to this state of this shape in this camera's life: a layer's key
    form: int  # as mark, but kept while only the alphas change (a fade): a faded layer's key


class Layer(NamedTuple):
    """A run's pixels: a premultiplied ARGB32 picture, where its corner goes, and the
    memory the picture borrows."""

    x: int
    y: int
    picture: cairo.ImageSurface | None  # None: the run covers no pixel
    pixels: np.ndarray | None = None

    @property
    def area(self) -> int:
        return 0 if self.pixels is None else self.pixels.shape[0] * self.pixels.shape[1]


def drawing_style(vmobject) -> tuple | None:
    """Everything but the points that manim's ``display_vectorized`` reads from the shape,
    as bytes and numbers; None for a shape that never joins a layer (a gradient depends on
    its family). Read as attributes, not through the getters: this runs for every shape at
    every frame."""
    try:
        fill, stroke = vmobject.fill_rgbas, vmobject.stroke_rgbas
        background = vmobject.background_stroke_rgbas
    except AttributeError:  # a style never set: manim draws it transparent, but rarely
        return None
    if len(fill) > 1 or len(stroke) > 1 or len(background) > 1 or vmobject.shade_in_3d:
        return None
    return (fill.tobytes(), stroke.tobytes(), background.tobytes(), vmobject.stroke_width,
            vmobject.background_stroke_width, vmobject.joint_type, vmobject.cap_style,
            vmobject.n_points_per_cubic_curve)


def same_points(kept: np.ndarray, now: np.ndarray) -> bool:
    """Whether ``now`` draws what ``kept`` drew: equal, or off by float rounding alone
    (``NOISE``), which an animation leaves on points it carries from a place to the
    same place."""
    if kept.shape != now.shape:
        return False
    return kept.tobytes() == now.tobytes() or (
        kept.size > 0 and float(np.abs(kept - now).max()) <= NOISE)


class StaticLayers:
    """The shapes seen so far and the layers of the runs that stood still."""

    def __init__(self) -> None:
        self._seen: dict[int, Seen] = {}
        self._layers: OrderedDict[tuple, Layer] = OrderedDict()  # least recently pasted first
        self._bytes = 0
        self._capture = 0
        self._marks = 0
        self._met: OrderedDict[tuple, None] = OrderedDict()  # chunks drawn, least recent first
        self._now: dict[int, bool] = {}  # id -> still, for the shapes looked at this capture

    def next_capture(self) -> None:
        """A new capture (frame) begins."""
        self._capture += 1
        self._now = {}
        if len(self._seen) > MAX_SEEN:
            self._seen.clear()

    def mark(self, vmobject) -> int | None:
        """What the shape draws now, as a number unique to that drawing in this camera's
        life; None for a shape whose drawing depends on more than itself (a gradient)."""
        self._still(vmobject)
        seen = self._seen[id(vmobject)]
        return None if seen.style is None else seen.mark

    def runs(self, vmobjects: list) -> list[tuple[bool, list]]:
        """``vmobjects`` in order, cut into runs: (True, chunk) to paste, (False, run) to
        draw."""
        still = [self._still(v) for v in vmobjects]
        out, i = [], 0
        while i < len(vmobjects):
            j = i + 1
            while j < len(vmobjects) and still[j] == still[i]:
                j += 1
            if still[i] and j - i >= MIN_RUN:
                out += [(True, chunk) for chunk in self._chunks(vmobjects[i:j])]
            elif out and not out[-1][0]:
                out[-1][1].extend(vmobjects[i:j])
            else:
                out.append((False, list(vmobjects[i:j])))
            i = j
        return out

    def _chunks(self, run: list) -> list[list]:
        """``run`` cut after every shape whose mark hashes to a boundary (about one in
        ``CHUNK``), no chunk shorter than ``MIN_RUN``: a run that grows, shrinks or is cut
        elsewhere by a moving shape keeps its inner chunks, and their layers."""
        chunks, start = [], 0
        for k, vmobject in enumerate(run):
            if k + 1 - start >= MIN_RUN and _boundary(self._seen[id(vmobject)].mark):
                chunks.append(run[start:k + 1])
                start = k + 1
        if start < len(run):
            if chunks and len(run) - start < MIN_RUN:
                chunks[-1] = chunks[-1] + run[start:]
            else:
                chunks.append(run[start:])
        return chunks

    def _still(self, vmobject) -> bool:
        """Record what the shape draws now; whether it has drawn that long enough: SETTLED
        captures, and longer for a shape that has changed often (a counter that changes
        every few frames would otherwise cut its run in two and join it again, and every
        join draws a new layer). Asked again in the same capture, the same answer."""
        known = self._now.get(id(vmobject))
        if known is not None:
            return known
        self._now[id(vmobject)] = still = self._look(vmobject)
        return still

    def _look(self, vmobject) -> bool:
        style, points = drawing_style(vmobject), vmobject.points
        seen = self._seen.get(id(vmobject))
        moved = seen is None or not same_points(seen.points, points)
        if moved or seen.style != style:
            # marks are never reused, not even once ``_seen`` starts over or a dead shape's
            # id is given to a new one: a layer's key cannot name other pixels
            self._marks += 1
            changes = 0 if seen is None else seen.changes + 1
            faded = not moved and _only_alphas(seen.style, style)
            self._seen[id(vmobject)] = Seen(
                seen.points if faded else points.copy(), style, self._capture, changes,
                self._marks, seen.form if faded else self._marks)
            return False
        wait = min(SETTLED * (1 + seen.changes), MAX_WAIT)
        return style is not None and self._capture - seen.since >= wait

    def paste(self, ctx: cairo.Context, run: list, frame: tuple, width: int, height: int,
              draw: Callable) -> None:
        """Paste the layer of the chunk ``run`` over ``ctx``'s surface, or draw its shapes
        with ``draw(vmobject, ctx)``: a chunk met for the first time is drawn (one that
        changes every frame, like dashes appearing one by one, is never met twice and never
        pays for a layer), met again (in this play or a later one) it gets a layer, and a
        layer wider than its shapes are worth (``PIXELS_PER_SHAPE``) is not pasted."""
        key = (frame, *(self._seen[id(v)].mark for v in run))
        layer = self._layers.get(key)
        if layer is None and key in self._met:
            layer = self._keep(key, _draw_layer(run, ctx.get_matrix(), width, height, draw))
        if layer is None or layer.area > PIXELS_PER_SHAPE * len(run):
            self._meet(key)
            for vmobject in run:
                draw(vmobject, ctx)
            return
        self._layers.move_to_end(key)
        if layer.picture is None:
            return
        ctx.save()
        ctx.identity_matrix()
        ctx.set_source_surface(layer.picture, layer.x, layer.y)
        ctx.paint()
        ctx.restore()

    def form(self, vmobject) -> int:
        """What the shape draws now but for its alphas (``Seen.form``)."""
        self._still(vmobject)
        return self._seen[id(vmobject)].form

    def paste_faded(self, ctx: cairo.Context, run: list, opacity, frame: tuple, width: int,
                    height: int, draw: Callable) -> None:
        """The run of shapes that ``opacity`` (a fade's ``Opacity``) scales, faded by its
        factor. The run is cut into parts of shapes that paint no pixel twice
        (``apart_parts``); a part's picture, unfaded, is drawn once (at the fade's second
        frame: a fade of one frame is drawn as manim draws it) and pasted with the factor
        as its alpha at every frame while the shapes' forms (``Seen.form``) stay. Pasted
        over each other in order, the parts give manim's picture within a level or two of
        rounding. Shorter parts, a gradient, or a layer wider than its shapes are
        worth are drawn shape by shape, faded, as manim draws them."""
        factor = opacity.factor
        parts = self._faded_parts(run, opacity, frame, ctx.get_matrix(), width, height, draw) \
            if opacity.holds() else [(0, len(run), None)]  # alphas set by more than the fade
        for start, stop, layer in parts:
            if layer is None or layer.area > PIXELS_PER_SHAPE * (stop - start):
                for vmobject in run[start:stop]:
                    draw(vmobject, ctx)
            elif layer.picture is not None:
                ctx.save()
                ctx.identity_matrix()
                ctx.set_source_surface(layer.picture, layer.x, layer.y)
                ctx.paint_with_alpha(factor)
                ctx.restore()

    def _faded_parts(self, run: list, opacity, frame: tuple, matrix: cairo.Matrix,
                     width: int, height: int, draw: Callable
                     ) -> list[tuple[int, int, Layer | None]]:
        """(start, stop, layer or None: draw them one by one) for ``run`` unfaded, kept
        while its shapes' forms (all but the alphas the fade scales) stay."""
        factor = opacity.factor
        key = ("faded", frame, opacity.serial, *(self.form(v) for v in run))
        parts = self._layers.get(key)
        if parts is None and key not in self._met:  # a fade of one frame pays for no layer
            self._meet(key)
            return [(0, len(run), None)]
        if parts is None:
            opacity.scale(1.0)  # the shapes as they are unfaded (exactly: from the kept alphas)
            try:
                styles = [drawing_style(v) for v in run]
                parts = [(0, len(run), None)] if None in styles else [
                    (a, b, _draw_layer(run[a:b], matrix, width, height, draw,
                                       _pixel_box(box, width, height))
                     if b - a >= MIN_RUN else None)
                    for a, b, box in apart_parts(run, styles, matrix)]
            finally:
                opacity.scale(factor)
            self._keep(key, parts)
        self._layers.move_to_end(key)
        return parts

    def _meet(self, key: tuple) -> None:
        self._met[key] = None
        self._met.move_to_end(key)
        if len(self._met) > MAX_MET:
            self._met.popitem(last=False)

    def _keep(self, key: tuple, layer: Layer) -> Layer:
        """Keep ``layer``; drop the least recently pasted ones past ``MAX_BYTES``."""
        self._layers[key] = layer
        self._bytes += _size(layer)
        while self._bytes > MAX_BYTES and len(self._layers) > 1:
            self._bytes -= _size(self._layers.popitem(last=False)[1])
        return layer


#: manim's stroke width unit in scene units (``Camera.cairo_line_width_multiple``)
LINE_WIDTH = 0.01


def apart_parts(run: list, styles: list, matrix: cairo.Matrix
                ) -> list[tuple[int, int, tuple | None]]:
    """``run`` (each shape with its ``drawing_style``) cut, in order, into parts whose
    shapes paint no pixel twice: each paints one of fill, stroke and background stroke, and
    the pixels their points' boxes touch (``matrix``: scene to pixels), widened by a
    stroke's reach, are not shared (a Bézier curve stays within its points' box; cairo's
    antialiasing paints only pixels a shape covers part of). (start, stop, the part's pixel
    box); a shape that paints more than one is a part of its own, with no box."""
    parts, start, boxes = [], 0, np.zeros((0, 4))

    def close(stop: int) -> None:
        parts.append((start, stop, (*boxes[:, :2].min(axis=0), *boxes[:, 2:].max(axis=0))))

    for k, (vmobject, style) in enumerate(zip(run, styles)):
        box = _pixels_touched(vmobject, style, matrix)
        meets = box is None or bool((
            (boxes[:, 0] < box[2]) & (box[0] < boxes[:, 2])
            & (boxes[:, 1] < box[3]) & (box[1] < boxes[:, 3])).any())
        if meets and k > start:
            close(k)
            start, boxes = k, np.zeros((0, 4))
        if box is None:
            parts.append((k, k + 1, None))
            start = k + 1
        else:
            boxes = np.vstack([boxes, box])
    if start < len(run):
        close(len(run))
    return parts


def _pixels_touched(vmobject, style: tuple, matrix: cairo.Matrix) -> np.ndarray | None:
    """(x0, y0, x1, y1): the pixels [x0, x1) × [y0, y1) the shape may paint, or None for a
    shape that paints twice."""
    fill, stroke, back = (np.frombuffer(rgbas)[3] for rgbas in style[:3])
    width, back_width = style[3], style[4]
    paints = [fill > 0, stroke > 0 and width > 0, back > 0 and back_width > 0]
    if sum(paints) > 1:
        return None
    # a stroke reaches half its width beyond the path, a mitred corner up to cairo's miter
    # limit (10) times that
    reach = 0.0 if paints[0] else 10 * max(width, back_width) * LINE_WIDTH / 2
    points = vmobject.points[:, :2]
    (x0, y0), (x1, y1) = points.min(axis=0) - reach, points.max(axis=0) + reach
    corners = [matrix.transform_point(x, y) for x, y in ((x0, y0), (x1, y1))]
    xs, ys = sorted(c[0] for c in corners), sorted(c[1] for c in corners)
    return np.array([np.floor(xs[0]), np.floor(ys[0]), np.ceil(xs[1]), np.ceil(ys[1])])


def fading_runs(vmobjects: list) -> list[tuple[object, list]]:
    """``vmobjects`` in order, cut into (opacity, run): runs of at least ``MIN_RUN`` shapes
    that one fade scales, part way (its ``Opacity``: a shape's ``fading``, set by a
    ``Fade`` of its family), and (None, run) for the rest."""
    out: list[tuple[object, list]] = []
    for vmobject in vmobjects:
        opacity = getattr(vmobject, "fading", None)
        if opacity is not None and not (0.0 < opacity.factor < 1.0
                                        and id(vmobject) in opacity.members):
            opacity = None
        if out and out[-1][0] is opacity:
            out[-1][1].append(vmobject)
        else:
            out.append((opacity, [vmobject]))
    merged: list[tuple[object, list]] = []
    for opacity, run in out:  # a short fading run is drawn with its neighbours
        if opacity is not None and len(run) < MIN_RUN:
            opacity = None
        if merged and opacity is None and merged[-1][0] is None:
            merged[-1][1].extend(run)
        else:
            merged.append((opacity, run))
    return merged


def _only_alphas(old: tuple | None, new: tuple | None) -> bool:
    """Whether two drawing styles differ in their colours' alphas alone, none of which
    turned to or from zero (a fade scales the alphas that are not zero). A style's colours
    are one RGBA row of float64 each, as bytes: red, green, blue in the first 24."""
    if old is None or new is None or old[3:] != new[3:]:
        return False
    return all(a[:24] == b[:24] and (a[24:] == _ZERO) == (b[24:] == _ZERO)
               for a, b in zip(old[:3], new[:3]))


_ZERO = bytes(8)  # 0.0 as float64


def _boundary(mark: int) -> bool:
    """Whether a chunk ends at the shape of ``mark``: true for about one mark in CHUNK,
    scattered (marks are consecutive integers)."""
    return (mark * 2654435761) % 2**32 < 2**32 // CHUNK


def _size(layer: Layer | list) -> int:
    """Bytes of a layer's pixels, or of a faded run's parts' layers."""
    if isinstance(layer, list):
        return sum(_size(part) for _, _, part in layer if part is not None)
    return 0 if layer.pixels is None else layer.pixels.nbytes


def _pixel_box(box: tuple | None, width: int, height: int
               ) -> tuple[int, int, int, int] | None:
    """``box`` (pixels, from ``apart_parts``) within the frame, or None: the whole frame."""
    if box is None:
        return None
    x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
    return (x0, y0, max(x0 + 1, min(width, int(box[2]))), max(y0 + 1, min(height, int(box[3]))))


def _draw_layer(run: list, matrix: cairo.Matrix, width: int, height: int,
                draw: Callable, box: tuple[int, int, int, int] | None = None) -> Layer:
    """Draw ``run`` on a transparent frame with the frame's transform (only the pixels
    ``box`` of it, where the run is known to lie); crop it to the pixels it covers."""
    left, top, right, bottom = box if box is not None else (0, 0, width, height)
    surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, right - left, bottom - top)
    ctx = cairo.Context(surface)
    ctx.set_matrix(matrix.multiply(cairo.Matrix(x0=-left, y0=-top)))
    for vmobject in run:
        draw(vmobject, ctx)
    surface.flush()
    stride = surface.get_stride()
    pixels = np.ndarray((bottom - top, stride // 4, 4), np.uint8,
                        surface.get_data())[:, :right - left]
    covered = pixels[..., 3] > 0
    rows, cols = np.flatnonzero(covered.any(1)), np.flatnonzero(covered.any(0))
    if len(rows) == 0:
        return Layer(0, 0, None)
    y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    crop = np.ascontiguousarray(pixels[y0:y1, x0:x1])
    picture = cairo.ImageSurface.create_for_data(memoryview(crop), cairo.FORMAT_ARGB32,
                                                 int(x1 - x0), int(y1 - y0))
    return Layer(int(x0 + left), int(y0 + top), picture, crop)
