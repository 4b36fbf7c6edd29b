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
        if seen is None or seen.style != style or not same_points(seen.points, points):
            # marks are never reused, not even once ``_seen`` starts over or a dead shape's
            # id is given to a new one: a layer's key cannot name other pixels
            self._marks += 1
            changes = 0 if seen is None else seen.changes + 1
            self._seen[id(vmobject)] = Seen(points.copy(), style, self._capture, changes,
                                            self._marks)
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


def _boundary(mark: int) -> bool:
    """Whether a chunk ends at the shape of ``mark``: true for about one mark in CHUNK,
    scattered (marks are consecutive integers)."""
    return (mark * 2654435761) % 2**32 < 2**32 // CHUNK


def _size(layer: Layer) -> int:
    return 0 if layer.pixels is None else layer.pixels.nbytes


def _draw_layer(run: list, matrix: cairo.Matrix, width: int, height: int,
                draw: Callable) -> Layer:
    """Draw ``run`` on a transparent frame with the frame's transform; crop it to the pixels
    it covers."""
    surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, width, height)
    ctx = cairo.Context(surface)
    ctx.set_matrix(matrix)
    for vmobject in run:
        draw(vmobject, ctx)
    surface.flush()
    stride = surface.get_stride()
    pixels = np.ndarray((height, stride // 4, 4), np.uint8, surface.get_data())[:, :width]
    covered = pixels[..., 3] > 0
    rows, cols = np.flatnonzero(covered.any(1)), np.flatnonzero(covered.any(0))
    if len(rows) == 0:
        return Layer(0, 0, None)
    y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    crop = np.ascontiguousarray(pixels[y0:y1, x0:x1])
    picture = cairo.ImageSurface.create_for_data(memoryview(crop), cairo.FORMAT_ARGB32,
                                                 int(x1 - x0), int(y1 - y0))
    return Layer(int(x0), int(y0), picture, crop)
