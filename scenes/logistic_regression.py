"""LogisticRegressionGD: fit p(x) = σ(a·x + b) to 0/1 labels by gradient descent on the mean
log loss L(a, b) = −mean_i [y_i log p_i + (1 − y_i) log(1 − p_i)].

Sections (about 61 s at speed 1)
  setup     the two label rows (y = 0 hollow, y = 1 filled), the starting curve with its
            threshold p = ½ (dashed, its traced x), the errors p_i − y_i as vertical
            segments (the residuals' counterpart); the loss surface L(a, b) with contours,
            and the readouts a, b, L, ∂L/∂a, ∂L/∂b (16 s)
  reading   the gradient's sign read from the errors: ∂L/∂b is their mean, ∂L/∂a their
            x-weighted mean, the errors left and right of x = 0 flashed (16 s)
  descent   a ← a − η ∂L/∂a written out with numbers for the first two steps, then every
            step: curve, errors and threshold move, the path grows on the contours; the end
            against the minimum θ* and its threshold (29 s)

Every curve, error and threshold drawn is a traced array (``prediction`` on ``model/x``,
``data_prediction``, ``boundary``); between two steps the picture blends the two traced
states (drawing only). The last state drawn is step n − 1's θ, the last one the trace holds
the model's curve for.
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UL, Circle, Create, Dot, GrowArrow, Line,
                   SurroundingRectangle, VGroup, VMobject, there_and_back)

from nnanim.engine.errors import TraceError
from nnanim.scenes.base import TraceScene
from nnanim.scenes.layout import reading_time
from nnanim.scenes.mobjects.light_animations import Tween, fade_in, fade_out, replace
from nnanim.scenes.mobjects.loss_plane import LossPlane
from nnanim.scenes.mobjects.plot_axes import PlotAxes, nice_ticks
from nnanim.scenes.mobjects.readouts import step_counter, update_rows, value_cells
from nnanim.scenes.mobjects.styled_curve import StyledCurve, dashed_line
from nnanim.scenes.mobjects.ticker_text import TickerText

OBJ = "objective"
QUANTITIES = ("theta", "theta.grad", "theta.after", "value", "prediction",
              "data_prediction", "boundary")
STATICS = ("data/x", "data/y", "model/x", "surface/x", "surface/y", "surface/z")
MINUS = "\u2212"
HALF = "\u00bd"
RIGHT_COLUMN = 0.8  # left edge of the readouts under the loss plot
P_RANGE = (-0.12, 1.12)  # the data plot's vertical range: the rows y = 0 and y = 1 inside


def short(v: float) -> str:
    """A configured number (the learning rate) the short way: 3."""
    return f"{v:g}"


class LogisticRegressionGD(TraceScene):
    """Logistic regression by gradient descent: the labelled points, the sigmoid p(x), its
    threshold p = ½ and the errors p_i − y_i on the left; the loss surface L(a, b) with the
    descent path on the right; a, b, L, ∂L/∂a, ∂L/∂b read from the trace at every step.
    Length at speed 1: about 61 s (setup 16 s, reading 16 s, descent 29 s).
    """

    title = "Fitting a sigmoid by gradient descent"
    description = ("logistic regression p(x) = σ(a·x + b) on 0/1 labels: errors, threshold "
                   "p = ½, log-loss contours, ∂L/∂a and ∂L/∂b")
    runs = {"main": "logistic_regression"}
    trace_kind = "objective"
    duration = 61.0

    def check_trace(self, role, trace) -> None:
        self.require_objective(trace, 2, STATICS, QUANTITIES, coords_name="θ = (a, b)")
        labels = trace.static("data/y")
        if not np.all((labels == 0) | (labels == 1)):
            raise TraceError(f"{type(self).__name__} needs 0/1 labels in data/y; "
                             f"{trace.path} is not a classification run")

    # -- captions ---------------------------------------------------------------------------------
    def caption(self, text: str):
        """A sentence at the bottom of the frame; kept in ``captions`` (tests read them)."""
        self.captions.append(text)
        return self.label(text, size=26).to_edge(DOWN, buff=0.3)

    def say(self, old, text: str, *anims, run_time: float = 1.0, hold: float | None = None):
        """Replace caption ``old`` by ``text`` (with ``anims``), then hold it for its
        reading time (or ``hold`` seconds: the caller shows more under it); returns the new
        caption."""
        new = self.caption(text)
        self.play(*replace(old, new), *anims, run_time=self.t(run_time))
        wait = reading_time(text) if hold is None else hold
        if wait > 0:
            self.wait(self.t(wait))
        return new

    # -- the scene ----------------------------------------------------------------------------------
    def construct(self) -> None:
        self.captions: list[str] = []
        t = self.trace("main")
        self.xs, self.ys = t.static("data/x"), t.static("data/y")
        self.grid_x = t.static("model/x")
        self.theta = t.series(OBJ, "theta")
        self.after = t.series(OBJ, "theta.after")
        self.curves = t.series(OBJ, "prediction")
        self.at_data = t.series(OBJ, "data_prediction")
        self.boundary = t.series(OBJ, "boundary").reshape(-1)
        self.vi = () if t.get(0, OBJ, "value").ndim == 0 else (0,)
        self.n = len(self.theta)

        self.headline()
        self.next_section("setup")
        caption = self.setup_section()
        self.next_section("reading")
        caption = self.read_gradient(caption)
        self.next_section("descent")
        self.descend(caption)

    def headline(self) -> None:
        title = self.label("Logistic regression by gradient descent", size=34)
        title.to_corner(UL, buff=0.3)
        model = self.tex(r"p(x) = \sigma(a\,x + b),", r"\quad",
                         r"L = -\operatorname{mean}_i \big[\,y_i \log p_i + "
                         r"(1 - y_i)\log(1 - p_i)\,\big]", size=30)
        model.next_to(title, DOWN, buff=0.2).align_to(title, LEFT)
        self.add(title, model)

    # -- setup ---------------------------------------------------------------------------------------
    def setup_section(self):
        th = self.theme
        self.data_plot, key = self.make_data_plot()
        dots = self.make_dots()
        self.play(fade_in(self.data_plot), fade_in(key), fade_in(dots), run_time=self.t(1.2))

        # what moves every step is drawn last (z-index), so the static rest stays in the
        # cached background of each animation
        self.curve = VMobject(stroke_color=th.active, stroke_width=5).set_z_index(1)
        self.errors = VGroup(*[Line(LEFT, RIGHT, color=th.gradient, stroke_width=3,
                                    stroke_opacity=0.9) for _ in self.xs]).set_z_index(1)
        self.threshold = StyledCurve(None, th.text, 3, dash=0.12).set_z_index(1)
        dots.set_z_index(2)
        self.threshold_label, self.threshold_value = self.make_threshold_label()
        self.place_curve(0, 0, 0.0)
        self.show_threshold(0)
        rows = "Two rows of labels, 0 hollow and 1 filled"
        start = (f"{rows}; a wrong start: p(x) falls as x grows" if self.theta[0][0] < 0
                 else f"{rows}, and a first guess p(x)")
        caption = self.say(None, start, Create(self.curve), Create(self.threshold),
                           fade_in(self.threshold_label), fade_in(self.threshold_value),
                           run_time=1.5)
        errors = "The errors p\u1d62 \u2212 y\u1d62: up from each 0 to the curve, down from each 1"
        caption = self.say(caption, errors, Create(self.errors), run_time=1.2, hold=1.6)

        self.loss_plane = self.make_loss_plane()
        self.here = self.loss_plane.here()
        self.here.move_to(self.loss_plane.p(*self.theta[0]))
        self.play(fade_in(self.loss_plane), fade_in(self.here, scale=0.5), run_time=self.t(1.2))
        self.readouts = self.make_readouts()
        self.values = value_cells(self.readouts, [th.ink(c) for c in (
            th.weight, th.weight, th.value, th.gradient, th.gradient)])
        k_is, self.counter = step_counter(self.label, th.muted)
        self.show_step(0)
        self.play(*[fade_in(m) for m in (*self.readouts, *self.values, k_is, self.counter)],
                  run_time=self.t(1.0))
        # the rest of the errors caption's reading time; the section's still
        self.wait(self.t(max(1.0, reading_time(errors) - 1.6 - 1.2 - 1.0)))
        _, loss0 = self.number("main", 0, OBJ, "value", self.vi)
        self.note(say="p(x) = \u03c3(a\u00b7x + b) gives each x a probability of label 1; "
                      "the errors p\u1d62 \u2212 y\u1d62 show how far off it is.",
                  ask="How large is the log loss of the starting curve?",
                  answer=f"L = {loss0} at step 0.")
        return caption

    def make_data_plot(self) -> tuple[PlotAxes, VGroup]:
        """Axes x × p over the traced grid model/x, ticks 0, ½, 1; beside the ticks 0 and 1
        the marker of the label sitting on that row (the key: hollow 0, filled 1)."""
        th = self.theme
        x0, x1 = float(self.grid_x[0]), float(self.grid_x[-1])
        plot = PlotAxes(th, (x0, x1), P_RANGE, 5.5, 3.9, x_ticks=nice_ticks(x0, x1, 5),
                        y_ticks=[0, 0.5, 1], x_label="x", y_label="p(x)", font_size=22)
        key = VGroup()
        for label in (0, 1):
            mark = self.marker(label).scale(1.1)
            tick = plot.tick_labels[len(plot.tick_labels) - 3 + 2 * label]
            key.add(mark.next_to(tick, LEFT, buff=0.14))
        half = dashed_line(plot.p(x0, 0.5), plot.p(x1, 0.5), th.muted, 2, dash=0.08)
        half.set_stroke(opacity=0.7)
        plot.add(half)
        VGroup(plot, key).to_edge(LEFT, buff=0.3).set_y(-0.55)
        return plot, key

    def marker(self, label: float) -> Dot:
        """A data point's mark: filled for label 1, hollow for label 0 (value colour)."""
        th = self.theme
        if label:
            return Dot(radius=0.075, color=th.value)
        return Circle(radius=0.07, stroke_color=th.value, stroke_width=3,
                      fill_color=th.background, fill_opacity=1.0)

    def make_dots(self) -> VGroup:
        return VGroup(*[self.marker(y).move_to(self.data_plot.p(x, y))
                        for x, y in zip(self.xs, self.ys)])

    def make_threshold_label(self) -> tuple:
        """"p = ½ at x =" and its number, above the data plot (``show_threshold`` moves
        them over the dashed line)."""
        th = self.theme
        text = self.label(f"p = {HALF} at x =", size=24)
        value = TickerText("", font_size=24, color=th.text, max_len=7, align=LEFT)
        self.digit = TickerText("0", font_size=24).height
        return text, value

    def make_loss_plane(self) -> LossPlane:
        t = self.trace("main")
        plane = LossPlane(self.theme, t.static("surface/x"), t.static("surface/y"),
                          t.static("surface/z"), height=2.9, max_width=4.4)
        # right of the formula row's end, its "b" under that row
        plane.shift(np.array([4.45, 0.8, 0]) - plane.box.get_center())
        return plane

    def make_readouts(self) -> VGroup:
        """The fixed labels: a, b (weight colour) beside ∂L/∂a, ∂L/∂b (gradient colour) under
        the loss plot, L (value colour) above it."""
        th = self.theme
        params = self.tex("a =", "b =", size=34, color=th.weight)
        loss = self.tex("L =", size=34, color=th.value)
        grads = self.tex(r"\partial L / \partial a =", r"\partial L / \partial b =", size=34,
                         color=th.gradient)
        for row, y in enumerate((-1.25, -1.82)):
            params[row].move_to(np.array([RIGHT_COLUMN, y, 0]), aligned_edge=LEFT)
            grads[row].move_to(np.array([RIGHT_COLUMN + 2.55, y, 0]), aligned_edge=LEFT)
        box = self.loss_plane.box
        loss[0].move_to(np.array([box.get_center()[0], box.get_top()[1] + 0.38, 0]))
        return VGroup(params[0], params[1], loss[0], *grads)

    def show_step(self, k: int) -> None:
        """Set a, b, L, ∂L/∂a, ∂L/∂b, the threshold's number and the counter to step k's
        traced values, at once (between animations: they stay in the static background)."""
        sources = (("theta", (0,)), ("theta", (1,)), ("value", self.vi),
                   ("theta.grad", (0,)), ("theta.grad", (1,)))
        for cell, (quantity, index) in zip(self.values, sources):
            cell.set_text(self.number("main", k, OBJ, quantity, index)[1])
        self.show_threshold(k)
        self.counter.set_text(str(k))

    # -- the model on screen -----------------------------------------------------------------------
    def in_view(self, k: int) -> bool:
        """Whether step k's traced threshold is a number inside the plot (inf when a = 0)."""
        x = self.boundary[k]
        x0, x1 = self.data_plot.x_range
        return bool(np.isfinite(x) and x0 <= x <= x1)

    def show_threshold(self, k: int) -> None:
        """The dashed line and its label at step k's traced threshold; hidden without one."""
        on = self.in_view(k)
        if on:
            self.threshold_value.set_text(self.number("main", k, OBJ, "boundary", (0,))[1])
            self.place_threshold(self.boundary[k])
        self.show_marks(1.0 if on else 0.0)

    def show_marks(self, opacity: float) -> None:
        """The threshold's line, label and number at ``opacity`` (the number's glyphs only:
        its anchor point is no glyph)."""
        for m in (self.threshold, self.threshold_label, *self.threshold_value.slots):
            m.set_opacity(opacity)

    def place_threshold(self, x: float) -> None:
        """The dashed line at x, its label centred above it (kept over the plot)."""
        plot = self.data_plot
        self.threshold.set_curve(np.array([plot.p(x, P_RANGE[1]), plot.p(x, P_RANGE[0])]))
        text, value = self.threshold_label, self.threshold_value
        width = text.width + 0.12 + 7 * value.advance
        left = np.clip(plot.p(x, 0)[0] - width / 2, plot.box.get_left()[0] + 0.9,
                       plot.box.get_right()[0] - width)
        text.move_to(np.array([left, plot.box.get_top()[1] + 0.32, 0]), aligned_edge=LEFT)
        # the number's baseline half a digit below the "=" sign's middle
        value.anchor_at(np.array([text.get_right()[0] + 0.12,
                                  text[-1].get_center()[1] - self.digit / 2, 0]))

    def place_curve(self, k: int, j: int, alpha: float, blend: bool = True) -> None:
        """The curve and the errors between traced steps k and j (alpha 0 → 1): each drawn
        value blends the two traced ones (drawing only). ``blend=False``: the curve is
        step k's fading out, then step j's fading in (a curve turning around would pass
        through shapes no sigmoid has)."""
        plot = self.data_plot
        if blend:
            p, shown = (1 - alpha) * self.curves[k] + alpha * self.curves[j], 1.0
        else:
            p, shown = (self.curves[k], 1 - 2 * alpha) if alpha < 0.5 else \
                (self.curves[j], 2 * alpha - 1)
        self.curve.set_points_as_corners(plot.points_of(np.column_stack([self.grid_x, p])))
        self.curve.set_stroke(opacity=shown)
        at = (1 - alpha) * self.at_data[k] + alpha * self.at_data[j]
        for seg, x, y, q in zip(self.errors, self.xs, self.ys, at):
            # the segment's two ends as a fresh Line has them (put_start_and_end_on rotates
            # and scales the old ones: ten times the work, every frame, for 40 segments);
            # an error under 0.001 is a point on the row
            seg.set_points_as_corners([plot.p(x, y), plot.p(x, q if abs(q - y) > 1e-3 else y)])

    def move_model(self, k: int) -> Tween:
        """Step k's update on screen: curve, errors, threshold and (a, b) go from step k's
        traced state to step k + 1's."""
        j = k + 1
        # a small step slides the curve and the threshold; a step through a = 0 (the curve
        # turning around, the threshold through infinity) fades them from one state to
        # the next
        slide = self.in_view(k) and self.in_view(j) and self.theta[k][0] * self.theta[j][0] > 0
        start, end = self.loss_plane.p(*self.theta[k]), self.loss_plane.p(*self.theta[j])
        marks = (self.threshold, self.threshold_label, self.threshold_value)

        arrive = None if slide or not self.in_view(j) else \
            self.number("main", j, OBJ, "boundary", (0,), now=False)[1]

        def frame(_, a: float) -> None:
            self.place_curve(k, j, a, blend=slide)
            self.here.move_to(start + a * (end - start))
            if slide:
                self.place_threshold((1 - a) * self.boundary[k] + a * self.boundary[j])
                return
            if a < 0.5:  # the old threshold out, then the new one in
                shown = (1 - 2 * a) if self.in_view(k) else 0.0
            else:
                shown = 2 * a - 1 if arrive is not None else 0.0
                if arrive is not None and self.threshold_value.text != arrive:
                    self.threshold_value.set_text(arrive)
                    self.place_threshold(self.boundary[j])
            self.show_marks(shown)

        return Tween(VGroup(self.curve, self.errors, self.here, *marks), frame)

    # -- reading the gradient ----------------------------------------------------------------------
    def read_gradient(self, caption):
        th = self.theme
        ga, gb = self.theta_grad(0)
        frame_b = self.frame(self.readouts[4], self.values[4], th.active)
        frame_a = self.frame(self.readouts[3], self.values[3], th.active)
        # ∂L/∂b = mean of the errors: its sign says whether p is too high or too low
        high = gb > 0
        text = (f"\u2202L/\u2202b = mean of the errors {'>' if high else '<'} 0: p is too "
                f"{'high' if high else 'low'} on average \u2192 make b "
                f"{'smaller' if high else 'larger'}")
        caption = self.say(caption, text, Create(frame_b), run_time=1.2, hold=0.0)
        self.play(self.errors.animate.set_stroke(width=7), rate_func=there_and_back,
                  run_time=self.t(1.2))
        self.wait(self.t(reading_time(text) - 1.2))
        # ∂L/∂a = mean of (p_i − y_i)·x_i: errors weighted by x, so their side matters
        reading_a, sided = self.reading_a(ga)
        caption = self.say(caption, reading_a, fade_out(frame_b), Create(frame_a),
                           run_time=1.0, hold=0.0)
        hold = reading_time(reading_a) - 1.4  # the frame's fade and the still read on
        if sided:  # the errors left of x = 0, then right of it
            for side in (self.xs < 0, self.xs > 0):
                group = VGroup(*[e for e, on in zip(self.errors, side) if on])
                self.play(group.animate.set_stroke(width=7), rate_func=there_and_back,
                          run_time=self.t(0.8))
            hold -= 1.6
        self.wait(self.t(hold))
        self.play(fade_out(frame_a), run_time=self.t(0.4))
        self.wait(self.t(1.0))  # the section's still, the rest of the reading time
        gb, gb_text = self.number("main", 0, OBJ, "theta.grad", (1,))
        ga, ga_text = self.number("main", 0, OBJ, "theta.grad", (0,))
        self.note(say="\u2202L/\u2202b is the mean error, \u2202L/\u2202a the mean of "
                      "error\u00b7x: their signs say which way to move b and a.",
                  ask="At the start, should b and a grow or shrink?",
                  answer=f"\u2202L/\u2202b = {gb_text}: b should "
                         f"{'shrink' if gb > 0 else 'grow'}; \u2202L/\u2202a = {ga_text}: "
                         f"a should {'shrink' if ga > 0 else 'grow'}.")
        return caption

    def theta_grad(self, k: int) -> np.ndarray:
        """Step k's traced gradient (its numbers are on screen in the readouts)."""
        return self.trace("main").get(k, OBJ, "theta.grad")

    def reading_a(self, ga: float) -> tuple[str, bool]:
        """∂L/∂a's reading, and whether it names the errors' sides: only when most errors
        left of x = 0 point one way and most right of it the other (a rule on the traced
        p_i against y_i)."""
        up = self.at_data[0] > self.ys
        left, right = self.xs < 0, self.xs > 0
        side = ""
        if left.any() and right.any():
            lu, ru = up[left].mean(), up[right].mean()
            if lu > 0.5 > ru:
                side = "(up at x < 0, down at x > 0) "
            elif ru > 0.5 > lu:
                side = "(down at x < 0, up at x > 0) "
        sign, way = ("<", "larger") if ga < 0 else (">", "smaller")
        return (f"\u2202L/\u2202a = mean of error\u00b7x {sign} 0 {side}\u2192 make a {way}",
                bool(side))

    @staticmethod
    def frame(label, value, color) -> SurroundingRectangle:
        return SurroundingRectangle(VGroup(label, value), color=color, buff=0.08,
                                    corner_radius=0.08)

    # -- descent -----------------------------------------------------------------------------------
    def descend(self, caption) -> None:
        _, eta = self.number("main", 0, "scalar", "lr", formatter=short)
        caption = self.say(caption, "Step against the gradient:  a \u2190 a \u2212 \u03b7 "
                           "\u2202L/\u2202a,   b \u2190 b \u2212 \u03b7 \u2202L/\u2202b,   "
                           f"\u03b7 = {eta}", run_time=0.8, hold=1.0)
        slow, equations = 2, None
        for k in range(self.n - 1):
            piece = self.loss_plane.path_piece(self.theta[k], self.after[k])
            if k < slow:
                new_eq = self.update_equations(k, eta)
                arrow = self.loss_plane.step_arrow(self.theta[k], self.after[k])
                self.play(*replace(equations, new_eq), run_time=self.t(1.0))
                equations = new_eq
                self.play(GrowArrow(arrow), run_time=self.t(0.7))
                self.play(self.move_model(k), Create(piece[0]), fade_in(piece[1]),
                          fade_out(arrow), run_time=self.t(1.3))
            else:
                anims = [self.move_model(k), Create(piece[0]), fade_in(piece[1])]
                if k == slow:
                    later = self.caption(self.descent_text())
                    anims += [fade_out(equations), *replace(caption, later)]
                    caption, equations = later, None
                self.play(*anims, run_time=self.pace(k, slow, 1.0, 0.17))
            self.show_step(k + 1)  # the readouts follow the model to the next traced step
            if k < slow:
                self.wait(self.t(0.8))
        self.finish(caption, equations)

    def descent_text(self) -> str:
        """What the fast steps show; "turned around" only when the trace's first update
        changed a's sign."""
        if self.theta[0][0] * self.after[0][0] < 0:
            return "Step 1 turned the curve around; each step moves (a, b) downhill on L"
        return "Every step moves (a, b) downhill on L, and the curve follows the labels"

    def update_equations(self, k: int, eta: str) -> VGroup:
        """a_{k+1} = a_k − η ∂L/∂a and the same for b, with the step's traced numbers."""
        th = self.theme
        rows = [(f"{name}_{{{k + 1}}}",
                 *[self.number("main", k, OBJ, q, (i,))[1]
                   for q in ("theta", "theta.grad", "theta.after")])
                for i, name in enumerate("ab")]
        group = update_rows(self.tex, rows, eta, th.ink(th.weight), th.ink(th.gradient))
        return group.move_to(np.array([RIGHT_COLUMN, -2.6, 0]), aligned_edge=LEFT)

    def finish(self, caption, equations) -> None:
        """The last traced state (step n − 1) against the minimum θ* and its threshold."""
        t, last = self.trace("main"), self.n - 1
        _, a = self.number("main", last, OBJ, "theta", (0,))
        _, b = self.number("main", last, OBJ, "theta", (1,))
        text = f"After {last} steps:  a = {a},  b = {b}"
        if self.in_view(last):
            text += f",  p = {HALF} at x = {self.number('main', last, OBJ, 'boundary', (0,))[1]}"
        said, extra = [text], []
        statics = t.manifest.get("static", [])
        if "objective/minimizer" in statics:
            a_star, sa = self.number("main", None, "static", "objective/minimizer", (0,))
            b_star, sb = self.number("main", None, "static", "objective/minimizer", (1,))
            lines = [f"at the \u00d7:  a* = {sa},  b* = {sb}"]
            if "model/boundary_star" in statics:
                _, xs = self.number("main", None, "static", "model/boundary_star", (0,))
                lines.append(f"p = {HALF} at x* = {xs}")
            best = VGroup(*[self.label(line.replace("-", MINUS), size=24) for line in lines])
            best.arrange(DOWN, aligned_edge=LEFT, buff=0.14)
            best.move_to(np.array([RIGHT_COLUMN, -2.3, 0]), aligned_edge=UL)
            cross = self.loss_plane.cross(a_star, b_star)
            name = self.label("minimum", size=22).next_to(cross, DOWN, buff=0.14)
            said += [name.original_text, *[line.original_text for line in best]]
            extra += [Create(cross), fade_in(name), fade_in(best)]
        else:  # the engine found no θ*: separable classes, L only falls towards 0
            best = self.label("L has no minimum here: the classes\ndo not overlap, a grows "
                              "without end", size=24)
            best.move_to(np.array([RIGHT_COLUMN, -2.3, 0]), aligned_edge=UL)
            said.append(best.original_text)
            extra.append(fade_in(best))
        end = self.caption(text.replace("-", MINUS))
        if equations is not None:  # a run of only a few steps
            extra.append(fade_out(equations))
        self.play(*replace(caption, end), *extra, run_time=self.t(1.0))
        self.wait(self.t(reading_time(" ".join(said))))
        best_note = (f"; the minimum is a* = {sa}, b* = {sb}"
                     if "objective/minimizer" in statics
                     else "; L has no minimum here: the classes do not overlap")
        self.note(say="Every step moves (a, b) downhill on the log loss; the curve and its "
                      "threshold follow the labels.",
                  ask="Where does gradient descent end up?",
                  answer=f"After {last} steps a = {a}, b = {b}{best_note}.")
