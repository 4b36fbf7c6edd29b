"""EdgeDetection: the vertical-edge filter [[-1,0,1]]×3 on a real handwritten 7.

Sections
  window   the digit, a 5×6 window of its pixels zoomed in with their values; the filter
           slides over it, each position's products and sum written out (row by row, as
           the kernel's rows) and the traced output filling a 3×4 feature map: large values
           where dark turns bright, i.e. on the vertical edge
  full     the same filter over the whole digit: the feature map (zero padding keeps it
           28×28) revealed as the filter sweeps, as a signed heatmap; where the window's
           3×4 numbers sit in it
  pooled   that feature map max-pooled 2×2 (28×28 → 14×14): one block's four values and
           their max, the edge still there at a quarter of the size

Runs: main (the window probe), full (the whole digit), pooled (a chained probe: the same
Conv2D, then MaxPool2D over its feature map; the scene checks that the pooled input is
exactly full's map).
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, AnimationGroup, Arrow, Create, Group,
                   MoveToTarget, Rectangle, TransformFromCopy, UpdateFromAlphaFunc, VGroup)

from nnanim.engine.errors import TraceError
from nnanim.scenes.base import TraceScene
from nnanim.scenes.format import fmt_auto, fmt_minus, minus_sign
from nnanim.scenes.layout import reading_time
from nnanim.scenes.mobjects.heatmap import Heatmap
from nnanim.scenes.mobjects.light_animations import Fade, fade_in, fade_out, replace
from nnanim.scenes.mobjects.light_text import light
from nnanim.scenes.mobjects.product_sum import markup, signed
from nnanim.scenes.mobjects.signed_legend import SignedLegend
from nnanim.scenes.mobjects.sliding_window import SlidingWindow
from nnanim.scenes.mobjects.value_grid import ValueGrid

MAX_WINDOW = 8     # the window's pixels are written as numbers: keep it small
LEFT_X = -5.6      # window section: the digit thumbnail and K
GRID_X = -1.3      # the window's pixels and the products under them
OUT_LEFT = 2.7     # the window's feature map and the note under it
TERM_SIZE = 28     # the products under the window
SLOW_STEPS = 3     # window positions shown slowly, products morphing
MAP_H = 4.5        # height of the digit and feature-map heatmaps
MAP_X, MAP_Y = 3.5, 0.05   # the two heatmaps sit at (∓MAP_X, MAP_Y)


def layer_of_type(trace, kind: str) -> str:
    """Name of the trace's (first) layer of type ``kind``; TraceError if there is none."""
    for info in trace.layer_info:
        if info.get("type") == kind:
            return info["name"]
    raise TraceError(f"EdgeDetection needs a {kind} probe; {trace.path} has layers "
                     f"{', '.join(i.get('type', '?') for i in trace.layer_info) or 'none'}")


class EdgeDetection(TraceScene):
    """A vertical-edge filter on a handwritten 7: window with numbers, whole feature map,
    then max pooling. Every number on screen is read from the three probe traces.
    Length at speed 1: about 46 s (window 23 s, full 13 s, pooled 11 s).
    """

    title = "Edge detection on a handwritten digit"
    description = ("a vertical-edge filter over a handwritten 7: one "
                   "window with numbers, the whole feature map, then max-pooled")
    runs = {"main": "edge_digit_window", "full": "edge_digit_full",
            "pooled": "edge_digit_pooled"}
    trace_kind = "layer"
    duration = 49.0

    def check_trace(self, role, trace) -> None:
        step = trace.steps[0] if trace.steps else None
        if step is None:
            raise TraceError(f"EdgeDetection: {trace.path} recorded no step")
        if role == "pooled":
            name = layer_of_type(trace, "MaxPool2D")
            need = ("input", "output", "argmax")
        else:
            name = layer_of_type(trace, "Conv2D")
            need = ("input", "output", "W")
        missing = [q for q in need if q not in trace.quantities(name, step)]
        if missing:
            raise TraceError(f"EdgeDetection: {trace.path} lacks {name}/{', '.join(missing)}")
        x = trace.get(step, name, "input")
        if x.shape[:2] != (1, 1) or trace.get(step, name, "output").shape[1] != 1:
            raise TraceError(f"EdgeDetection shows one channel in and out; {trace.path} has "
                             f"input {tuple(x.shape)}")
        if role == "main" and max(x.shape[2:]) > MAX_WINDOW:
            raise TraceError(f"EdgeDetection writes the window's pixels: at most "
                             f"{MAX_WINDOW}x{MAX_WINDOW}, {trace.path} has {tuple(x.shape[2:])}")
        if role == "pooled":
            full = self.trace("full")
            fmap = full.get(full.steps[0], layer_of_type(full, "Conv2D"), "output")
            if x.shape != fmap.shape or not np.array_equal(x, fmap):
                raise TraceError(f"EdgeDetection: the pooled run's input is not the full run's "
                                 f"feature map ({trace.path} vs {full.path})")

    # -- trace reading ----------------------------------------------------------------------
    def text(self, role: str, quantity: str, index, color: str, size: float):
        """A traced number as Text (recorded as shown)."""
        t = self.trace(role)
        _, s = self.number(role, t.steps[0], self.names[role], quantity, index,
                           formatter=fmt_auto)
        return self.label(minus_sign(s), size=size, color=color)

    def values(self, role: str, quantity: str) -> np.ndarray:
        """A probe's (H, W) map (drawing only; numbers on screen go through ``text``)."""
        t = self.trace(role)
        return t.get(t.steps[0], self.names[role], quantity)[0, 0]

    def shown_grid(self, role: str, quantity: str) -> np.ndarray:
        """A (H, W) map whose every entry is written on screen: record each one."""
        t = self.trace(role)
        a = self.values(role, quantity)
        return np.array([[self.number(role, t.steps[0], self.names[role], quantity,
                                      (0, 0, i, j), formatter=fmt_auto)[0]
                          for j in range(a.shape[1])] for i in range(a.shape[0])])

    def digit_crop(self) -> tuple[int, int] | None:
        """Top-left pixel of the window in the full digit, when the window is a crop of it."""
        a = self.trace("main").config.get("input", {})
        b = self.trace("full").config.get("input", {})
        same_digit = "mnist_index" in a and a["mnist_index"] == b.get("mnist_index")
        if same_digit and "crop" in a and "crop" not in b and \
                a.get("scale", True) == b.get("scale", True):
            return a["crop"][0], a["crop"][2]
        return None

    # -- pieces -----------------------------------------------------------------------------
    def grid(self, values: np.ndarray, **kwargs) -> ValueGrid:
        """A ValueGrid with typographic minus signs and light numbers."""
        return light(ValueGrid(values, self.theme, formatter=fmt_minus,
                               **kwargs))

    @staticmethod
    def fade_in(*mobjects) -> Fade:
        return Fade(Group(*mobjects), into=True)

    @staticmethod
    def fade_out(*mobjects) -> Fade:
        return Fade(Group(*mobjects), into=False)

    def term_rows(self, kernel: np.ndarray, out_text: str, origin: tuple[int, int]) -> VGroup:
        """The products w·x of one position, one line per kernel row, then "= out".

        Every factor is a traced number (kernel W, window input); the sum is the traced
        output: the scene writes the products, it does not evaluate them."""
        th = self.theme
        t = self.trace("main")
        kh, kw = kernel.shape
        lines = VGroup()
        for u in range(kh):
            parts = [("+ " if u else "", th.text)]
            for v in range(kw):
                w_text = self.number("main", t.steps[0], self.names["main"], "W", (0, 0, u, v),
                                     formatter=fmt_auto)[1]
                i, j = origin[0] + u, origin[1] + v
                x_text = self.number("main", t.steps[0], self.names["main"], "input",
                                     (0, 0, i, j), formatter=fmt_auto)[1]
                zero = kernel[u, v] == 0
                if v:
                    parts.append((" + ", th.text))
                parts += [(signed(w_text), th.muted if zero else th.weight),
                          ("·", th.muted if zero else th.text),
                          (minus_sign(x_text), th.muted if zero else th.value)]
            lines.add(light(markup(parts, font_size=TERM_SIZE)))
        lines.add(light(markup([("= ", th.text), (minus_sign(out_text), th.text)],
                               font_size=TERM_SIZE + 4)))
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        plus = markup([("+ ", th.text)], font_size=TERM_SIZE).width
        lines[0].shift(plus * RIGHT)
        return lines

    def construct(self) -> None:
        self.names = {"main": layer_of_type(self.trace("main"), "Conv2D"),
                      "full": layer_of_type(self.trace("full"), "Conv2D"),
                      "pooled": layer_of_type(self.trace("pooled"), "MaxPool2D")}
        self.window_section()
        self.full_section()
        self.pooled_section()

    # -- window -----------------------------------------------------------------------------
    def window_section(self) -> None:
        th = self.theme
        self.next_section("window")
        t = self.trace("main")
        kernel = self.values("main", "W")
        kh, kw = kernel.shape
        stride = tuple(t.layer_settings(self.names["main"])["stride"])
        win = self.shown_grid("main", "input")
        out = self.values("main", "output")
        h, w = win.shape
        oh, ow = out.shape

        self.title = self.label("Edge detection: a vertical-edge filter on a handwritten 7",
                                size=32).to_edge(UP, buff=0.25)
        digit_px = self.values("full", "input")
        crop = self.digit_crop()
        peak = float(np.max(digit_px))

        # the window of pixels: numbers over cells shaded like the image
        cell = min(0.8, 4.8 / w, 4.0 / h)
        grid = self.grid(win, cell=cell, font_size=cell * 32, color=th.text)
        for i in range(h):
            for j in range(w):
                grid.square(i, j).set_fill(th.value, opacity=0.55 * max(win[i, j], 0) / peak)
        grid.move_to([GRID_X, 2.6, 0], aligned_edge=UP)
        grid_head = self.label(f"pixels ({h}×{w})", size=24, color=th.muted)
        grid_head.next_to(grid, UP, buff=0.1)

        self.play(fade_in(self.title), run_time=self.t(0.8))
        if crop is not None:
            big = Heatmap(digit_px, th, height=5.4, vmin=0.0, vmax=peak).move_to([0, -0.35, 0])
            r0, c0 = crop
            box = self.pixel_box(big, r0, c0, h, w, th.active)
            caption = self.label("a handwritten 7 from MNIST (28×28 pixels)", size=24,
                                 color=th.muted).next_to(big, DOWN, buff=0.12)
            self.play(fade_in(big), fade_in(caption), run_time=self.t(1.0))
            self.play(Create(box), run_time=self.t(0.8))
            self.wait(self.t(0.6))
            thumb = Group(big, box)
            thumb.generate_target().scale(2.3 / big.height).move_to([LEFT_X, 1.45, 0])
            zoom = box.copy()
            self.play(MoveToTarget(thumb), fade_out(caption), zoom.animate.become(
                Rectangle(width=grid.width, height=grid.height, stroke_color=th.active,
                          stroke_width=4).move_to(grid)), run_time=self.t(1.2))
            self.play(self.fade_in(grid, grid_head), fade_out(zoom),
                      run_time=self.t(0.8))
            self.thumb = thumb
        else:
            self.play(self.fade_in(grid, grid_head), run_time=self.t(1.0))
            self.thumb = Group()

        # the filter K (left, under the digit) and the empty feature map (right)
        kgrid = self.grid(self.shown_grid("main", "W"), cell=0.6, font_size=26,
                          color=th.weight)
        kgrid.move_to([LEFT_X, -1.55, 0])
        k_head = self.label(f"filter K ({kh}×{kw})", size=24, color=th.weight)
        k_head.next_to(kgrid, UP, buff=0.12)
        ocell = min(0.85, 3.4 / ow, 2.6 / oh)
        ogrid = self.grid(out, cell=ocell, font_size=ocell * 32, color=th.text,
                          blank=np.ones(out.shape, bool))
        ogrid.move_to([OUT_LEFT, 2.4, 0], aligned_edge=UP + LEFT)
        o_head = self.label(f"feature map ({oh}×{ow})", size=24, color=th.muted)
        o_head.next_to(ogrid, UP, buff=0.1)
        self.play(self.fade_in(kgrid, k_head, o_head), Create(ogrid.cells),
                  run_time=self.t(1.0))
        if np.array_equal(kernel, np.tile([-1.0, 0.0, 1.0], (kh, 1))):
            # [[-1, 0, 1]] rows: the response is the right column minus the left column
            k_note = VGroup(self.label("right column", size=22, color=th.muted),
                            self.label("− left column", size=22, color=th.muted))
            k_note.arrange(DOWN, aligned_edge=LEFT, buff=0.08).next_to(kgrid, DOWN, buff=0.2)
            self.play(fade_in(k_note), run_time=self.t(0.6))

        window = SlidingWindow(grid, (kh, kw), th, stride=stride, fill_opacity=0.0)
        k_frame = Rectangle(width=kgrid.width, height=kgrid.height, stroke_color=th.weight,
                            stroke_width=5).move_to(kgrid)
        out_peak = float(np.max(np.abs(out))) or 1.0
        rows = None
        # the products hang from a fixed top-left corner, so they do not jitter sideways
        terms_at = grid.get_corner(DOWN + LEFT) + np.array([0.15, -0.3, 0])
        for k, (p, q) in enumerate(window.positions(out.shape)):
            origin = window.origin(p, q)
            out_text = self.number("main", t.steps[0], self.names["main"], "output",
                                   (0, 0, p, q), formatter=fmt_auto)[1]
            new_rows = self.term_rows(kernel, out_text, origin)
            new_rows.move_to(terms_at, aligned_edge=UP + LEFT)
            # the traced output flies from the sum into the feature map, cell tinted by sign
            value = self.text("main", "output", (0, 0, p, q), th.text, TERM_SIZE + 4)
            value.move_to(VGroup(*new_rows[-1][1:]))  # over the sum's digits, after "="
            v = out[p, q]
            tint = ogrid.square(p, q).copy().set_stroke(width=0).set_fill(
                th.positive if v >= 0 else th.negative, opacity=0.6 * abs(v) / out_peak)
            tint.set_z_index(-1)
            fly = AnimationGroup(value.animate.scale(ocell * 30 / (TERM_SIZE + 4))
                                 .move_to(ogrid.square(p, q)), fade_in(tint))
            if rows is None:
                self.play(fade_in(window.place(p, q)), Create(k_frame), run_time=self.pace(k))
                self.play(self.fade_in(new_rows), run_time=self.pace(k))
                self.play(fly, run_time=self.pace(k, first=0.8))
            elif k < SLOW_STEPS:
                self.add(window)  # on top: all below it stays a static background
                self.play(window.slide_to(p, q), *replace(rows, new_rows),
                          run_time=self.pace(k, slow=SLOW_STEPS, first=1.2))
                self.play(fly, run_time=self.pace(k, slow=SLOW_STEPS, first=0.8))
            else:  # the rest quickly: the products swap as the window lands
                self.add(window)
                self.play(window.slide_to(p, q), run_time=self.pace(k, slow=SLOW_STEPS,
                                                                    rest=0.2))
                self.remove(rows)
                self.add(new_rows)
                self.play(fly, run_time=self.pace(k, slow=SLOW_STEPS, rest=0.3))
            rows = new_rows
        self.play(self.fade_out(window, k_frame, rows), run_time=self.t(0.5))

        note = VGroup(self.label("large values:", size=26),
                      self.label("dark on the left,", size=26),
                      self.label("bright on the right", size=26),
                      self.label("→ a vertical edge", size=30, color=th.active))
        note.arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        note.next_to(ogrid, DOWN, buff=0.6).align_to(ogrid, LEFT)
        self.play(fade_in(note), run_time=self.t(1.0))
        self.wait(self.t(3.0))
        bp, bq = np.unravel_index(np.argmax(out), out.shape)
        best = self.number("main", t.steps[0], self.names["main"], "output", (0, 0, bp, bq),
                           formatter=fmt_auto)[1]
        self.note(say="The filter takes each window's right column minus its left column: "
                      "large where dark pixels turn bright.",
                  ask="Where is the window's feature map largest, and why there?",
                  answer=f"Row {bp + 1}, column {bq + 1}: {minus_sign(best)}, where the "
                         "window straddles the 7's vertical edge.")

    def pixel_box(self, heat: Heatmap, r0: int, c0: int, h: int, w: int, color: str) -> Rectangle:
        """A frame around pixels [r0, r0+h) × [c0, c0+w) of a heatmap."""
        ps = heat.height / heat.values.shape[0]
        box = Rectangle(width=w * ps, height=h * ps, stroke_color=color, stroke_width=4)
        tl = heat.cell_center(r0, c0) + np.array([-ps / 2, ps / 2, 0])
        return box.move_to(tl, aligned_edge=UP + LEFT)

    # -- full -------------------------------------------------------------------------------
    def full_section(self) -> None:
        th = self.theme
        self.next_section("full")
        t = self.trace("full")
        name = self.names["full"]
        px, fmap = self.values("full", "input"), self.values("full", "output")
        settings = t.layer_settings(name)
        kh, kw = self.values("full", "W").shape
        # the sweep below follows stride 1 with the same padding on every side only
        same_sides = len(set(settings["padding"])) == 1
        pad = settings["padding"][0] if settings["stride"] == [1, 1] and same_sides else None
        self.scale = float(np.max(np.abs(fmap))) or 1.0

        digit = Heatmap(px, th, height=MAP_H, vmin=0.0, vmax=float(np.max(px)))
        digit.move_to([-MAP_X, MAP_Y, 0])
        digit_frame = self.outline(digit)
        fm = Heatmap(fmap, th, height=MAP_H * fmap.shape[0] / px.shape[0], signed=True,
                     vmax=self.scale).move_to([MAP_X, MAP_Y, 0])
        fm_frame = self.outline(fm)
        d_head = self.label(f"the whole digit ({px.shape[0]}×{px.shape[1]})", size=24,
                            color=th.muted).next_to(digit, UP, buff=0.15)
        pad_note = f", zero padding {pad}" if pad else ""
        f_head = self.label(f"feature map ({fmap.shape[0]}×{fmap.shape[1]}{pad_note})",
                            size=24, color=th.muted).next_to(fm_frame, UP, buff=0.15)
        arrow = Arrow(digit.get_right(), fm_frame.get_left(), buff=0.3, color=th.active,
                      stroke_width=5, max_tip_length_to_length_ratio=0.2)
        star = self.label("∗ K", size=30, color=th.weight).next_to(arrow, UP, buff=0.1)

        # the thumbnail (with the window's box) grows into the big digit
        old = [m for m in self.mobjects if m is not self.title and m is not self.thumb]
        self.play(self.fade_out(*old), run_time=self.t(0.6))
        crop = self.digit_crop()
        box = None
        if len(self.thumb):
            self.play(self.thumb.animate.scale(MAP_H / self.thumb[0].height)
                      .move_to(digit, aligned_edge=UP).align_to(digit, LEFT),
                      fade_in(d_head), fade_in(digit_frame), run_time=self.t(1.0))
            box = self.thumb[1]
        else:
            self.play(fade_in(digit), fade_in(d_head), fade_in(digit_frame), run_time=self.t(0.8))
        self.play(Create(fm_frame), fade_in(f_head), fade_in(arrow), fade_in(star),
                  run_time=self.t(0.8))

        # sweep: a K-sized frame scans the digit while the feature map appears behind it
        mask_rest = Rectangle(stroke_width=0, fill_color=th.background, fill_opacity=1)
        mask_row = mask_rest.copy()
        ps = fm.height / fmap.shape[0]
        scan = Rectangle(width=kw * ps, height=kh * ps, stroke_color=th.active,
                         stroke_width=4)
        oh, ow = fmap.shape
        top, left = fm.get_top()[1], fm.get_left()[0]
        off = pad if pad is not None else 0

        def sweep(group, a):
            n = min(int(a * oh * ow), oh * ow - 1) if a < 1 else oh * ow
            r, c = divmod(n, ow)
            rest_top = top - (r + 1) * ps
            if r + 1 < oh:
                mask_rest.stretch_to_fit_height(rest_top - fm.get_bottom()[1])
                mask_rest.stretch_to_fit_width(fm.width).move_to(
                    [fm.get_x(), (rest_top + fm.get_bottom()[1]) / 2, 0])
            else:
                mask_rest.stretch_to_fit_height(1e-3).move_to(fm.get_bottom())
            if r < oh and c < ow:
                mask_row.stretch_to_fit_height(ps).stretch_to_fit_width((ow - c) * ps)
                mask_row.move_to([left + c * ps, top - r * ps, 0], aligned_edge=UP + LEFT)
                scan.move_to(digit.cell_center(r - off + (kh - 1) / 2, c - off + (kw - 1) / 2))
            else:
                mask_row.stretch_to_fit_height(1e-3).stretch_to_fit_width(1e-3)
            return group

        sweep(None, 0.0)
        self.add(fm, mask_rest, mask_row, fm_frame)
        self.play(Create(scan), run_time=self.t(0.4))
        self.play(UpdateFromAlphaFunc(VGroup(mask_rest, mask_row, scan), sweep),
                  run_time=self.t(4.0), rate_func=lambda a: a)
        self.remove(mask_rest, mask_row)
        self.play(fade_out(scan), run_time=self.t(0.3))

        # where the window's numbers sit, and what the colours mean
        if box is not None and pad is not None:
            main_out = self.values("main", "output").shape
            target = self.pixel_box(fm, crop[0] + pad, crop[1] + pad, *main_out, th.active)
            self.play(TransformFromCopy(box, target), run_time=self.t(1.0))
        legend = SignedLegend(th, width=2.4, height=0.16, font_size=20)
        lo = self.text("full", "output", (0, 0) + np.unravel_index(np.argmin(fmap), fmap.shape),
                       th.negative, 22)
        hi = self.text("full", "output", (0, 0) + np.unravel_index(np.argmax(fmap), fmap.shape),
                       th.positive, 22)
        legend.next_to(fm_frame, DOWN, buff=0.2)
        lo.next_to(legend.strip, LEFT, buff=0.3)
        hi.next_to(legend.strip, RIGHT, buff=0.3)
        meaning = VGroup(self.label("positive: dark → bright (left side of a stroke)", size=22,
                                    color=th.positive),
                         self.label("negative: bright → dark (right side)", size=22,
                                    color=th.negative))
        meaning.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        meaning.next_to(digit, DOWN, buff=0.3).align_to(digit, LEFT)
        self.play(fade_in(legend), fade_in(lo), fade_in(hi), run_time=self.t(0.8))
        self.play(fade_in(meaning), run_time=self.t(1.0))
        self.wait(self.t(3.0))
        lo_t, hi_t = (self.number("full", t.steps[0], name, "output",
                                  (0, 0) + np.unravel_index(f(fmap), fmap.shape),
                                  formatter=fmt_auto)[1] for f in (np.argmin, np.argmax))
        self.note(say="The same filter over the whole digit marks both sides of every "
                      "vertical stroke, with opposite signs.",
                  ask="What are the strongest positive and negative responses in the map?",
                  answer=f"{minus_sign(hi_t)} where dark turns bright (a stroke's left side), "
                         f"{minus_sign(lo_t)} where bright turns dark (its right side).")
        # the pooled section keeps these
        self.fm, self.fm_frame, self.f_head = fm, fm_frame, f_head
        self.legend = Group(legend, lo, hi)

    def outline(self, heat: Heatmap) -> Rectangle:
        """A thin frame around a heatmap (its zero colour is the background)."""
        return Rectangle(width=heat.width, height=heat.height, stroke_color=self.theme.grid,
                         stroke_width=2).move_to(heat)

    # -- pooled -----------------------------------------------------------------------------
    def pooled_section(self) -> None:
        th = self.theme
        self.next_section("pooled")
        t = self.trace("pooled")
        name = self.names["pooled"]
        settings = t.layer_settings(name)
        (kh, kw), (sh, sw) = settings["kernel_size"], settings["stride"]
        fmap, pooled = self.values("pooled", "input"), self.values("pooled", "output")
        argmax = self.array("pooled", t.steps[0], name, "argmax")[0, 0]

        # the digit leaves; the feature map moves left; the pooled map appears right
        keep = {self.title, self.fm, self.fm_frame, self.f_head, self.legend}
        self.play(self.fade_out(*[m for m in self.mobjects if m not in keep]),
                  run_time=self.t(0.6))
        shift = 2 * MAP_X * LEFT
        self.play(*[m.animate.shift(shift) for m in (self.fm, self.fm_frame, self.f_head,
                                                     self.legend)], run_time=self.t(1.0))
        pm = Heatmap(pooled, th, height=self.fm.height, signed=True, vmax=self.scale)
        pm.move_to([MAP_X, MAP_Y, 0])
        pm_frame = self.outline(pm)
        p_head = self.label(f"max-pooled {kh}×{kw} ({pooled.shape[0]}×{pooled.shape[1]})",
                            size=24, color=th.muted).next_to(pm_frame, UP, buff=0.15)
        arrow = Arrow(self.fm_frame.get_right(), pm_frame.get_left(), buff=0.3,
                      color=th.active, stroke_width=5, max_tip_length_to_length_ratio=0.2)
        arrow.shift(1.2 * UP)
        op = self.label(f"max {kh}×{kw}", size=28, color=th.active).next_to(arrow, UP, buff=0.1)
        self.play(fade_in(arrow), fade_in(op), fade_in(pm), Create(pm_frame), fade_in(p_head),
                  run_time=self.t(1.2))

        # one block up close: the pooled cell with the strongest response
        p, q = np.unravel_index(np.argmax(pooled), pooled.shape)
        r0, c0 = p * sh, q * sw
        block = np.array([[self.number("pooled", t.steps[0], name, "input",
                                       (0, 0, r0 + i, c0 + j), formatter=fmt_auto)[0]
                           for j in range(kw)] for i in range(kh)])
        bgrid = self.grid(block, cell=0.9, font_size=28, color=th.text)
        bgrid.move_to([0, MAP_Y - 0.4, 0])
        src_box = self.pixel_box(self.fm, r0, c0, kh, kw, th.active)
        dst_box = self.pixel_box(pm, p, q, 1, 1, th.active)
        mr, mc = divmod(int(argmax[p, q]), fmap.shape[1])
        best = bgrid.square(mr - r0, mc - c0).copy().set_stroke(width=0)
        best.set_fill(th.active, opacity=0.3).set_z_index(-1)
        result = VGroup(self.label("max =", size=26),
                        self.text("pooled", "output", (0, 0, p, q), th.text, 26))
        result.arrange(RIGHT, buff=0.12).next_to(bgrid, DOWN, buff=0.25)
        self.play(Create(src_box), run_time=self.t(0.6))
        self.play(TransformFromCopy(src_box, VGroup(bgrid.cells)), fade_in(bgrid.numbers),
                  run_time=self.t(1.0))
        self.play(fade_in(best), bgrid.texts[mr - r0][mc - c0].animate.set_color(th.ink(th.active)),
                  run_time=self.t(0.6))
        self.play(fade_in(result), run_time=self.t(0.6))
        self.play(TransformFromCopy(src_box, dst_box), run_time=self.t(0.8))

        h, w = fmap.shape
        lines = (f"{h}×{w} → {pooled.shape[0]}×{pooled.shape[1]}:", "the edge is still there",
                 # pooling a signed map is not symmetric: say so (CNNs pool after a ReLU)
                 "positive responses win the max; a CNN applies ReLU first")
        head = VGroup(self.label(lines[0], size=28), self.label(lines[1], size=28,
                                                                color=th.active))
        head.arrange(RIGHT, buff=0.2)
        why = self.label(lines[2], size=24, color=th.muted)
        note = self.as_caption(VGroup(head, why).arrange(DOWN, buff=0.12))
        note.to_edge(DOWN, buff=0.3)
        self.play(fade_in(note), run_time=self.t(1.0))
        self.wait(self.t(reading_time(" ".join(lines))))
        top = self.number("pooled", t.steps[0], name, "output", (0, 0, p, q),
                          formatter=fmt_auto)[1]
        self.note(say="Max pooling keeps the largest response of each block: a quarter of "
                      "the size, and the edge is still there.",
                  ask="What does the strongest block pass on to the pooled map?",
                  answer=f"Its maximum, {minus_sign(top)}; the map shrinks from {h}×{w} to "
                         f"{pooled.shape[0]}×{pooled.shape[1]}.")
