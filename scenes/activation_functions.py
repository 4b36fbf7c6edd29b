"""ActivationFunctions: the decks' table of activations, each f and f′ from the engine.

Every curve is one activation layer run by the engine on a grid of x (run.kind = "curves",
assets/configs/activations.toml): f is the layer's forward (``y``), f′ the derivative its
backward recorded (``dy``); the scene draws both and writes the formula beside them.

Sections (about 69 s at speed 1)
  linear       identity (f′ = 1: no bend) and binary step (recorded f′ = 0: nothing to
               learn from)                                                      10 s
  s-shaped     logistic, tanh, arctan: smooth, and they saturate                 9 s
  rectifiers   ReLU, leaky ReLU (ε read from its traced f′), PReLU (its traced α) 11 s
  smooth       ELU (α read as its traced f′(0)) and softplus; softplus′ is the
               logistic itself                                                    8 s
  saturation   logistic f′ against ReLU f′ on one scale: the traced maximum of the
               logistic's f′ (0.25, at x = 0, an argmax over the grid) and its tails;
               ReLU's f′ = 1 at x = 2 and 0 at x = −2 (a dead unit)              25 s
  next         one factor per layer on the way back: 0.25 × 0.25 × ⋯ against 1 × 1 × ⋯,
               leading into VanishingGradients                                    7 s
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (DOWN, ORIGIN, RIGHT, UL, UP, Create, DashedLine, DashedVMobject, Dot,
                   Line, VGroup, VMobject)

from nnanim.engine.errors import TraceError
from nnanim.engine.trace import Trace
from nnanim.scenes.base import TraceScene
from nnanim.scenes.format import minus_sign
from nnanim.scenes.layout import reading_time
from nnanim.scenes.mobjects.light_animations import fade_in, fade_out, replace
from nnanim.scenes.mobjects.plot_axes import PlotAxes, nice_ticks

PRIME = "\u2032"


@dataclass(frozen=True)
class Activation:
    """One row of the decks' table: the curve's name in the trace, the engine layer it must
    be (``<layer>_0.output`` is recorded), the name on screen and the formulas."""

    curve: str
    layer: str
    name: str
    f: str
    df: str


TABLE = (
    Activation("identity", "identity", "Identity", r"f(x) = x", r"f'(x) = 1"),
    Activation("binary_step", "binarystep", "Binary step",
               r"f(x) = 1\ (x \ge 0),\ 0\ (x < 0)", r"f'(x) = 0"),
    Activation("logistic", "sigmoid", "Logistic", r"f(x) = 1 / (1 + e^{-x})",
               r"f'(x) = f(x)\,(1 - f(x))"),
    Activation("tanh", "tanh", "tanh", r"f(x) = \tanh x", r"f'(x) = 1 - f(x)^2"),
    Activation("arctan", "arctan", "arctan", r"f(x) = \arctan x", r"f'(x) = 1 / (x^2 + 1)"),
    Activation("relu", "relu", "ReLU", r"f(x) = \max(0, x)",
               r"f'(x) = 1\ (x > 0),\ 0\ (x < 0)"),
    Activation("leaky_relu", "leakyrelu", "Leaky ReLU", r"f(x) = \max(\varepsilon x, x)",
               r"f'(x) = 1\ (x > 0),\ \varepsilon\ (x < 0)"),
    Activation("prelu", "prelu", "PReLU", r"f(x) = \max(\alpha x, x)",
               r"f'(x) = 1\ (x > 0),\ \alpha\ (x < 0)"),
    Activation("elu", "elu", "ELU", r"f(x) = x\ (x > 0),\ \alpha(e^x - 1)\ (x \le 0)",
               r"f'(x) = 1\ (x > 0),\ f(x) + \alpha\ (x \le 0)"),
    Activation("softplus", "softplus", "Softplus", r"f(x) = \ln(1 + e^x)",
               r"f'(x) = 1 / (1 + e^{-x})"),
)
BY_CURVE = {a.curve: a for a in TABLE}

#: the pages, in the decks' order: (section, curves); a method page_<section> shows each
PAGES = (
    ("linear", ("identity", "binary_step")),
    ("s-shaped", ("logistic", "tanh", "arctan")),
    ("rectifiers", ("relu", "leaky_relu", "prelu")),
    ("smooth", ("elu", "softplus")),
)

#: where ReLU's f′ is read in the saturation section (grid points nearest to these x)
RELU_POINTS = (2.0, -2.0)

# layout: y of the rows, the size of one small plot, the columns' spacing
Y_NAME, Y_PLOT, Y_F, Y_DF, Y_CAPTION = 2.78, 1.1, -1.2, -1.85, -3.35
PLOT_W, PLOT_H = 3.3, 2.3
COLUMNS = {2: 6.6, 3: 4.6}  # centre to centre: a page of two has room for ELU's formulas
FORMULA_SIZE = 30
#: neighbouring traced values further apart than this share of the plot's height are a
#: jump, drawn unjoined
JUMP = 0.05
# the saturation section: two larger plots on one scale
FOCUS_W, FOCUS_H, FOCUS_X = 5.0, 3.0, 3.45


def short(v: float) -> str:
    """A traced number in three significant figures, typographic minus: 0.25, 0.00665, −2."""
    return minus_sign(f"{v:.3g}")


def tex_short(v: float) -> str:
    """``short`` for MathTex (which sets its own minus)."""
    return f"{v:.3g}"


@dataclass
class Panel:
    """One activation's small plot: its name, axes with the x = 0 and y = 0 lines, f (solid,
    value colour), f′ (dashed, gradient colour) and the two formulas."""

    act: Activation
    head: VGroup
    plot: PlotAxes
    zeros: VGroup
    f: VGroup    # pieces, split where the traced values jump
    df: VGroup   # pieces of dashes
    formulas: VGroup

    def frame(self) -> VGroup:
        return VGroup(self.head, self.plot, self.zeros)


class ActivationFunctions(TraceScene):
    """The decks' table of activation functions with f and f′ read from the engine's
    forward and backward, then why the logistic's f′ (at most ¼, saturating) and ReLU's
    (1 or 0) lead to vanishing gradients. Length at speed 1: about 69 s."""

    title = "Activation functions and their derivatives"
    description = ("identity to softplus: f and f′ from the engine's forward and backward; "
                   "logistic f′ ≤ 0.25 saturates, ReLU f′ is 1 or 0")
    runs = {"main": "activations"}
    trace_kind = "curves"
    duration = 69.0

    # -- traces -------------------------------------------------------------------------------
    def check_trace(self, role: str, trace: Trace) -> None:
        """Every curve of the table, each the one engine layer it is named for, with f and
        f′, on a grid reaching past x = ±2 with x = 0 on it."""
        name = type(self).__name__
        missing = [a.curve for a in TABLE if a.curve not in trace.layers]
        if missing:
            raise TraceError(f"{name}: {trace.path} lacks the curves {', '.join(missing)}")
        for a in TABLE:
            qs = trace.quantities(a.curve)
            outputs = [q for q in qs if q.endswith(".output")]
            if outputs != [f"{a.layer}_0.output"] or not {"y", "dy"} <= set(qs):
                raise TraceError(f"{name}: curve {a.curve} of {trace.path} must be one "
                                 f"{a.layer} layer with y and dy (it records "
                                 f"{', '.join(sorted(qs))})")
        if "prelu_0.alpha" not in trace.quantities("prelu"):
            raise TraceError(f"{name}: curve prelu of {trace.path} lacks its slope "
                             "prelu_0.alpha")
        x = trace.static("grid/x")
        if not (x.min() < min(RELU_POINTS) and x.max() > max(RELU_POINTS) and 0.0 in x):
            raise TraceError(f"{name}: the grid of {trace.path} must reach past x = ±2 "
                             "and hold x = 0")

    def curve(self, name: str, quantity: str) -> np.ndarray:
        """f (``y``) or f′ (``dy``) of curve ``name`` at every grid point, for drawing."""
        return self.trace("main").get(0, name, quantity)[:, 0]

    def at(self, x: float) -> int:
        """The index of the grid point nearest to ``x``."""
        return int(np.argmin(np.abs(self.xs - x)))

    def read(self, curve: str, quantity: str, i: int, formatter=short) -> str:
        """The text of one traced value of a curve at grid point i."""
        return self.number("main", 0, curve, quantity, (i, 0), formatter=formatter)[1]

    def read_x(self, i: int, formatter=short) -> str:
        return self.number("main", None, "static", "grid/x", (i,), formatter=formatter)[1]

    # -- captions -----------------------------------------------------------------------------
    def caption(self, text: str):
        """A sentence (or two lines) at the bottom; kept in ``captions`` (tests read them)."""
        self.captions.append(text)
        return self.label(text, size=26).move_to([0, Y_CAPTION, 0])

    def say(self, text: str, *also, run_time: float = 0.8) -> float:
        """Replace the caption (old out, then new in) with ``also`` animations; returns the
        seconds to wait for its reading time (counted from the end of the play)."""
        new = self.caption(text)
        self.play(*replace(self.said, new), *also, run_time=self.t(run_time))
        self.said = new
        return reading_time(text)

    def hold(self, seconds: float) -> None:
        self.wait(self.t(max(seconds, 1.0)))  # at least the section's still

    # -- the scene ----------------------------------------------------------------------------
    def construct(self) -> None:
        self.captions: list[str] = []
        self.said = None
        self.xs = self.trace("main").static("grid/x")
        heading = self.label("Activation functions: f and f" + PRIME, size=34)
        heading.to_corner(UL, buff=0.3)
        self.legend = self.make_legend().to_edge(RIGHT, buff=0.3).match_y(heading)
        self.add(heading)
        self.page_shown = None
        self.panels: dict[str, Panel] = {}  # every activation drawn, by curve (tests read it)
        for section, curves in PAGES:
            self.next_section(section)
            getattr(self, "page_" + section.replace("-", "_"))(curves)
        self.next_section("saturation")
        self.saturation()
        self.next_section("next")
        self.next_lesson()

    # -- the table, page by page --------------------------------------------------------------
    def make_legend(self) -> VGroup:
        """f solid in the value colour, f′ dashed in the gradient colour: the dash tells
        them apart without colour."""
        th = self.theme
        solid = Line(ORIGIN, 0.7 * RIGHT, color=th.value, stroke_width=5)
        dashed = DashedLine(ORIGIN, 0.7 * RIGHT, color=th.gradient, stroke_width=5,
                            dash_length=0.1)
        rows = [VGroup(solid, self.label("f  forward", size=24)),
                VGroup(dashed, self.label("f" + PRIME + "  backward", size=24))]
        for row in rows:
            row.arrange(RIGHT, buff=0.2)
        return VGroup(*rows).arrange(RIGHT, buff=0.5)

    def make_panel(self, act: Activation, x: float, note: str | None = None) -> Panel:
        th = self.theme
        f, df = self.curve(act.curve, "y"), self.curve(act.curve, "dy")
        lo, hi = min(f.min(), df.min(), 0.0), max(f.max(), df.max(), 1.0)
        pad = 0.1 * (hi - lo)
        y0, y1 = lo - pad, hi + pad
        plot = PlotAxes(th, (self.xs[0], self.xs[-1]), (y0, y1), PLOT_W, PLOT_H,
                        x_ticks=nice_ticks(self.xs[0], self.xs[-1], 2),
                        y_ticks=nice_ticks(y0, y1, 4), font_size=20)
        plot.shift([x - plot.box.get_center()[0], Y_PLOT - plot.box.get_center()[1], 0])
        head = VGroup(self.label(act.name, size=30).move_to([x, Y_NAME, 0]))
        if note:  # a parameter, in the plot's empty upper left (rectifiers rise right)
            corner = plot.p(self.xs[0], y1) + np.array([0.2, -0.1, 0])
            head.add(self.label(note, size=24, color=th.muted).move_to(corner, aligned_edge=UL))
        formulas = VGroup(self.tex(act.f, size=FORMULA_SIZE, color=th.value),
                          self.tex(act.df, size=FORMULA_SIZE, color=th.gradient))
        for formula, y in zip(formulas, (Y_F, Y_DF)):
            formula.move_to([x, y, 0])
        return Panel(act, head, plot, self.zero_lines(plot),
                     self.trace_line(plot, f, th.value, 5),
                     self.trace_line(plot, df, th.gradient, 5, dashed=True), formulas)

    def zero_lines(self, plot: PlotAxes) -> VGroup:
        """x = 0 and y = 0 across the box, in the grid colour (decoration: the axes sit at
        the box's edges)."""
        (x0, x1), (y0, y1) = plot.x_range, plot.y_range
        style = {"color": self.theme.grid, "stroke_width": 2}
        return VGroup(Line(plot.p(x0, 0), plot.p(x1, 0), **style),
                      Line(plot.p(0, y0), plot.p(0, y1), **style))

    def trace_line(self, plot: PlotAxes, ys: np.ndarray, color: str, width: float,
                   dashed: bool = False) -> VGroup:
        """The traced values at the grid points joined by straight pieces; not joined
        across a jump (a step between neighbours over JUMP of the plot's height: binary
        step's f, ReLU's f′), which no value in between was recorded for. ``dashed``: in
        dashes (f′'s second cue)."""
        y0, y1 = plot.y_range
        cuts = np.flatnonzero(np.abs(np.diff(ys)) > JUMP * (y1 - y0)) + 1
        pieces = VGroup()
        for idx in np.split(np.arange(len(ys)), cuts):
            if len(idx) < 2:
                continue
            piece = plot.polyline(self.xs[idx], ys[idx], color=color, stroke_width=width)
            pieces.add(self.dashed(piece) if dashed else piece)
        return pieces

    @staticmethod
    def dashed(curve: VMobject, dash: float = 0.16) -> VMobject:
        """``curve`` in dashes of about ``dash`` scene units."""
        pts = curve.points
        length = float(np.sum(np.linalg.norm(np.diff(pts[::4], axis=0), axis=1)))
        return DashedVMobject(curve, num_dashes=max(int(length / dash), 2), dashed_ratio=0.6)

    def show_page(self, curves: tuple[str, ...], text: str,
                  notes: dict[str, str] | None = None) -> list[Panel]:
        """The page's panels: axes and names in (the previous page out first), f drawn,
        then f′ with the formulas and the caption; held for the caption's reading time."""
        notes = notes or {}
        n = len(curves)
        xs = [COLUMNS[n] * (i - (n - 1) / 2) for i in range(n)]
        panels = [self.make_panel(BY_CURVE[c], x, notes.get(c)) for c, x in zip(curves, xs)]
        self.panels.update((p.act.curve, p) for p in panels)
        frames = VGroup(*[p.frame() for p in panels])
        if self.page_shown is None:
            self.play(fade_in(frames), fade_in(self.legend), run_time=self.t(1.0))
        else:  # the old page leaves with its caption
            self.play(*replace(self.page_shown, frames), fade_out(self.said),
                      run_time=self.t(1.0))
            self.said = None
        self.play(*[Create(p.f) for p in panels], run_time=self.t(1.0))
        # f′ on top of f (where they coincide, the dashes show both)
        rest = self.say(text, *[Create(p.df, lag_ratio=1.0) for p in panels],
                        *[fade_in(p.formulas) for p in panels], run_time=1.4)
        self.hold(rest)
        self.page_shown = VGroup(frames, *[VGroup(p.f, p.df, p.formulas) for p in panels])
        return panels

    def page_linear(self, curves) -> None:
        step = self.curve("binary_step", "dy")
        if np.all(step == 0):  # the engine's convention: no gradient anywhere
            text = (f"Identity: f{PRIME} = 1, no bend.  Binary step: its recorded f{PRIME}"
                    "\nis 0 everywhere: no gradient to learn from.")
        else:
            text = (f"Identity bends nothing (f{PRIME} = 1).  Binary step: f{PRIME} is 0"
                    "\nalmost everywhere: almost no gradient to learn from.")
        self.show_page(curves, text)
        flat = "is 0 everywhere" if np.all(step == 0) else "is 0 almost everywhere"
        self.note(say="Each activation is drawn with its derivative, which is what "
                      "backpropagation multiplies by.",
                  ask="Why can a network not learn through the binary step?",
                  answer=f"Its recorded f{PRIME} {flat}: no gradient flows back through it.")

    def page_s_shaped(self, curves) -> None:
        self.show_page(curves, "Logistic, tanh, arctan: smooth, and they saturate:\n"
                               f"far from 0, f{PRIME} goes to 0.")
        self.note(say="Logistic, tanh and arctan are smooth S-curves that flatten out on "
                      "both sides.",
                  ask=f"What happens to f{PRIME} of these curves far from x = 0?",
                  answer=f"f{PRIME} goes to 0: they saturate and pass almost no gradient.")

    def page_rectifiers(self, curves) -> None:
        # leaky ReLU's ε is its traced f′ left of 0; PReLU's α is its traced parameter
        eps = self.read("leaky_relu", "dy", self.at(-2.0))
        _, alpha = self.number("main", 0, "prelu", "prelu_0.alpha", (0,), formatter=short)
        notes = {"leaky_relu": "\u03b5 = " + eps, "prelu": "\u03b1 = " + alpha}
        self.show_page(curves, f"Rectifiers: f{PRIME} = 1 for x > 0; below 0 it is 0 (ReLU),"
                               "\nthe fixed \u03b5 (leaky) or the learned \u03b1 (PReLU).",
                       notes)
        self.note(say="Rectifiers pass the gradient unchanged for x > 0; they differ only "
                      "left of 0.",
                  ask=f"What is each rectifier's slope f{PRIME} for negative x?",
                  answer=f"ReLU 0, leaky ReLU \u03b5 = {eps}, PReLU its learned "
                         f"\u03b1 = {alpha}.")

    def page_smooth(self, curves) -> None:
        # ELU's α is its traced f′ at x = 0: α·e⁰ (the engine takes the x ≤ 0 branch there)
        alpha = self.read("elu", "dy", self.at(0.0))
        same = np.allclose(self.curve("softplus", "dy"), self.curve("logistic", "y"),
                           rtol=0, atol=1e-12)
        text = "ELU and softplus: smooth rectifiers"
        text += (f";\nsoftplus{PRIME} is the logistic curve itself." if same else ".")
        self.show_page(curves, text, {"elu": "\u03b1 = " + alpha})
        self.note(say="ELU and softplus are rectifiers without the kink at 0.",
                  ask=f"What is ELU's slope f{PRIME} at x = 0?",
                  answer=f"\u03b1 = {alpha}, read from its traced f{PRIME}.")

    # -- logistic against ReLU ----------------------------------------------------------------
    def focus_plot(self, x: float, name: str) -> tuple[PlotAxes, VGroup]:
        """A larger plot of one f′, both on the same y scale (0 to 1 fits both)."""
        th = self.theme
        hi = max(self.curve("logistic", "dy").max(), self.curve("relu", "dy").max(), 1.0)
        y0, y1 = -0.1 * hi, 1.15 * hi
        plot = PlotAxes(th, (self.xs[0], self.xs[-1]), (y0, y1), FOCUS_W, FOCUS_H,
                        x_ticks=nice_ticks(self.xs[0], self.xs[-1], 4),
                        y_ticks=nice_ticks(0.0, hi, 4), font_size=20)
        plot.shift([x - plot.box.get_center()[0], 0.95 - plot.box.get_center()[1], 0])
        head = self.label(name, size=30).move_to([x, Y_NAME, 0])
        # only y = 0: the readouts are written over x = 0
        return plot, VGroup(head, plot, self.zero_lines(plot)[0])

    def saturation(self) -> None:
        th = self.theme
        log_plot, log_frame = self.focus_plot(-FOCUS_X, "logistic  f" + PRIME)
        relu_plot, relu_frame = self.focus_plot(FOCUS_X, "ReLU  f" + PRIME)
        self.log_plot, self.relu_plot = log_plot, relu_plot
        curves = [self.trace_line(p, self.curve(c, "dy"), th.gradient, 6, dashed=True)
                  for p, c in ((log_plot, "logistic"), (relu_plot, "relu"))]
        frames = VGroup(log_frame, relu_frame)
        self.play(*replace(self.page_shown, frames), fade_out(self.legend),
                  fade_out(self.said), run_time=self.t(1.0))
        self.said = None
        self.play(*[Create(c, lag_ratio=1.0) for c in curves], run_time=self.t(1.2))
        self.logistic_peak()
        self.relu_points()
        top, at = self.read("logistic", "dy", self.peak), self.read_x(self.peak)
        self.note(say="On one scale: the logistic's f\u2032 is small everywhere; ReLU's is 1 "
                      "wherever the unit is active.",
                  ask="What is the largest derivative the logistic ever has?",
                  answer=f"{top}, at x = {at}; ReLU's is 1 for every x > 0.")

    def logistic_peak(self) -> None:
        """The largest recorded f′ of the logistic (an argmax over the grid), marked with
        a level line, then its two tails (the grid's ends)."""
        th, plot = self.theme, self.log_plot
        dy = self.curve("logistic", "dy")
        i = int(np.argmax(dy))
        self.peak = i
        top, x_text = self.read("logistic", "dy", i), self.read_x(i)
        level = Line(plot.p(self.xs[0], dy[i]), plot.p(self.xs[-1], dy[i]), color=th.active,
                     stroke_width=2.5)
        dot = Dot(plot.p(self.xs[i], dy[i]), radius=0.09, color=th.active)
        y1 = plot.y_range[1]
        label = self.label(f"largest f{PRIME} = {top}  at x = {x_text}", size=24)
        label.move_to(plot.p(0.0, 0.86 * y1))
        rest = self.say(f"The logistic's f{PRIME} never exceeds {top}:\nits largest recorded "
                        f"value, at x = {x_text}.", Create(level), fade_in(dot),
                        fade_in(label), run_time=1.0)
        self.hold(rest)
        ends = (0, len(self.xs) - 1)
        left, right = (self.read("logistic", "dy", j) for j in ends)
        xl, xr = (self.read_x(j) for j in ends)
        tails = VGroup(*[Dot(plot.p(self.xs[j], dy[j]), radius=0.08, color=th.active)
                         for j in ends])
        words = (f"f{PRIME}({xl}) = {left},  f{PRIME}({xr}) = {right}" if left != right
                 else f"f{PRIME}(\u00b1{xr}) = {right}")
        tail_text = self.label(words, size=24).next_to(label, DOWN, buff=0.22)
        rest = self.say(f"It saturates: far from 0, f{PRIME} is nearly 0\nand almost no "
                        "gradient passes back.", fade_in(tails), fade_in(tail_text),
                        run_time=1.0)
        self.hold(rest)

    def relu_points(self) -> None:
        """ReLU's f′ read at the grid points nearest x = 2 and x = −2: 1 and 0."""
        th, plot = self.theme, self.relu_plot
        dy = self.curve("relu", "dy")
        marks = []
        for x in RELU_POINTS:
            j = self.at(x)
            value, x_text = self.read("relu", "dy", j), self.read_x(j)
            dot = Dot(plot.p(self.xs[j], dy[j]), radius=0.09, color=th.active)
            text = self.label(f"f{PRIME}({x_text}) = {value}", size=24)
            text.next_to(dot, DOWN if dy[j] > 0.5 else UP, buff=0.3)
            marks.append(VGroup(dot, text))
        positive, negative = dy[self.xs > 0], dy[self.xs < 0]
        first = (f"ReLU: f{PRIME} = 1 for every x > 0: the gradient passes unscaled."
                 if np.all(positive == 1) else f"ReLU: f{PRIME} is large for x > 0.")
        second = (f"\nf{PRIME} = 0 for every x < 0: a unit stuck there is dead."
                  if np.all(negative == 0) else "")
        rest = self.say(first + second, *[fade_in(m) for m in marks], run_time=1.0)
        self.hold(rest)

    # -- into VanishingGradients --------------------------------------------------------------
    def next_lesson(self) -> None:
        """One factor f′ per layer on the way back: the logistic's largest, repeated, against
        ReLU's f′ at an active unit."""
        th = self.theme
        top = self.read("logistic", "dy", self.peak, formatter=tex_short)
        one = self.read("relu", "dy", self.at(RELU_POINTS[0]), formatter=tex_short)
        rows = VGroup()
        for plot, factor, word in ((self.log_plot, top, "shrinks"),
                                   (self.relu_plot, one, "stays " + one)):
            product = self.tex(*[part for _ in range(3) for part in (factor, r"\times")],
                               r"\cdots", size=34, color=th.gradient)
            note = self.label(word, size=26)
            row = VGroup(product, note).arrange(RIGHT, buff=0.35)
            rows.add(row.move_to([plot.box.get_center()[0], -1.55, 0]))
        text = (f"Backpropagation multiplies one f{PRIME} per layer: many factors \u2264 {top}"
                "\nshrink the gradient.  Next: vanishing gradients.")
        rest = self.say(text, *[fade_in(r) for r in rows], run_time=1.0)
        self.hold(rest)
        self.note(say="Backpropagation multiplies one f\u2032 per layer on the way back.",
                  ask="What happens to the gradient after many logistic layers?",
                  answer=f"It shrinks: each factor is at most {top}, while an active ReLU "
                         f"gives {one}.")

