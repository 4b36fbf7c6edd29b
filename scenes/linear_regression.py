"""LinearRegressionGD: fit f*(x) = a·x + b by gradient descent on L = Σ (y_i − f*(x_i))².

Sections
  setup     the data with the starting line and its residuals; the loss surface L(a, b)
            (traced, drawn as a heatmap with contour lines)
  reading   the gradient at the start, read the deck's way ("summed residual positive →
            make b larger"), and the first updates with their numbers
  descent   every step: the line and residuals move, the path grows on the contours,
            a, b, L and ∂L/∂a, ∂L/∂b follow the trace; the end against least squares
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, ORIGIN, RIGHT, UL, UP, Create, Dot, GrowArrow, Group,
                   Line, SurroundingRectangle, VGroup, there_and_back)

from nnanim.scenes.base import TraceScene
from nnanim.scenes.layout import reading_time
from nnanim.scenes.mobjects.loss_plane import LossPlane
from nnanim.scenes.mobjects.light_animations import Tween, fade_in, fade_out, replace
from nnanim.scenes.mobjects.plot_axes import PlotAxes, nice_ticks
from nnanim.scenes.mobjects.ticker_text import TickerText

OBJ = "objective"
QUANTITIES = ("theta", "theta.grad", "theta.after", "value")
STATICS = ("data/x", "data/y", "surface/x", "surface/y", "surface/z")
MINUS = "\u2212"
READOUT_LEFT = 0.8  # left edge of the numbers under the loss plot


def short(v: float) -> str:
    """A configured number (the learning rate) the short way: 0.01."""
    return f"{v:g}"


class LinearRegressionGD(TraceScene):
    """Linear regression by gradient descent: data, line and residuals on the left, the
    loss surface L(a, b) with the descent path on the right, a, b, L and the gradient
    read from the trace at every step. Length at speed 1: about 49 s
    (setup 8 s, reading 14 s, descent 27 s).
    """

    title = "Fitting a line by gradient descent"
    description = ("fit y = a·x + b: data, residuals, loss contours, ∂L/∂a and ∂L/∂b")
    runs = {"main": "linear_regression"}
    trace_kind = "objective"
    duration = 49.0

    def check_trace(self, role, trace) -> None:
        self.require_objective(trace, 2, STATICS, QUANTITIES, coords_name="θ = (a, b)")

    # -- numbers --------------------------------------------------------------------------------
    def caption(self, text: str):
        """A sentence at the bottom of the frame; kept in ``captions`` (tests read them)."""
        self.captions.append(text)
        return self.label(text, size=26).to_edge(DOWN, buff=0.3)

    def swap(self, old, new) -> list:
        """Animations replacing ``old`` (may be None) by ``new``, one after the other."""
        return replace(old, new)

    # -- the scene -----------------------------------------------------------------------------
    def construct(self) -> None:
        th = self.theme
        self.captions: list[str] = []
        t = self.trace("main")
        self.xs, self.ys = t.static("data/x"), t.static("data/y")
        self.theta = t.series(OBJ, "theta")
        self.after = t.series(OBJ, "theta.after")
        self.vi = () if t.get(0, OBJ, "value").ndim == 0 else (0,)

        title = self.label("Linear regression by gradient descent", size=34)
        title.to_corner(UL, buff=0.3)
        model = self.tex(r"f^*(x) = a\,x + b", r"\qquad",
                         r"L(a,b) = \sum_i \big(y_i - f^*(x_i)\big)^2", size=34)
        model.next_to(title, DOWN, buff=0.22).align_to(title, LEFT)
        self.add(title, model)

        self.next_section("setup")
        self.data_plot = self.make_data_plot()
        self.loss_plot, surface = self.make_loss_plot()
        dots = VGroup(*[Dot(self.data_plot.p(x, y), radius=0.07, color=th.value)
                        for x, y in zip(self.xs, self.ys)])
        self.play(fade_in(self.data_plot), fade_in(dots), run_time=self.t(1.2))

        # the current model: line and residuals on the left, the point (a, b) on the right
        # z-order: what moves every step is drawn last, so the static rest (heatmap,
        # contours, axes) stays in the cached background of each animation
        self.line = Line(ORIGIN, RIGHT, color=th.active, stroke_width=5).set_z_index(1)
        self.residuals = VGroup(*[Line(ORIGIN, UP, color=th.gradient, stroke_width=3,
                                       stroke_opacity=0.9) for _ in self.xs]).set_z_index(1)
        dots.set_z_index(2)
        self.here = Dot(radius=0.09, color=th.active).set_z_index(3)
        self.place_model(self.theta[0])
        caption = self.caption("Start with a poor line: the residuals y\u1d62 \u2212 f*(x\u1d62) "
                               "are the vertical gaps.")
        self.play(Create(self.line), Create(self.residuals), fade_in(caption),
                  run_time=self.t(1.5))
        self.wait(self.t(1.2))
        self.play(fade_in(self.loss_plot), fade_in(surface), fade_in(self.here, scale=0.5),
                  run_time=self.t(1.2))
        self.readouts = self.make_readouts()
        self.values = self.make_values()
        self.counter = TickerText("0", font_size=28, color=th.muted, max_len=3, align=LEFT)
        self.counter.anchor_at(np.array([6.35, 3.42, 0]))
        k_is = self.label("k =", size=28, color=th.muted)
        k_is.next_to(self.counter.anchor, LEFT, buff=0.15, aligned_edge=DOWN)
        self.show_step(0)
        self.play(*[fade_in(m) for m in (*self.readouts, *self.values, k_is, self.counter)],
                  run_time=self.t(1.0))
        self.wait(self.t(2.0))  # the caption's reading time; the section's still
        _, loss0 = self.number("main", 0, OBJ, "value", self.vi)
        self.note(say="The model is a line a\u00b7x + b; its loss L sums the squared vertical "
                      "gaps, drawn as a surface over (a, b).",
                  ask="How large is the loss of the starting line?",
                  answer=f"L = {loss0} at step 0: the line misses the data badly.")

        self.next_section("reading")
        caption = self.read_gradient(caption)
        self.descend(caption)

    # -- layout ----------------------------------------------------------------------------------
    def make_data_plot(self) -> PlotAxes:
        xs, ys = self.xs, self.ys
        px, py = 0.12 * np.ptp(xs), 0.15 * np.ptp(ys)
        x0, x1, y0, y1 = xs.min() - px, xs.max() + px, ys.min() - py, ys.max() + py
        plot = PlotAxes(self.theme, (x0, x1), (y0, y1), 5.3, 4.2,
                        x_ticks=nice_ticks(x0, x1, 4), y_ticks=nice_ticks(y0, y1, 4),
                        x_label="x", y_label="y", font_size=22)
        # its "y" clear of the formula's subscript line above
        plot.to_edge(LEFT, buff=0.35).set_y(-0.45)
        return plot

    def make_loss_plot(self) -> tuple[PlotAxes, Group]:
        """The traced surface L(a, b) as a LossPlane right of the data (kept as
        ``self.plane`` for the marks the descent leaves); its axes and its surface."""
        t = self.trace("main")
        self.plane = LossPlane(self.theme, t.static("surface/x"), t.static("surface/y"),
                               t.static("surface/z"))
        self.plane.shift(np.array([3.95, 1.0, 0]) - self.plane.box.get_center())
        return self.plane.axes, self.plane.surface

    def make_readouts(self) -> VGroup:
        """The fixed labels of a, b (weight colour: they are the model's parameters), L
        (value colour) and ∂L/∂a, ∂L/∂b (gradient colour): each parameter beside its
        gradient under the loss plot, L above it."""
        th = self.theme
        values = self.tex("a =", "b =", "L =", size=34, color=th.value)
        values[0].set_color(th.ink(th.weight))
        values[1].set_color(th.ink(th.weight))
        grads = self.tex(r"\partial L / \partial a =", r"\partial L / \partial b =", size=34,
                         color=th.gradient)
        rows = (-1.25, -1.82)
        for part, y in zip(values[:2], rows):
            part.move_to(np.array([READOUT_LEFT, y, 0]), aligned_edge=LEFT)
        for part, y in zip(grads, rows):
            part.move_to(np.array([READOUT_LEFT + 2.55, y, 0]), aligned_edge=LEFT)
        box = self.loss_plot.box
        values[2].move_to(np.array([box.get_center()[0], box.get_top()[1] + 0.38, 0]))
        return VGroup(*values, *grads)

    def make_values(self) -> list[TickerText]:
        """Number slots beside the labels of a, b, L, ∂L/∂a, ∂L/∂b (``show_step`` fills
        them)."""
        th = self.theme
        colors = (th.weight, th.weight, th.value, th.gradient, th.gradient)
        digit = TickerText("0", font_size=26).height
        cells = []
        for label, color in zip(self.readouts, colors):
            cell = TickerText("", font_size=26, color=th.ink(color), max_len=9, align=LEFT)
            # baseline half a digit below the "=" sign's middle
            cell.anchor_at(np.array([label.get_right()[0] + 0.14,
                                     label[-1].get_center()[1] - digit / 2, 0]))
            cells.append(cell)
        return cells

    def show_step(self, k: int) -> None:
        """Set a, b, L, ∂L/∂a, ∂L/∂b and the counter to step k's traced values, at once
        (between animations, so they stay in the static background)."""
        sources = (("theta", (0,)), ("theta", (1,)), ("value", self.vi),
                   ("theta.grad", (0,)), ("theta.grad", (1,)))
        for cell, (quantity, index) in zip(self.values, sources):
            cell.set_text(self.number("main", k, OBJ, quantity, index)[1])
        self.counter.set_text(str(k))

    # -- the model on screen ---------------------------------------------------------------------
    def place_model(self, theta: np.ndarray) -> None:
        """Line a·x + b, residual segments and the point (a, b) for θ (drawing only)."""
        plot, (a, b) = self.data_plot, theta
        (x0, x1), (y0, _) = plot.x_range, plot.y_range
        seg = plot.clip((x0, a * x0 + b), (x1, a * x1 + b))
        ends = [plot.p(*seg[0]), plot.p(*seg[1])] if seg else [plot.p(x0, y0)] * 2
        self.line.set_points_as_corners(ends)
        for r, x, y in zip(self.residuals, self.xs, self.ys):
            cut = plot.clip((x, y), (x, a * x + b))
            r.set_points_as_corners([plot.p(*cut[0]), plot.p(*cut[1])] if cut
                                    else [plot.p(x, y)] * 2)
        self.here.move_to(self.loss_plot.p(a, b))

    def move_model(self, theta0: np.ndarray, theta1: np.ndarray, **kwargs) -> Tween:
        group = VGroup(self.line, self.residuals, self.here)
        return Tween(group, lambda _, a: self.place_model(theta0 + a * (theta1 - theta0)),
                     **kwargs)

    def path_piece(self, k: int) -> VGroup:
        """The path's segment of step k on the loss plot, with a dot where it lands."""
        return self.plane.path_piece(self.theta[k], self.after[k])

    # -- reading the gradient ----------------------------------------------------------------------
    def read_gradient(self, caption):
        th = self.theme
        ga, gb = self.trace("main").get(0, OBJ, "theta.grad")  # on screen in the readouts
        frames = [self.frame(self.readouts[4], self.values[4], th.active),
                  self.frame(self.readouts[3], self.values[3], th.active)]
        # ∂L/∂b = −2 Σ residuals: its sign is the opposite of the summed residual's
        if gb < 0:
            text = ("\u2202L/\u2202b < 0: summed residual positive, the line is too low "
                    "\u2192 make b larger")
        else:
            text = ("\u2202L/\u2202b > 0: summed residual negative, the line is too high "
                    "\u2192 make b smaller")
        reading_b = self.caption(text)
        self.play(Create(frames[0]), *self.swap(caption, reading_b), run_time=self.t(1.2))
        # the residuals the sum runs over
        self.play(self.residuals.animate.set_stroke(width=7), rate_func=there_and_back,
                  run_time=self.t(1.2))
        self.wait(self.t(4.4))
        way = "larger: a steeper line" if ga < 0 else "smaller: a flatter line"
        reading_a = self.caption(f"\u2202L/\u2202a {'<' if ga < 0 else '>'} 0 \u2192 make a {way}")
        self.play(fade_out(frames[0]), Create(frames[1]), *self.swap(reading_b, reading_a),
                  run_time=self.t(1.0))
        self.wait(self.t(3.6))
        self.play(fade_out(frames[1]), run_time=self.t(0.4))
        return reading_a

    @staticmethod
    def frame(label, value, color) -> SurroundingRectangle:
        return SurroundingRectangle(VGroup(label, value), color=color, buff=0.08,
                                    corner_radius=0.08)

    # -- descent -----------------------------------------------------------------------------------
    def descend(self, caption) -> None:
        n = len(self.theta)
        _, eta_text = self.number("main", 0, "scalar", "lr", formatter=short)
        rule = self.caption("Step against the gradient:  a \u2190 a \u2212 \u03b7 \u2202L/\u2202a,"
                            f"   b \u2190 b \u2212 \u03b7 \u2202L/\u2202b,   \u03b7 = {eta_text}")
        self.play(*self.swap(caption, rule), run_time=self.t(0.8))
        self.wait(self.t(1.0))  # the section's still
        gb, gb_text = self.number("main", 0, OBJ, "theta.grad", (1,))
        ga, ga_text = self.number("main", 0, OBJ, "theta.grad", (0,))
        self.note(say="\u2202L/\u2202b is \u22122 times the summed residual: its sign says "
                      "whether the line is too low or too high.",
                  ask="At the start, should b grow or shrink, and a?",
                  answer=f"\u2202L/\u2202b = {gb_text}, so b should "
                         f"{'grow' if gb < 0 else 'shrink'}; \u2202L/\u2202a = {ga_text}, so "
                         f"a should {'grow' if ga < 0 else 'shrink'}.")
        caption = rule
        slow = 2
        self.next_section("descent")
        equations = None
        for k in range(n):
            piece = self.path_piece(k)
            if k < slow:
                new_eq = self.update_equations(k, eta_text)
                step_arrow = self.plane.step_arrow(self.theta[k], self.after[k])
                self.play(*self.swap(equations, new_eq), run_time=self.t(1.2))
                equations = new_eq
                self.play(GrowArrow(step_arrow), run_time=self.t(0.8))
                self.play(self.move_model(self.theta[k], self.after[k]), Create(piece[0]),
                          fade_in(piece[1]), fade_out(step_arrow), run_time=self.t(1.4))
            else:
                anims = [self.move_model(self.theta[k], self.after[k]), Create(piece[0]),
                         fade_in(piece[1])]
                if k == slow:
                    later = self.caption("Every step moves (a, b) downhill on L, and the line "
                                         "follows the data.")
                    anims += [fade_out(equations), *self.swap(caption, later)]
                    caption, equations = later, None
                self.play(*anims, run_time=self.pace(k, slow, 1.0, 0.3))
            if k + 1 < n:  # the readouts follow the line to the next traced step
                self.show_step(k + 1)
            if k < slow:
                self.wait(self.t(1.0))
        self.finish(caption, equations)

    def update_equations(self, k: int, eta_text: str) -> VGroup:
        """a_{k+1} = a_k − η ∂L/∂a and the same for b, with the step's traced numbers."""
        th = self.theme
        lines = []
        for i, name in enumerate("ab"):
            _, now = self.number("main", k, OBJ, "theta", (i,))
            _, grad = self.number("main", k, OBJ, "theta.grad", (i,))
            _, new = self.number("main", k, OBJ, "theta.after", (i,))
            eq = self.tex(f"{name}_{{{k + 1}}}", "=", now, "-", eta_text, r"\cdot", f"({grad})",
                          "=", new, size=32)
            for j, c in ((0, th.weight), (2, th.weight), (6, th.gradient), (8, th.weight)):
                eq[j].set_color(th.ink(c))
            lines.append(eq)
        group = VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        return group.move_to(np.array([READOUT_LEFT, -2.6, 0]), aligned_edge=LEFT)

    def finish(self, caption, equations) -> None:
        t = self.trace("main")
        n = len(self.theta)
        _, a_text = self.number("main", n - 1, OBJ, "theta.after", (0,))
        _, b_text = self.number("main", n - 1, OBJ, "theta.after", (1,))
        text = f"After {n} steps:  a = {a_text},  b = {b_text}"
        extra, said = [], []
        if "objective/minimizer" in t.manifest.get("static", []):
            a_star, sa = self.number("main", None, "static", "objective/minimizer", (0,))
            b_star, sb = self.number("main", None, "static", "objective/minimizer", (1,))
            # the exact answer under the readouts it is compared with, marked × on the map
            best = self.label(f"least squares (\u00d7 on the map):\na* = {sa},  b* = {sb}"
                              .replace("-", MINUS), size=26)
            best.move_to(np.array([READOUT_LEFT, -2.75, 0]), aligned_edge=LEFT)
            said.append(best.original_text)
            extra += [Create(self.plane.cross(a_star, b_star)), fade_in(best)]
        end = self.caption(text.replace("-", MINUS))
        said.append(end.original_text)
        if equations is not None:  # a run of only a few steps
            extra.append(fade_out(equations))
        self.play(*self.swap(caption, end), *extra, run_time=self.t(1.0))
        # the caption's reading time: 1 s + 0.3 s a word
        self.wait(self.t(reading_time(" ".join(said))))
        exact = (f", against least squares a* = {sa}, b* = {sb}"
                 if "objective/minimizer" in t.manifest.get("static", []) else "")
        self.note(say="Every step moves (a, b) downhill on the loss surface, and the line "
                      "follows the data.",
                  ask=f"Where does gradient descent end after {n} steps?",
                  answer=f"At a = {a_text}, b = {b_text}{exact}.")

