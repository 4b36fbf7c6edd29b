"""GradientDescent1D: the deck's f(x) = e^(−x) + x², read slope by slope, then descended.

Sections
  walk            the tangent at each probe point; the sign of f'(x) says which way to go;
                  the sign flips between two probes, so the minimum lies between them
  steps           x ← x − η f'(x): tangent, step arrow, the point moving, a scrolling table
                  of k, x_k, f(x_k), f'(x_k); the first steps slowly with their numbers
  learning-rates  too small, good and too large η side by side, each with its final x
  step-limit      why the large η diverges: η > 2/f″(x*), the traced curvature bound
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UL, UP, Arrow, Create, DashedLine, Dot,
                   GrowArrow, LaggedStart, Line, Rectangle, VGroup, VMobject, Write, smooth)

from nnanim.scenes.mobjects.run_marker import run_marker
from nnanim.scenes.base import TraceScene
from nnanim.scenes.layout import reading_time
from nnanim.scenes.mobjects.light_animations import Tween, fade_in, fade_out, replace
from nnanim.scenes.mobjects.plot_axes import PlotAxes, nice_ticks
from nnanim.scenes.mobjects.scrolling_table import ScrollingTable
from nnanim.scenes.mobjects.ticker_text import TickerText

OBJ = "objective"
QUANTITIES = ("theta", "theta.grad", "theta.after", "value")
MINUS = "\u2212"
PRIME = "\u2032"
RIGHT_PANEL = 0.4  # left edge of the text panel beside the main plot


def short(v: float) -> str:
    """A configured number (learning rate, probe point) the short way: 0.1, 0.25."""
    return f"{v:g}"


class GradientDescent1D(TraceScene):
    """Gradient descent on f(x) = e^(−x) + x² from x = −0.5 (the deck's example).

    Runs: main (η = 0.1), small (η too small), large (η too large); every number on
    screen is read from these traces. Length at speed 1: about 96 s (start 2.5 s, walk
    24 s, steps 28 s, learning rates 27 s, step limit 15 s).
    """

    title = "Gradient descent in one dimension"
    description = ("f(x) = e⁻ˣ + x²: read the slope's "
                   "sign, step against the gradient, three learning rates and the largest stable one")
    runs = {"main": "descent_1d", "small": "descent_1d_lr_small",
            "large": "descent_1d_lr_large"}
    trace_kind = "objective"
    duration = 96.0

    def check_trace(self, role, trace) -> None:
        statics = ["curve/x", "curve/f", "objective/minimizer", "objective/hessian",
                   "objective/max_stable_lr"] + (["probe/theta", "probe/value", "probe/grad"]
                                                 if role == "main" else [])
        self.require_objective(trace, 1, statics, QUANTITIES, coords_name="x")

    # -- trace reading ----------------------------------------------------------------------
    def num(self, role: str, step, layer: str, quantity: str, index=(), color=None,
            size: float = 26, formatter=None, prefix: str = ""):
        """(value, Text) of a traced number (with ``prefix``), typographic minus."""
        v, text = self.number(role, step, layer, quantity, index, formatter=formatter)
        return v, self.label((prefix + text).replace("-", MINUS), size=size, color=color)

    def cell(self, role: str, step, layer: str, quantity: str, index=(), color=None,
             size: float = 24, formatter=None) -> tuple[float, TickerText]:
        """(value, table cell) of a traced number: glyphs reused, no Text to parse."""
        v, text = self.number(role, step, layer, quantity, index, formatter=formatter)
        return v, TickerText(text, font_size=size, color=color or self.theme.text,
                             max_len=len(text))

    def value_index(self, role: str) -> tuple:
        """Index of f(θ) in its step array: () when stored 0-d, (0,) when stored as (1,)."""
        return () if self.trace(role).get(0, OBJ, "value").ndim == 0 else (0,)

    def path(self, role: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """x_k, f(x_k) for every step k, and x after each step (for drawing)."""
        t = self.trace(role)
        return (t.series(OBJ, "theta")[:, 0], t.series(OBJ, "value").reshape(-1),
                t.series(OBJ, "theta.after")[:, 0])

    def curve_y(self, role: str, x: float) -> float:
        """Height of the traced curve at x (to place a point on it)."""
        if role not in self._curves:  # static() reads the file: keep the arrays
            t = self.trace(role)
            self._curves[role] = (t.static("curve/x"), t.static("curve/f"))
        return float(np.interp(x, *self._curves[role]))

    # -- drawing helpers ----------------------------------------------------------------------
    def make_plot(self, role: str, place, width: float, height: float,
                  font_size: float = 22, x_ticks: int = 6,
                  y_label: str | None = "f(x)") -> tuple[PlotAxes, VMobject]:
        """Axes around the run's traced curve, positioned by ``place(axes)``, and the
        curve drawn on them."""
        t = self.trace(role)
        cx, cf = t.static("curve/x"), t.static("curve/f")
        y0 = min(0.0, float(cf.min()))
        y1 = float(cf.max()) + 0.1 * float(cf.max() - y0)
        plot = PlotAxes(self.theme, (cx[0], cx[-1]), (y0, y1), width, height,
                        x_ticks=nice_ticks(cx[0], cx[-1], x_ticks),
                        y_ticks=nice_ticks(y0, y1, 4)[1:], x_label="x", y_label=y_label,
                        font_size=font_size)
        place(plot)
        return plot, plot.polyline(cx, cf, color=self.theme.text, stroke_width=4)

    def tangent(self, plot: PlotAxes, x: float, y: float, slope: float,
                length: float = 2.2) -> tuple[Line, np.ndarray]:
        """The tangent at (x, y) with the traced slope, and its upward unit normal."""
        ux, uy = plot.unit()
        d = np.array([ux, slope * uy, 0.0])
        d /= np.linalg.norm(d)
        c = plot.p(x, y)
        line = Line(c - 0.5 * length * d, c + 0.5 * length * d,
                    color=self.theme.gradient, stroke_width=5)
        return line, np.array([-d[1], d[0], 0.0])

    @staticmethod
    def beside(mob, point: np.ndarray, normal: np.ndarray, gap: float = 0.3):
        """Put ``mob`` next to ``point`` on the side ``normal`` points to."""
        reach = abs(normal[0]) * mob.width / 2 + abs(normal[1]) * mob.height / 2
        return mob.move_to(point + normal * (gap + reach))

    def caption(self, text: str):
        """A sentence at the bottom of the frame; kept in ``captions`` (tests read them)."""
        self.captions.append(text)
        return self.label(text, size=26).to_edge(DOWN, buff=0.32)

    def swap(self, old, new) -> list:
        """Animations replacing ``old`` (may be None) by ``new``: out in the first half of
        the run time, in during the second, so the two never overlap."""
        return replace(old, new)

    # -- the scene -------------------------------------------------------------------------------
    def construct(self) -> None:
        th = self.theme
        self.captions: list[str] = []
        self.verdicts: dict[str, str] = {}
        self._curves: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        title = self.label("Gradient descent in 1-D", size=34).to_corner(UL, buff=0.35)
        formula = self.tex(r"f(x) = e^{-x} + x^2", r"\qquad", r"f'(x) = -e^{-x} + 2x", size=38)
        formula[2].set_color(th.gradient)
        formula.next_to(title, RIGHT, buff=0.6).align_to(title, DOWN).shift(0.04 * DOWN)
        self.plot, curve = self.make_plot(
            "main", lambda p: p.to_edge(LEFT, buff=0.3).set_y(-0.3), 5.8, 4.9)
        self.add(title, formula)
        self.play(fade_in(self.plot), Create(curve), run_time=self.t(1.5))
        self.wait(self.t(1.0))
        self.note(say="One function, f(x) = e^(\u2212x) + x\u00b2, and its slope f\u2032; we "
                      "look for its lowest point using the slope alone.",
                  ask="What does the sign of f\u2032 tell us about the curve at a point?",
                  answer="Negative: the curve falls to the right; positive: it rises to the "
                         "right.")
        self.next_section("walk")
        walked = self.walk()
        self.next_section("steps")
        self.play(*[fade_out(m) for m in walked], run_time=self.t(0.8))
        self.descend()
        self.next_section("learning-rates")
        self.play(*[fade_out(m) for m in self.mobjects if m not in (title, formula)],
                  run_time=self.t(0.8))
        self.learning_rates()
        self.next_section("step-limit")
        self.play(*[fade_out(m) for m in self.mobjects if m not in (title, formula)],
                  run_time=self.t(0.8))
        self.step_limit()

    # -- (a) walk --------------------------------------------------------------------------------
    def walk(self) -> list:
        """The walk; returns what it leaves on screen (the next section clears it)."""
        th, plot = self.theme, self.plot
        probe = self.trace("main")
        xs, fxs = probe.static("probe/theta")[:, 0], probe.static("probe/value")  # layout
        header = [self.label("x", size=26, color=th.muted),
                  self.label(f"slope f{PRIME}(x)", size=26, color=th.muted),
                  self.label("downhill is", size=26, color=th.muted)]
        table = ScrollingTable(header, [1.1, 2.3, 2.4], th, visible=len(xs), row_height=0.54)
        table.move_to(np.array([RIGHT_PANEL, 2.2, 0]), aligned_edge=UL)
        caption = self.caption(f"Which way is downhill? Read the slope f{PRIME}(x) "
                               f"at a few points.")
        self.play(fade_in(table), fade_in(caption), run_time=self.t(1.0))
        self.wait(self.t(2.8))  # the question's reading time: 12 words

        dot = tan = slope_label = drop = None
        arrows, rows, grads = VGroup(), [], []
        for i in range(len(xs)):
            x, x_text = self.cell("main", None, "static", "probe/theta", (i, 0), th.value,
                                  size=26, formatter=lambda v: f"{v:.2f}")
            fx = fxs[i]
            gx, g_text = self.cell("main", None, "static", "probe/grad", (i, 0), th.gradient,
                                   size=26)
            _, new_label = self.num("main", None, "static", "probe/grad", (i, 0), th.gradient,
                                    prefix=f"f{PRIME} = ")
            grads.append(gx)
            point = plot.p(x, fx)
            new_tan, normal = self.tangent(plot, x, fx, gx)
            self.beside(new_label, point, normal)
            new_drop = DashedLine(point, plot.p(x, plot.y_range[0]), color=th.muted,
                                  stroke_width=2)
            right = gx < 0  # the slope's sign says which way is downhill
            base = plot.p(x, plot.y_range[0]) + 0.28 * UP
            arrow = Arrow(base, base + (0.45 if right else -0.45) * RIGHT, buff=0,
                          color=th.update, stroke_width=5, max_tip_length_to_length_ratio=0.45)
            way = self.label("\u2192 bigger x" if right else "\u2190 smaller x", size=26,
                             color=th.update)
            push = table.push([x_text, g_text, way])
            rows.append(table.rows[-1])
            old = [fade_out(m) for m in (tan, slope_label, drop) if m is not None]
            if dot is None:
                dot = Dot(point, radius=0.09, color=th.active)
                self.play(fade_in(dot, scale=0.5), Create(new_drop), run_time=self.t(0.8))
            else:
                self.play(*old, dot.animate.move_to(point), Create(new_drop),
                          run_time=self.t(0.6))
            self.play(Create(new_tan), fade_in(new_label), run_time=self.pace(i, 1, 1.0, 0.6))
            if i == 0:
                reading = self.caption(f"Gradient {'negative' if right else 'positive'} "
                                       f"\u2192 make x {'bigger' if right else 'smaller'}: "
                                       f"downhill is against the slope.")
                self.play(*self.swap(caption, reading), run_time=self.t(0.6))
                caption = reading
            self.play(GrowArrow(arrow), push, run_time=self.pace(i, 1, 1.0, 0.6))
            self.wait(self.pace(i, 1, 1.5, 0.6))
            tan, slope_label, drop = new_tan, new_label, new_drop
            arrows.add(arrow)

        # where the sign flips, the curve turns from falling to rising: the minimum is there
        flips = [i for i in range(len(grads) - 1) if (grads[i] < 0) != (grads[i + 1] < 0)]
        extra = []
        if flips:
            i = flips[0]
            a, a_text = self.number("main", None, "static", "probe/theta", (i, 0),
                                    formatter=short)
            b, b_text = self.number("main", None, "static", "probe/theta", (i + 1, 0),
                                    formatter=short)
            lo, hi = plot.p(a, plot.y_range[0]), plot.p(b, plot.y_range[1])
            band = Rectangle(width=hi[0] - lo[0], height=hi[1] - lo[1], stroke_width=0,
                             fill_color=th.active, fill_opacity=0.16).move_to((lo + hi) / 2)
            frames = [table.frame_row(rows[j], th.active) for j in (i, i + 1)]
            note = self.caption(f"The sign flips between {a_text} and {b_text}: "
                                f"the minimum lies in between.")
            self.play(fade_in(band), *[Create(f) for f in frames], *self.swap(caption, note),
                      run_time=self.t(1.2))
            extra = [band, *frames, note]
        else:
            extra = [caption]
        self.wait(self.t(4.6))  # the conclusion's reading time: 12 words
        self.note(say="At each probe point the slope's sign says which way is downhill: "
                      "move against the slope.",
                  ask="Between which two probe points must the minimum lie?",
                  answer=(f"Between {a_text} and {b_text}: the sign of f\u2032 flips there."
                          if flips else "The slope never flips sign on these probes, so the "
                                        "minimum lies outside them."))
        return [table, dot, tan, slope_label, drop, arrows, *extra]

    # -- (b) steps -------------------------------------------------------------------------------
    def descend(self) -> None:
        th, plot = self.theme, self.plot
        xs, fs, after = self.path("main")
        n = len(xs)
        vi = self.value_index("main")
        _, eta_text = self.number("main", 0, "scalar", "lr", formatter=short)

        head = self.label("Steps proportional to the gradient", size=27)
        head.move_to(np.array([RIGHT_PANEL, 2.95, 0]), aligned_edge=LEFT)
        rule = self.tex(r"x_{k+1}", "=", r"x_k", r"-\,\eta\,", r"f'(x_k)",
                        r"\qquad \eta = " + eta_text, size=38)
        for j, c in ((0, th.value), (2, th.value), (4, th.gradient)):
            rule[j].set_color(c)
        rule.next_to(head, DOWN, buff=0.3).align_to(head, LEFT)
        cols = self.tex("k", "x_k", "f(x_k)", "f'(x_k)", size=32, color=th.muted)
        table = ScrollingTable(list(cols), [0.75, 1.6, 1.6, 1.75], th, visible=6,
                               row_height=0.44)
        table.move_to(np.array([RIGHT_PANEL + 0.2, 0.6, 0]), aligned_edge=UL)
        self.play(fade_in(head), Write(rule), fade_in(table), run_time=self.t(1.5))

        x_lo, x_hi = plot.x_range
        dot = Dot(plot.p(np.clip(xs[0], x_lo, x_hi), fs[0]), radius=0.09, color=th.active)
        gx0 = self.trace("main").get(0, OBJ, "theta.grad")[0]
        tan, _ = self.tangent(plot, float(np.clip(xs[0], x_lo, x_hi)), fs[0], gx0)
        lane = plot.p(0, plot.y_range[0])[1] + 0.3  # step arrows run just above the x-axis
        trail = VGroup()
        self.add(trail)
        self.play(fade_in(dot, scale=0.5), Create(tan), run_time=self.t(0.8))

        slow = 3
        example = arrow = arrow_label = caption = None
        for k in range(n):
            x, x_text = self.cell("main", k, OBJ, "theta", (0,), th.value)
            _, f_text = self.cell("main", k, OBJ, "value", vi, th.value)
            gx, g_text = self.cell("main", k, OBJ, "theta.grad", (0,), th.gradient)
            row = [TickerText(str(k), font_size=24, color=th.muted, max_len=len(str(k))),
                   x_text, f_text, g_text]
            x_draw, x_next = float(np.clip(x, x_lo, x_hi)), float(np.clip(after[k], x_lo, x_hi))
            new_tan, normal = self.tangent(plot, x_draw, self.curve_y("main", x_draw), gx)
            moves = [fade_out(m) for m in (arrow, arrow_label) if m is not None]
            if k:
                moves.append(tan.animate.put_start_and_end_on(*new_tan.get_start_and_end()))
            a0, a1 = plot.p(x_draw, 0)[0], plot.p(x_next, 0)[0]
            arrow = arrow_label = None
            if abs(a1 - a0) > 0.03:  # shorter arrows would be all tip
                arrow = Arrow(np.array([a0, lane, 0]), np.array([a1, lane, 0]), buff=0,
                              color=th.update, stroke_width=5,
                              max_tip_length_to_length_ratio=0.35)
            grow = [GrowArrow(arrow)] if arrow is not None else []
            if k < slow:
                # the update with its real numbers, then the same story in pictures
                _, xn_text = self.number("main", k, OBJ, "theta.after", (0,))
                _, g_tex = self.number("main", k, OBJ, "theta.grad", (0,))
                _, x_tex = self.number("main", k, OBJ, "theta", (0,))
                new_example = self.tex(f"x_{{{k + 1}}}", "=", x_tex, "-", eta_text, r"\cdot",
                                       f"({g_tex})", "=", xn_text, size=35)
                for j, c in ((0, th.value), (2, th.value), (6, th.gradient), (8, th.value)):
                    new_example[j].set_color(c)
                new_example.next_to(rule, DOWN, buff=0.32).align_to(rule, LEFT)
                _, slope_label = self.num("main", k, OBJ, "theta.grad", (0,), th.gradient,
                                          prefix=f"f{PRIME} = ")
                self.beside(slope_label, self.on_curve(x_draw), normal)
                self.play(*moves, fade_in(slope_label), *self.swap(example, new_example),
                          table.push(row), run_time=self.t(1.2))
                table.settle()
                example = new_example
                # the step is η·|f′| long: its size follows |f′| (f′ itself is negative here)
                text = (f"Steep slope: |f{PRIME}| is large, so the step is large." if k == 0
                        else f"Flatter slope: smaller |f{PRIME}|, smaller step.")
                if k < 2:  # steps 1 and 2 share the second caption: it stays
                    new_caption = self.caption(text)
                    self.play(*self.swap(caption, new_caption), *grow, run_time=self.t(1.0))
                    caption = new_caption
                elif grow:
                    self.play(*grow, run_time=self.t(1.0))
                else:
                    self.wait(self.t(1.0))
                if arrow is not None:
                    arrow_label = self.tex(r"-\eta\, f'(x_k)", size=34, color=th.update)
                    arrow_label.next_to(arrow, UP, buff=0.1)
                    self.play(fade_in(arrow_label), run_time=self.t(0.5))
                self.play(self.slide(dot, x_draw, x_next), fade_out(slope_label),
                          run_time=self.t(1.0))
                self.wait(self.t(1.3 if k == 0 else 0.3))  # k = 0: its caption's 10 words
            else:
                # one play per step: arrow in the first 45 %, then the point moves; the
                # table changes at once, so it stays in the static background of the frames
                table.push_now(row)
                first = [*moves, *grow]
                for anim in first:
                    anim.rate_func = lambda t: smooth(min(1.0, t / 0.45))
                slide = self.slide(dot, x_draw, x_next,
                                   rate_func=lambda t: smooth(max(0.0, (t - 0.45) / 0.55)))
                if k == slow:
                    new_caption = self.caption(f"Near the minimum f{PRIME} \u2192 0: "
                                               f"the steps shrink by themselves.")
                    first += [*self.swap(caption, new_caption), fade_out(example)]
                    caption = new_caption
                self.play(*first, slide, run_time=self.pace(k, slow, 1.0, 0.22))
            trail.add(Dot(self.on_curve(x_draw), radius=0.05, color=th.value, fill_opacity=0.8))

        # where it ended, against the known minimizer
        _, fin_text = self.number("main", n - 1, OBJ, "theta.after", (0,))
        star, star_text = self.number("main", None, "static", "objective/minimizer", (0,))
        mark = DashedLine(plot.p(star, plot.y_range[0]), plot.p(star, plot.y_range[1]),
                          color=th.muted, stroke_width=2)
        result = VGroup(
            self.label(f"after {n} steps:  x = {fin_text}".replace("-", MINUS), size=28,
                       color=th.value),
            self.label(f"the minimum:  x* = {star_text}".replace("-", MINUS), size=28,
                       color=th.muted)).arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        result.next_to(rule, DOWN, buff=0.3).align_to(rule, LEFT)
        gone = [fade_out(m) for m in (arrow, arrow_label, caption) if m is not None]
        self.play(*gone, Create(mark), fade_in(result), run_time=self.t(1.0))
        self.wait(self.t(2.5))
        self.note(say="Each step moves x by \u2212\u03b7 f\u2032(x): a steep slope moves a "
                      "lot, a gentle one a little.",
                  ask=f"Where has x arrived after {n} steps?",
                  answer=f"x = {fin_text}, next to the true minimum x* = {star_text}.")

    def on_curve(self, x: float) -> np.ndarray:
        """The main plot's point of the traced curve at x."""
        return self.plot.p(x, self.curve_y("main", x))

    def slide(self, dot: Dot, x0: float, x1: float, **kwargs) -> Tween:
        """Move ``dot`` along the traced curve from x0 to x1."""
        return Tween(dot, lambda m, a: m.move_to(self.on_curve(x0 + a * (x1 - x0))), **kwargs)

    # -- (c) learning rates ------------------------------------------------------------------------
    def learning_rates(self) -> None:
        th = self.theme
        roles = ("small", "main", "large")
        head = self.label("Same f, same start, three learning rates", size=30)
        head.move_to(np.array([0, 2.75, 0]))
        panels = []
        for i, role in enumerate(roles):
            center = np.array([(i - 1) * 4.65, -0.2, 0])
            plot, curve = self.make_plot(role, lambda p: p.move_to(center), 3.75, 3.5,
                                         font_size=22, x_ticks=3, y_label=None)
            _, eta_text = self.number(role, 0, "scalar", "lr", formatter=short)
            name = self.label(f"\u03b7 = {eta_text}", size=32, color=th.series[i])
            name.next_to(plot.box, UP, buff=0.3)
            panels.append((role, plot, curve, name))
        self.play(fade_in(head), *[fade_in(VGroup(p, c, nm)) for _, p, c, nm in panels],
                  run_time=self.t(1.2))

        paths = {role: self.path(role) for role in roles}
        heads, inside, exits = {}, {}, {}
        for i, (role, plot, _, _) in enumerate(panels):
            x, f, _ = paths[role]
            # above the lines drawn later; only the newest lines are then redrawn per frame
            heads[role] = run_marker(th.runs[i], plot.p(x[0], f[0]), 0.085)
            heads[role].set_z_index(2)
            inside[role] = plot.contains(x[0], f[0])
        counter = TickerText("0", font_size=28, color=th.muted, max_len=3, align=LEFT)
        counter.anchor_at(np.array([0.0, -3.65, 0]))
        k_is = self.label("k =", size=28, color=th.muted)
        k_is.next_to(counter.anchor, LEFT, buff=0.15, aligned_edge=DOWN)
        counter = VGroup(k_is, counter)
        self.play(*[fade_in(d, scale=0.5) for d in heads.values()], fade_in(counter),
                  run_time=self.t(0.6))
        for k in range(max(len(p[0]) for p in paths.values())):
            anims = []
            for i, (role, plot, _, _) in enumerate(panels):
                x, f, after = paths[role]
                if k < len(x):
                    self.reached(role, k)  # step k is taken now, even off the plot
                if k >= len(x) or not inside[role]:
                    continue
                x1 = after[k]
                if k + 1 < len(f):
                    f1 = f[k + 1]
                else:  # after the last step: f is not traced there, read it off the curve
                    within = np.isfinite(x1) and plot.x_range[0] <= x1 <= plot.x_range[1]
                    f1 = self.curve_y(role, x1) if within else np.inf
                seg = plot.clip((x[k], f[k]), (x1, f1)) if np.isfinite(f1) else None
                if seg is None or not plot.contains(x1, f1):  # it jumps out of the plot
                    inside[role] = False
                    exits[role] = (seg[1] if seg else (x[k], f[k]), x1 > x[k])
                    if seg is None:
                        continue
                line = Line(plot.p(*seg[0]), plot.p(*seg[1]), color=th.series[i],
                            stroke_width=3, stroke_opacity=0.8)
                mark = run_marker(th.runs[i], plot.p(*seg[1]), 0.045)
                anims += [Create(line), heads[role].animate.move_to(plot.p(*seg[1])),
                          fade_in(mark)]
            counter[1].set_text(str(k + 1))
            rt = self.pace(k, 3, 0.7, 0.16)
            if anims:
                self.play(*anims, run_time=rt)
            else:
                self.wait(rt)

        # the verdicts, with each run's last x from its trace
        notes = []
        for i, (role, plot, _, _) in enumerate(panels):
            t = self.trace(role)
            steps = len(t.all_steps)
            _, x_text = self.number(role, t.all_steps[-1], OBJ, "theta.after", (0,))
            line1 = self.label(f"after {steps} steps: x = {x_text}".replace("-", MINUS),
                               size=24, color=th.value)
            if t.summary.get("diverged"):
                verdict = "too large: diverges"
            elif role == "small":
                verdict = "too small: crawls"
            elif role == "large":
                verdict = "too large: bounces"
            else:
                verdict = "good: converges"
            self.verdicts[role] = verdict
            line2 = self.label(verdict, size=28, color=th.series[i])
            notes.append(VGroup(line1, line2).arrange(DOWN, buff=0.14)
                         .next_to(plot, DOWN, buff=0.28))
            if role in exits:
                (ex, ey), rightward = exits[role]
                tip = plot.p(ex, ey)
                notes.append(Arrow(tip, tip + 0.55 * (RIGHT if rightward else LEFT) + 0.3 * UP,
                                   buff=0, color=th.series[i], stroke_width=5))
        self.play(fade_out(counter), *[fade_in(nt) for nt in notes], run_time=self.t(1.2))
        self.wait(self.t(3.5))
        etas = {r: self.number(r, 0, "scalar", "lr", formatter=short)[1] for r in roles}
        self.note(say="Same start, three learning rates: too small crawls, too large "
                      "overshoots.",
                  ask="Which learning rate reaches the minimum, and what do the others do?",
                  answer="; ".join(f"\u03b7 = {etas[r]}: {self.verdicts[r]}" for r in roles)
                  + ".")

    # -- (d) the step limit ----------------------------------------------------------------------
    def step_limit(self) -> None:
        """Why the large η diverges: near x* each step multiplies the distance to x* by
        1 − η f″(x*), so GD converges only for η < 2/f″(x*) (both numbers traced)."""
        th = self.theme
        _, x_star = self.number("large", None, "static", "objective/minimizer", (0,))
        _, curv = self.number("large", None, "static", "objective/hessian", (0, 0))
        bound, bound_text = self.number("large", None, "static", "objective/max_stable_lr", (0,))
        _, large_text = self.number("large", 0, "scalar", "lr", formatter=short)
        head = self.label(f"Why is \u03b7 = {large_text} too large?", size=32)
        said = [f"Near the minimum x* = {x_star} the curve bends with f{PRIME}{PRIME}(x*) = {curv}.",
                "Each step multiplies the distance to x* by (1 \u2212 \u03b7 \u00b7 "
                f"f{PRIME}{PRIME}(x*)).",
                f"The distance shrinks only while \u03b7 < 2 / f{PRIME}{PRIME}(x*) = {bound_text}."]
        lines = VGroup(*[self.label(text, size=28) for text in said])
        lines[2].set_color(th.ink(th.active))
        rows = VGroup()
        for i, role in enumerate(("small", "main", "large")):
            eta, eta_text = self.number(role, 0, "scalar", "lr", formatter=short)
            sign = "<" if eta < bound else ">"
            verdict = self.verdicts.get(role, "")
            rows.add(VGroup(run_marker(th.runs[i], np.zeros(3), 0.09),
                            self.label(f"\u03b7 = {eta_text} {sign} {bound_text}  \u2192  {verdict}",
                                       size=28, color=th.series[i])).arrange(RIGHT, buff=0.25))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.22)
        block = VGroup(head, lines.arrange(DOWN, aligned_edge=LEFT, buff=0.22), rows)
        block.arrange(DOWN, aligned_edge=LEFT, buff=0.45).move_to(0.35 * DOWN)
        self.play(fade_in(head), run_time=self.t(0.6))
        for line in lines:
            self.play(fade_in(line), run_time=self.t(0.6))
            self.wait(self.t(reading_time(line.original_text) - 0.6))
        self.play(LaggedStart(*[fade_in(r) for r in rows], lag_ratio=0.3),  # row by row
                  run_time=self.t(1.2))
        self.wait(self.t(reading_time(" ".join(r[1].original_text for r in rows))))
        self.note(say="Near x* each step multiplies the distance to x* by "
                      "(1 \u2212 \u03b7 f\u2033(x*)); above 2 / f\u2033(x*) that factor is "
                      "beyond \u22121.",
                  ask=f"Why does \u03b7 = {large_text} fail to settle?",
                  answer=(f"It is above 2 / f\u2033(x*) = {bound_text} (f\u2033(x*) = {curv}), "
                          "so the distance to x* grows every step." if eta > bound else
                          f"It is below 2 / f\u2033(x*) = {bound_text}, so it still "
                          "converges, bouncing across x*."))
