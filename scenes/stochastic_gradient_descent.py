"""StochasticGradientDescent: the training loop on a model with one weight, y ≈ w·x, whose
mean squared error L(w) is a curve, and every mini-batch's loss L_B(w) is a curve too.

Sections
  loop         the loop as a ring of five stages (draw a batch → forward → loss → backward →
               step), lit in turn as the first mini-batch steps run: the batch among the data,
               the line w·x, the batch's own loss curve L_B(w) beside the full L(w), its slope at
               w (the step's gradient), the step down it; then steps faster
  one-example  batch size 1: each example's curve has its own minimum, and a step can go
               the wrong way for L; then full-batch GD, whose batch curve is L itself
  paths        w over the steps with all 40, 8 and 1 examples a step: the smaller the batch,
               the noisier the path (the spread of the last 20 steps)
  decay        one example a step, constant η against η halved every 10 steps (η traced):
               the decayed run settles, the constant one keeps jittering
  momentum     a ball rolling down L(w): the slope's push −g and the velocity −v as arrows,
               g and v from the trace; the step where the slope already points back but the
               velocity carries the ball past w*
  clipping     a large step from far away: the raw gradient would fly past w*, the clipped
               gradient is the step taken; later, small gradients pass unchanged
Length at speed 1: about 93 s (loop 27 s, one example 12 s, paths 11 s, decay 11 s,
momentum 17 s, clipping 16 s).
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, PI, RIGHT, TAU, UL, UP, UR, Arrow, Create, Dot, GrowArrow,
                   LaggedStart, Line, RoundedRectangle, Transform, VGroup, VMobject, linear,
                   smooth)

from nnanim.engine.errors import TraceError
from nnanim.scenes.base import TraceScene
from nnanim.scenes.format import fmt_int, minus_sign
from nnanim.scenes.layout import reading_time
from nnanim.scenes.mobjects.light_animations import Tween, fade_in, fade_out, replace
from nnanim.scenes.mobjects.plot_axes import PlotAxes, nice_ticks
from nnanim.scenes.mobjects.run_marker import run_marker
from nnanim.scenes.mobjects.styled_curve import StyledCurve, dashed_line
from nnanim.scenes.mobjects.ticker_text import TickerText

OBJ = "objective"
QUANTITIES = ("theta", "theta.grad", "theta.after", "value")
MODEL = ("prediction", "data_prediction")
#: what each run must have recorded beyond QUANTITIES
NEEDS = {"main": ("batch_curve", *MODEL), "one": ("batch_curve", *MODEL), "full": MODEL,
         "momentum": ("theta.velocity",), "clip": ("theta.grad_raw",)}
STAGES = ("draw a batch", "forward", "loss", "backward", "step")
#: the theme's run style (index into theme.runs) of each run, the same in every section
STYLE = {"full": 0, "main": 1, "one": 2, "decay": 3, "noclip": 3, "clip": 0}
#: the loss plot L(w) (loop, momentum, clipping): size and centre of its box
LOSS_W, LOSS_H, LOSS_C = 6.3, 3.9, np.array([-3.45, 0.25, 0.0])
#: the w-over-steps plot (paths, decay)
PATH_W, PATH_H, PATH_C = 6.6, 4.1, np.array([-3.3, 0.1, 0.0])
LATE = 20  # the last steps whose spread the paths section compares
SETTLE = 20  # the momentum steps shown (the ball has settled by then)


def short(v: float) -> str:
    """A configured number (learning rate, β, clip norm) the short way: 0.6, 2.5."""
    return f"{v:g}"


class StochasticGradientDescent(TraceScene):
    """SGD on y ≈ w·x: the loop, the batch's loss curve against the full one, batch sizes,
    learning-rate decay, momentum and gradient clipping, every number from the runs' traces.

    Runs (one data set, one w grid): main (8 of 40 examples a step), full (all 40), one
    (1 example), decay (1 example, η halved every 10 steps), momentum (β = 0.7, batches of
    8), clip and noclip (a large η from far away, with and without clipping). Length at
    speed 1: about 93 s.
    """

    title = "Stochastic gradient descent"
    description = ("the training loop on y = w·x: each batch's loss curve against the full "
                   "one; batches of 40, 8, 1; decay, momentum, clipping")
    runs = {"main": "sgd_batch", "full": "sgd_full", "one": "sgd_one", "decay": "sgd_decay",
            "momentum": "sgd_momentum", "clip": "sgd_clip", "noclip": "sgd_noclip"}
    trace_kind = "objective"
    duration = 93.0

    # -- traces ------------------------------------------------------------------------------
    def check_trace(self, role, trace) -> None:
        name = type(self).__name__
        statics = ["curve/x", "curve/f", "objective/minimizer"]
        if role in ("main", "one", "full"):
            statics += ["data/x", "data/y", "model/x"]
        self.require_objective(trace, 1, statics, QUANTITIES, coords_name="w")
        batch = trace.get(0, "batch", "indices") if trace.quantities("batch") else None
        if role in ("one", "decay") and (batch is None or len(batch) != 1):
            raise TraceError(f"{name}: run {role} must draw one example a step "
                             f"(training.batch_size = 1); {trace.path} does not")
        if role == "main" and (batch is None or len(batch) < 2):
            raise TraceError(f"{name}: the main run must draw mini-batches of 2 or more "
                             f"examples (training.batch_size); {trace.path} does not")
        if role in ("full", "clip", "noclip") and batch is not None:
            raise TraceError(f"{name}: run {role} must use all the data each step (no "
                             f"training.batch_size); {trace.path} draws batches")
        missing = [q for q in NEEDS.get(role, ()) if q not in trace.quantities(OBJ)]
        if missing:
            raise TraceError(f"{name}: run {role} ({trace.path}) lacks {', '.join(missing)}")
        if role == "decay" and np.ptp(trace.scalars("lr")) == 0:
            raise TraceError(f"{name}: run decay needs a decaying learning rate "
                             f"([schedule]); {trace.path} keeps it constant")
        if role != "main":  # one data set: every run descends the same curve L(w)
            main = self.trace("main")
            for key in ("curve/x", "curve/f"):
                if not np.array_equal(main.static(key), trace.static(key)):
                    raise TraceError(f"{name}: {trace.path} is not on the main run's data "
                                     f"({key} differs): the runs must share [data], seed "
                                     f"and objective.bounds")

    def series(self, role: str, quantity: str) -> np.ndarray:
        """A run's per-step values of a one-number quantity (drawing positions)."""
        return self.trace(role).series(OBJ, quantity).reshape(len(self.trace(role).steps), -1)[:, 0]

    def text_of(self, role: str, step, layer: str, quantity: str, index=(0,),
                formatter=None, now: bool = True) -> str:
        """A traced number's text, recorded as shown."""
        return self.number(role, step, layer, quantity, index, formatter=formatter,
                           now=now)[1]

    def shown_text(self, role: str, step, quantity: str) -> str | None:
        """The text of a number the scene already showed (for the presenter notes)."""
        for item in reversed(self.shown.items):
            if (item.role, item.step, item.quantity) == (role, step, quantity):
                return item.text
        return None

    # -- captions ---------------------------------------------------------------------------------
    def caption(self, text: str):
        """A sentence at the bottom of the frame; kept in ``captions`` (tests read them)."""
        self.captions.append(text)
        mob = self.label(text, size=26)
        if mob.width > 13.6:  # too long for one line: two, split at the middle word
            words = text.split()
            half = len(words) // 2
            mob = self.label(" ".join(words[:half]) + "\n" + " ".join(words[half:]), size=26)
        return mob.to_edge(DOWN, buff=0.3)

    def say(self, text: str, *animations, run_time: float = 0.8) -> None:
        """Replace the caption by ``text`` (after the current one has been read) in the
        first 0.8 s of a play with ``animations``: the old one out, then the new one in; its
        reading time counts from the play's end (the layout check samples captions between
        plays), so later animations run while it is read."""
        self.finish_reading()
        new = self.caption(text)
        rt = self.t(run_time)
        swap = min(rt, self.t(0.8))
        half = swap / rt / 2  # the swap's halves, as fractions of the play
        anims = [fade_in(new, rate_func=lambda a: smooth(min(1.0, max(0.0, a / half - 1))))]
        if self.said is not None:
            anims.append(fade_out(self.said, rate_func=lambda a: smooth(min(1.0, a / half))))
        self.play(*anims, *animations, run_time=rt)
        self.said = new
        self._due = float(self.renderer.time) + self.t(reading_time(text) + 0.05)

    def finish_reading(self, least: float = 0.0) -> None:
        """Wait until the caption has been on screen its reading time (at least ``least``
        seconds at speed 1)."""
        left = max(getattr(self, "_due", 0.0) - float(self.renderer.time), self.t(least))
        if left > 1e-3:
            self.wait(left)

    def clear(self, keep=()) -> None:
        """Fade out everything but the title (and ``keep``), after the caption was read."""
        self.finish_reading()
        keep = (self.title_mob, self.model_mob, *keep)
        gone = [m for m in self.mobjects if m not in keep]
        if gone:
            self.play(*[fade_out(m) for m in gone], run_time=self.t(0.7))
        self.said = None

    # -- the scene -------------------------------------------------------------------------------
    def construct(self) -> None:
        main = self.trace("main")
        self.captions: list[str] = []
        self.said = None
        self.cx, self.cf = main.static("curve/x"), main.static("curve/f")
        self.w_star = float(main.static("objective/minimizer")[0])  # a drawing position
        self.data_x, self.data_y = main.static("data/x"), main.static("data/y")
        self.model_x = main.static("model/x")
        self.title_mob = self.label("Stochastic gradient descent", size=34)
        self.title_mob.to_corner(UL, buff=0.3)
        # the model, under the title all along: one weight, so every loss is a curve in w
        self.model_mob = self.label("model y = w\u00b7x: one weight w, so the loss L(w) is a "
                                    "curve", size=22, color=self.theme.muted)
        self.model_mob.next_to(self.title_mob, DOWN, buff=0.12).align_to(self.title_mob, LEFT)
        self.add(self.title_mob)
        self.next_section("loop")
        self.loop()
        self.next_section("one-example")
        self.one_example()
        self.next_section("paths")
        self.clear()
        self.paths()
        self.next_section("decay")
        self.clear()
        self.decay()
        self.next_section("momentum")
        self.clear()
        self.momentum()
        self.next_section("clipping")
        self.clear()
        self.clipping()

    # -- plots -------------------------------------------------------------------------------------
    def make_loss_plot(self) -> tuple[PlotAxes, VMobject]:
        """Axes over the traced w grid and the full loss L(w) drawn on them."""
        cx, cf = self.cx, self.cf
        top = 1.15 * float(cf.max())
        plot = PlotAxes(self.theme, (cx[0], cx[-1]), (0.0, top), LOSS_W, LOSS_H,
                        x_ticks=nice_ticks(cx[0], cx[-1], 6),
                        y_ticks=nice_ticks(0.0, top, 3)[1:], x_label="w", y_label="L",
                        font_size=22)
        plot.shift(LOSS_C - plot.box.get_center())
        return plot, plot.polyline(cx, cf, color=self.theme.text, stroke_width=4)

    def full_y(self, w: float) -> float:
        """Height of the traced L(w) at w (to place a point on the curve)."""
        return float(np.interp(w, self.cx, self.cf))

    def dashed(self, plot: PlotAxes, xs, ys, color: str, width: float = 3.0,
               dash: float = 0.12) -> VGroup:
        """The points (xs, ys) joined and dashed, only inside the plot (a second cue beside
        the colour: a batch's curve against the solid full one)."""
        whole = plot.polyline(xs, ys, color=color, stroke_width=width)
        # each piece inside the plot: its corners (4 points a straight cubic), dashed
        return VGroup(*[StyledCurve(None, color, width, dash).set_curve(
            np.vstack([piece[::4], piece[-1:]])) for piece in whole.get_subpaths()])

    def tangent(self, plot: PlotAxes, w: float, y: float, slope: float,
                length: float = 1.9, ahead: bool = False) -> Line:
        """The line through (w, y) with the traced slope, in the gradient colour, centred
        on the point (``ahead``: starting at it, toward larger w)."""
        ux, uy = plot.unit()
        d = np.array([ux, slope * uy, 0.0])
        d /= np.linalg.norm(d)
        c = plot.p(w, y)
        back = 0.0 if ahead else 0.5 * length
        return Line(c - back * d, c + (length - back) * d, color=self.theme.gradient,
                    stroke_width=5)

    def step_arrow(self, plot: PlotAxes, w0: float, w1: float, color: str,
                   lift: float = 0.3) -> Arrow | None:
        """An arrow along the w-axis (just above it) from w0 to w1, or None when too short
        to draw."""
        y = plot.p(0, plot.y_range[0])[1] + lift
        a, b = plot.p(w0, 0)[0], plot.p(w1, 0)[0]
        if abs(b - a) < 0.05:
            return None
        return Arrow(np.array([a, y, 0]), np.array([b, y, 0]), buff=0, color=color,
                     stroke_width=5, max_tip_length_to_length_ratio=0.3)

    def w_star_line(self, plot: PlotAxes) -> VGroup:
        """A dashed vertical at the traced minimizer w*, named at its top."""
        th = self.theme
        top = plot.y_range[1]
        line = dashed_line(plot.p(self.w_star, 0), plot.p(self.w_star, top), th.muted,
                                2, dash=0.1)
        name = self.label("w*", size=24, color=th.muted).next_to(line, UP, buff=0.08)
        return VGroup(line, name)

    # -- (1) the loop ------------------------------------------------------------------------------
    def make_ring(self) -> VGroup:
        """The five stages on an ellipse, clockwise from the top, joined by arrows."""
        th = self.theme
        center, rx, ry = np.array([4.15, 1.95, 0]), 2.2, 0.98
        nodes = VGroup()
        for i, name in enumerate(STAGES):
            angle = PI / 2 - i * TAU / len(STAGES)
            pos = center + np.array([rx * np.cos(angle), ry * np.sin(angle), 0])
            text = self.label(name, size=22).move_to(pos)
            box = RoundedRectangle(corner_radius=0.12, width=text.width + 0.3,
                                   height=0.5, stroke_color=th.muted, stroke_width=2,
                                   fill_color=th.active, fill_opacity=0).move_to(pos)
            nodes.add(VGroup(box, text))
        arrows = VGroup()
        for i in range(len(STAGES)):
            a, b = nodes[i][0], nodes[(i + 1) % len(STAGES)][0]
            p, q = self.border(a, b.get_center()), self.border(b, a.get_center())
            arrows.add(Arrow(p, q, buff=0.08, color=th.muted, stroke_width=3,
                             max_tip_length_to_length_ratio=0.25, tip_length=0.16))
        self.ring_center = center
        return VGroup(arrows, nodes)

    @staticmethod
    def border(box, toward: np.ndarray) -> np.ndarray:
        """Where the line from ``box``'s centre toward a point leaves the box."""
        c = box.get_center()
        d = toward - c
        t = min(box.width / 2 / max(abs(d[0]), 1e-9), box.height / 2 / max(abs(d[1]), 1e-9))
        return c + t * d

    def paint(self, lit: int | None) -> None:
        """Light stage ``lit`` of the ring (None: none)."""
        th = self.theme
        for i, node in enumerate(self.ring[1]):
            on = i == lit
            node[0].set_stroke(th.active if on else th.muted, width=4 if on else 2)
            node[0].set_fill(th.active, opacity=0.22 if on else 0)

    def light(self, i: int | None) -> Tween:
        return Tween(self.ring, lambda m, a: self.paint(i if a > 0.5 else self.lit_now),
                     rate_func=linear)

    def make_data_plot(self) -> tuple[PlotAxes, VGroup]:
        """The data (x, y) and axes, bottom right."""
        th, xs, ys = self.theme, self.data_x, self.data_y
        px, py = 0.08 * np.ptp(xs), 0.1 * np.ptp(ys)
        x0, x1, y0, y1 = xs.min() - px, xs.max() + px, ys.min() - py, ys.max() + py
        plot = PlotAxes(th, (x0, x1), (y0, y1), 4.2, 2.05, x_ticks=nice_ticks(x0, x1, 4),
                        y_ticks=nice_ticks(y0, y1, 3), x_label="x", y_label="y",
                        font_size=20)
        plot.shift(np.array([4.35, -1.55, 0]) - plot.box.get_center())
        dots = VGroup(*[Dot(plot.p(x, y), radius=0.05, color=th.muted)
                        for x, y in zip(xs, ys, strict=True)])
        return plot, dots

    def make_readouts(self) -> tuple[VGroup, list[TickerText]]:
        """w = …, ∂L_B/∂w = … under the loss plot: labels and number slots."""
        th = self.theme
        labels = [self.tex("w =", size=32, color=th.ink(th.weight)),
                  self.tex(r"\partial L_B / \partial w =", size=32, color=th.ink(th.gradient))]
        labels[0].move_to(np.array([-6.3, -2.45, 0]), aligned_edge=LEFT)
        labels[1].move_to(np.array([-3.35, -2.45, 0]), aligned_edge=LEFT)
        digit = TickerText("0", font_size=28).height
        cells = []
        for label, color in zip(labels, (th.weight, th.gradient), strict=True):
            cell = TickerText("", font_size=28, color=th.ink(color), max_len=7, align=LEFT)
            cell.anchor_at(np.array([label.get_right()[0] + 0.14,
                                     label[-1].get_center()[1] - digit / 2, 0]))
            cells.append(cell)
        return VGroup(*labels), cells

    def loop(self) -> None:
        th = self.theme
        self.lplot, self.lcurve = self.make_loss_plot()
        self.dplot, self.dots = self.make_data_plot()
        self.ring = self.make_ring()
        self.lit_now = None
        n_text = self.text_of("main", None, "config", "data.n", (), formatter=fmt_int)
        legend = VGroup(
            VGroup(Line(LEFT * 0.3, RIGHT * 0.3, color=th.text, stroke_width=4),
                   self.tex("L(w)", size=30),
                   self.label(f"all {n_text} examples", size=22)).arrange(RIGHT, buff=0.15),
            VGroup(self.dashed_sample(th.value), self.tex("L_B(w)", size=30, color=th.value),
                   self.label("the batch's loss", size=22, color=th.value))
            .arrange(RIGHT, buff=0.15)).arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        legend.move_to(self.lplot.p(self.w_star, self.lplot.y_range[1]) + 0.05 * DOWN,
                       aligned_edge=UP)
        self.k_label = self.label("k =", size=24, color=th.muted)
        self.k_cell = TickerText("0", font_size=24, color=th.muted, max_len=2, align=LEFT)
        self.k_cell.anchor_at(self.ring_center + np.array([0.1, -0.1, 0]))
        self.k_label.next_to(self.k_cell.anchor, LEFT, buff=0.12, aligned_edge=DOWN)
        self.readout_labels, self.cells = self.make_readouts()
        self.here = Dot(radius=0.1, color=th.active).set_z_index(4)
        self.here.move_to(self.lplot.p(-1, 0))
        self.pics: dict = {}
        self.model_line = None
        self.trail = VGroup()
        self.add(self.trail)

        self.play(fade_in(self.model_mob), fade_in(self.lplot), Create(self.lcurve),
                  fade_in(legend), fade_in(self.dplot), fade_in(self.dots), fade_in(self.ring),
                  run_time=self.t(1.4))
        self.wait(self.t(2.0))  # the model line under the title: 14 words
        self.start_run("main")
        self.explain_step("main", 0)
        self.say("Each step descends its batch's curve, not L.",
                 run_time=0.6)
        for k in range(1, 9):
            self.quick_step("main", k, self.pace(k - 1, 2, 1.1, 0.5))
        self.finish_reading(1.0)
        self.note(say="The training loop: draw a batch, predict, take the batch's own loss "
                      "curve, its slope at w, and step against that slope.",
                  ask="How far did the first step move w, and with which learning rate?",
                  answer=f"From w = {self.shown_text('main', 0, 'theta')} to "
                         f"{self.shown_text('main', 0, 'theta.after')}, with "
                         f"\u03b7 = {self.shown_text('main', 0, 'lr')}.")

    def dashed_sample(self, color: str) -> VGroup:
        """A short dashed stroke for a legend."""
        return dashed_line(LEFT * 0.3, RIGHT * 0.3, color, 3, dash=0.12)

    def start_run(self, role: str) -> None:
        """Put the point, the model line and the readouts at the run's step 0."""
        t = self.trace(role)
        w = float(t.get(0, OBJ, "theta")[0])
        self.here.move_to(self.lplot.p(w, self.full_y(w)))
        line = self.dplot.polyline(self.model_x, t.get(0, OBJ, "prediction"),
                                   color=self.theme.value, stroke_width=4)
        if self.model_line is None:
            self.model_line = line
        else:
            self.model_line.become(line)

    def pictures(self, role: str, k: int) -> dict:
        """What step k of ``role`` draws: the batch among the data, its predictions and
        residuals, its loss curve (None for full batches: L itself), the curve's minimum, the
        point at w on it, the tangent with the traced slope, the step arrow."""
        th, t = self.theme, self.trace(role)
        D, P = self.dplot, self.lplot
        w = float(t.get(k, OBJ, "theta")[0])
        w1 = float(t.get(k, OBJ, "theta.after")[0])
        g = float(t.get(k, OBJ, "theta.grad")[0])
        batched = "batch_curve" in t.quantities(OBJ)
        rows = t.get(k, "batch", "indices") if batched else np.arange(len(self.data_x))
        pred = t.get(k, OBJ, "data_prediction")
        x, y = self.data_x, self.data_y
        pics = {"marks": VGroup(*[Dot(D.p(x[i], y[i]), radius=0.085 if batched else 0.07,
                                      color=th.active) for i in rows]).set_z_index(2)}
        pics["hats"] = VGroup(*[Dot(D.p(x[i], pred[i]), radius=0.05, color=th.value)
                                for i in rows if D.contains(x[i], pred[i])]).set_z_index(2)
        residuals = VGroup()
        for i in rows:
            cut = D.clip((x[i], y[i]), (x[i], pred[i]))
            if cut is not None:
                residuals.add(Line(D.p(*cut[0]), D.p(*cut[1]), color=th.gradient,
                                   stroke_width=3))
        pics["residuals"] = residuals.set_z_index(1)
        if batched:
            curve = t.get(k, OBJ, "batch_curve")
            pics["curve"] = self.dashed(P, self.cx, curve, th.value)
            low = int(np.argmin(curve))  # the batch's own minimum, where it is on the grid
            inner = 0 < low < len(curve) - 1 and P.contains(self.cx[low], curve[low])
            pics["minimum"] = (Dot(P.p(self.cx[low], curve[low]), radius=0.07,
                                   color=th.value) if inner else VGroup())
            yb = float(np.interp(w, self.cx, curve))
        else:
            pics["curve"], pics["minimum"], yb = VGroup(), VGroup(), self.full_y(w)
        pics["at_w"] = Dot(P.p(w, min(yb, P.y_range[1])), radius=0.06, color=th.value)
        pics["tangent"] = (self.tangent(P, w, yb, g) if P.contains(w, yb) else VGroup())
        pics["arrow"] = self.step_arrow(P, w, w1, th.update) or VGroup()
        next_line = None
        if k + 1 < len(t.steps):
            next_line = D.polyline(self.model_x, t.get(k + 1, OBJ, "prediction"),
                                   color=th.value, stroke_width=4)
        pics["next_line"] = next_line
        pics["w"], pics["w1"] = w, w1
        return pics

    def clear_pictures(self) -> list:
        """Fade-outs of the last step's pictures."""
        keys = ("marks", "hats", "residuals", "curve", "minimum", "at_w", "tangent", "arrow")
        return [fade_out(self.pics[key]) for key in keys if key in self.pics
                and self.pics[key] in self.mobjects]

    def slide(self, role: str, w0: float, w1: float, **kwargs) -> Tween:
        """Move the point along the traced L(w) from w0 to w1 (inside the plot)."""
        lo, hi = self.lplot.x_range
        a, b = np.clip(w0, lo, hi), np.clip(w1, lo, hi)
        return Tween(self.here, lambda m, s: m.move_to(
            self.lplot.p(a + s * (b - a), self.full_y(a + s * (b - a)))), **kwargs)

    def move_line(self, pics: dict, **kwargs) -> list:
        """The model line turning to the next step's w (traced prediction)."""
        if pics["next_line"] is None:
            return []
        return [Transform(self.model_line, pics["next_line"], **kwargs)]

    def leave_mark(self, role: str, w: float) -> None:
        """A run marker where the point was (the run's path on L(w))."""
        style = self.theme.runs[STYLE[role]]
        if self.lplot.contains(w, self.full_y(w)):
            self.trail.add(run_marker(style, self.lplot.p(w, self.full_y(w)), 0.05))

    def show_numbers(self, role: str, k: int) -> None:
        """The readouts at step k (set at once, between animations)."""
        self.cells[0].set_text(self.text_of(role, k, OBJ, "theta"))
        self.cells[1].set_text(self.text_of(role, k, OBJ, "theta.grad"))
        self.k_cell.set_text(str(k))

    def explain_step(self, role: str, k: int) -> None:
        """Step k stage by stage, the ring lit at each, with captions and the update written
        out with its numbers."""
        th = self.theme
        pics = self.pictures(role, k)
        self.show_numbers(role, k)
        n_text = self.text_of(role, None, "config", "data.n", (), formatter=fmt_int)
        b_text = self.text_of(role, None, "config", "training.batch_size", (),
                              formatter=fmt_int)
        # draw a batch, then forward
        self.say(f"Draw {b_text} of the {n_text} examples; forward: predict w\u00b7x for them.",
                 *self.clear_pictures(), fade_in(pics["marks"]), self.light(0),
                 fade_in(self.k_label), fade_in(self.k_cell))
        self.lit_now, self.pics = 0, pics
        self.wait(self.t(1.0))
        self.play(self.light(1), fade_in(pics["hats"]), Create(self.model_line),
                  fade_in(self.readout_labels[0]), fade_in(self.cells[0]), run_time=self.t(0.8))
        self.lit_now = 1
        # loss, then backward
        self.say("Loss: the batch's own curve over w. Backward: its slope at w.",
                 self.light(2), Create(pics["residuals"]), Create(pics["curve"]),
                 fade_in(pics["minimum"]), fade_in(pics["at_w"]), run_time=1.2)
        self.lit_now = 2
        self.wait(self.t(1.2))
        self.play(self.light(3), Create(pics["tangent"]), fade_in(self.readout_labels[1]),
                  fade_in(self.cells[1]), run_time=self.t(0.8))
        self.lit_now = 3
        # step, with its numbers
        w, w1 = pics["w"], pics["w1"]
        grow = [GrowArrow(pics["arrow"])] if isinstance(pics["arrow"], Arrow) else []
        eta = self.text_of(role, k, "scalar", "lr", (), formatter=short)
        row = self.tex(f"w_{{{k + 1}}}", "=", self.text_of(role, k, OBJ, "theta"), "-",
                       eta, r"\cdot", f"({self.text_of(role, k, OBJ, 'theta.grad')})",
                       "=", self.text_of(role, k, OBJ, "theta.after"), size=32)
        for j, c in ((0, th.weight), (2, th.weight), (6, th.gradient), (8, th.weight)):
            row[j].set_color(th.ink(c))
        row.move_to(np.array([-6.3, -2.45, 0]), aligned_edge=LEFT)
        readouts = VGroup(self.readout_labels, *self.cells)
        self.say(f"Step: against that slope, \u03b7 = {eta} times it.",
                 self.light(4), *grow, *replace(readouts, row))
        self.lit_now = 4
        self.leave_mark(role, w)
        self.play(self.slide(role, w, w1), *self.move_line(pics), run_time=self.t(1.0))
        self.finish_reading()
        self.play(*replace(row, readouts), run_time=self.t(0.6))

    def quick_step(self, role: str, k: int, run_time: float) -> None:
        """Step k in one play: the old pictures out and the new in (first 45 %), the ring's
        light going round, then the point moves and the line turns."""
        pics = self.pictures(role, k)
        self.show_numbers(role, k)

        def early(a: float) -> float:  # the first 45 % of the play
            return smooth(min(1.0, a / 0.45))

        def late(a: float) -> float:  # the rest
            return smooth(max(0.0, (a - 0.45) / 0.55))

        anims = self.clear_pictures()
        anims += [fade_in(pics[key]) for key in ("marks", "hats", "residuals", "curve",
                                                 "minimum", "at_w", "tangent", "arrow")]
        for a in anims:
            a.rate_func = early
        lit = Tween(self.ring, lambda m, a: self.paint(min(4, int(a * 5))), rate_func=linear)
        self.leave_mark(role, pics["w"])
        self.play(*anims, lit, self.slide(role, pics["w"], pics["w1"], rate_func=late),
                  *self.move_line(pics, rate_func=late), run_time=run_time)
        self.pics = pics
        self.lit_now = 4

    # -- (2) one example, then all of them -----------------------------------------------------
    def one_example(self) -> None:
        self.finish_reading()
        old = [fade_out(self.trail)] + self.clear_pictures()
        self.pics = {}
        self.trail = VGroup()
        self.add(self.trail)
        self.start_run("one")
        self.show_numbers("one", 0)
        self.play(*old, self.light(None), run_time=self.t(0.6))
        self.lit_now = None
        self.say("One example a step: its own curve, its own minimum.",
                 run_time=0.8)
        ws, after = self.series("one", "theta"), self.series("one", "theta.after")
        away = [k for k in range(1, 4)  # a step moving away from L's minimum
                if np.sign(after[k] - ws[k]) != np.sign(self.w_star - ws[k])]
        self.away_step = away[0] if away else None
        for k in range(4):
            self.quick_step("one", k, self.t(1.2))
            if away and k == away[0]:
                self.say(f"At k = {k} this example pulls w away from L's minimum.",
                         run_time=0.6)
            else:
                self.wait(self.t(0.4))
        for k in range(4, 9):
            self.quick_step("one", k, self.t(0.45))
        self.finish_reading(1.0)
        self.note(say="With one example a step, each step descends that example's curve, "
                      "whose minimum is not L's.",
                  ask="Does every one-example step move w toward L's minimum?",
                  answer=(f"No: at k = {self.away_step} the example pulls w away from it."
                          if self.away_step is not None else
                          "Not necessarily: each example's curve has its own minimum."))

    # -- (3) the paths ---------------------------------------------------------------------------
    def path_plot(self, roles, width=PATH_W, height=PATH_H, center=PATH_C) -> PlotAxes:
        """Axes of w over the steps k, with a dashed line at w*."""
        ws = np.concatenate([self.series(r, "theta") for r in roles] + [[self.w_star]])
        lo, hi = float(ws.min()), float(ws.max())
        pad = 0.08 * (hi - lo)
        steps = max(len(self.trace(r).steps) for r in roles)
        plot = PlotAxes(self.theme, (0, steps), (lo - pad, hi + pad), width, height,
                        x_ticks=nice_ticks(0, steps, 4), y_ticks=nice_ticks(lo - pad, hi + pad, 4),
                        x_label="k", y_label="w", font_size=22)
        plot.shift(center - plot.box.get_center())
        star = dashed_line(plot.p(0, self.w_star), plot.p(steps, self.w_star),
                                self.theme.muted, 2, dash=0.1)
        plot.add(star, self.label("w*", size=24, color=self.theme.muted)
                 .next_to(star.get_start(), UR, buff=0.08))
        return plot

    def run_path(self, plot: PlotAxes, role: str) -> tuple[VMobject, VGroup]:
        """A run's w_k as a line in its colour (dashed by its style) with its markers."""
        style = self.theme.runs[STYLE[role]]
        ws = self.series(role, "theta")
        pts = [plot.p(k, w) for k, w in enumerate(ws)]
        line = StyledCurve(style, style.color, 3).set_curve(np.array(pts))
        marks = VGroup(*[run_marker(style, p, 0.05) for p in pts])
        return line, marks

    def spread_bars(self, plot: PlotAxes, roles) -> VGroup:
        """Each run's range of w over its last LATE steps, as a bar right of the plot (its
        lowest and highest traced w: drawing only)."""
        th = self.theme
        bars = VGroup()
        x0 = plot.box.get_right()[0] + 0.35
        for i, role in enumerate(roles):
            style = th.runs[STYLE[role]]
            late = self.series(role, "theta")[-LATE:]
            lo, hi = plot.p(0, late.min())[1], plot.p(0, late.max())[1]
            x = x0 + 0.38 * i
            bar = Line(np.array([x, lo, 0]), np.array([x, max(hi, lo + 0.02), 0]),
                       color=style.color, stroke_width=6)
            bars.add(VGroup(bar, run_marker(style, np.array([x, lo, 0]), 0.06),
                            run_marker(style, np.array([x, hi, 0]), 0.06)))
        return bars

    def late_note(self, plot: PlotAxes, bars: VGroup) -> VGroup:
        """What the bars are, above them (over the plot's top right corner)."""
        note = self.label(f"last {LATE} steps", size=22, color=self.theme.muted)
        return note.move_to(np.array([bars.get_center()[0], plot.box.get_top()[1] + 0.25, 0]))

    def legend_rows(self, rows) -> VGroup:
        """Legend rows (role, text): the run's marker and line sample, then the text."""
        th = self.theme
        out = VGroup()
        for role, text in rows:
            style = th.runs[STYLE[role]]
            sample = StyledCurve(style, style.color, 3).set_curve(np.array([LEFT, RIGHT]) * 0.28)
            swatch = VGroup(sample, run_marker(style, np.zeros(3), 0.08))
            out.add(VGroup(swatch, self.label(text, size=24, color=style.color))
                    .arrange(RIGHT, buff=0.2))
        return out.arrange(DOWN, aligned_edge=LEFT, buff=0.28)

    def draw_paths(self, plot: PlotAxes, roles, run_time: float = 3.5) -> None:
        """The runs' w_k drawn from k = 0 on, together."""
        drawn = [self.run_path(plot, r) for r in roles]
        for r in roles:
            for k in self.trace(r).steps:
                self.reached(r, k)
        self.play(*[Create(line, rate_func=linear) for line, _ in drawn],
                  *[LaggedStart(*[fade_in(m) for m in marks], lag_ratio=0.5, rate_func=linear)
                    for _, marks in drawn], run_time=self.t(run_time))

    def paths(self) -> None:
        roles = ("full", "main", "one")
        plot = self.path_plot(roles)
        n_text = self.text_of("full", None, "config", "data.n", (), formatter=fmt_int)
        sizes = {r: self.text_of(r, None, "config", "training.batch_size", (), formatter=fmt_int)
                 for r in ("main", "one")}
        legend = self.legend_rows([("full", f"all {n_text} examples (GD)"),
                                   ("main", f"batches of {sizes['main']}"),
                                   ("one", f"{sizes['one']} example a step")])
        legend.move_to(np.array([2.05, 2.2, 0]), aligned_edge=UL)
        eta = self.text_of("main", 0, "scalar", "lr", (), formatter=short)
        same = self.label(f"same start, same \u03b7 = {eta}", size=24, color=self.theme.muted)
        same.next_to(legend, DOWN, buff=0.35).align_to(legend, LEFT)
        self.say("All examples: the batch curve is L itself. Fewer: a noisier path.",
                 fade_in(plot), fade_in(legend), fade_in(same), run_time=1.0)
        self.draw_paths(plot, roles)
        bars = self.spread_bars(plot, roles)
        note = self.late_note(plot, bars)
        self.say("A batch's gradient only estimates L's: w keeps jittering.",
                 Create(bars), fade_in(note), run_time=1.0)
        self.finish_reading(1.0)
        self.note(say=f"Full-batch GD uses all {n_text} examples, so its batch curve is L "
                      "itself; smaller batches give cheaper but noisier steps.",
                  ask="Which run keeps jittering most over its last steps?",
                  answer=f"The one with {sizes['one']} example a step: the widest bar on "
                         "the right.")

    # -- (4) decay ---------------------------------------------------------------------------------
    def decay(self) -> None:
        th = self.theme
        roles = ("one", "decay")
        plot = self.path_plot(roles)
        eta0 = self.text_of("one", 0, "scalar", "lr", (), formatter=short)
        size = self.config_schedule()
        legend = self.legend_rows([("one", f"\u03b7 = {eta0} constant"),
                                   ("decay", f"\u03b7 {size}")])
        legend.move_to(np.array([2.05, 2.2, 0]), aligned_edge=UL)
        # η over the steps (the per-step traced learning rate), small, under the legend
        lr = {r: self.trace(r).scalars("lr") for r in roles}
        top = 1.2 * float(max(v.max() for v in lr.values()))
        steps = len(lr["decay"])
        eta_plot = PlotAxes(th, (0, steps), (0, top), 3.4, 1.5,
                            x_ticks=nice_ticks(0, steps, 2), y_ticks=nice_ticks(0, top, 2)[1:],
                            x_label="k", y_label="\u03b7", font_size=20)
        eta_plot.shift(np.array([4.55, -1.2, 0]) - eta_plot.box.get_center())
        lines = VGroup()
        for r in roles:
            style = th.runs[STYLE[r]]
            pts = [eta_plot.p(k + dk, v) for k, v in enumerate(lr[r]) for dk in (0, 1)]
            lines.add(StyledCurve(style, style.color, 3).set_curve(np.array(pts)))
        last = self.text_of("decay", steps - 1, "scalar", "lr", (), formatter=short)
        end = self.label(f"last \u03b7 = {last}", size=22, color=th.runs[STYLE["decay"]].color)
        end.next_to(eta_plot.box, DOWN, buff=0.55).align_to(eta_plot.box, RIGHT)
        self.say("Same examples, same order; only \u03b7 differs.", fade_in(plot),
                 fade_in(legend), fade_in(eta_plot), Create(lines), fade_in(end), run_time=1.2)
        self.draw_paths(plot, roles)
        bars = self.spread_bars(plot, roles)
        note = self.late_note(plot, bars)
        self.say("Decay \u03b7: big steps to get near, small ones to settle.",
                 Create(bars), fade_in(note), run_time=1.0)
        self.finish_reading(1.0)
        self.note(say="Same examples in the same order; only the learning rate differs: "
                      "decay lowers it over time.",
                  ask="How large is the decayed run's learning rate at its last step?",
                  answer=f"\u03b7 = {last}, down from {eta0}, so w settles instead of "
                         "jittering.")

    def config_schedule(self) -> str:
        """How the decay run's schedule changes η, in words from its recorded config."""
        cfg = self.trace("decay").config.get("schedule", {})
        if cfg.get("name") in ("step", "step_decay") and "step_size" in cfg:
            gamma = self.text_of("decay", None, "config", "schedule.gamma", (), formatter=short)
            every = self.text_of("decay", None, "config", "schedule.step_size", (),
                                 formatter=fmt_int)
            return f"\u00d7{gamma} every {every} steps"
        return "by a schedule"

    # -- (5) momentum ----------------------------------------------------------------------------
    def momentum(self) -> None:
        th = self.theme
        role = "momentum"
        plot, curve = self.make_loss_plot()
        star = self.w_star_line(plot)
        beta = self.text_of(role, None, "config", "optimizer.momentum", (), formatter=short)
        eta = self.text_of(role, 0, "scalar", "lr", (), formatter=short)
        bs = self.text_of(role, None, "config", "training.batch_size", (), formatter=fmt_int)
        rule = self.tex(r"v \leftarrow \beta\, v + g", size=36)
        rule2 = self.tex(r"w \leftarrow w - \eta\, v", size=36)
        setting = self.label(f"\u03b2 = {beta},  \u03b7 = {eta},  batches of {bs}", size=24,
                             color=th.muted)
        block = VGroup(rule, rule2, setting).arrange(DOWN, aligned_edge=LEFT, buff=0.22)
        block.move_to(np.array([1.2, 2.45, 0]), aligned_edge=UL)
        labels = [self.tex("k =", size=32, color=th.muted),
                  self.tex("g =", size=32, color=th.ink(th.gradient)),
                  self.tex("v =", size=32, color=th.ink(th.update))]
        for i, lab in enumerate(labels):
            lab.move_to(np.array([1.4, 0.25 - 0.58 * i, 0]), aligned_edge=LEFT)
        digit = TickerText("0", font_size=28).height
        cells = []
        inks = (th.muted, th.ink(th.gradient), th.ink(th.update))
        for lab, color in zip(labels, inks, strict=True):
            cell = TickerText("", font_size=28, color=color, max_len=7, align=LEFT)
            cell.anchor_at(np.array([2.3, lab[-1].get_center()[1] - digit / 2, 0]))
            cells.append(cell)
        key = VGroup(
            VGroup(Arrow(LEFT * 0.3, RIGHT * 0.3, buff=0, color=th.gradient, stroke_width=5),
                   self.label("\u2212g: this batch's slope pushes", size=22,
                              color=th.ink(th.gradient))).arrange(RIGHT, buff=0.15),
            VGroup(Arrow(LEFT * 0.3, RIGHT * 0.3, buff=0, color=th.update, stroke_width=5),
                   self.label("\u2212v: the velocity, where w goes", size=22,
                              color=th.ink(th.update))).arrange(RIGHT, buff=0.15))
        key.arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        key.move_to(np.array([1.4, -1.65, 0]), aligned_edge=UL)

        ws, after = self.series(role, "theta"), self.series(role, "theta.after")
        g, v = self.series(role, "theta.grad"), self.series(role, "theta.velocity")
        ball = Dot(plot.p(ws[0], self.full_y(ws[0])), radius=0.13, color=th.active)
        ball.set_z_index(4)
        push = Arrow(np.zeros(3), RIGHT, buff=0, color=th.gradient, stroke_width=5)
        speed = Arrow(np.zeros(3), RIGHT, buff=0, color=th.update, stroke_width=5)
        scale = 0.9  # scene units per unit of g and v: one scale, so the lengths compare

        built = {"step": None, "at": None}  # the step the arrows are drawn for, and where

        def place(k: int) -> None:
            """The arrows of step k over the ball: −g below, −v above (drawing only). Built
            once a step; while the ball rolls they move with it."""
            c = ball.get_center()
            if built["step"] == k:
                if (c != built["at"]).any():
                    for arrow in (push, speed):
                        arrow.shift(c - built["at"])
                    built["at"] = c
                return
            for arrow, value, lift in ((push, g[k], 0.42), (speed, v[k], 0.8)):
                a = c + lift * UP
                b = a + (-scale * value) * RIGHT
                if abs(b[0] - a[0]) < 0.04:
                    b = a + 0.04 * RIGHT * (1 if value <= 0 else -1)
                arrow.become(Arrow(a, b, buff=0, color=arrow.get_color(), stroke_width=5,
                                   max_tip_length_to_length_ratio=0.35))
            built.update(step=k, at=c)

        def show(k: int) -> None:
            cells[0].set_text(str(k))
            cells[1].set_text(self.text_of(role, k, OBJ, "theta.grad"))
            cells[2].set_text(self.text_of(role, k, OBJ, "theta.velocity"))

        show(0)
        place(0)
        self.say("Momentum: a ball rolling down L; its velocity v sums past gradients.",
                 fade_in(plot), Create(curve), fade_in(star), fade_in(block),
                 fade_in(ball, scale=0.5),
                 *[fade_in(m) for m in (*labels, *cells, key, push, speed)], run_time=1.2)
        # the first step where the batch's slope already pushes back but the ball rolls on,
        # past w* (decided on traced numbers)
        past = [k for k in range(len(ws)) if np.sign(g[k]) != np.sign(v[k])
                and (after[k] - self.w_star) * (ws[0] - self.w_star) < 0]
        turn = self.turn_step = past[0] if past else None
        trail = VGroup()
        self.add(trail)
        shown = min(len(ws), SETTLE)
        for k in range(shown):
            if turn is not None and k == turn + 5:  # the ball on its way back
                self.say("It rolls back and settles: \u03b2 < 1 fades old pushes.",
                         run_time=0.6)
            if k == turn:
                self.play(Tween(VGroup(push, speed), lambda m, a, k=k: place(k)),
                          run_time=self.t(0.4))
                show(k)
                self.say(f"k = {k}: the slope pushes back; the velocity carries w on.",
                         run_time=0.6)
            elif k:
                show(k)
                place(k)
            roll = self.roll(plot, ball, ws[k], after[k])
            keep_arrows = Tween(VGroup(push, speed), lambda m, a, k=k: place(k))
            trail.add(Dot(ball.get_center(), radius=0.04, color=th.muted))
            slow = k < 3 or (turn is not None and turn <= k < turn + 5)
            self.play(roll, keep_arrows, run_time=self.t(0.7 if slow else 0.25))
        self.finish_reading(1.0)
        g_turn = self.shown_text(role, turn, "theta.grad") if turn is not None else None
        v_turn = self.shown_text(role, turn, "theta.velocity") if turn is not None else None
        self.note(say=f"Momentum with \u03b2 = {beta}: the velocity sums past gradients, so "
                      "the ball rolls through small bumps and past the minimum.",
                  ask="At which step does the slope push back while w still moves on?",
                  answer=(f"At k = {turn}: g = {g_turn} and v = {v_turn} have opposite signs."
                          if g_turn and v_turn else
                          "None of the steps shown: the velocity never overshoots here."))

    def roll(self, plot: PlotAxes, ball: Dot, w0: float, w1: float) -> Tween:
        lo, hi = plot.x_range
        a, b = np.clip(w0, lo, hi), np.clip(w1, lo, hi)
        return Tween(ball, lambda m, s: m.move_to(plot.p(a + s * (b - a),
                                                         self.full_y(a + s * (b - a)))))

    # -- (6) clipping ------------------------------------------------------------------------------
    def clipping(self) -> None:
        th = self.theme
        plot, curve = self.make_loss_plot()
        star = self.w_star_line(plot)
        raw = self.text_of("clip", 0, OBJ, "theta.grad_raw")
        clipped = self.text_of("clip", 0, OBJ, "theta.grad")
        norm = self.text_of("clip", None, "config", "clip.norm", (), formatter=short)
        eta = self.text_of("clip", 0, "scalar", "lr", (), formatter=short)
        w0 = float(self.trace("clip").get(0, OBJ, "theta")[0])
        w0_text = self.text_of("clip", 0, OBJ, "theta")
        head = self.label(f"From w = {minus_sign(w0_text)}, with \u03b7 = {eta}:", size=26)
        ink = th.ink(th.gradient)
        solid = Line(LEFT * 0.3, RIGHT * 0.3, color=th.gradient, stroke_width=5)
        dashed = dashed_line(LEFT * 0.3, RIGHT * 0.3, th.gradient, 5, dash=0.12)
        lines = VGroup(
            VGroup(solid, self.label(f"L's slope: g = {minus_sign(raw)}", size=24, color=ink))
            .arrange(RIGHT, buff=0.2),
            VGroup(dashed, self.label(f"clipped to |g| \u2264 {norm}: g = {minus_sign(clipped)}",
                                      size=24, color=ink)).arrange(RIGHT, buff=0.2))
        block = VGroup(head, lines.arrange(DOWN, aligned_edge=LEFT, buff=0.2))
        block.arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        block.move_to(np.array([1.2, 2.5, 0]), aligned_edge=UL)
        lands = {}
        for r in ("noclip", "clip"):
            lands[r] = self.text_of(r, 0, OBJ, "theta.after")
        legend = self.legend_rows(
            [("noclip", f"not clipped: lands at {minus_sign(lands['noclip'])}"),
             ("clip", f"clipped: lands at {minus_sign(lands['clip'])}")])
        legend.move_to(np.array([1.2, 0.3, 0]), aligned_edge=UL)
        at = plot.p(w0, self.full_y(w0))
        dot = Dot(at, radius=0.1, color=th.active).set_z_index(4)
        clip = self.trace("clip")
        slope = VGroup(self.tangent(plot, w0, self.full_y(w0),
                                    float(clip.get(0, OBJ, "theta.grad_raw")[0]), 1.3, True))
        used = self.tangent(plot, w0, self.full_y(w0), float(clip.get(0, OBJ, "theta.grad")[0]),
                            1.3, True)
        slope.add(dashed_line(used.get_start(), used.get_end(), th.gradient, 5, dash=0.08))
        self.say("Far from w*, L is steep: a big gradient.", fade_in(plot), Create(curve),
                 fade_in(star), fade_in(dot, scale=0.5), Create(slope), fade_in(block),
                 run_time=1.2)
        arrows = VGroup()
        for i, r in enumerate(("noclip", "clip")):
            style = th.runs[STYLE[r]]
            w1 = float(self.trace(r).get(0, OBJ, "theta.after")[0])
            arrow = self.step_arrow(plot, w0, w1, style.color, lift=0.3 + 0.4 * (1 - i))
            if arrow is not None:
                landing = run_marker(style, plot.p(w1, self.full_y(w1)), 0.09).set_z_index(3)
                arrows.add(VGroup(arrow, landing))
        self.say("Unclipped, the step flies past w*; clipped, it stops short.",
                 *[GrowArrow(a[0]) for a in arrows], *[fade_in(a[1]) for a in arrows],
                 fade_in(legend), run_time=1.2)
        # both runs on: their paths on L(w)
        paths = VGroup()
        anims = []
        for r in ("noclip", "clip"):
            style = th.runs[STYLE[r]]
            ws = np.append(self.series(r, "theta"), self.series(r, "theta.after")[-1])
            pts = [plot.p(w, self.full_y(w)) for w in ws if plot.contains(w, self.full_y(w))]
            line = VMobject(stroke_color=style.color, stroke_width=3,
                            stroke_opacity=0.85).set_points_as_corners(pts)
            marks = VGroup(*[run_marker(style, p, 0.06) for p in pts])
            paths.add(VGroup(line, marks))
            anims += [Create(line, rate_func=linear),
                      LaggedStart(*[fade_in(m) for m in marks], lag_ratio=0.6)]
            for k in self.trace(r).steps:
                self.reached(r, k)
        raws = self.series("clip", "theta.grad_raw")[1:]
        grads = self.series("clip", "theta.grad")[1:]
        if np.array_equal(raws, grads):  # no later step was clipped (traced, both)
            text = f"Later |g| \u2264 {norm}: small gradients pass unchanged."
        else:
            text = "Clipping caps only the big gradients; small ones pass unchanged."
        self.say(text, fade_out(slope), run_time=0.8)
        self.play(*anims, run_time=self.t(3.0))
        self.finish_reading(1.0)
        self.note(say=f"Clipping limits the gradient to |g| \u2264 {norm}: far from w* the "
                      "huge step is cut short, small gradients pass unchanged.",
                  ask="Where does the first step land with and without clipping?",
                  answer=f"Clipped (g = {clipped} instead of {raw}) it lands at "
                         f"{lands['clip']}; unclipped at {lands['noclip']}.")

