"""MaxPooling: the deck's 4×4 map pooled by a 2×2 window, stride 2, forward and backward.

Sections
  forward   each window framed on x, its maximum (the traced argmax) marked, the traced
            output written into y; then why: the existence of a feature, not its place
  backward  the upstream gradient ∂L/∂y, each entry routed to its window's recorded max
            position in ∂L/∂x; every other entry of ∂L/∂x is the traced 0

Window size and stride come from the probed layer's recorded settings, so the variants
(``--config maxpool_stride1``: overlapping windows; ``maxpool_feature_map``: a digit crop)
play with the same code.
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Arrow, Create, GrowArrow, Indicate,
                   MoveToTarget, ReplacementTransform, Text, Transform, VGroup, Write)

from nnanim.engine.errors import TraceError
from nnanim.scenes.base import TraceScene
from nnanim.scenes.format import fmt_auto, fmt_minus, minus_sign
from nnanim.scenes.layout import reading_time
from nnanim.scenes.mobjects.light_animations import fade_in, fade_out, replace
from nnanim.scenes.mobjects.light_text import light
from nnanim.scenes.mobjects.sliding_window import SlidingWindow
from nnanim.scenes.mobjects.value_grid import ValueGrid

QUANTITIES = ("input", "output", "argmax", "grad_output", "grad_input")
MAX_SIDE = 8                 # larger inputs would need numbers too small to read
GRID_SIDE = 3.0              # the input grid's height at most (scene units)
ROW_WIDTH = 13.6             # input grid, arrow, output grid and explanations
TOP, BOTTOM = 2.7, -0.8      # top edges of the forward row and of the backward row
ARROW_GAP = 1.5              # room for the arrow between input and output grids
SIDEBAR_GAP, SIDEBAR_W = 0.6, 4.6   # the explanations right of the output grids


def pool_layer(trace) -> dict:
    """The trace's MaxPool2D layer info (a probe, or the pooling step of a chain)."""
    for info in trace.layer_info:
        if info.get("type") == "MaxPool2D":
            return info
    raise TraceError(f"MaxPooling needs a MaxPool2D probe; {trace.path} has layers "
                     f"{', '.join(i.get('type', '?') for i in trace.layer_info) or 'none'}")


def pool_geometry(trace, name: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """(kernel, stride) of the probed pooling layer, from its recorded settings."""
    settings = trace.layer_settings(name)
    return tuple(settings["kernel_size"]), tuple(settings["stride"])


class MaxPooling(TraceScene):
    """Max pooling, forward and backward, on the deck's 4×4 feature map (2×2, stride 2).

    Every number on screen is read from the probe trace: x, the argmax of each window,
    y, ∂L/∂y and ∂L/∂x. Length at speed 1: about 31 s (forward 17 s, backward 14 s) for the
    deck's four windows; about 38 s with overlapping windows (stride 1: nine).
    """

    title = "Max pooling"
    description = ("the deck's 4×4 map, 2×2 windows, stride "
                   "2: maxima forward, gradients routed back to them")
    runs = {"main": "maxpool_deck", "shifted": "maxpool_deck_shifted"}
    trace_kind = "layer"
    duration = 43.0

    def check_trace(self, role, trace) -> None:
        name = pool_layer(trace)["name"]
        step = trace.steps[0] if trace.steps else None
        have = trace.quantities(name, step) if step is not None else []
        missing = [q for q in QUANTITIES if q not in have]
        if missing:
            raise TraceError(f"MaxPooling: {trace.path} lacks {name}/{', '.join(missing)}")
        shape = trace.get(step, name, "input").shape
        if shape[:2] != (1, 1) or max(shape[2:]) > MAX_SIDE:
            raise TraceError(f"MaxPooling shows one channel of at most {MAX_SIDE}x{MAX_SIDE}; "
                             f"{trace.path} has input shape {tuple(shape)}")
        pool_geometry(trace, name)

    # -- trace reading ----------------------------------------------------------------------
    def grid_values(self, quantity: str, role: str = "main") -> np.ndarray:
        """The (H, W) map of ``quantity`` of run ``role``, every entry recorded as shown."""
        t = self.trace(role)
        step, layer = t.steps[0], pool_layer(t)["name"]
        shape = self.array(role, step, layer, quantity).shape[2:]
        return np.array([[self.number(role, step, layer, quantity, (0, 0, i, j),
                                      formatter=fmt_auto)[0]
                          for j in range(shape[1])] for i in range(shape[0])])

    def num_text(self, quantity: str, i: int, j: int, color: str, size: float) -> Text:
        _, text = self.number("main", self.step, self.layer, quantity, (0, 0, i, j),
                              formatter=fmt_auto)
        return self.label(minus_sign(text), size=size, color=color)

    # -- layout -----------------------------------------------------------------------------
    def grid(self, values: np.ndarray, color: str, left: float, top: float,
             blank: bool = False) -> ValueGrid:
        g = light(ValueGrid(values, self.theme, cell=self.cell, color=color,
                            font_size=self.font, formatter=fmt_minus,
                            blank=np.ones(values.shape, bool) if blank else None))
        return g.move_to([left, top, 0], aligned_edge=LEFT + UP)  # light: copied cheaply

    def tag(self, tex: str, grid: ValueGrid, color: str) -> VGroup:
        """A math label above a grid."""
        return self.tex(tex, size=40, color=color).next_to(grid, UP, buff=0.12)

    def arrow(self, src: ValueGrid, dst: ValueGrid, color: str) -> Arrow:
        """A horizontal arrow between two grids, at the height of the output grid's centre."""
        y = min(src, dst, key=lambda g: g.height).get_center()[1]
        a, b = (src.get_right(), dst.get_left()) if src.get_x() < dst.get_x() else \
            (src.get_left(), dst.get_right())
        return Arrow([a[0], y, 0], [b[0], y, 0], buff=0.25, color=color, stroke_width=5,
                     max_tip_length_to_length_ratio=0.25)

    def sidebar(self, *lines: str, top: float, size: float = 26,
                color: str | None = None) -> VGroup:
        """Left-aligned lines in the free column right of the output grids."""
        texts = VGroup(*[self.label(s, size=size, color=color) for s in lines])
        texts.arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        if texts.width > SIDEBAR_W:
            texts.scale_to_fit_width(SIDEBAR_W)
        return texts.move_to([self.sidebar_x, top, 0], aligned_edge=LEFT + UP)

    def construct(self) -> None:
        t = self.trace("main")
        self.step = t.steps[0]
        self.layer = pool_layer(t)["name"]
        (kh, kw), (sh, sw) = pool_geometry(t, self.layer)
        h, w = self.array("main", self.step, self.layer, "input").shape[2:]
        oh, ow = self.array("main", self.step, self.layer, "output").shape[2:]
        argmax = self.array("main", self.step, self.layer, "argmax")[0, 0]
        self.cell = min(0.75, GRID_SIDE / h, (ROW_WIDTH - ARROW_GAP - SIDEBAR_GAP - SIDEBAR_W)
                        / (w + ow))
        self.font = self.cell * 31  # three digits ("112") keep a gap inside a cell
        th = self.theme
        windows = [(p, q) for p in range(oh) for q in range(ow)]
        # window (p, q) -> the (row, col) of x its traced argmax names; tests read it
        self.max_at = max_at = {(p, q): divmod(int(argmax[p, q]), w) for p, q in windows}
        # centre the row: input grid, arrow, output grid, explanations
        x_left = -((w + ow) * self.cell + ARROW_GAP + SIDEBAR_GAP + SIDEBAR_W) / 2
        out_left = x_left + w * self.cell + ARROW_GAP
        self.sidebar_x = out_left + ow * self.cell + SIDEBAR_GAP

        # -- forward --------------------------------------------------------------------------
        self.next_section("forward")
        stride = sh if sh == sw else f"{sh}×{sw}"
        title = self.label(f"Max pooling: {kh}×{kw} window, stride {stride}", size=34)
        title.to_edge(UP, buff=0.25)
        x = self.grid(self.grid_values("input"), th.value, x_left, TOP)
        y_vals = self.array("main", self.step, self.layer, "output")[0, 0]
        y = self.grid(y_vals, th.value, out_left, TOP, blank=True)
        x_tag, y_tag = self.tag("x", x, th.value), self.tag("y", y, th.value)
        arrow = self.arrow(x, y, th.muted)
        self.play(fade_in(title), fade_in(x), fade_in(x_tag), run_time=self.t(1.2))
        self.play(Create(y.cells), fade_in(y_tag), GrowArrow(arrow), run_time=self.t(0.8))

        window = SlidingWindow(x, (kh, kw), th, stride=(sh, sw))
        cell_frame = formula = None
        marks = VGroup()
        for k, (p, q) in enumerate(windows):
            r0, c0 = window.origin(p, q)
            entries = ", ".join(
                minus_sign(self.number("main", self.step, self.layer, "input",
                                  (0, 0, r0 + i, c0 + j), formatter=fmt_auto)[1])
                for i in range(kh) for j in range(kw))
            new_formula = VGroup(self.label(f"max({entries})", size=30),
                                 VGroup(self.label("=", size=30),
                                        self.num_text("output", p, q, th.value, 30))
                                 .arrange(RIGHT, buff=0.15))
            new_formula.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
            new_formula.move_to([self.sidebar_x, TOP - 0.3, 0], aligned_edge=LEFT + UP)
            target_cell = y.square(p, q).copy().set_stroke(th.active, width=5)
            # the window and its entries first, the answer with the winning entry
            head, answer = new_formula
            if k == 0:
                cell_frame = target_cell
                self.play(fade_in(window.place(p, q)), Create(cell_frame), fade_in(head),
                          run_time=self.pace(k))
            else:
                self.add(window)  # on top: everything below it stays a static background
                self.play(window.slide_to(p, q), Transform(cell_frame, target_cell),
                          *replace(formula[0], head), fade_out(formula[1]),
                          run_time=self.pace(k))
            formula = new_formula
            # the traced argmax says which entry won
            r, c = max_at[(p, q)]
            mark = x.square(r, c).copy().set_stroke(width=0).set_fill(th.active, opacity=0.3)
            mark.set_z_index(-1)  # under the numbers
            marks.add(mark)
            self.play(fade_in(mark), x.texts[r][c].animate.set_color(th.ink(th.active)),
                      fade_in(answer),
                      run_time=self.pace(k, first=0.6))
            # the traced output leaves from the winning entry and lands in y
            out = self.num_text("output", p, q, th.value, self.font).move_to(x.square(r, c))
            self.play(out.animate.move_to(y.square(p, q)), run_time=self.pace(k, first=0.8))
        self.play(fade_out(window), fade_out(cell_frame), fade_out(formula), run_time=self.t(0.5))

        shrink = self.sidebar(f"{h}×{w} → {oh}×{ow}:", "each window keeps",
                              "only its largest value", top=TOP - 0.3, size=28)
        quote = VGroup(self.label("“Often we care about the existence of a feature”", size=32,
                                  color=th.active),
                       self.label("— not exactly where it is: pooling keeps it, in a smaller map",
                                  size=26))
        quote.arrange(DOWN, buff=0.2).move_to([0, (BOTTOM - 3.6) / 2 + 0.2, 0])
        self.play(fade_in(shrink), run_time=self.t(0.8))
        self.play(Write(quote), run_time=self.t(1.6))
        self.wait(self.t(3.5))
        mr, mc = max_at[(0, 0)]  # where the first window's maximum sits
        self.note(say="Each window keeps only its largest value: a smaller map that still "
                      "says whether the feature is there.",
                  ask="What does the first window pass on to y?",
                  answer=f"Its maximum, {self.out_text('output', 0, 0)}, the entry at row "
                         f"{mr + 1}, column {mc + 1} of x.")

        # -- backward -------------------------------------------------------------------------
        self.next_section("backward")
        gy = self.grid(self.grid_values("grad_output"), th.gradient, out_left, BOTTOM)
        gx_vals = self.array("main", self.step, self.layer, "grad_input")[0, 0]
        gx = self.grid(gx_vals, th.gradient, x_left, BOTTOM, blank=True)
        gy_tag = self.tag(r"\partial L/\partial y", gy, th.gradient)
        gx_tag = self.tag(r"\partial L/\partial x", gx, th.gradient)
        back_arrow = self.arrow(gy, gx, th.gradient)
        gy_note = self.sidebar("upstream gradient", top=BOTTOM - 0.3, size=26,
                               color=th.gradient)
        self.play(fade_out(quote), run_time=self.t(0.6))
        self.play(fade_in(gy), fade_in(gy_tag), fade_in(gy_note), run_time=self.t(1.0))
        self.play(Create(gx.cells), fade_in(gx_tag), GrowArrow(back_arrow), run_time=self.t(0.8))

        arrivals: dict[tuple[int, int], list] = {}
        landing = {rc: list(max_at.values()).count(rc) for rc in max_at.values()}
        window = SlidingWindow(gx, (kh, kw), th, stride=(sh, sw))
        for k, (p, q) in enumerate(windows):
            src = gy.square(p, q).copy().set_stroke(th.active, width=5)
            if k == 0:
                cell_frame = src
                self.play(fade_in(window.place(p, q)), Create(cell_frame), run_time=self.pace(k))
            else:
                self.add(window)
                self.play(window.slide_to(p, q), Transform(cell_frame, src),
                          run_time=self.pace(k, first=0.7))
            r, c = max_at[(p, q)]
            g = gy.texts[p][q].copy()
            arrivals.setdefault((r, c), []).append(g)
            g.generate_target().move_to(gx.square(r, c))
            if landing[(r, c)] > 1:  # several windows send here: side by side, then summed
                slot = len(arrivals[(r, c)]) - 1 - (landing[(r, c)] - 1) / 2
                g.target.scale(0.7).shift(slot * 0.3 * self.cell * RIGHT)
            self.play(MoveToTarget(g), Indicate(marks[k], color=th.active, scale_factor=1.0),
                      run_time=self.pace(k))
        self.play(fade_out(window), fade_out(cell_frame), run_time=self.t(0.4))

        # each entry of ∂L/∂x is the traced value: the routed gradient (or their sum), else 0
        merges, zeros = [], []
        for i in range(h):
            for j in range(w):
                v = self.num_text("grad_input", i, j, th.gradient, self.font)
                v.move_to(gx.square(i, j))
                if (i, j) in arrivals:
                    merges.append(ReplacementTransform(VGroup(*arrivals[(i, j)]), v))
                else:
                    zeros.append(v.set_opacity(0.45))
        self.play(*merges, run_time=self.t(0.6))
        lines = ["each window's gradient", "goes to its max,", "0 everywhere else"]
        if any(n > 1 for n in landing.values()):
            lines.append("(shared maxima add up)")
        rule = self.sidebar(*lines, top=gy_note.get_bottom()[1] - 0.3, size=26)
        self.play(fade_in(VGroup(*zeros), lag_ratio=0.05), fade_in(rule), run_time=self.t(1.2))
        self.wait(self.t(4.0))
        self.note(say="Backward, each window's gradient goes only to the entry that won the "
                      "max; the others get nothing.",
                  ask="Which entries of ∂L/∂x get a gradient from the first window?",
                  answer=f"Only its max at row {mr + 1}, column {mc + 1}: "
                         f"{self.out_text('grad_input', mr, mc)} (from ∂L/∂y = "
                         f"{self.out_text('grad_output', 0, 0)}); the rest are 0.")
        if self.shifted_by_one_row():
            self.shift_section()

    # -- presenter notes ---------------------------------------------------------------------
    def out_text(self, quantity: str, i: int, j: int) -> str:
        """The traced entry (i, j) of ``quantity`` as a note writes it (recorded as shown)."""
        return minus_sign(self.number("main", self.step, self.layer, quantity, (0, 0, i, j),
                                      formatter=fmt_auto)[1])

    # -- a small shift ------------------------------------------------------------------------
    def shifted_by_one_row(self) -> bool:
        """Whether the "shifted" run pools the main run's input moved one row down, with the
        same window and stride (the bundled pair; another --trace skips the section)."""
        main, shifted = self.trace("main"), self.trace("shifted")
        a = main.get(main.steps[0], self.layer, "input")[0, 0]
        layer = pool_layer(shifted)["name"]
        b = shifted.get(shifted.steps[0], layer, "input")[0, 0]
        return (a.shape == b.shape and np.array_equal(a[:-1], b[1:]) and not b[0].any()
                and pool_geometry(main, self.layer) == pool_geometry(shifted, layer))

    def shift_section(self) -> None:
        """The deck's reason for pooling: move the input one pixel and pool again; most of
        the pooled map stays (each equal pair is two traced outputs)."""
        self.next_section("shift")
        th, cell = self.theme, 0.8
        self.play(fade_out(*self.mobjects), run_time=self.t(0.6))
        title = self.label("Move the input one pixel down, pool again", size=34)
        title.to_edge(UP, buff=0.25)
        pairs, pooled = [], []
        for role, left, name in (("main", -6.4, "x"), ("shifted", 0.4, "x moved down")):
            x = light(ValueGrid(self.grid_values("input", role), th, cell=cell, color=th.value,
                                font_size=cell * 34, formatter=fmt_minus))
            x.move_to([left, 2.0, 0], aligned_edge=LEFT + UP)
            pooled.append(self.grid_values("output", role))
            y = light(ValueGrid(pooled[-1], th, cell=cell,
                                color=th.value, font_size=cell * 34, formatter=fmt_minus))
            y.next_to(x, RIGHT, buff=1.2)
            tag = self.label(name, size=26, color=th.value).next_to(x, UP, buff=0.15)
            pairs.append((x, y, VGroup(tag, self.label("pooled", size=26, color=th.value)
                                       .next_to(y, UP, buff=0.15), self.arrow(x, y, th.muted))))
        self.play(fade_in(title), *[fade_in(VGroup(*p)) for p in pairs], run_time=self.t(1.2))
        y1 = pairs[1][1]
        same = list(zip(*np.nonzero(pooled[0] == pooled[1])))  # two traced outputs each
        boxes = [y1.square(p, q).copy().set_stroke(th.active, width=5) for p, q in same]
        total = pooled[0].size
        words = (f"{len(same)} of {total} pooled values stay the same:",
                 "the features are still found, nearly where they were")
        caption = self.as_caption(VGroup(*[self.label(w, size=30) for w in words])
                                  .arrange(DOWN, buff=0.18).move_to([0, -2.6, 0]))
        self.play(*[Create(b) for b in boxes], fade_in(caption), run_time=self.t(1.0))
        self.wait(self.t(reading_time(" ".join(words))))
        self.note(say="Move the input one pixel and pool again: most of the pooled map does "
                      "not change.",
                  ask="How many pooled values survive a one-pixel shift?",
                  answer=f"{len(same)} of {total}: pooling keeps the features, nearly where "
                         "they were.")
