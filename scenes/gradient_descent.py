"""GradientDescent1D: the deck's f(x) = e^(−x) + x², read slope by slope, then descended.

Sections
  walk            the tangent at each probe point; the sign of f'(x) says which way to go;
                  the sign flips between two probes, so the minimum lies between them
  steps           x ← x − η f'(x): tangent, step arrow, the point moving, a scrolling table
                  of k, x_k, f(x_k), f'(x_k); the first steps slowly with their numbers
  learning-rates  too small, good and too large η side by side, each with its final x
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UL, UP, Arrow, Create, DashedLine, Dot,
                   FadeIn, FadeOut, GrowArrow, Line, Rectangle, UpdateFromAlphaFunc, VGroup,
                   VMobject, Write)

from engine.errors import TraceError
from scenes.base import TraceScene
from scenes.mobjects.plot_axes import PlotAxes
from scenes.mobjects.scrolling_table import ScrollingTable

OBJ = "objective"
QUANTITIES = ("theta", "theta.grad", "theta.after", "value")


def nice_ticks(lo: float, hi: float, target: int = 6) -> list[float]:
    """Round tick values (steps of 1, 2 or 5 × 10^k) covering [lo, hi], about ``target``."""
    raw = (hi - lo) / max(target, 1)
    mag = 10 ** np.floor(np.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = np.ceil(lo / step - 1e-9) * step
    return [round(float(v), 10) for v in np.arange(first, hi + 1e-9 * step, step)]


def g(v: float) -> str:
    """A configured number (learning rate, probe point) the short way: 0.1, 0.25."""
    return f"{v:g}"


class GradientDescent1D(TraceScene):
    """Gradient descent on f(x) = e^(−x) + x² from x = −0.5 (the deck's example).

    Runs: main (η = 0.1), small (η too small), large (η too large). Every number on
    screen is read from these traces. Length at speed 1: about 64 s
    (walk 19 s, steps 27 s, learning rates 18 s).
    """

    runs = {"main": "descent_1d", "small": "descent_1d_lr_small",
            "large": "descent_1d_lr_large"}
    trace_kind = "objective"
    duration = 64.0

    def check_trace(self, role, trace) -> None:
        info = trace.layer_info
        if len(info) != 1 or info[0].get("name") != OBJ or len(info[0].get("coords", [])) != 1:
            raise TraceError(f"GradientDescent1D needs a 1-D objective run; {trace.path} has "
                             f"coordinates {info[0].get('coords') if info else None}")
        statics = ["curve/x", "curve/f"] + (["probe/theta", "probe/value", "probe/grad"]
                                            if role == "main" else [])
        missing = [k for k in statics if k not in trace.manifest.get("static", [])]
        missing += [q for q in QUANTITIES if q not in trace.quantities(OBJ)]
        if missing:
            raise TraceError(f"GradientDescent1D: {trace.path} lacks {', '.join(missing)}")
        if trace.steps != trace.all_steps:
            raise TraceError(f"GradientDescent1D needs every step recorded (record.every = 1) "
                             f"in {trace.path}")

    # -- trace reading ----------------------------------------------------------------------
    def num(self, role: str, step, layer: str, quantity: str, index=(), color=None,
            size: float = 26, formatter=None) -> tuple[float, "VMobject"]:
        """(value, Text) of a traced number, with a typographic minus."""
        v, text = self.number(role, step, layer, quantity, index, formatter=formatter)
        return v, self.label(text.replace("-", "\u2212"), size=size, color=color)

    def value_index(self, role: str) -> tuple:
        """Index of f(θ) in its step array: () when stored 0-d, (0,) when stored as (1,)."""
        return () if self.trace(role).get(0, OBJ, "value").ndim == 0 else (0,)

    def path(self, role: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """x_k, f(x_k), f'(x_k) for every step k and x after the last step (drawing only)."""
        t = self.trace(role)
        x = t.series(OBJ, "theta")[:, 0]
        f = t.series(OBJ, "value").reshape(-1)
        grad = t.series(OBJ, "theta.grad")[:, 0]
        return x, f, grad, t.series(OBJ, "theta.after")[:, 0]

    def curve_y(self, role: str, x: float) -> float:
        """Height of the traced curve at x (to place a point on it)."""
        t = self.trace(role)
        return float(np.interp(x, t.static("curve/x"), t.static("curve/f")))

    # -- drawing helpers -----------------------------------------------------------------------
    def make_plot(self, role: str, center: np.ndarray, width: float, height: float,
                  font_size: float = 22, y_label: str | None = "f(x)") -> tuple[PlotAxes, VMobject]:
        """Axes around the run's traced curve, centred at ``center``, and the curve."""
        t = self.trace(role)
        cx, cf = t.static("curve/x"), t.static("curve/f")
        y0 = min(0.0, float(cf.min()))
        y1 = float(cf.max()) + 0.1 * float(cf.max() - y0)
        plot = PlotAxes(self.theme, (cx[0], cx[-1]), (y0, y1), width, height,
                        x_ticks=nice_ticks(cx[0], cx[-1], 6), y_ticks=nice_ticks(y0, y1, 4)[1:],
                        x_label="x", y_label=y_label, font_size=font_size)
        plot.move_to(center)
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
        return self.label(text, size=26, color=self.theme.text).to_edge(DOWN, buff=0.3)

    # -- the scene -------------------------------------------------------------------------------
    def construct(self) -> None:
        th = self.theme
        title = self.label("Gradient descent in 1-D", size=34).to_corner(UL, buff=0.35)
        formula = self.tex(r"f(x) = e^{-x} + x^2", r"\qquad", r"f'(x) = -e^{-x} + 2x", size=38)
        formula[2].set_color(th.gradient)
        formula.next_to(title, RIGHT, buff=0.6).align_to(title, DOWN).shift(0.04 * DOWN)
        self.plot, curve = self.make_plot("main", np.array([-3.3, -0.35, 0]), 6.6, 4.7)
        self.add(title, formula)
        self.play(FadeIn(self.plot), Create(curve), run_time=self.t(1.5))
        self.next_section("walk")
        self.walk()
        self.next_section("steps")
        self.descend()
        self.next_section("learning-rates")
        self.clear_but(title, formula)
        self.learning_rates()

    def clear_but(self, *keep) -> None:
        gone = [m for m in self.mobjects if m not in keep]
        self.play(*[FadeOut(m) for m in gone], run_time=self.t(0.8))

    # -- (a) walk ------------------------------------------------------------------------------
    def walk(self) -> None:
        th, plot = self.theme, self.plot
        xs = self.trace("main").static("probe/theta")[:, 0]
        header = [self.label("x", size=26, color=th.muted),
                  self.label("f\u2032(x)", size=26, color=th.muted),
                  self.label("so", size=26, color=th.muted)]
        table = ScrollingTable(header, [1.3, 1.7, 2.7], th, visible=len(xs), row_height=0.52)
        table.move_to(np.array([3.7, 1.2, 0]), aligned_edge=UP)
        intro = self.caption("Which way is downhill? Read the slope f\u2032(x) at a few points.")
        self.play(FadeIn(table), FadeIn(intro), run_time=self.t(1.0))
        self.wait(self.t(0.8))

        dot, tan, slope_label, drop = None, None, None, None
        arrows, rows, grads = VGroup(), [], []
        for i in range(len(xs)):
            x, x_text = self.num("main", None, "static", "probe/theta", (i, 0), th.value,
                                 formatter=lambda v: f"{v:.2f}")
            fx, _ = self.number("main", None, "static", "probe/value", (i,))
            gx, g_text = self.num("main", None, "static", "probe/grad", (i, 0), th.gradient)
            grads.append(gx)
            new_dot = Dot(plot.p(x, fx), radius=0.09, color=th.active)
            new_tan, normal = self.tangent(plot, x, fx, gx)
            new_label = VGroup(self.label("f\u2032 =", size=26, color=th.gradient),
                               g_text.copy()).arrange(RIGHT, buff=0.12)
            self.beside(new_label, new_dot.get_center(), normal, gap=0.3)
            new_drop = DashedLine(plot.p(x, fx), plot.p(x, plot.y_range[0]),
                                  color=th.muted, stroke_width=2)
            right = gx < 0  # the slope's sign says which way is downhill
            base = plot.p(x, plot.y_range[0]) + 0.3 * UP
            arrow = Arrow(base, base + (0.62 if right else -0.62) * RIGHT, buff=0,
                          color=th.update, stroke_width=5, max_tip_length_to_length_ratio=0.4)
            so = self.label("x bigger \u2192" if right else "\u2190 x smaller", size=24,
                            color=th.update)
            row_anims = table.push([x_text, g_text, so])
            rows.append(table.rows[-1])
            slow = i == 0
            fade_old = [FadeOut(m) for m in (tan, slope_label, drop) if m is not None]
            dot_anim = (FadeIn(new_dot, scale=0.5) if dot is None
                        else dot.animate.move_to(new_dot.get_center()))
            self.play(*fade_old, dot_anim, Create(new_drop), run_time=self.pace(i, 1, 0.8, 0.5))
            self.play(Create(new_tan), FadeIn(new_label), run_time=self.pace(i, 1, 1.0, 0.5))
            if slow:
                reading = self.caption(("Gradient negative \u2192 make x bigger" if right else
                                        "Gradient positive \u2192 make x smaller")
                                       + " (downhill is against the slope)")
                self.play(FadeOut(intro), FadeIn(reading), run_time=self.t(0.6))
                intro = reading
            self.play(GrowArrow(arrow), *row_anims, run_time=self.pace(i, 1, 1.0, 0.5))
            self.wait(self.pace(i, 1, 1.6, 0.6))
            dot = dot or new_dot
            tan, slope_label, drop = new_tan, new_label, new_drop
            arrows.add(arrow)

        # where the sign flips, the curve turns from falling to rising: the minimum is there
        flips = [i for i in range(len(grads) - 1) if (grads[i] < 0) != (grads[i + 1] < 0)]
        extra = []
        if flips:
            i = flips[0]
            a, a_text = self.number("main", None, "static", "probe/theta", (i, 0), formatter=g)
            b, b_text = self.number("main", None, "static", "probe/theta", (i + 1, 0), formatter=g)
            lo, hi = plot.p(a, plot.y_range[0]), plot.p(b, plot.y_range[1])
            band = Rectangle(width=hi[0] - lo[0], height=hi[1] - lo[1], stroke_width=0,
                             fill_color=th.active, fill_opacity=0.14).move_to((lo + hi) / 2)
            frames = [table.frame_row(rows[j], th.active) for j in (i, i + 1)]
            note = self.caption(f"The slope changes sign between {a_text} and {b_text}: "
                                f"the minimum lies in between.")
            self.play(FadeIn(band), *[Create(f) for f in frames], FadeOut(intro), FadeIn(note),
                      run_time=self.t(1.2))
            extra = [band, *frames, note]
        else:
            self.play(FadeOut(intro), run_time=self.t(0.4))
        self.wait(self.t(2.5))
        self.play(*[FadeOut(m) for m in [table, dot, tan, slope_label, drop, arrows, *extra]],
                  run_time=self.t(0.8))

    # -- (b) steps -----------------------------------------------------------------------------
    def descend(self) -> None:
        th, plot = self.theme, self.plot
        xs, fs, gs, after = self.path("main")
        n = len(xs)
        eta, eta_text = self.number("main", 0, "scalar", "lr", formatter=g)

        head = self.label("Steps proportional to the gradient", size=30)
        head.move_to(np.array([3.75, 2.55, 0]))
        rule = self.tex(r"x_{k+1}", "=", r"x_k", r"-\,\eta\,", r"f'(x_k)",
                        r"\qquad \eta = " + eta_text, size=40)
        rule[0].set_color(th.value)
        rule[2].set_color(th.value)
        rule[4].set_color(th.gradient)
        rule.next_to(head, DOWN, buff=0.3)
        cols = self.tex("k", "x_k", "f(x_k)", "f'(x_k)", size=32, color=th.muted)
        table = ScrollingTable(list(cols), [0.8, 1.45, 1.45, 1.6], th, visible=6,
                               row_height=0.46)
        table.move_to(np.array([3.75, -0.35, 0]), aligned_edge=UP)
        self.play(FadeIn(head), Write(rule), FadeIn(table), run_time=self.t(1.5))

        dot = Dot(plot.p(xs[0], fs[0]), radius=0.09, color=th.active)
        tan, normal = self.tangent(plot, xs[0], fs[0], gs[0])
        lane = plot.p(0, plot.y_range[0])[1] + 0.28  # the step arrows run just above the x-axis
        step_tex = self.tex(r"-\eta\, f'(x_k)", size=30, color=th.update)
        trail = VGroup()
        self.add(trail)
        self.play(FadeIn(dot, scale=0.5), Create(tan), run_time=self.t(0.8))

        slow = 3
        example, arrow, arrow_label, caption = None, None, None, None
        x_lo, x_hi = plot.x_range
        for k in range(n):
            x, x_text = self.num("main", k, OBJ, "theta", (0,), th.value, size=24)
            fx, f_text = self.num("main", k, OBJ, "value", self.value_index("main"), th.value,
                                  size=24)
            gx, g_text = self.num("main", k, OBJ, "theta.grad", (0,), th.gradient, size=24)
            x_next = after[k]
            row = [self.label(str(k), size=24, color=th.muted), x_text, f_text, g_text]
            x_draw = float(np.clip(x, x_lo, x_hi))
            new_tan, normal = self.tangent(plot, x_draw, self.curve_y("main", x_draw), gx)
            old = [m for m in (arrow, arrow_label) if m is not None]
            moves = [FadeOut(m) for m in old]
            if k:
                moves.append(tan.animate.put_start_and_end_on(*new_tan.get_start_and_end()))
            a0, a1 = plot.p(x_draw, 0), plot.p(float(np.clip(x_next, x_lo, x_hi)), 0)
            arrow = None
            if abs(a1[0] - a0[0]) > 0.03:
                arrow = Arrow(np.array([a0[0], lane, 0]), np.array([a1[0], lane, 0]), buff=0,
                              color=th.update, stroke_width=5, max_tip_length_to_length_ratio=0.35)
            arrow_label = None
            if k < slow:
                # the update with its real numbers, then the same story in pictures
                lr_text = eta_text
                xn, xn_text = self.number("main", k, OBJ, "theta.after", (0,))
                g_tex = self.number("main", k, OBJ, "theta.grad", (0,))[1]
                x_tex = self.number("main", k, OBJ, "theta", (0,))[1]
                new_example = self.tex(f"x_{{{k + 1}}}", "=", x_tex, "-", lr_text, r"\cdot",
                                       f"({g_tex})", "=", xn_text, size=38)
                for j, c in ((0, th.value), (2, th.value), (6, th.gradient), (8, th.value)):
                    new_example[j].set_color(c)
                new_example.next_to(rule, DOWN, buff=0.35)
                slope_label = VGroup(self.label("f\u2032 =", size=26, color=th.gradient),
                                     g_text.copy()).arrange(RIGHT, buff=0.12)
                self.beside(slope_label, plot.p(x_draw, self.curve_y("main", x_draw)), normal)
                swap = [FadeOut(example)] if example is not None else []
                self.play(*moves, FadeIn(slope_label), *swap, FadeIn(new_example),
                          *table.push(row), run_time=self.t(1.2))
                table.settle()
                example = new_example
                text = ("Steep slope: f\u2032 is large, so the step is large." if k == 0
                        else "Flatter slope: smaller f\u2032, smaller step.")
                new_caption = self.caption(text)
                self.play(*([FadeOut(caption)] if caption else []), FadeIn(new_caption),
                          *([GrowArrow(arrow)] if arrow else []), run_time=self.t(1.0))
                caption = new_caption
                if arrow is not None:
                    arrow_label = step_tex.copy().next_to(arrow, UP, buff=0.08)
                    self.play(FadeIn(arrow_label), run_time=self.t(0.5))
                self.play(self.slide(dot, x, x_next), FadeOut(slope_label),
                          run_time=self.t(1.1))
                self.wait(self.t(0.6))
            else:
                if k == slow:
                    new_caption = self.caption("Near the minimum f\u2032 \u2192 0: "
                                               "the steps shrink by themselves.")
                    moves += [FadeOut(caption), FadeIn(new_caption), FadeOut(example)]
                    caption = new_caption
                rt = self.pace(k, slow, 1.0, 0.3)
                self.play(*moves, *table.push(row), *([GrowArrow(arrow)] if arrow else []),
                          run_time=rt * 0.45)
                table.settle()
                self.play(self.slide(dot, x, x_next), run_time=rt * 0.55)
            trail.add(Dot(plot.p(x_draw, self.curve_y("main", x_draw)), radius=0.045,
                          color=th.value, fill_opacity=0.6))

        # where it ended, against the known minimizer
        fin, fin_text = self.number("main", n - 1, OBJ, "theta.after", (0,))
        star, star_text = self.number("main", None, "static", "objective/minimizer", (0,))
        top = plot.p(star, plot.y_range[1])
        mark = DashedLine(plot.p(star, plot.y_range[0]), top, color=th.muted, stroke_width=2)
        result = VGroup(
            self.label(f"after {n} steps:  x = {fin_text}".replace("-", "\u2212"), size=28,
                       color=th.value),
            self.label(f"minimum:  x* = {star_text}".replace("-", "\u2212"), size=28,
                       color=th.muted)).arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        result.next_to(rule, DOWN, buff=0.4).align_to(rule, LEFT)
        self.play(*[FadeOut(m) for m in (arrow, arrow_label, caption) if m is not None],
                  Create(mark), FadeIn(result), run_time=self.t(1.0))
        self.wait(self.t(2.5))

    def slide(self, dot: Dot, x0: float, x1: float):
        """Move ``dot`` along the traced curve from x0 to x1 (clamped to the plot)."""
        lo, hi = self.plot.x_range
        x0, x1 = float(np.clip(x0, lo, hi)), float(np.clip(x1, lo, hi))

        def at(mob, alpha):
            x = x0 + alpha * (x1 - x0)
            mob.move_to(self.plot.p(x, self.curve_y("main", x)))

        return UpdateFromAlphaFunc(dot, at)

    # -- (c) learning rates ----------------------------------------------------------------------
    def learning_rates(self) -> None:
        th = self.theme
        roles = ("small", "main", "large")
        head = self.label("Same f, same start: three learning rates", size=30)
        head.to_edge(UP, buff=1.05)
        panels = []
        for i, role in enumerate(roles):
            plot, curve = self.make_plot(role, np.array([(i - 1) * 4.6, 0.1, 0]), 4.05, 2.8,
                                         font_size=20, y_label=None)
            eta, eta_text = self.number(role, 0, "scalar", "lr", formatter=g)
            name = self.label(f"\u03b7 = {eta_text}", size=30, color=th.series[i])
            name.next_to(plot.box, UP, buff=0.25)
            panels.append((role, plot, curve, name))
        self.play(FadeIn(head), *[FadeIn(VGroup(p, c, nm)) for _, p, c, nm in panels],
                  run_time=self.t(1.2))

        paths = {role: self.path(role) for role in roles}
        heads, inside = {}, {}
        for i, (role, plot, _, _) in enumerate(panels):
            x, f = paths[role][0][0], paths[role][1][0]
            heads[role] = Dot(plot.p(x, f), radius=0.08, color=th.series[i])
            inside[role] = plot.contains(x, f)
        counter = self.label("k = 0", size=28, color=th.muted).to_edge(DOWN, buff=0.45)
        self.play(*[FadeIn(d, scale=0.5) for d in heads.values()], FadeIn(counter),
                  run_time=self.t(0.6))
        n_max = max(len(p[0]) for p in paths.values())
        gone = {}
        for k in range(n_max):
            anims = []
            for i, (role, plot, _, _) in enumerate(panels):
                x, f, _, after = paths[role]
                if k >= len(x) or not inside[role]:
                    continue
                x1 = after[k]
                f1 = f[k + 1] if k + 1 < len(f) else (
                    self.curve_y(role, x1) if np.isfinite(x1) and plot.contains(x1, 0) else np.inf)
                seg = plot.clip((x[k], f[k]), (x1, f1)) if np.isfinite(f1) else None
                if seg is None or not plot.contains(x1, f1):
                    inside[role] = False
                    edge = seg[1] if seg else (x[k], f[k])
                    gone[role] = (edge, x1 > x[k])
                    if seg is None:
                        continue
                line = Line(plot.p(*seg[0]), plot.p(*seg[1]), color=th.series[i],
                            stroke_width=3, stroke_opacity=0.85)
                anims += [Create(line), heads[role].animate.move_to(plot.p(*seg[1]))]
            new_counter = self.label(f"k = {k + 1}", size=28, color=th.muted).move_to(counter)
            self.remove(counter)
            self.add(new_counter)
            counter = new_counter
            if anims:
                self.play(*anims, run_time=self.pace(k, 3, 0.7, 0.16))
            else:
                self.wait(self.pace(k, 3, 0.7, 0.16))

        # the verdicts, with each run's last x from its trace
        notes = []
        for i, (role, plot, _, _) in enumerate(panels):
            t = self.trace(role)
            steps = len(t.all_steps)
            _, x_text = self.number(role, t.all_steps[-1], OBJ, "theta.after", (0,))
            line1 = self.label(f"after {steps} steps: x = {x_text}".replace("-", "\u2212"),
                               size=24, color=th.value)
            if t.summary.get("diverged"):
                verdict = "too large: it diverges"
            elif role == "small":
                verdict = "too small: still crawling"
            elif role == "large":
                verdict = "too large: it bounces across"
            else:
                verdict = "good: it settles at the minimum"
            line2 = self.label(verdict, size=26, color=th.series[i])
            note = VGroup(line1, line2).arrange(DOWN, buff=0.15).next_to(plot, DOWN, buff=0.3)
            notes.append(note)
            if role in gone:
                (ex, ey), rightward = gone[role]
                tip = plot.p(ex, ey)
                out = Arrow(tip, tip + 0.6 * (RIGHT if rightward else LEFT) + 0.3 * UP, buff=0,
                            color=th.series[i], stroke_width=4)
                word = self.label("leaves the plot", size=22, color=th.series[i])
                word.next_to(out.get_end(), UP, buff=0.08).shift(0.4 * (LEFT if rightward else RIGHT))
                notes.append(VGroup(out, word))
        self.play(FadeOut(counter), *[FadeIn(nt) for nt in notes], run_time=self.t(1.2))
        self.wait(self.t(4.0))

