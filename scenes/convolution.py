"""Convolution: the kernel K slides over the image I; at each position the element-wise
products and their sum are written out and the output cell fills. Then the output size
o = ⌊(i + 2p − k)/s⌋ + 1 with the run's numbers, checked against the traced output.

One scene for every probe of one Conv2D filter: stride, "same"/"valid"/numeric padding
(the zero border is drawn dashed) and several input channels (one line of products per
channel; the per-channel sums add up to the output) are all read from the trace.

    manim -qm scenes/convolution.py Convolution
    nnanim render Convolution --config conv_deck_same
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Circumscribe,
                   Rectangle, ReplacementTransform, Square, VGroup, Write)

from nnanim.engine.errors import TraceError
from nnanim.scenes.base import TraceScene
from nnanim.scenes.format import fmt_auto
from nnanim.scenes.layout import reading_time
from nnanim.scenes.format import fmt_minus as minus  # convolution_matrix imports it from here
from nnanim.scenes.mobjects.light_animations import Tween, fade_in, fade_out, replace
from nnanim.scenes.mobjects.product_sum import ProductSum, markup
from nnanim.scenes.mobjects.sliding_window import SlidingWindow
from nnanim.scenes.mobjects.styled_curve import dashed_outline
from nnanim.scenes.mobjects.value_grid import ValueGrid

CHANNEL_NAMES = {3: ("R", "G", "B")}


def tint_cell(square: Square, theme, value: float, lo: float, hi: float) -> Tween:
    """Fade in a fill over an output cell, stronger for larger values (a feature map's
    look). A new square rather than the grid's own, so the grid, drawn early, is not
    redrawn every frame; list it before the number's animation in ``play`` so the fill
    is added first and stays behind the number."""
    level = 0.12 + 0.5 * ((value - lo) / (hi - lo) if hi > lo else 1.0)
    tint = Square(square.side_length * 0.94, stroke_width=0).move_to(square)
    tint.set_fill(theme.value, opacity=0)
    return Tween(tint, lambda m, a: m.set_fill(opacity=a * level))


# -- what a conv probe trace holds ------------------------------------------------------------
@dataclass(frozen=True)
class ConvSetup:
    """The geometry of a one-layer Conv2D probe, from its manifest and array shapes."""
    layer: str
    describe: str
    channels: int
    size: tuple[int, int]              # input (H, W)
    padded: tuple[int, int]            # input_padded (H, W)
    kernel: tuple[int, int]
    stride: tuple[int, int]
    pads: tuple[int, int, int, int]    # zeros added (top, bottom, left, right)
    out: tuple[int, int]               # the traced output's (H, W)
    padding: str                       # as configured: "valid", "same" or "explicit"


def read_conv(trace, scene: str) -> ConvSetup:
    """The probe's geometry; TraceError (one line) unless it is one Conv2D filter on one
    input with the quantities the scenes show."""
    info = trace.layer_info
    if len(info) != 1 or info[0]["type"] != "Conv2D":
        got = "-".join(layer["type"] for layer in info) or "no layers"
        raise TraceError(f"{scene} needs a probe of one Conv2D layer, got {got}")
    name = info[0]["name"]
    for q in ("input", "input_padded", "W", "b", "output"):
        if not trace.has(0, name, q):
            raise TraceError(f"{scene} needs {name}/{q} at step 0 (a layer probe trace)")
    x, xp = trace.get(0, name, "input").shape, trace.get(0, name, "input_padded").shape
    w, y = trace.get(0, name, "W").shape, trace.get(0, name, "output").shape
    if x[0] != 1:
        raise TraceError(f"{scene} shows one input image, the trace has {x[0]}")
    if w[0] != 1:
        raise TraceError(f"{scene} shows one filter (out_channels = 1), the trace has {w[0]}")
    settings = trace.layer_settings(name)
    t, b, l, r = settings["padding"]
    if (x[2] + t + b, x[3] + l + r) != tuple(xp[2:]):
        raise TraceError(f"{scene}: input_padded {tuple(xp[2:])} does not match input "
                         f"{tuple(x[2:])} with padding {settings['padding']}")
    return ConvSetup(name, info[0]["describe"], x[1], tuple(x[2:]), tuple(xp[2:]),
                     tuple(w[2:]), tuple(settings["stride"]), (t, b, l, r), tuple(y[2:]),
                     settings["padding_rule"])


class Convolution(TraceScene):
    """The deck's I ∗ K worked through position by position, from a layer probe trace.

    Sections: "setup" (I, K, the empty output and the deck's two questions),
    "first-position" (the window at (1,1): each product in turn, their sum flies into the
    output; answers "(I∗K)(1,1)"), "slide" (the other positions: the next two with their
    sums written out and time to read them, then, under a caption saying so, the rest
    with their traced results only),
    "size" (o = ⌊(i + 2p − k)/s⌋ + 1 evaluated with the run's numbers, checked against the
    traced output's shape; answers "size of I∗K").
    duration at speed 1: 43 s for conv_deck (9 positions), 30 s at stride 2 (4), 45 s
    with "same" padding (25), 32 s for the 3-channel input.
    """

    title = "Convolution, window by window"
    description = ("the deck's 5×5 image I ∗ 3×3 kernel "
                   "K: the window slides, products and sums written out")
    runs = {"main": "conv_deck"}
    trace_kind = "layer"
    duration = 43.0
    WRITTEN = 3  # positions whose sums are written out; the rest show their results only

    def check_trace(self, role: str, trace) -> None:
        g = read_conv(trace, "Convolution")
        if g.channels > 3:
            raise TraceError(f"Convolution draws up to 3 input channels, the trace has "
                             f"{g.channels}")
        limit = 9 if g.channels == 1 else 7
        if max(g.padded) > limit or max(g.kernel) > 5:
            raise TraceError(f"Convolution draws padded inputs up to {limit}x{limit} and "
                             f"kernels up to 5x5, the trace has {g.padded[0]}x{g.padded[1]} "
                             f"and {g.kernel[0]}x{g.kernel[1]}")
        if g.out[0] * g.out[1] > 49:
            raise TraceError(f"Convolution walks at most 49 output positions, the trace "
                             f"has {g.out[0]}x{g.out[1]}")
        self.conv = g

    # -- numbers ------------------------------------------------------------------------------
    def num(self, quantity: str, index: tuple) -> tuple[float, str]:
        return self.number("main", 0, self.conv.layer, quantity, index, formatter=fmt_auto)

    def recorded(self, quantity: str, prefix: tuple, shape: tuple[int, int]) -> np.ndarray:
        """The 2-D slice ``quantity[prefix]`` with every entry recorded as shown."""
        return np.array([[self.num(quantity, prefix + (i, j))[0] for j in range(shape[1])]
                         for i in range(shape[0])])

    # -- building -----------------------------------------------------------------------------
    def construct(self) -> None:
        g, th = self.conv, self.theme
        self.written: dict[tuple[int, int], list[str]] = {}  # the sums on screen, for tests
        self.next_section("setup")
        self.build()
        self.play(Write(self.title), fade_in(self.subtitle), run_time=self.t(1.0))
        self.play(*(fade_in(m, shift=0.2 * UP) for m in self.panels), run_time=self.t(1.2))
        self.play(fade_in(self.questions), run_time=self.t(0.8))
        self.wait(self.t(1.0))
        kh, kw = g.kernel
        self.note(say=f"The image I and the {kh}×{kw} kernel K: K slides over I and each "
                      "position gives one number of the output I∗K.",
                  ask="Where does the window sit when it computes (I∗K)(1,1)?",
                  answer=f"Over the top-left {kh}×{kw} corner of the "
                         f"{'padded ' if sum(g.pads) else ''}image, rows and columns 1 to "
                         f"{kh}.")

        positions = self.windows[0].positions(g.out)
        self.next_section("first-position")
        self.play(*(fade_in(w) for w in self.windows), fade_in(self.cursor),
                  run_time=self.t(0.8))
        eq = self.position_equation(0, 0)
        if g.channels == 1:
            how = self.label("each value under the window × the weight on it (×w in the "
                             "corner), then add them all", size=22, color=th.muted)
            how.next_to(eq, DOWN, buff=0.28)
        else:  # beside the short total line
            how = self.label("each channel: its values × its weights;\nthen the channel sums "
                             "add up", size=20, color=th.muted)
            how.next_to(eq[-1], RIGHT, buff=0.6)
        self.play(fade_in(how), run_time=self.t(0.5))
        self.write_products(eq)
        self.fill_output(eq, 0, 0, 0)
        first = self.num("output", (0, 0, 0, 0))[1]
        self.answer(0, first, Circumscribe(self.out_grid.square(0, 0), color=th.active))
        self.wait(self.t(1.5))  # the section's still, with the answer and how it was found
        self.note(say="Multiply each value under the window by the weight on it and add "
                      "them all (plus the bias): that sum is one output cell.",
                  ask="What is (I∗K)(1,1)?",
                  answer=f"{first}: the sum of the products under the window at the first "
                         f"position, with bias b = {self.bias_text}.")

        self.next_section("slide")
        eq = self.slide(positions, eq, how)
        p, q = positions[-1]
        self.note(say=f"The window moves {g.stride[1]} pixel{'s' * (g.stride[1] > 1)} at a "
                      "time, left to right, "
                      "then down; the same products and sum at every position.",
                  ask="How many positions does the window visit, and what is the last "
                      "output cell?",
                  answer=f"{len(positions)} positions; the last one gives "
                         f"{self.num('output', (0, 0, p, q))[1]}.")

        self.next_section("size")
        self.play(fade_out(eq), *(fade_out(w) for w in self.windows), fade_out(self.cursor),
                  run_time=self.t(0.6))
        self.size_formula()
        self.wait(self.t(3.0))
        self.note(say="The output size follows from the input size, kernel, padding and "
                      "stride: o = ⌊(i + 2p − k)/s⌋ + 1.",
                  ask="What is the size of I∗K?",
                  answer=f"{g.out[0]} × {g.out[1]}, as the formula gives with i = "
                         f"{g.size[0]}, k = {g.kernel[0]}, s = {g.stride[0]}.")

    def build(self) -> None:
        """Title, the input/kernel panels, the empty output and the questions (not added)."""
        g, th = self.conv, self.theme
        multi = g.channels > 1
        self.title = self.label("Convolution: slide K over I, multiply, add", size=38)
        self.subtitle = self.label(f"{g.describe}  ·  cross-correlation, as deep-learning "
                                   f"libraries compute it",
                                   size=20, color=th.muted)
        self.title.to_edge(UP, buff=0.3)
        self.subtitle.next_to(self.title, DOWN, buff=0.12)

        kh, kw = g.kernel
        if multi:
            cell = min(0.5, 3.4 / (g.padded[0] + kh))
        else:
            cell = min(0.8, 4.2 / max(g.padded))
        font = max(cell * 35, 22)  # room for the weights in the corners
        names = CHANNEL_NAMES.get(g.channels, [f"c{c + 1}" for c in range(g.channels)])

        self.in_grids, self.k_grids, self.windows = [], [], []
        columns = []
        for c in range(g.channels):
            xp = self.recorded("input_padded", (0, c), g.padded)
            wk = self.recorded("W", (0, c), g.kernel)
            ig = ValueGrid(xp, th, cell=cell, font_size=font, color=th.value, formatter=minus)
            kg = ValueGrid(wk, th, cell=cell, font_size=font, color=th.weight, formatter=minus)
            kg.cells.set_stroke(th.weight, opacity=0.6)
            border = self.dash_padding(ig)
            labels = None if multi or cell < 0.5 else [[self.fmt_w(v) for v in row]
                                                        for row in wk]
            # the weights in the window's corners: at least 18 pt (21 px a line at 720p);
            # in small cells the image's values stand up and left to leave the corner free
            self.windows.append(SlidingWindow(ig, g.kernel, th, stride=g.stride,
                                              labels=labels, label_size=max(cell * 22, 18)))
            if labels is not None and cell < 0.7:
                for row in ig.texts:
                    for text in row:
                        text.shift(0.12 * cell * (UP + LEFT))
            self.in_grids.append(ig)
            self.k_grids.append(kg)
            if multi:
                head = self.label(f"channel {names[c]}", size=22)
                columns.append(VGroup(head, VGroup(ig, border), kg).arrange(DOWN, buff=0.22))
            else:
                columns = [VGroup(ig, border), kg]
        self.names = names

        self.bias, self.bias_text = self.num("b", (0,))
        out = self.array("main", 0, g.layer, "output")[0, 0]
        self.out_range = (float(out.min()), float(out.max()))
        self.out_grid = ValueGrid(np.zeros(g.out), th, cell=max(cell, 0.5), font_size=font,
                                  color=th.text, blank=np.ones(g.out, dtype=bool))
        b_label = self.label(f"bias b = {self.bias_text}", size=22, color=th.weight)

        # the deck's two questions, answered later in place under the output
        self.q_lines = [self.question_line("(I∗K)(1,1) = ", "?"),
                        self.question_line("size of I∗K = ", "?")]
        self.questions = VGroup(*self.q_lines).arrange(DOWN, buff=0.25, aligned_edge=LEFT)
        widest = self.question_line("size of I∗K = ", f"{g.out[0]} × {g.out[1]} ✓").width
        out_head = self.label("output I ∗ K", size=24)
        if multi:
            body = VGroup(*columns).arrange(RIGHT, buff=0.45, aligned_edge=UP)
            rows = VGroup(self.label("I", size=28, color=th.value),
                          self.label("K", size=28, color=th.weight))
            rows[0].next_to(self.in_grids[0], LEFT, buff=0.3)
            rows[1].next_to(self.k_grids[0], LEFT, buff=0.3)
            out_panel = VGroup(out_head, self.out_grid, b_label).arrange(DOWN, buff=0.25)
            self.panels = [VGroup(body, rows), out_panel]
        else:
            ig_panel = VGroup(self.in_label(), columns[0]).arrange(DOWN, buff=0.2)
            k_panel = VGroup(self.label(f"kernel K ({kh}×{kw})", size=24), columns[1],
                             b_label).arrange(DOWN, buff=0.2)
            out_panel = VGroup(out_head, self.out_grid).arrange(DOWN, buff=0.2)
            star, eqs = self.label("∗", size=44), self.label("=", size=44)
            self.panels = [ig_panel, VGroup(star, k_panel), VGroup(eqs, out_panel)]
        right = VGroup(out_panel, self.questions).arrange(DOWN, buff=0.45, aligned_edge=LEFT)
        out_panel.shift(max(0.0, (widest - out_panel.width) / 2) * RIGHT)
        if multi:
            row = VGroup(self.panels[0], right).arrange(RIGHT, buff=0.9, aligned_edge=UP)
        else:
            row = VGroup(ig_panel, star, k_panel, eqs, right).arrange(RIGHT, buff=0.5)
            for m in (k_panel, right):
                m.align_to(ig_panel, UP)
            star.match_y(self.in_grids[0])
            eqs.match_y(self.in_grids[0])
        left_x = row.get_left()[0]
        right_x = max(row.get_right()[0], self.questions.get_left()[0] + widest)
        row.shift(-(left_x + right_x) / 2 * RIGHT)
        row.next_to(self.subtitle, DOWN, buff=0.3, coor_mask=np.array([0, 1, 0]))
        for w in self.windows:
            w.place(0, 0)  # the grids moved after the windows were placed
        self.cursor = self.out_grid.window(0, 0, 1, 1)
        self.eq_anchor = min(self.panels[0].get_bottom()[1],
                             self.questions.get_bottom()[1]) - (0.35 if multi else 0.6)

    def in_label(self):
        g = self.conv
        h, w = g.size
        if sum(g.pads) == 0:
            return self.label(f"input I ({h}×{w})", size=24)
        return self.label(f"input I ({h}×{w}), zero-padded", size=24)

    def padding_name(self) -> str:
        p = self.conv.padding
        return f"padding ({p})" if p in ("valid", "same") else "padding"

    def fmt_w(self, v: float) -> str:
        """A weight as a corner label of the window: "×2", "×(−1)"."""
        return f"×{minus(v)}" if v >= 0 else f"×({minus(v)})"

    def dash_padding(self, grid: ValueGrid) -> VGroup:
        """Draw the zero border dashed with muted zeros, and outline the real image."""
        t, b, l, r = self.conv.pads
        hp, wp = self.conv.padded
        dashes = VGroup()
        for i in range(hp):
            for j in range(wp):
                if t <= i < hp - b and l <= j < wp - r:
                    continue
                sq = grid.square(i, j)
                # 8 dashes around the cell, one shape (not a shape per dash)
                dashes.add(dashed_outline(sq, sq.get_stroke_color(), sq.get_stroke_width(),
                                          2, ratio=0.55).set_stroke(
                                              opacity=sq.get_stroke_opacity()))
                sq.set_stroke(opacity=0)
                grid.texts[i][j].set_color(self.theme.muted)
        if len(dashes) == 0:
            return dashes
        tl = grid.square(t, l).get_corner(UP + LEFT)
        br = grid.square(hp - b - 1, wp - r - 1).get_corner(DOWN + RIGHT)
        image = Rectangle(width=br[0] - tl[0], height=tl[1] - br[1],
                          stroke_color=self.theme.muted, stroke_width=3).move_to((tl + br) / 2)
        return VGroup(dashes, image)

    def question_line(self, text: str, answer: str, color: str | None = None):
        return markup([(text, self.theme.text),
                       (answer, self.theme.ink(color or self.theme.muted))], 26)

    # -- one position -------------------------------------------------------------------------
    def slide(self, positions: list, eq: VGroup, how) -> VGroup | None:
        """The window visits the other positions: the next ``WRITTEN - 1`` with their sums
        written out and time to read them, the rest with the traced result only (a caption
        says so: a new nine-term sum every second cannot be read)."""
        for k, (p, q) in enumerate(positions[1:], start=1):
            slide = [*(w.slide_to(p, q) for w in self.windows),
                     self.cursor.animate.move_to(self.out_grid.square(p, q))]
            if k == 1:
                slide.append(fade_out(how))
            if k < self.WRITTEN:
                new = self.position_equation(p, q)
                self.play(*slide, fade_out(eq), fade_in(new), run_time=self.t(0.9))
                eq = new
                self.fill_output(eq, k, p, q)
                self.wait(self.t(2.5))
                continue
            if k == self.WRITTEN:  # from here on, the results only
                new = self.rest_caption(k + 1, len(positions))
                self.play(*slide, fade_out(eq), fade_in(new), run_time=self.t(0.9))
                eq = new
                self.wait(self.t(reading_time(new.original_text) - 0.9))
            else:
                self.play(*slide, run_time=self.t(0.5))
            self.fill_result(k, p, q)
        self.wait(self.t(1.0))  # the section's still, the full output
        return eq

    def rest_caption(self, first: int, last: int):
        """The caption over the positions whose sums are not written out."""
        n = int(np.prod(self.conv.kernel)) * self.conv.channels
        text = (f"Positions {first}\u2013{last}: the same {n} products and their sum at each; "
                "the recorded results fill I\u2217K.")
        cap = self.label(text, size=26, color=self.theme.text)
        if cap.width > 13.6:
            cap.scale_to_fit_width(13.6)
        return cap.move_to(np.array([0.0, 0.0, 0.0])).align_to(
            np.array([0, self.eq_anchor, 0]), UP)

    def fill_result(self, k: int, p: int, q: int) -> None:
        """Output cell (p, q) takes its traced value (no sum written out)."""
        value, _ = self.num("output", (0, 0, p, q))
        sq = self.out_grid.square(p, q)
        text = self.out_grid.make_text(value).move_to(sq)
        self.play(tint_cell(sq, self.theme, value, *self.out_range), fade_in(text),
                  run_time=self.t(0.5))
        self.out_grid.texts[p][q] = text

    def products(self, c: int, p: int, q: int):
        """Terms (input·weight, traced factors), their zero-weight mask and values."""
        th = self.theme
        terms, muted, values = [], [], []
        kw = self.conv.kernel[1]
        t, b, l, r = self.conv.pads
        hp, wp = self.conv.padded
        for n, (i, j) in enumerate(self.windows[c].cells(p, q)):
            xv, xt = self.num("input_padded", (0, c, i, j))
            wv, wt = self.num("W", (0, c, n // kw, n % kw))
            padding = not (t <= i < hp - b and l <= j < wp - r)
            terms.append([(xt, th.muted if padding else th.value), (wt, th.weight)])
            muted.append(wv == 0)
            values.append(xv * wv)
        return terms, muted, values

    def position_equation(self, p: int, q: int) -> VGroup:
        """The written-out sum for output (p, q), placed at the bottom (not added).

        One channel: "(I∗K)(p,q) = x·w + … = y". Several: one line of products per
        channel ending in its sum, then "(I∗K)(p,q) = s₁ + s₂ + s₃ = y"; y is the traced
        output, and the per-channel sums are checked to add up to it.
        """
        th, g = self.theme, self.conv
        out_v, out_t = self.num("output", (0, 0, p, q))
        head = (f"(I∗K)({p + 1},{q + 1}) =", th.text)
        bias_term = [[(self.bias_text, th.weight)]] if self.bias != 0 else []
        if g.channels == 1:
            terms, muted, _ = self.products(0, p, q)
            eq = ProductSum(terms + bias_term, (out_t, th.text), th, prefix=head,
                            muted=muted + [False] * len(bias_term), font_size=28)
            lines = VGroup(eq)
        else:
            lines, sums = VGroup(), []
            for c in range(g.channels):
                terms, muted, values = self.products(c, p, q)
                s = float(np.sum(values))
                sums.append(s)
                lines.add(ProductSum(terms, (fmt_auto(s), th.text), th, muted=muted,
                                     prefix=(f"{self.names[c]}:", th.muted), font_size=24))
            if abs(sum(sums) + self.bias - out_v) > 1e-9 * max(1.0, abs(out_v)):
                raise TraceError(f"Convolution: the traced output at ({p}, {q}) is {out_t}, "
                                 f"but its channel sums add up to {sum(sums) + self.bias}")
            eq = ProductSum([[(fmt_auto(s), th.text)] for s in sums] + bias_term,
                            (out_t, th.text), th, prefix=head, font_size=26)
            lines.add(eq)
            lines.arrange(DOWN, buff=0.2, aligned_edge=LEFT)
        lines.result = eq.result_glyphs
        lines.eq = eq
        self.written[(p, q)] = [line.plain for line in lines]
        if lines.width > 13.6:
            lines.scale_to_fit_width(13.6)
        lines.move_to(np.array([0.0, 0.0, 0.0])).align_to(np.array([0, self.eq_anchor, 0]), UP)
        return lines

    def write_products(self, eq: VGroup) -> None:
        """The first position, slowly: each product lights up its input and kernel cell
        (one channel), or each channel's line appears with its window (several)."""
        th, g = self.theme, self.conv
        if g.channels == 1:
            grid, kgrid = self.in_grids[0], self.k_grids[0]
            spots = [Square(grid.cell, stroke_width=0).set_fill(th.active, opacity=0.35)
                     for _ in range(2)]
            cells = self.windows[0].cells(0, 0)
            kw = g.kernel[1]
            spots[0].move_to(grid.square(*cells[0]))
            spots[1].move_to(kgrid.square(0, 0))
            text = eq.eq.text
            pieces = [text[:eq.eq.term_spans[0][0]]]  # the "(I∗K)(1,1) =" prefix
            self.play(fade_in(pieces[0]), fade_in(VGroup(*spots)), run_time=self.t(0.5))
            for n, (a, b) in enumerate(eq.eq.term_spans):
                pieces.append(text[a:b])
                anims = [fade_in(pieces[-1], shift=0.1 * UP)]
                if n < len(cells):
                    anims += [spots[0].animate.move_to(grid.square(*cells[n])),
                              spots[1].animate.move_to(kgrid.square(n // kw, n % kw))]
                self.play(*anims, run_time=self.t(0.4))
            a, b = eq.eq.result_span
            pieces.append(text[a:b])
            self.play(fade_in(pieces[-1]), fade_out(VGroup(*spots)), run_time=self.t(0.6))
        else:
            pieces = list(eq)
            for c, line in enumerate(pieces[:-1]):
                self.play(fade_in(line, shift=0.1 * UP),
                          Circumscribe(self.windows[c].frame, color=th.active),
                          run_time=self.t(0.9))
            self.play(fade_in(pieces[-1], shift=0.1 * UP), run_time=self.t(0.9))
        self.remove(*pieces)  # the pieces became one line: keep it as one mobject
        self.add(eq)

    def fill_output(self, eq: VGroup, k: int, p: int, q: int) -> None:
        """Fly the traced sum into output cell (p, q) and tint the cell by its value."""
        th = self.theme
        value, _ = self.num("output", (0, 0, p, q))
        sq = self.out_grid.square(p, q)
        text = self.out_grid.make_text(value).move_to(sq)
        self.play(tint_cell(sq, th, value, *self.out_range),
                  ReplacementTransform(eq.result.copy(), text),
                  run_time=self.pace(k, slow=3, first=0.9, rest=0.3))
        self.out_grid.texts[p][q] = text

    def answer(self, n: int, text: str, *extra) -> None:
        """Replace the "?" of question n by ``text``."""
        old = self.q_lines[n]
        prefix = ("(I∗K)(1,1) = ", "size of I∗K = ")[n]
        new = self.question_line(prefix, text, self.theme.active)
        new.move_to(old, aligned_edge=LEFT)
        self.bring_to_front(old)  # else everything drawn after the questions is redrawn
        self.play(*replace(old, new), *extra, run_time=self.t(1.0))
        self.q_lines[n] = new

    # -- output size ----------------------------------------------------------------------------
    def size_formula(self) -> None:
        """o = ⌊(i + 2p − k)/s⌋ + 1 with the run's numbers, against the traced shape."""
        th, g = self.theme, self.conv
        axes = [(g.size[0], g.kernel[0], g.stride[0], g.pads[0], g.pads[1]),
                (g.size[1], g.kernel[1], g.stride[1], g.pads[2], g.pads[3])]
        square = axes[0] == axes[1]
        lines, results = VGroup(), []
        rows = [("", axes[0])] if square else [("_H", axes[0]), ("_W", axes[1])]
        for sub, (i, k, s, pb, pa) in rows:
            sym_pad, num_pad = ("2p", rf"2\cdot {pb}") if pb == pa else \
                ("p_1 + p_2", f"{pb} + {pa}")
            o = (i + pb + pa - k) // s + 1
            results.append(o)
            parts = [rf"o{sub} = \left\lfloor \frac{{i + {sym_pad} - k}}{{s}} \right\rfloor + 1",
                     rf"= \left\lfloor \frac{{{i} + {num_pad} - {k}}}{{{s}}} \right\rfloor + 1"]
            if s > 1:
                parts.append(rf"= \left\lfloor \frac{{{i + pb + pa - k}}}{{{s}}} "
                             rf"\right\rfloor + 1")
            parts += ["=", str(o)]
            tex = self.tex(*parts, size=38)
            tex[-1].set_color(th.ink(th.active))
            lines.add(tex)
        lines.arrange(DOWN, buff=0.25, aligned_edge=LEFT)
        legend_parts = []
        for n, (sym, vals, what, color) in enumerate([
                ("i", [a[0] for a in axes], "input size", th.value),
                ("k", [a[1] for a in axes], "kernel size", th.weight),
                ("p", [a[3] for a in axes], self.padding_name(), th.text),
                ("s", [a[2] for a in axes], "stride", th.text)]):
            v = str(vals[0]) if square else f"{vals[0]}, {vals[1]}"
            legend_parts += [(("     " if n else "") + f"{sym} = ", th.text), (v, color),
                             (f" {what}", th.muted)]
        legend = markup(legend_parts, 22)
        traced = f"{g.out[0]} × {g.out[1]}"
        self.size_result = tuple(results) * 2 if square else tuple(results)
        ok = self.size_result == g.out
        check = markup([("✓ " if ok else "✗ ", th.text if ok else th.ink(th.negative)),
                        ("the traced output is ", th.muted), (traced, th.text)], 24)
        block = VGroup(lines, VGroup(legend, check).arrange(RIGHT, buff=0.8))
        block.arrange(DOWN, buff=0.3)
        if block.width > 13.6:
            block.scale_to_fit_width(13.6)
        block.move_to(np.array([0, self.eq_anchor, 0]), aligned_edge=UP).set_x(0)
        if block.get_bottom()[1] < -3.85:
            block.shift((-3.85 - block.get_bottom()[1]) * UP)
        for tex in lines:
            self.play(Write(tex[0]), run_time=self.t(1.0))
        self.play(fade_in(legend), run_time=self.t(0.8))
        for tex in lines:
            for piece in tex[1:]:
                self.play(fade_in(piece), run_time=self.t(0.6))
        self.play(fade_in(check, shift=0.1 * UP), run_time=self.t(0.7))
        self.answer(1, traced + (" ✓" if ok else " ✗"),
                    Circumscribe(self.out_grid, color=th.active))
