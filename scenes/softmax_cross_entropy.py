"""SoftmaxCrossEntropy: one sample's logits, softmax, cross-entropy −log p_true, the −log p
curve and the gradient p − y, all read from the trace; binary CE: two classes.

Runs: ``main`` (ce_blobs) is softmax regression on three Gaussian blobs with two watched
samples (their logits, probabilities, own loss and own ∂L/∂z at every recorded step);
``curves`` (ce_curves) is −log p and −log(1 − p) on a grid of p from the engine's BCE.

Sections (about 84 s at speed 1)
  logits         the data, one point of class B ringed, the trained net's logits z as
                 signed bars                                                      (7 s)
  softmax        p_c = e^{z_c} / Σ e^{z_k}: the bars turn into probabilities     (7 s)
  cross_entropy  the true class's row framed, L = −log p_true with the traced numbers,
                 the −log p curve with the sample's point on it                  (12 s)
  training       the same point before training (step 0), then sliding down the curve
                 over every recorded step                                         (7 s)
  wrong          a class-C point deep in class B's blob: training pushes it up the curve
                 to p_true < 1 %; a confident wrong answer costs most            (13 s)
  gradient       ∂L/∂z = p − y as bars: negative only at the true class, the others
                 equal to their probability, the way descent moves each logit; the
                 sure-and-right point has almost none left; p − y stays in [−1, 1]
                                                                                 (25 s)
  binary         −log p and −log(1 − p): binary cross-entropy is the two-class case,
                 p = 0.9 read off both curves                                    (13 s)
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    Arrow,
    Circle,
    Create,
    DashedVMobject,
    Group,
    Line,
    Rectangle,
    VGroup,
    VMobject,
    linear,
)
from nnanim.engine.errors import TraceError
from nnanim.engine.trace import Trace
from nnanim.scenes.base import TraceScene
from nnanim.scenes.format import fmt_int
from nnanim.scenes.layout import reading_time
from nnanim.scenes.mobjects.glyph_number import glyph_number
from nnanim.scenes.mobjects.light_animations import Tween, fade_in, fade_out, replace
from nnanim.scenes.mobjects.plot_axes import PlotAxes
from nnanim.scenes.mobjects.run_marker import run_marker
from nnanim.scenes.mobjects.ticker_text import TickerText

W = "watch"
NAMES = "ABCD"              # class k is called NAMES[k]: a name, not a number
MINUS = "\u2212"
CURVES = ("neg_log", "bce0")  # −log p (target 1) and −log(1 − p) (target 0)
BCE_AT = 0.9                 # the p read off both BCE curves

# layout (scene units): the table of classes on top, formulas, data and the curve below
Y_TITLE, Y_HEAD, Y_ROWS, Y_CAPTION = 3.55, 2.9, (2.25, 0.85), -3.6
ROW_STEP = 0.65
X_NAME = -6.5
Z_ZERO, Z_HALF, Z_NUM = -4.6, 1.25, -3.15    # logits: zero line, longest bar, numbers
P_LEFT, UNIT, P_NUM = -1.4, 1.45, 0.25      # probabilities (and gradients): 1 = UNIT long
G_ZERO, G_NUM = 3.5, 5.2                    # gradients
BAR_H = 0.38
X_ARROW = -1.72                             # update arrows, between z and p
NUM_SIZE = 26
X_FORMULA = -4.25


def percent(p: float) -> str:
    """A probability as a percentage: 0.877 -> '87.7 %'."""
    return f"{100 * p:.1f} %"


def chosen_samples(trace: Trace) -> tuple[int, int]:
    """(right, wrong): the watched samples whose true class gets the largest and the smallest
    probability at the last recorded step (a rule on traced numbers)."""
    probs = trace.get(trace.steps[-1], W, "probabilities")
    labels = trace.static("watch/labels").astype(int)
    p_true = probs[np.arange(len(labels)), labels]
    return int(np.argmax(p_true)), int(np.argmin(p_true))


class Bars(VGroup):
    """One horizontal bar per class row, each ``value × unit`` long from the line at
    ``zero`` (rightwards for a positive value), with its number left-aligned at ``x_num``.
    ``color(v)`` gives a bar's fill. ``set_values`` redraws in place (cheap per frame)."""

    HAIRLINE = 0.02

    def __init__(self, ys, zero: float, unit: float, x_num: float, color, num_color: str,
                 max_len: int = 6) -> None:
        super().__init__()
        self.ys, self.zero, self.unit, self.fill_of = list(ys), zero, unit, color
        self.bars = VGroup(*[Rectangle(width=1, height=BAR_H, stroke_width=0,
                                       fill_opacity=1.0) for _ in self.ys])
        self.numbers = VGroup(*[glyph_number("0", [x_num, y, 0], NUM_SIZE, num_color,
                                             max_len=max_len) for y in self.ys])
        self.shown_values = np.zeros(len(self.ys))
        self.add(self.bars, self.numbers)

    def draw(self, values) -> None:
        """The bars at ``values`` (drawing only: also used between two traced states)."""
        self.shown_values = np.asarray(values, dtype=float)
        for bar, y, v in zip(self.bars, self.ys, self.shown_values):
            length = max(abs(v) * self.unit, self.HAIRLINE)
            x0, x1 = (self.zero, self.zero + length) if v >= 0 else (self.zero - length,
                                                                    self.zero)
            h = BAR_H / 2
            bar.set_points_as_corners([[x0, y + h, 0], [x1, y + h, 0], [x1, y - h, 0],
                                       [x0, y - h, 0], [x0, y + h, 0]])
            bar.set_fill(self.fill_of(v), opacity=1.0)

    def set_values(self, values, texts) -> None:
        self.draw(values)
        for number, text in zip(self.numbers, texts):
            number.set_text(text)

    def end_x(self, k: int) -> float:
        """x of the far end of bar k (where an arrow on it starts)."""
        v = self.shown_values[k]
        return self.zero + np.sign(v or 1.0) * max(abs(v) * self.unit, self.HAIRLINE)


class SoftmaxCrossEntropy(TraceScene):
    """Logits → softmax → cross-entropy → gradient for one watched sample, the −log p
    curve with the samples' traced points, then binary cross-entropy as two classes.
    Length at speed 1: about 84 s."""

    title = "Softmax and cross-entropy"
    description = ("one sample's logits, softmax probabilities, −log p of the true class on "
                   "its curve, the gradient p − y; binary cross-entropy for two classes")
    runs = {"main": "ce_blobs", "curves": "ce_curves"}
    trace_kind = ("network", "curves")  # main a network run, curves a curves run
    duration = 84.0

    # -- traces --------------------------------------------------------------------------------
    def check_trace(self, role: str, trace: Trace) -> None:
        if role == "curves":
            self.check_curves(trace)
        else:
            self.check_network(trace)

    def check_network(self, trace: Trace) -> None:
        name = type(self).__name__
        if trace.kind != "network":
            raise TraceError(f"{name} needs a network run as its main trace, but {trace.path} "
                             f"is a '{trace.kind}' trace")
        statics = trace.manifest.get("static", [])
        if "watch/labels" not in statics:
            raise TraceError(f"{name} needs watched samples (record.watch) in {trace.path}")
        if trace.layer_info[-1]["type"] != "Dense":
            raise TraceError(f"{name} needs a Dense last layer (the logits) in {trace.path}")
        labels = trace.static("watch/labels")
        if len(labels) < 2:
            raise TraceError(f"{name} needs two or more watched samples in {trace.path}")
        need = (trace.layers[-1], "probabilities", "loss", "grad")
        for step in (trace.steps[0], trace.steps[-1]):
            missing = [q for q in need if not trace.has(step, W, q)]
            if missing:
                raise TraceError(f"{name} needs watch/{', watch/'.join(missing)} at step "
                                 f"{step} of {trace.path} (a softmax cross-entropy run)")
        classes = trace.get(trace.steps[-1], W, "probabilities").shape[1]
        if not 2 <= classes <= len(NAMES):
            raise TraceError(f"{name} shows 2 to {len(NAMES)} classes, {trace.path} has "
                             f"{classes}")
        if trace.steps[0] != 0:
            raise TraceError(f"{name} needs step 0 (before training) recorded in {trace.path}")
        if "data/x" not in statics or trace.static("data/x").shape[1:] != (2,):
            raise TraceError(f"{name} needs 2-D inputs (data/x) in {trace.path}")

    def check_curves(self, trace: Trace) -> None:
        name = type(self).__name__
        if trace.kind != "curves":
            raise TraceError(f"{name} needs a curves run for −log p, but {trace.path} is a "
                             f"'{trace.kind}' trace")
        missing = [c for c in CURVES if c not in trace.layers]
        if missing:
            raise TraceError(f"{name}: {trace.path} lacks the curves {', '.join(missing)} "
                             "(bce against targets 1 and 0)")
        p = trace.static("grid/x")
        if p.min() <= 0 or p.max() >= 1 or np.min(np.abs(p - BCE_AT)) > 1e-9:
            raise TraceError(f"{name}: the grid of {trace.path} must lie inside (0, 1) and "
                             f"hold p = {BCE_AT}")

    # -- traced numbers ------------------------------------------------------------------------
    def read(self, step, quantity: str, index, digits: int = 3, formatter=None) -> str:
        return self.number("main", step, W, quantity, index, digits=digits,
                           formatter=formatter)[1]

    def probs(self, step: int, k: int) -> np.ndarray:
        return self.trace().get(step, W, "probabilities")[k]

    def true_class(self, k: int) -> int:
        return int(self.trace().static("watch/labels")[k])

    def point(self, step: int, k: int) -> tuple[float, float]:
        """(p_true, L) of watched sample k at ``step``: where it sits on the −log p curve."""
        t = self.trace()
        return float(self.probs(step, k)[self.true_class(k)]), float(t.get(step, W, "loss")[k])

    # -- captions ------------------------------------------------------------------------------
    def caption(self, text: str):
        """A sentence at the bottom of the frame; kept in ``captions`` (tests read them)."""
        self.captions.append(text)
        return self.label(text, size=26).move_to([0, Y_CAPTION, 0])

    def say(self, text: str, *also, run_time: float = 0.8) -> float:
        """Replace the caption (old out, then new in) along with ``also``; returns its
        reading time (what later plays and waits owe it before the next caption)."""
        new = self.caption(text)
        self.play(*replace(self.said, new), *also, run_time=self.t(run_time))
        self.said = new
        # counted from the end of this play (the caption fully in) to the next replace
        return reading_time(text)

    def hold(self, seconds: float) -> None:
        self.wait(self.t(max(seconds, 1.0)))  # at least the section's still

    # -- the scene -----------------------------------------------------------------------------
    def construct(self) -> None:
        self.captions: list[str] = []
        self.said = None
        t = self.trace()
        self.k_right, self.k_wrong = chosen_samples(t)
        self.classes = t.get(t.steps[-1], W, "probabilities").shape[1]
        self.logit_layer = t.layers[-1]
        self.end = t.steps[-1]
        title = self.label("Softmax and cross-entropy", size=34).to_corner(UL, buff=0.3)
        self.add(title)
        self.build_table()
        for name in ("logits", "softmax", "cross_entropy", "training", "wrong", "gradient",
                     "binary"):
            self.next_section(name)
            getattr(self, name)()

    # -- layout --------------------------------------------------------------------------------
    def build_table(self) -> None:
        """Rows of classes; columns logits z, probabilities p, gradient p − y; the data,
        the formulas and the −log p curve below; the step counter at the top right."""
        th = self.theme
        top, low = Y_ROWS
        step = min(ROW_STEP, (top - low) / max(self.classes - 1, 1))
        self.ys = [top - c * step for c in range(self.classes)]
        self.names = VGroup(*[VGroup(run_marker(th.runs[c], [X_NAME - 0.3, y, 0], 0.11),
                                     self.label(NAMES[c], size=28).move_to([X_NAME, y, 0]))
                              for c, y in enumerate(self.ys)])
        span = [self.ys[0] + 0.3, self.ys[-1] - 0.3]
        self.z_bars = Bars(self.ys, Z_ZERO, Z_HALF / self.z_extent(), Z_NUM,
                           lambda v: th.positive if v >= 0 else th.negative, th.ink(th.value))
        self.z_axis = Line([Z_ZERO, span[0], 0], [Z_ZERO, span[1], 0], color=th.grid,
                           stroke_width=2)
        self.p_bars = Bars(self.ys, P_LEFT, UNIT, P_NUM, lambda v: th.value, th.ink(th.value))
        self.g_bars = Bars(self.ys, G_ZERO, UNIT, G_NUM, lambda v: th.gradient,
                           th.ink(th.gradient))
        self.g_axis = Line([G_ZERO, span[0], 0], [G_ZERO, span[1], 0], color=th.grid,
                           stroke_width=2)
        self.z_head = self.label("logits z", size=28).move_to([Z_ZERO + 0.25, Y_HEAD, 0])
        self.p_head = self.tex(r"p = \mathrm{softmax}(z)", size=34).move_to(
            [P_LEFT + 1.1, Y_HEAD, 0])
        self.g_head = self.tex(r"\partial L / \partial z = p - y", size=34,
                               color=th.gradient).move_to([G_ZERO + 0.6, Y_HEAD, 0])
        self.data = self.build_data()
        self.plot, self.curve = self.build_curve()
        self.counter = TickerText("0", font_size=26, color=th.muted, max_len=4, align=LEFT)
        self.counter.anchor_at([6.15, Y_TITLE - 0.12, 0])
        self.step_is = self.label("step", size=26, color=th.muted)
        self.step_is.next_to(self.counter.anchor, LEFT, buff=0.15, aligned_edge=DOWN)

    def z_extent(self) -> float:
        """The largest |z| the scene shows (both samples, first and last step): the logit
        bars' scale (drawing only)."""
        t = self.trace()
        return max(float(np.abs(t.get(s, W, self.logit_layer)).max())
                   for s in (t.steps[0], t.steps[-1])) or 1.0

    def build_data(self) -> SimpleNamespace:
        """The data set as dots, one colour and marker per class, in a small box."""
        th, t = self.theme, self.trace()
        x, labels = t.static("data/x"), t.static("data/labels").astype(int)
        lo, hi = x.min(axis=0), x.max(axis=0)
        pad = 0.06 * (hi - lo)
        side = 2.2
        plot = PlotAxes(th, (lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1]),
                        side, side, font_size=20)
        plot.shift(np.array([-5.75, -1.8, 0]) - plot.box.get_center())
        dots = VGroup(*[run_marker(th.runs[c], plot.p(*p), 0.045) for p, c in zip(x, labels)])
        head = self.label("the data", size=24, color=th.muted)
        head.next_to(plot.box, UP, buff=0.12)
        ring = Circle(radius=0.24, color=th.active, stroke_width=5).set_z_index(3)
        # the watched samples drawn larger, above their neighbours
        spots = [run_marker(th.runs[int(c)], plot.p(*p), 0.09, outline=th.background)
                 .set_z_index(2) for p, c in zip(t.static("watch/x"), t.static("watch/labels"))]
        return SimpleNamespace(plot=plot, dots=dots, head=head, ring=ring, spots=spots,
                               group=VGroup(plot, dots, head))

    def ring_at(self, k: int) -> np.ndarray:
        return self.data.plot.p(*self.trace().static("watch/x")[k])

    def build_curve(self) -> tuple[PlotAxes, VMobject]:
        """−log p on p ∈ (0, 1], from the curves run (BCE against target 1)."""
        th, c = self.theme, self.trace("curves")
        p, y = c.static("grid/x"), c.get(0, "neg_log", "y")[:, 0]
        top = float(np.ceil(max(y.max(), *(self.point(s, k)[1] for s in (0, self.end)
                                           for k in (self.k_right, self.k_wrong)))))
        # x runs a little past 1: the axis name clear of a point at p ≈ 1
        plot = PlotAxes(th, (0.0, 1.1), (0.0, top), 4.0, 2.1, x_ticks=[0, 0.5, 1],
                        y_ticks=list(range(0, int(top) + 1, 2)), x_label="p",
                        font_size=20)
        plot.shift(np.array([4.45, -1.75, 0]) - plot.box.get_center())
        head = self.tex(r"-\log p", size=30).next_to(plot.box, UP, buff=0.12)
        head.align_to(plot.box, LEFT).shift(0.15 * RIGHT)
        curve = plot.polyline(p, y, color=th.text, stroke_width=4)
        return VGroup(plot, head), curve

    def marker(self, k: int, step: int):
        """Sample k's point (p_true, L) at ``step`` on the curve, in its class's style."""
        th = self.theme
        return run_marker(th.runs[self.true_class(k)], self.plot[0].p(*self.point(step, k)),
                          0.11, outline=th.background).set_z_index(2)

    # -- showing a sample ----------------------------------------------------------------------
    def show(self, k: int, step: int, grad: bool = False) -> None:
        """Set the columns, the formula's numbers and the counter to watched sample k at
        ``step`` (in place, between animations)."""
        t, c = self.trace(), range(self.classes)
        self.z_bars.set_values(t.get(step, W, self.logit_layer)[k],
                               [self.read(step, self.logit_layer, (k, j), digits=2) for j in c])
        self.p_bars.set_values(self.probs(step, k), [self.read(step, "probabilities", (k, j))
                                                     for j in c])
        if grad:
            self.g_bars.set_values(t.get(step, W, "grad")[k],
                                   [self.read(step, "grad", (k, j)) for j in c])
        if hasattr(self, "loss_numbers"):
            p_text = self.read(step, "probabilities", (k, self.true_class(k)))
            self.loss_numbers[0].set_text(p_text)
            self.loss_numbers[1].set_text(self.read(step, "loss", (k,)))
        self.counter.set_text(fmt_int(step))
        self.reached("main", step)

    def slide(self, k: int, mark, run_time: float, grad: bool = False) -> Tween:
        """Every recorded step of sample k in turn: the table, the numbers and its point
        on the curve follow the trace (each frame shows one recorded step)."""
        steps = self.trace().steps
        shown = {"i": -1}

        def frame(_, a: float) -> None:
            i = min(int(a * len(steps)), len(steps) - 1)
            if i != shown["i"]:
                shown["i"] = i
                self.show(k, steps[i], grad)
                mark.move_to(self.plot[0].p(*self.point(steps[i], k)))

        group = VGroup(self.z_bars, self.p_bars, self.counter, mark, *self.loss_numbers)
        return Tween(group, frame, run_time=run_time, rate_func=linear)

    def switch(self, k: int, step: int, run_time: float, grad: bool = False) -> Tween:
        """The table's bars move from what they show to sample k at ``step`` (and the
        gradients with ``grad``); the numbers change at once."""
        cols = (self.z_bars, self.p_bars, self.g_bars)[:3 if grad else 2]
        old = [col.shown_values.copy() for col in cols]
        self.show(k, step, grad=grad)
        new = [col.shown_values.copy() for col in cols]

        def frame(_, a: float) -> None:
            for col, u, v in zip(cols, old, new):
                col.draw(u + a * (v - u))

        return Tween(VGroup(*cols), frame, run_time=self.t(run_time))

    def true_frame(self, k: int) -> Rectangle:
        """The active frame around the true class's row, across every column shown."""
        y = self.ys[self.true_class(k)]
        return Rectangle(width=13.8, height=BAR_H + 0.2, color=self.theme.active,
                         stroke_width=4).move_to([-0.05, y, 0])

    # -- sections ------------------------------------------------------------------------------
    def logits(self) -> None:
        k = self.k_right
        self.show(k, self.end)
        ring = self.data.ring.move_to(self.ring_at(k))
        self.play(fade_in(self.data.group), run_time=self.t(0.8))
        rest = self.say(f"The trained network gives this {NAMES[self.true_class(k)]} point "
                        "one score per class: its logits z.",
                        Create(ring), fade_in(self.data.spots[k]), fade_in(self.names),
                        run_time=1.0)
        self.play(fade_in(self.z_head), Create(self.z_axis), fade_in(self.z_bars),
                  fade_in(self.step_is), fade_in(self.counter), run_time=self.t(1.2))
        self.hold(rest - 1.2)
        top = int(np.argmax(self.trace().get(self.end, W, self.logit_layer)[k]))
        z_top = self.read(self.end, self.logit_layer, (k, top), digits=2)
        self.note(say="A classifier's last layer gives one raw score per class, the logits; "
                      "they can be any sign and size.",
                  ask="Which class gets the largest logit for the ringed point?",
                  answer=f"Class {NAMES[top]}, with z = {z_top}.")

    def softmax(self) -> None:
        th = self.theme
        formula = self.tex(r"p_c = \frac{e^{z_c}}{\sum_k e^{z_k}}", size=38)
        formula.move_to([X_FORMULA, 0.0, 0], aligned_edge=UL)
        self.formula = formula
        flows = [bar.copy() for bar in self.z_bars.bars]
        targets = [bar.copy().set_fill(th.value) for bar in self.p_bars.bars]
        rest = self.say("Softmax: all p > 0, they sum to 1, the largest logit gets the most.",
                        fade_in(formula), fade_in(self.p_head), run_time=1.0)
        self.play(*[f.animate.become(g) for f, g in zip(flows, targets)], run_time=self.t(1.2))
        self.remove(*flows)
        self.add(self.p_bars)
        self.hold(rest - 1.2)
        k = self.k_right
        top = int(np.argmax(self.probs(self.end, k)))
        self.note(say="Softmax exponentiates the logits and divides by their sum: positive "
                      "probabilities that add up to 1.",
                  ask="Which class gets the largest probability, and how much?",
                  answer=f"Class {NAMES[top]}, the largest logit: "
                         f"p = {self.read(self.end, 'probabilities', (k, top))}.")

    def cross_entropy(self) -> None:
        th, k = self.theme, self.k_right
        self.row_frame = self.true_frame(k)
        loss = self.tex(r"L = -\log p_{\mathrm{true}}", size=38)
        loss.move_to([X_FORMULA, -1.25, 0], aligned_edge=LEFT)
        eq = self.tex(r"= -\log", size=38)
        eq.next_to(loss, DOWN, buff=0.35, aligned_edge=LEFT).shift(0.55 * RIGHT)
        p_num = TickerText("", font_size=30, color=th.ink(th.value), max_len=5, align=LEFT)
        p_num.anchor_at([eq.get_right()[0] + 0.15, eq.get_bottom()[1], 0])
        eq2 = self.tex("=", size=38)  # after the widest p the ticker may show
        eq2.move_to([p_num.anchor.get_center()[0] + 5 * p_num.advance + 0.3,
                     eq.get_center()[1], 0])
        l_num = TickerText("", font_size=30, color=th.ink(th.value), max_len=6, align=LEFT)
        l_num.anchor_at([eq2.get_right()[0] + 0.15, eq.get_bottom()[1], 0])
        self.loss_numbers = (p_num, l_num)
        self.loss_rows = VGroup(loss, eq, p_num, eq2, l_num)
        self.show(k, self.end)
        rest = self.say("Cross-entropy reads one number: the probability of the true class, "
                        f"{NAMES[self.true_class(k)]}.",
                        Create(self.row_frame), fade_in(loss), run_time=1.0)
        self.play(fade_in(VGroup(eq, p_num, eq2, l_num)), run_time=self.t(0.8))
        self.hold(rest - 0.8)
        self.mark = self.marker(k, self.end)
        rest = self.say("On the curve \u2212log p: sure and right (p near 1) costs almost "
                        "nothing.", fade_in(self.plot), Create(self.curve),
                        fade_in(self.mark, scale=0.5), run_time=1.4)
        self.hold(rest)
        c = self.true_class(k)
        self.note(say="Cross-entropy looks only at the probability of the true class: "
                      "L = \u2212log p_true.",
                  ask="What does this point cost?",
                  answer=f"p_true = {self.read(self.end, 'probabilities', (k, c))}, so "
                         f"L = {self.read(self.end, 'loss', (k,))}: sure and right costs "
                         "little.")

    def training(self) -> None:
        k = self.k_right
        rest = self.say("Before training (step 0) it was a guess; training slides it down "
                        "the curve.", self.switch(k, 0, 1.2),
                        self.mark.animate.move_to(self.plot[0].p(*self.point(0, k))),
                        run_time=1.2)
        self.wait(self.t(1.0))  # step 0 read before it starts to move
        self.play(self.slide(k, self.mark, 4.0 / self.speed))
        self.hold(rest - 5.0)
        self.note(say="Training raises the true class's probability, so the point slides "
                      "down the \u2212log p curve.",
                  ask="How much did this point's loss fall during training?",
                  answer=f"From L = {self.read(0, 'loss', (k,))} at step 0 to "
                         f"{self.read(self.end, 'loss', (k,))} at the last step.")

    def wrong(self) -> None:
        k = self.k_wrong
        c, pred = self.true_class(k), int(np.argmax(self.probs(self.end, k)))
        self.row_frame_w = self.true_frame(k)
        self.mark_w = self.marker(k, 0)
        where = (f"inside class {NAMES[pred]}'s blob" if pred != c
                 else "near the other classes")
        rest = self.say(f"Another point, true class {NAMES[c]}, {where}: watch it train.",
                        self.switch(k, 0, 1.2),
                        self.data.ring.animate.move_to(self.ring_at(k)),
                        fade_in(self.data.spots[k]), *replace(self.row_frame, self.row_frame_w),
                        fade_in(self.mark_w, scale=0.5), run_time=1.2)
        self.row_frame = self.row_frame_w
        self.play(self.slide(k, self.mark_w, 3.0 / self.speed))
        self.hold(rest - 3.0)
        p_pred = self.read(self.end, "probabilities", (k, pred), formatter=percent)
        p_true = self.read(self.end, "probabilities", (k, c), formatter=percent)
        loss = self.read(self.end, "loss", (k,))
        if pred != c:  # the argmax of the traced probabilities is not the label
            text = (f"{p_pred} on {NAMES[pred]}, {p_true} on {NAMES[c]}, L = {loss}: a "
                    "confident wrong answer costs most.")
        else:
            text = f"Right but unsure, {p_true} on {NAMES[c]}: L = {loss}."
        self.hold(self.say(text, run_time=1.0))
        p_c = self.read(self.end, "probabilities", (k, c))
        self.note(say="A point of one class deep in another's blob: training pushes it up "
                      "the \u2212log p curve, where a confident wrong answer costs most.",
                  ask="What probability does the model give this point's true class, and "
                      "what does it cost?",
                  answer=f"p_true = {p_c}, so L = {loss}"
                         + (": a confident wrong answer." if pred != c else "."))

    def gradient(self) -> None:
        th, k = self.theme, self.k_wrong
        self.show(k, self.end, grad=True)
        rule = self.tex(r"\partial L / \partial z_c = p_c - y_c", size=38, color=th.gradient)
        rule.move_to([X_FORMULA, -2.6, 0], aligned_edge=LEFT)
        arrows = self.update_arrows(k)
        rest = self.say("Backprop starts from p \u2212 y (y = 1 at the true class, else 0).",
                        fade_in(self.g_head), Create(self.g_axis), fade_in(self.g_bars),
                        fade_in(rule), run_time=1.2)
        self.hold(rest)
        rest = self.say("Descent raises the true logit, lowers the others by their "
                        "probability.", *[Create(a) for a in arrows], run_time=1.2)
        self.hold(rest)
        r = self.k_right
        small = np.abs(self.trace().get(self.end, W, "grad")[r]).max() < 0.05
        text = ("Sure and right: p \u2212 y is almost 0, little left to learn." if small
                else "Less wrong, smaller p \u2212 y: less left to learn.")
        self.play(*[fade_out(a) for a in arrows], run_time=self.t(0.4))
        rest = self.say(text, self.switch(r, self.end, 1.2, grad=True),
                        self.data.ring.animate.move_to(self.ring_at(r)),
                        *replace(self.row_frame, self.true_frame(r)), run_time=1.2)
        self.hold(rest)
        self.hold(self.say("The loss has no ceiling, but p \u2212 y stays between \u22121 "
                           "and 1."))
        c = self.true_class(k)
        self.note(say="The gradient of softmax cross-entropy with respect to the logits is "
                      "simply p \u2212 y.",
                  ask="Which logit of the misclassified point does descent raise?",
                  answer=f"Only the true class {NAMES[c]}'s: \u2202L/\u2202z = "
                         f"{self.read(self.end, 'grad', (k, c))} is its only negative "
                         "entry.")

    def update_arrows(self, k: int) -> list[Arrow]:
        """Beside each logit, an arrow in the update colour along −∂L/∂z: up where a descent
        step raises the logit, down where it lowers it, as long as the gradient is large
        (drawing only; below 0.05 none)."""
        th = self.theme
        grad = self.trace().get(self.end, W, "grad")[k]
        arrows = []
        for g, y in zip(grad, self.ys):
            if abs(g) < 0.05:
                continue
            half = 0.06 + 0.2 * min(abs(g), 1.0)
            way = UP if g < 0 else DOWN
            arrows.append(Arrow([X_ARROW, y, 0] - half * way, [X_ARROW, y, 0] + half * way,
                                buff=0, color=th.update, stroke_width=7,
                                max_tip_length_to_length_ratio=0.45,
                                max_stroke_width_to_length_ratio=20))
        return arrows

    def binary(self) -> None:
        title = self.mobjects[0]  # the first thing added; everything else goes
        self.play(fade_out(Group(*[m for m in self.mobjects if m is not title])),
                  run_time=self.t(0.8))
        self.clear_rest()
        plot, curves, marks, notes = self.build_bce()
        formula = self.tex(r"L = -\big[\,y \log p + (1 - y)\log(1 - p)\,\big]", size=38)
        formula.move_to([3.4, 1.9, 0])
        rest = self.say("Two classes: one output p = P(class 1); the true class gets p or "
                        "1 \u2212 p.", fade_in(plot), fade_in(formula), run_time=1.0)
        self.play(*[Create(c) for c in curves], run_time=self.t(1.4))
        self.hold(rest - 1.4)
        rest = self.say("Binary cross-entropy is the same \u2212log of the true class's "
                        "probability.", *[fade_in(m, scale=0.5) for m in marks],
                        *[fade_in(n) for n in notes], run_time=1.2)
        self.hold(rest)
        grid = self.trace("curves").static("grid/x")
        i = int(np.argmin(np.abs(grid - BCE_AT)))  # the grid point build_bce marks
        _, p_at = self.number("curves", None, "static", "grid/x", (i,), formatter=short)
        l1, l0 = (self.number("curves", 0, name, "y", (i, 0))[1] for name in CURVES)
        self.note(say="With two classes the model outputs one p; binary cross-entropy is "
                      "\u2212log of the true class's probability.",
                  ask=f"What does p = {p_at} cost when the label is 1, and when it is 0?",
                  answer=f"\u2212log {p_at} = {l1} for y = 1, but "
                         f"\u2212log(1 \u2212 {p_at}) = {l0} for y = 0.")

    def clear_rest(self) -> None:
        """Keep only the title (the first thing added)."""
        title = self.mobjects[0]
        self.clear()
        self.add(title)

    def build_bce(self):
        """The two BCE curves, styled as two series (colour and dash), with their points at
        p = 0.9 and what each costs there."""
        th, c = self.theme, self.trace("curves")
        p = c.static("grid/x")
        ys = [c.get(0, name, "y")[:, 0] for name in CURVES]
        top = float(np.ceil(max(y.max() for y in ys)))
        plot = PlotAxes(th, (0.0, 1.0), (0.0, top), 5.6, 4.4, x_ticks=[0, 0.25, 0.5, 0.75, 1],
                        y_ticks=list(range(int(top) + 1)), x_label="p", y_label="L",
                        font_size=22)
        plot.shift(np.array([-3.3, -0.35, 0]) - plot.box.get_center())
        curves, marks, notes = [], [], []
        i = int(np.argmin(np.abs(p - BCE_AT)))
        _, p_text = self.number("curves", None, "static", "grid/x", (i,), formatter=short)
        for j, (name, y, style) in enumerate(zip(CURVES, ys, th.runs)):
            line = plot.polyline(p, y, color=style.color, stroke_width=5)
            if style.dash:
                line = DashedVMobject(line, num_dashes=60, dashed_ratio=0.6)
            curves.append(line)
            marks.append(run_marker(style, plot.p(p[i], y[i]), 0.12, outline=th.background)
                         .set_z_index(2))
            _, l_text = self.number("curves", 0, name, "y", (i, 0))
            target = "1" if j == 0 else "0"
            cost = (rf"-\log {p_text}" if j == 0 else rf"-\log(1 - {p_text})")
            note = VGroup(run_marker(style, [0, 0, 0], 0.12),
                          self.tex(rf"y = {target}:\ \ {cost} = {l_text}", size=34))
            note.arrange(RIGHT, buff=0.25)
            notes.append(note)
        VGroup(*notes).arrange(DOWN, aligned_edge=LEFT, buff=0.4).move_to([3.4, 0.1, 0])
        return plot, curves, marks, notes


def short(v: float) -> str:
    """A grid point the short way: 0.9."""
    return f"{v:g}"
