"""ConvolutionBackward: backpropagation through a convolution, with the trace's numbers.

    Y = I ∗ K                              the forward pass
    ∂L/∂K = I ∗ ∂L/∂Y                      the upstream gradient slides over the input
    ∂L/∂I = pad_{k−1}(∂L/∂Y) ∗ rot180(K)   the full convolution with the flipped kernel

Names as in the deck and the other convolution scenes (Convolution, ConvolutionAsMatrix,
EdgeDetection): input I, kernel K, the operator ∗; the output, which they write I ∗ K, is
called Y here so that its gradient has a name, ∂L/∂Y. The row of maps states an equation
only while it is true: its ∗ and = leave before the output turns into ∂L/∂Y, and come back
when the maps beside them make the equation again (each map and operator of the row is
tagged with what it stands for, ``says``, for the tests).

Default run: ``conv_backward_deck``, a probe of the deck's I and K with a small integer
upstream gradient, so every product can be read. ``--trace`` also takes a network trace
with a Conv2D layer (e.g. mnist_cnn): the scene then shows sample 1, input channel 1 and
filter 1 of the first fully recorded step, maps larger than 6×6 as heatmaps, and says what
the traced sums add up (the batch's samples, the filters).

    manim -qm scenes/convolution_backward.py ConvolutionBackward
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (DOWN, PI, RIGHT, UL, UP, Animation, AnimationGroup, Create,
                   FadeTransform, Group, LaggedStart, Line, Mobject, Rectangle,
                   ReplacementTransform, Succession, Transform, TransformFromCopy, ValueTracker,
                   VGroup, linear)

from nnanim.engine.errors import TraceError
from nnanim.scenes.base import TraceScene
from nnanim.scenes.format import fmt_auto, fmt_minus, minus_sign
from nnanim.scenes.layout import reading_time
from nnanim.scenes.mobjects.heatmap import Heatmap, colorize
from nnanim.scenes.mobjects.light_animations import fade_in, fade_out
from nnanim.scenes.mobjects.light_text import light
from nnanim.scenes.mobjects.padded_grid import PaddedGrid
from nnanim.scenes.mobjects.product_sum import ProductSum
from nnanim.scenes.mobjects.styled_curve import dashed_outline
from nnanim.scenes.mobjects.value_grid import ValueGrid

QUANTITIES = ("input", "W", "output", "grad_output", "grad_input", "W.grad", "b.grad")
MAX_SIDE = 6                 # inputs up to 6×6 are drawn with their numbers, larger as heatmaps
PAD_CELL, PAD_ROW_Y = 0.7, 0.42  # cells of the padded ∂L/∂Y (numbers drawn), its row
WINDOW_FILL = 0.14           # the sliding window's tint (its cells' numbers show through)
ROW_Y = 0.3                  # centre of the row of maps
TITLE_Y, FORMULA_Y = 3.45, 2.6
LINE_Y, NOTE_Y = -2.9, -3.6    # the worked sum, the note under it
MAX_WIDTH = 13.4             # widest line of text
CHAR_WIDTH = 0.0081          # width of a DejaVu Sans digit per point of font size
D = r"\partial"


def at(i: int, j: int) -> str:
    """A 1-based position as the deck writes it: (1,1) is the top-left entry."""
    return f"({i + 1},{j + 1})"


def named(m: Mobject, says: str) -> Mobject:
    """Tag a map or operator of the row with what it stands for ("I", "∂L/∂Y", "=", …):
    the tests read the row's equation from these tags at every play."""
    m.says = says
    return m


def font_for(values: np.ndarray, cell: float) -> float:
    """One font size for a grid's numbers: the largest at which the longest fits its cell."""
    longest = max(len(fmt_auto(v)) for v in np.ravel(values))
    return min(cell * 38, 0.85 * cell / (CHAR_WIDTH * longest))


@dataclass(frozen=True)
class ConvSlice:
    """The 2-D slice of a Conv2D layer the scene shows: sample ``n``, input channel ``c``,
    filter ``o`` of a stride-1 unpadded convolution at one traced step."""

    layer: str
    step: int
    network: bool
    batch: int               # samples ∂L/∂K and ∂L/∂b add up (1 for a probe)
    filters: int             # filters ∂L/∂I adds up
    in_shape: tuple[int, int]
    kernel: tuple[int, int]
    n: int = 0
    c: int = 0
    o: int = 0

    @property
    def out_shape(self) -> tuple[int, int]:
        return (self.in_shape[0] - self.kernel[0] + 1, self.in_shape[1] - self.kernel[1] + 1)

    def index(self, quantity: str, i: int, j: int) -> tuple[int, ...]:
        """Index of entry (i, j) of the slice in the traced array of ``quantity``."""
        if quantity in ("input", "grad_input"):
            return (self.n, self.c, i, j)
        if quantity in ("output", "grad_output"):
            return (self.n, self.o, i, j)
        return (self.o, self.c, i, j)  # W, W.grad


def find_conv(trace) -> ConvSlice:
    """The first Conv2D layer of a probe or network trace, at its first step with every
    quantity recorded; TraceError (one line) when the trace cannot show the scene."""
    if trace.kind not in ("layer", "network"):
        raise TraceError(f"ConvolutionBackward needs a Conv2D probe or a network trace with a "
                         f"Conv2D layer; {trace.path} is a '{trace.kind}' trace")
    info = next((i for i in trace.layer_info if i.get("type") == "Conv2D"), None)
    if info is None:
        types = ", ".join(i.get("type", "?") for i in trace.layer_info) or "none"
        raise TraceError(f"ConvolutionBackward needs a Conv2D layer; {trace.path} has {types}")
    name = info["name"]
    step = next((s for s in trace.steps if all(trace.has(s, name, q) for q in QUANTITIES)),
                None)
    if step is None:
        raise TraceError(f"ConvolutionBackward needs {name}/{', '.join(QUANTITIES)} at one "
                         f"recorded step (record inputs, outputs, gradients and parameters)")
    x = trace.get(step, name, "input")
    w = trace.get(step, name, "W")
    (h, wd), (kh, kw) = x.shape[2:], w.shape[2:]
    settings = trace.layer_settings(name)
    if settings["stride"] != [1, 1] or any(settings["padding"]):
        raise TraceError(f"ConvolutionBackward shows stride-1 convolutions without padding; "
                         f"{name} is {info.get('describe', '?')}")
    batch = 1
    if trace.kind == "network":
        entry = next(e for e in trace.manifest["steps"] if e["step"] == step)
        n_train = len(trace.static("data/train_indices"))
        size = trace.config.get("training", {}).get("batch_size") or n_train
        batch = min(size, n_train - entry.get("batch", 0) * size)
    return ConvSlice(name, step, trace.kind == "network", batch, w.shape[0], (h, wd), (kh, kw))


def outlined(hm: Heatmap, theme) -> Heatmap:
    """A heatmap with a thin outline, so a sparse map still shows its extent."""
    hm.add(Rectangle(width=hm.width, height=hm.height, stroke_color=theme.grid,
                     stroke_width=2).move_to(hm))
    return hm


def gradient_heatmap(values: np.ndarray, theme, height: float, outline: bool = True) -> Heatmap:
    """A signed gradient map in the gradient colour: positive entries in theme.gradient,
    negative ones in theme.muted, zero as the background. The scale saturates at the 90th
    percentile of the non-zero magnitudes, so a few large entries do not hide the rest."""
    hm = Heatmap(values, theme, height=height, signed=True)
    mags = np.abs(values[values != 0])
    vmax = float(np.percentile(mags, 90)) if mags.size else None
    hm.pixel_array = colorize(values, theme.muted, theme.gradient, mid=theme.background,
                              vmax=vmax)
    return outlined(hm, theme) if outline else hm


class Glide(Animation):
    """Moves a mobject by ``vector`` without copying it first (``.animate`` deep-copies the
    mobject at every window position)."""

    def __init__(self, mobject: Mobject, vector: np.ndarray, **kwargs) -> None:
        self.vector = np.asarray(vector, dtype=float)
        self.moved = np.zeros(3)
        super().__init__(mobject, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return Mobject()

    def interpolate_mobject(self, alpha: float) -> None:
        step = self.rate_func(alpha) * self.vector
        self.mobject.shift(step - self.moved)
        self.moved = step


class ConvolutionBackward(TraceScene):
    """Backward through the deck's convolution: ∂L/∂K and ∂L/∂I from a traced step.

    Sections
      dK       forward Y = I ∗ K; its ∗ and = leave, then Y turns into the upstream ∂L/∂Y,
               which takes K's place: I ∗ ∂L/∂Y = ∂L/∂K. A window outlined like ∂L/∂Y
               slides over I; each of the 3×3 kernel positions writes its products and
               the traced ∂L/∂K
      dI       ∂L/∂Y padded by k−1 zeros (dashed), K rotated 180°; only then ∗ and = join
               the row, and the window (outlined like the flipped kernel) slides over the
               padded ∂L/∂Y, each position filling the traced ∂L/∂I (first slowly, then fast)
      summary  both formulas with their traced results, and ∂L/∂b = Σ ∂L/∂Y
    Products are display arithmetic of traced factors; every sum is the traced result.
    Notes under the maps are captions, held for their reading time.
    duration: about 85 s at speed 1 (deck probe); a network trace plays about as long.
    """

    title = "Backpropagation through a convolution"
    description = ("∂L/∂K as the input correlated with ∂L/∂Y, ∂L/∂I "
                   "as a full convolution with the flipped kernel")
    runs = {"main": "conv_backward_deck"}
    trace_kind = ("layer", "network")  # a layer probe, or a network with a conv layer
    duration = 85.0

    def check_trace(self, role, trace) -> None:
        self.conv = find_conv(trace)

    # -- traced numbers ---------------------------------------------------------------------
    def num(self, quantity: str, i: int, j: int) -> tuple[float, str]:
        cv = self.conv
        return self.number("main", cv.step, cv.layer, quantity, cv.index(quantity, i, j),
                           formatter=fmt_auto)

    def plane(self, quantity: str) -> np.ndarray:
        """The shown 2-D slice of a traced array (for layout and heatmap colours)."""
        cv = self.conv
        a = self.array("main", cv.step, cv.layer, quantity)
        return a[cv.o, cv.c] if quantity in ("W", "W.grad") else \
            a[cv.n, cv.o if quantity in ("output", "grad_output") else cv.c]

    def traced(self, quantity: str) -> np.ndarray:
        """The slice with every entry recorded as shown (it is about to be written)."""
        h, w = self.plane(quantity).shape
        return np.array([[self.num(quantity, i, j)[0] for j in range(w)] for i in range(h)])

    # -- maps -------------------------------------------------------------------------------
    def grid(self, values: np.ndarray, color: str, cell: float,
             blank: bool = False) -> ValueGrid:
        """A ValueGrid with one font size for all its numbers (``font_for``)."""
        return light(ValueGrid(values, self.theme, cell=cell, color=color,
                               font_size=font_for(values, cell), formatter=fmt_minus,
                               blank=np.ones(values.shape, bool) if blank else None))

    def map(self, quantity: str, color: str, cell: float, px: float) -> Mobject:
        """A traced map: a numbered grid when the maps are small, else a heatmap with
        pixels ``px`` tall (no numbers to record)."""
        if self.small or quantity in ("W", "W.grad"):
            return self.grid(self.traced(quantity), color, cell)
        values = self.plane(quantity)
        if color == self.theme.gradient:
            return gradient_heatmap(values, self.theme, px * values.shape[0])
        return outlined(Heatmap(values, self.theme, height=px * values.shape[0], color=color),
                        self.theme)

    @staticmethod
    def block(m: Mobject, i: int, j: int, h: int, w: int) -> tuple[np.ndarray, float, float]:
        """(centre, width, height) of the h×w block of cells with top-left (i, j) of a
        ValueGrid or a Heatmap."""
        rows, cols = m.values.shape
        px_w, px_h = m.width / cols, m.height / rows
        left, top = m.get_corner(UL)[:2]
        centre = np.array([left + (j + w / 2) * px_w, top - (i + h / 2) * px_h, 0.0])
        return centre, w * px_w, h * px_h

    def frame(self, m: Mobject, i: int, j: int, h: int, w: int, color: str,
              width: float = 5.0) -> Rectangle:
        centre, fw, fh = self.block(m, i, j, h, w)
        return Rectangle(width=fw, height=fh, stroke_color=color,
                         stroke_width=width).move_to(centre)

    def window_from(self, m: Mobject, source: Mobject) -> tuple[Rectangle, list]:
        """A window the shape of map ``source`` at the top-left of map ``m``, and the
        animations that bring it: an outline of ``source`` in the window's colour (kept in
        ``self.mark`` while the window slides), from which the window flies onto ``m``, so
        it reads as ``source`` laid over ``m``. The window carries no numbers: written
        small in ``m``'s cells they read as subscripts of ``m``'s numbers (issue #10);
        the worked sum below pairs the factors."""
        th, (h, w) = self.theme, source.values.shape
        self.mark = self.frame(source, 0, 0, h, w, th.active)
        window = self.frame(m, 0, 0, h, w, th.active).set_fill(th.active, WINDOW_FILL)
        return window, [fade_in(self.mark), TransformFromCopy(self.mark, window)]

    def under(self, m: Mobject, text: str, color: str, y: float) -> Mobject:
        return self.label(text, size=24, color=color).move_to([m.get_x(), y, 0])

    def fit(self, m: Mobject) -> Mobject:
        """``m`` (a line of text) scaled down to MAX_WIDTH if wider, glyph paths dropped."""
        light(m)
        return m.scale_to_fit_width(MAX_WIDTH) if m.width > MAX_WIDTH else m

    def row(self, *items: Mobject, y: float = ROW_Y) -> Group:
        """Maps and operators side by side, centred on the row line (at ``y``)."""
        group = Group(*items).arrange(RIGHT, buff=0.45)
        group.move_to([0, y, 0])
        for m in items:
            m.set_y(y)
        return group

    def op(self, tex: str, says: str) -> Mobject:
        return named(self.tex(tex, size=48, color=self.theme.muted), says)

    def ops(self) -> tuple[Mobject, Mobject]:
        """The row's ∗ and =."""
        return self.op(r"\ast", "∗"), self.op("=", "=")

    def note(self, text: str, y: float = NOTE_Y, color: str | None = None) -> Mobject:
        return self.fit(self.label(text, size=22, color=color or self.theme.muted)).move_to(
            [0, y, 0])

    def caption_note(self, text: str, y: float = NOTE_Y, color: str | None = None) -> Mobject:
        """A note the audience must read: marked as a caption (its reading time is
        checked); ``read`` waits for it."""
        return self.as_caption(self.note(text, y, color))

    def read(self, note: Mobject, least: float = 0.6) -> None:
        """Wait (a still) until ``note``, fully shown since the last play, has been on
        screen its reading time: 1 s + 0.3 s a word."""
        self.wait(self.t(max(least, reading_time(note.original_text))))

    def formula(self, parts: list[tuple[str, str]], size: float = 40) -> Mobject:
        tex = self.tex(*[p for p, _ in parts], size=size)
        for piece, (_, color) in zip(tex, parts):
            piece.set_color(self.theme.ink(color))
        return tex

    def swap(self, old: Mobject | None, new: Mobject) -> list:
        return [fade_in(new)] if old is None else [fade_out(old), fade_in(new)]

    def glide(self, window: Mobject, m: Mobject, i: int, j: int, h: int, w: int) -> Glide:
        """The window moving onto block (i, j) of map ``m``."""
        return Glide(window, self.block(m, i, j, h, w)[0] - window.get_center())

    def visit(self, i: int, glide: Animation, grid: ValueGrid, cell: tuple[int, int],
              quantity: str, line: Mobject | None, new_line: ProductSum) -> ProductSum:
        """One window position: the window glides there and the active cell with it, the
        worked sum replaces the last one (faded in for the slow first positions, cut after),
        then the traced result flies from the sum into its cell."""
        target = grid.square(*cell).copy().set_stroke(self.theme.active, width=6)
        anims = [glide, Create(target) if self.active is None else Transform(self.active,
                                                                              target)]
        self.active = self.active or target
        slow = i < 3
        if slow:
            anims += self.swap(line, new_line)
        else:
            self.remove(line)
            self.add(new_line)
        value = light(grid.make_text(self.num(quantity, *cell)[0]))
        value.move_to(grid.square(*cell))
        fill = TransformFromCopy(new_line.result_glyphs, value)
        if slow:
            self.play(*anims, run_time=self.pace(i, first=0.9))
            self.wait(self.pace(i, first=0.8))
            self.play(fill, run_time=self.pace(i, first=0.7))
        else:  # one animation a position: the window moves, then the result lands
            self.play(Succession(AnimationGroup(*anims), fill), run_time=self.t(0.45))
        grid.add(value)
        return new_line

    # -- the scene --------------------------------------------------------------------------
    def construct(self) -> None:
        cv = self.conv
        self.small = max(cv.in_shape) <= MAX_SIDE
        self.next_section("dK")
        self.kernel_gradient()
        self.next_section("dI")
        self.input_gradient()
        self.next_section("summary")
        self.summary()

    def kernel_gradient(self) -> None:
        th, cv = self.theme, self.conv
        (h, w), (kh, kw), (oh, ow) = cv.in_shape, cv.kernel, cv.out_shape
        cell, px = 0.72, 3.4 / max(h, w)
        kcell = 0.72 if self.small else 1.25

        # forward, to set the scene: Y = I ∗ K
        name = (f"Backward through {cv.layer} at training step {cv.step}" if cv.network
                else "Backward through a convolution")
        title = self.label(name, size=36).move_to([0, TITLE_Y, 0])
        fwd = self.formula([("Y", th.value), ("=", th.text), ("I", th.value),
                            (r"\ast", th.text), ("K", th.weight)])
        fwd.move_to([0, FORMULA_Y, 0])
        x = named(self.map("input", th.value, cell, px), "I")
        k = named(self.map("W", th.weight, kcell, px), "K")
        y = named(self.map("output", th.value, cell, px), "Y")
        star, eq = self.ops()
        self.row(x, star, k, eq, y)
        label_y = x.get_bottom()[1] - 0.35
        x_lab = self.under(x, "input I", th.value, label_y)
        k_lab = self.under(k, "kernel K", th.weight, label_y)
        y_lab = self.under(y, "output Y", th.value, label_y)
        self.play(fade_in(title), fade_in(fwd), run_time=self.t(0.8))
        self.play(LaggedStart(fade_in(Group(x, x_lab)), fade_in(VGroup(star, k, k_lab)),
                              fade_in(Group(eq, y, y_lab)), lag_ratio=0.3),
                  run_time=self.t(1.5))
        self.wait(self.t(0.6))

        # the layer above sends ∂L/∂Y, shaped like Y. The ∗ and = leave first: beside
        # ∂L/∂Y they would say I ∗ K = ∂L/∂Y (issue #10)
        g = named(self.map("grad_output", th.gradient, cell, px).move_to(y), "∂L/∂Y")
        g_lab = self.under(g, "upstream ∂L/∂Y", th.gradient, label_y)
        ask = self.caption_note("needed: ∂L/∂K to update K, and ∂L/∂I for the layer below",
                                y=LINE_Y, color=th.text)
        back = self.formula([(r"\text{backward: the layer above sends }", th.text),
                             (rf"{D} L / {D} Y", th.gradient)])
        back.move_to(fwd)
        self.play(fade_out(VGroup(star, eq)), fade_out(fwd), run_time=self.t(0.6))
        y_to_g = ReplacementTransform(y, g) if self.small else fade_in(g)
        self.play(y_to_g, FadeTransform(y_lab, g_lab), fade_in(back), fade_in(ask),
                  run_time=self.t(1.2))
        self.read(ask)
        if not self.small:
            self.remove(y)

        # I ∗ ∂L/∂Y = ∂L/∂K: the upstream gradient takes the kernel's place, and the row's
        # ∗ and = come back with the (empty) ∂L/∂K
        dk = self.grid(self.plane("W.grad"), th.gradient, kcell, blank=True).move_to(y)
        named(dk.cells, "∂L/∂K")
        dk_lab = self.under(dk, "∂L/∂K", th.gradient, label_y)
        rule = self.formula([(rf"\frac{{{D} L}}{{{D} K}}", th.gradient), ("=", th.text),
                             ("I", th.value), (r"\ast", th.text),
                             (rf"\frac{{{D} L}}{{{D} Y}}", th.gradient)], size=44)
        index = self.formula([(rf"\frac{{{D} L}}{{{D} K_{{ab}}}}", th.gradient), ("=", th.text),
                              (r"\sum_{p,q}", th.text), (r"I_{p+a,\,q+b}", th.value),
                              (rf"\frac{{{D} L}}{{{D} Y_{{pq}}}}", th.gradient)], size=32)
        VGroup(rule, index).arrange(RIGHT, buff=1.0).move_to([0, TITLE_Y - 0.35, 0])
        g_target = g.copy().move_to(k)
        self.play(fade_out(VGroup(k, k_lab, title, back, ask)), run_time=self.t(0.6))
        self.play(g.animate.move_to(g_target), g_lab.animate.set_x(k.get_x()),
                  fade_in(rule), run_time=self.t(1.0))
        self.play(Create(dk.cells), fade_in(VGroup(star, eq)), fade_in(dk_lab), fade_in(index),
                  run_time=self.t(0.9))
        self.wait(self.t(1.0))

        # the window: ∂L/∂Y over I at each of the kh×kw kernel positions
        window, arrive = self.window_from(x, g)
        how = self.caption_note("∂L/∂Y lies over I like a kernel: multiply the cells it "
                                "covers, add them up"
                                + ("" if self.small else f" ({oh}×{ow} products a sample)"))
        self.play(*arrive, fade_in(how), run_time=self.t(1.2))

        self.active, line = None, None
        for i, (a, b) in enumerate([(a, b) for a in range(kh) for b in range(kw)]):
            line = self.visit(i, self.glide(window, x, a, b, oh, ow), dk, (a, b), "W.grad",
                              line, self.dk_line(a, b))
        shape_note = self.caption_note(f"∂L/∂K is {kh}×{kw} like K: one gradient per "
                                       f"weight, for the update K ← K − η·∂L/∂K")
        self.play(fade_out(VGroup(window, self.active, self.mark)), fade_out(how),
                  fade_in(shape_note), run_time=self.t(0.6))
        self.read(shape_note)
        # presenter notes: TraceScene.note (this scene's own note() draws a text line)
        super().note(say="∂L/∂K is the input I correlated with the upstream gradient ∂L/∂Y: "
                         "∂L/∂Y slides over I like a kernel.",
                     ask="What is ∂L/∂K(1,1), the gradient of the top-left weight?",
                     answer=f"{minus_sign(self.num('W.grad', 0, 0)[1])}: the products of I "
                            "and ∂L/∂Y under the window at (1,1), added up.")
        self.keep = dict(x=x, g=g, g_lab=g_lab, dk=dk, dk_lab=dk_lab, line=line,
                         rest=VGroup(x_lab, star, eq, rule, index, shape_note))

    def dk_line(self, a: int, b: int) -> ProductSum:
        th, cv = self.theme, self.conv
        oh, ow = cv.out_shape
        prefix = (f"∂L/∂K{at(a, b)} =", th.gradient)
        result = (minus_sign(self.num("W.grad", a, b)[1]), th.gradient)
        if self.small:
            terms, muted = [], []
            for p in range(oh):
                for q in range(ow):
                    xv, xt = self.num("input", a + p, b + q)
                    gv, gt = self.num("grad_output", p, q)
                    terms.append([(xt, th.value), (gt, th.gradient)])
                    muted.append(xv == 0 or gv == 0)
            if cv.batch > 1:
                terms.append([(f"(samples 2..{cv.batch})", th.muted)])
                muted.append(True)
            line = ProductSum(terms, result, th, muted=muted, prefix=prefix, font_size=24)
        else:
            what = f"Σ I·∂L/∂Y over {oh}×{ow} positions"
            what += f" and {cv.batch} samples" if cv.batch > 1 else ""
            line = ProductSum([[(what, th.text)]], result, th, prefix=prefix, font_size=26)
        return self.fit(line).move_to([0, LINE_Y, 0])

    def input_gradient(self) -> None:
        th, cv = self.theme, self.conv
        (h, w), (kh, kw) = cv.in_shape, cv.kernel
        pad = (kh - 1, kh - 1, kw - 1, kw - 1)
        cell = 0.62
        px = 3.5 / (h + kh - 1)
        kcell = 0.62 if self.small else 1.25
        keep = self.keep

        # layout: pad(∂L/∂Y) ∗ rot180(K) = ∂L/∂I
        g_vals = self.plane("grad_output")
        if self.small:
            gp = light(PaddedGrid(self.traced("grad_output"), pad, th, cell=PAD_CELL,
                                  font_size=font_for(g_vals, PAD_CELL), color=th.gradient,
                                  formatter=fmt_minus))
        else:
            gp = gradient_heatmap(np.pad(g_vals, ((kh - 1,) * 2, (kw - 1,) * 2)), th,
                                  px * (g_vals.shape[0] + 2 * kh - 2), outline=False)
        kgrid = named(self.grid(self.traced("W"), th.weight, kcell), "K")
        if self.small:
            dx = self.grid(self.plane("grad_input"), th.gradient, cell, blank=True)
        else:
            dx = gradient_heatmap(self.plane("grad_input"), th, px * h)
        named(gp, "∂L/∂Y")
        named(dx, "∂L/∂I")
        # placed now, shown once the padding and the flip make the row's equation true
        star, eq = self.ops()
        # the padded grid is 7 cells of PAD_CELL tall: it sits higher, under formulas
        # raised to the top margin, so its label stays clear of the worked sum
        self.row(gp, star, kgrid, eq, dx, y=PAD_ROW_Y if self.small else ROW_Y)
        label_y = gp.get_bottom()[1] - 0.3
        if self.small:
            inner = gp.inner
            padding = gp.padding
        else:
            inner = self.frame(gp, kh - 1, kw - 1, *g_vals.shape, th.grid, width=2)
            outer = Rectangle(width=gp.width, height=gp.height).move_to(gp)
            # 60 dashes around it, one shape (not a shape per dash)
            padding = dashed_outline(outer, th.muted, 2, 15, ratio=0.5)
        named(inner, "∂L/∂Y")
        named(padding, "pad")

        rule = self.formula([(rf"\frac{{{D} L}}{{{D} I}}", th.gradient), ("=", th.text),
                             (r"\mathrm{pad}_{k-1}\!\Big(", th.text),
                             (rf"\frac{{{D} L}}{{{D} Y}}", th.gradient), (r"\Big)", th.text),
                             (r"\ast", th.text), (r"\mathrm{rot}_{180}(K)", th.weight)],
                            size=36)
        index = self.formula([(rf"\frac{{{D} L}}{{{D} I_{{ij}}}}", th.gradient), ("=", th.text),
                              (r"\sum_{a,b}", th.text),
                              (rf"\frac{{{D} L}}{{{D} Y_{{i-a,\,j-b}}}}", th.gradient),
                              ("K_{ab}", th.weight)], size=30)
        VGroup(rule, index).arrange(RIGHT, buff=0.9).move_to([0, TITLE_Y - 0.35, 0]) \
            .to_edge(UP, buff=0.2)
        why = self.caption_note("I(i,j) met K(a,b) in output Y(i−a, j−b): "
                                "collect ∂L/∂Y·K from every output I(i,j) fed")

        gone = Group(keep["x"], keep["dk"], keep["dk_lab"], keep["rest"])
        if keep["line"] is not None:
            gone.add(keep["line"])
        g_lab = self.under(gp, "∂L/∂Y", th.gradient, label_y)
        if self.small:
            g_move = ReplacementTransform(keep["g"], inner)
        else:
            g_move = keep["g"].animate.scale(px / (keep["g"].height / g_vals.shape[0])) \
                .move_to(inner)
        # the first section's row leaves before ∂L/∂Y crosses where it stood
        self.play(Succession(fade_out(gone), AnimationGroup(
            g_move, FadeTransform(keep["g_lab"], g_lab))), run_time=self.t(1.6))
        if not self.small:
            self.remove(keep["g"])
            self.add(gp, inner)
        k_lab = self.under(kgrid, "kernel K", th.weight, label_y)
        dx_lab = self.under(dx, "∂L/∂I", th.gradient, label_y)
        # a large ∂L/∂I waits under a cover (slide_heatmap); only its outline shows now
        dx_outline = dx.cells if self.small else self.frame(dx, 0, 0, h, w, th.grid, width=2)
        named(dx_outline, "∂L/∂I")
        dx_show = Create(dx_outline) if self.small else fade_in(dx_outline)
        self.play(fade_in(rule), fade_in(index), fade_in(VGroup(kgrid, k_lab, dx_lab)),
                  dx_show, fade_in(why), run_time=self.t(1.2))
        self.read(why)

        # zero padding by k−1: every I pixel now sees all the outputs it fed
        pad_lab = self.under(gp, "padded ∂L/∂Y", th.gradient, label_y)
        pad_note = self.caption_note(f"k−1 = {kh - 1} rings of zeros, so the window reaches "
                                     f"every output that an edge pixel fed")
        self.play(Create(padding, lag_ratio=0.02), FadeTransform(g_lab, pad_lab),
                  fade_out(why), fade_in(pad_note), run_time=self.t(1.4))
        self.read(pad_note)

        # the flip: K rotated 180° (numbers stay upright while they swing round the centre)
        flip_lab = self.under(kgrid, "K rotated 180°", th.weight, label_y)
        kflip = named(self.grid(self.kernel_flipped(), th.weight, kcell).move_to(kgrid),
                      "rot180(K)")
        swings = [kgrid.texts[a][b].animate(path_arc=PI).move_to(kgrid.square(kh - 1 - a,
                                                                                kw - 1 - b))
                  for a in range(kh) for b in range(kw)]
        flip_note = self.caption_note("seen from I, output Y(i−a, j−b) used K(a,b): the "
                                      "offsets run backwards, so the kernel turns 180°")
        self.play(*swings, FadeTransform(k_lab, flip_lab), FadeTransform(pad_note, flip_note),
                  run_time=self.t(1.8))
        self.remove(kgrid)
        self.add(kflip)
        self.read(flip_note)

        # the flipped kernel slides over the padded gradient; now the row's equation holds
        window, arrive = self.window_from(gp, kflip)
        slide_note = self.caption_note("a full convolution: the window visits every position "
                                       "where it touches ∂L/∂Y")
        self.play(*arrive, fade_in(VGroup(star, eq)), FadeTransform(flip_note, slide_note),
                  run_time=self.t(1.2))
        if self.small:
            self.slide_numbers(gp, window, dx)
        else:
            self.slide_heatmap(gp, window, dx)
        rest = VGroup(padding, star, eq, rule, index, pad_lab, flip_lab, dx_lab, slide_note)
        if not self.small:
            rest.add(dx_outline, inner)
        self.keep.update(gp=gp, kflip=kflip, dx=dx, rest=rest)
        super().note(say="∂L/∂I is the padded ∂L/∂Y convolved with K turned 180°: each pixel "
                         "collects the gradient of every output it fed.",
                     ask="What is ∂L/∂I(1,1), the gradient of the top-left pixel?",
                     answer=f"{minus_sign(self.num('grad_input', 0, 0)[1])}: that pixel fed "
                            "only Y(1,1), through K(1,1)"
                            f"{' in each filter' if cv.filters > 1 else ''}.")

    def kernel_flipped(self) -> np.ndarray:
        """K rotated 180°: entry (a, b) is the traced K(kh−1−a, kw−1−b)."""
        kh, kw = self.conv.kernel
        return np.array([[self.num("W", kh - 1 - a, kw - 1 - b)[0] for b in range(kw)]
                         for a in range(kh)])

    def slide_numbers(self, gp: PaddedGrid, window: Rectangle, dx: ValueGrid) -> None:
        h, w = self.conv.in_shape
        self.active, line = None, None
        for i, (r, c) in enumerate([(r, c) for r in range(h) for c in range(w)]):
            line = self.visit(i, self.glide(window, gp, r, c, *self.conv.kernel), dx, (r, c),
                              "grad_input", line, self.dx_line(r, c))
        self.play(fade_out(VGroup(window, self.active, self.mark, line)), run_time=self.t(0.5))
        self.wait(self.t(1.2))

    def dx_line(self, r: int, c: int) -> ProductSum:
        """∂L/∂I(r,c): the products of the window cells that lie on ∂L/∂Y (the padding
        zeros are left out), and the traced sum."""
        th, cv = self.theme, self.conv
        (kh, kw), (oh, ow) = cv.kernel, cv.out_shape
        terms, muted = [], []
        for a in range(kh):
            for b in range(kw):
                p, q = r + a - (kh - 1), c + b - (kw - 1)
                if not (0 <= p < oh and 0 <= q < ow):
                    continue
                gv, gt = self.num("grad_output", p, q)
                kv, kt = self.num("W", kh - 1 - a, kw - 1 - b)
                terms.append([(gt, th.gradient), (kt, th.weight)])
                muted.append(gv == 0 or kv == 0)
        if cv.filters > 1:
            terms.append([(f"(filters 2..{cv.filters})", th.muted)])
            muted.append(True)
        result = (minus_sign(self.num("grad_input", r, c)[1]), th.gradient)
        line = ProductSum(terms, result, th, muted=muted,
                          prefix=(f"∂L/∂I{at(r, c)} =", th.gradient), font_size=26)
        return self.fit(line).move_to([0, LINE_Y, 0])

    def slide_heatmap(self, gp: Heatmap, window: Rectangle, dx: Heatmap) -> None:
        """Large maps: the window sweeps fast to the first non-zero ∂L/∂I, stops at three
        positions with their traced values, then sweeps every other position, ∂L/∂I
        revealed pixel by pixel behind it."""
        th, cv = self.theme, self.conv
        (h, w), (kh, kw) = cv.in_shape, cv.kernel
        px = dx.height / h
        left, top = dx.get_corner(UL)[:2]
        pos = ValueTracker(0)   # the window's position, row-major
        done = ValueTracker(0)  # positions of ∂L/∂I revealed so far

        def box() -> Rectangle:
            return Rectangle(width=1, height=1, stroke_width=0).set_fill(th.background, 1)

        def cover_update(cover: VGroup) -> None:
            r, c = divmod(int(round(done.get_value())), w)
            rest_of_row, below = cover
            rest_of_row.stretch_to_fit_width(max((w - c) * px, 1e-3))
            rest_of_row.stretch_to_fit_height(px if r < h else 1e-3)
            rest_of_row.move_to([left + (c + (w - c) / 2) * px, top - (r + 0.5) * px, 0])
            below.stretch_to_fit_width(w * px)
            below.stretch_to_fit_height(max((h - r - 1) * px, 1e-3))
            below.move_to([left + w * px / 2, top - (r + 1) * px - below.height / 2, 0])

        def at_pos() -> tuple[int, int]:
            return divmod(min(int(pos.get_value()), h * w - 1), w)

        active = Rectangle(width=px, height=px, stroke_color=th.active, stroke_width=4)
        cover = VGroup(box(), box())
        for m, update in ((cover, cover_update),
                          (window, lambda m: m.move_to(self.block(gp, *at_pos(), kh, kw)[0])),
                          (active, lambda m: m.move_to(self.block(dx, *at_pos(), 1, 1)[0]))):
            update(m)
            m.add_updater(update)
        self.add(dx, cover, active)

        def sweep(to: int, text: str, seconds: float, old: Mobject | None) -> Mobject:
            note = self.note(text, y=LINE_Y, color=th.text)
            self.play(*self.swap(old, note), run_time=self.t(0.4))
            self.play(pos.animate.set_value(to), done.animate.set_value(to),
                      run_time=self.t(seconds), rate_func=linear)
            return note

        nonzero = np.flatnonzero(self.plane("grad_input"))
        start = min(int(nonzero[0]) if nonzero.size else 0, h * w - 3)
        line = None
        if start > 0:
            line = sweep(start, "… up to where the window meets non-zero ∂L/∂Y", 2.0, line)
        for i, k in enumerate(range(start, start + 3)):
            new_line = self.dx_statement(*divmod(k, w))
            self.play(pos.animate.set_value(k), *self.swap(line, new_line),
                      run_time=self.pace(i, first=0.9))
            line = new_line
            self.play(done.animate.set_value(k + 1), run_time=self.pace(i, first=0.6))
        line = sweep(h * w, "… and so on at every position, row by row", 4.0, line)
        for m in (cover, window, active):
            m.clear_updaters()
        self.remove(cover)
        self.play(fade_out(window), fade_out(active), fade_out(self.mark), fade_out(line),
                  run_time=self.t(0.5))
        self.wait(self.t(1.0))

    def dx_statement(self, r: int, c: int) -> ProductSum:
        th, cv = self.theme, self.conv
        kh, kw = cv.kernel
        what = f"Σ over the {kh}×{kw} window"
        what += f" and {cv.filters} filters" if cv.filters > 1 else ""
        what += " of ∂L/∂Y·rot180(K)"
        result = (minus_sign(self.num("grad_input", r, c)[1]), th.gradient)
        line = ProductSum([[(what, th.text)]], result, th,
                          prefix=(f"∂L/∂I{at(r, c)} =", th.gradient), font_size=26)
        return self.fit(line).move_to([0, LINE_Y, 0])

    def summary(self) -> None:
        th, cv = self.theme, self.conv
        keep = self.keep
        (h, w), (kh, kw) = cv.in_shape, cv.kernel
        self.play(fade_out(Group(keep["gp"], keep["kflip"], keep["rest"])),
                  run_time=self.t(0.6))

        left_x, right_x, grid_y, tallest = -3.55, 3.55, 0.25, 3.2
        title = self.label("Backward through a convolution: two more convolutions", size=34)
        title.move_to([0, TITLE_Y, 0])
        dk_rule = self.formula([(rf"\frac{{{D} L}}{{{D} K}}", th.gradient), ("=", th.text),
                                ("I", th.value), (r"\ast", th.text),
                                (rf"\frac{{{D} L}}{{{D} Y}}", th.gradient)], size=40)
        dx_rule = self.formula([(rf"\frac{{{D} L}}{{{D} I}}", th.gradient), ("=", th.text),
                                (r"\mathrm{pad}_{k-1}\!\Big(", th.text),
                                (rf"\frac{{{D} L}}{{{D} Y}}", th.gradient), (r"\Big)", th.text),
                                (r"\ast", th.text), (r"\mathrm{rot}_{180}(K)", th.weight)],
                               size=38)
        dk_rule.move_to([left_x, 2.45, 0])
        dx_rule.move_to([right_x, 2.45, 0])
        dk, dx = keep["dk"], keep["dx"]
        dk_height, dx_height = min(dk.height, tallest), min(dx.height, tallest)
        cap_y = grid_y - max(dk_height, dx_height) / 2 - 0.3
        divider = Line([0, 2.9, 0], [0, cap_y - 0.7, 0], stroke_color=th.grid, stroke_width=2)
        dk_cap = self.caption("input ∗ upstream gradient",
                              f"{kh}×{kw} like K: one gradient per weight", left_x, cap_y)
        dx_cap = self.caption("padded upstream gradient ∗ flipped kernel",
                              f"{h}×{w} like I: sent on to the layer below", right_x, cap_y)

        _, db_t = self.number("main", cv.step, cv.layer, "b.grad", (cv.o,),
                              formatter=fmt_auto)
        bias = ProductSum([[("∂L/∂b = Σ ∂L/∂Y", th.text)]], (minus_sign(db_t), th.gradient), th,
                          font_size=26)
        foot = VGroup(light(bias))
        if cv.network:
            foot.add(*[self.fit(self.label(t, size=20, color=th.muted)) for t in (
                f"training step {cv.step}; maps shown: sample 1 of the batch, input channel 1, "
                f"filter 1 of {cv.filters}",
                f"∂L/∂K and ∂L/∂b add up all {cv.batch} samples (∂L/∂Y already holds the "
                f"mean loss's 1/{cv.batch}); ∂L/∂I adds up all {cv.filters} filters")])
        foot.arrange(DOWN, buff=0.12).next_to([0, cap_y - 0.95, 0], DOWN, buff=0)

        self.play(dk.animate.scale(dk_height / dk.height).move_to([left_x, grid_y, 0]),
                  dx.animate.scale(dx_height / dx.height).move_to([right_x, grid_y, 0]),
                  fade_in(title), Create(divider), run_time=self.t(1.2))
        self.play(fade_in(dk_rule), fade_in(dk_cap), run_time=self.t(0.9))
        self.wait(self.t(1.0))
        self.play(fade_in(dx_rule), fade_in(dx_cap), run_time=self.t(0.9))
        self.wait(self.t(1.0))
        self.play(fade_in(foot), run_time=self.t(0.8))
        self.wait(self.t(4.0))
        super().note(say="Backward through a convolution is two more convolutions: ∂L/∂K "
                         "updates the kernel, ∂L/∂I goes to the layer below.",
                     ask="What is ∂L/∂b, the bias gradient?",
                     answer=f"{minus_sign(db_t)}: the sum of all entries of ∂L/∂Y"
                            f"{f' over the {cv.batch} samples' if cv.batch > 1 else ''}.")

    def caption(self, first: str, second: str, x: float, y: float) -> VGroup:
        lines = VGroup(self.label(first, size=22), self.label(second, size=22,
                                                              color=self.theme.muted))
        return lines.arrange(DOWN, buff=0.12).move_to([x, y, 0], aligned_edge=UP)
