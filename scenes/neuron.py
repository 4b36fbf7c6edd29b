"""Neuron: one neuron with real numbers, the logistic unit's w and b, sums of shifted units,
a small net that learns its own units, then layers and depth.

Sections (about 89 s at speed 1)
  neuron    y = f(w₁x₁ + w₂x₂ + w₃x₃ + b) = f(wᵀx + b) on a drawn neuron with the probe's
            inputs, weights and bias; z = wᵀx + b and y = σ(z) as the engine computed them
  logistic  f(x) = 1/(1 + e^−(b + w·x)) as curves the engine evaluated: the deck's base case
            w = 1, b = 0, then several w, then several b; the legend's w and b are traced
  bump      "combinations are highly flexible": two steep shifted units, their weighted
            shares v_j·h_j and their sum, a bump
  fit       a 1-4-1 sigmoid net trained by Adam on a bump: each hidden unit's share and the
            net's output at every recorded step, with the output weights and the loss
  layers    two neurons become y = f(Wx + b) (W is M×N, f element-wise); depth
            y = f₂(W₂ f₁(W₁x + b₁) + b₂)

Runs: "main" a curves run (neuron_curves), "inputs" a layer probe of one neuron
(neuron_inputs), "fit" a network trained with record.grid on 1-D inputs (bump_fit).
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UL, UP, Arrow, Create, Dot, Line, VGroup
from nnanim.engine.errors import TraceError
from nnanim.engine.trace import Trace
from nnanim.scenes.base import TraceScene
from nnanim.scenes.format import minus_sign
from nnanim.scenes.layout import reading_time, split_in_two
from nnanim.scenes.mobjects.light_animations import Tween, fade_in, fade_out, replace
from nnanim.scenes.mobjects.network_graph import NetworkGraph
from nnanim.scenes.mobjects.plot_axes import PlotAxes, nice_ticks
from nnanim.scenes.mobjects.run_marker import run_marker
from nnanim.scenes.mobjects.styled_curve import StyledCurve
from nnanim.scenes.mobjects.ticker_text import TickerText
from nnanim.scenes.theme import RunStyle

#: the kind of trace each run must be
ROLE_KINDS = {"main": "curves", "inputs": "layer", "fit": "network"}
#: what a logistic unit's curve records (a Dense(1, 1) + Sigmoid chain)
NEURON_QS = ("y", "dense_0.W", "dense_0.b", "sigmoid_1.output")
#: what the bump's curve records (Dense(1, k) + Sigmoid + Dense(k, 1))
BUMP_QS = ("y", "dense_0.W", "dense_0.b", "sigmoid_1.output", "dense_2.W", "dense_2.terms")
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
CAPTION_WIDTH = 13.6   # the widest caption line: the frame less its margins
LEGEND_X = 3.25        # left edge of the legends beside the plots
LEGEND_TOP = 1.5       # the legends' first row
PLOT_CENTER = np.array([-2.15, -0.55, 0])
#: the fit run's data set function_1d's shapes, as the captions name them
FUNCTIONS = {"bump": "e\u207b\u02e3\u00b2", "sin": "sin x", "abs": "|x|", "step": "a step"}


def short(v: float) -> str:
    """A chosen number (an input, a weight) the short way: 0.8, -1, 5."""
    return f"{v:g}"


def paren(s: str) -> str:
    """A number as a factor: negative numbers in parentheses."""
    return f"({s})" if s.startswith("-") else s


def sub(i: int) -> str:
    """i as subscript digits: 1 -> ₁."""
    return str(i).translate(SUBSCRIPT)


# -- what the runs hold (also the checks: each raises TraceError with one line) ---------------
def logistic_units(trace: Trace) -> dict[str, tuple[float, float]]:
    """{curve name: (w, b)} of the curves that are one logistic unit σ(w·x + b), in order."""
    out = {}
    for name in trace.layers:
        qs = set(trace.quantities(name))
        if set(NEURON_QS) <= qs and "dense_2.W" not in qs:
            W, b = trace.get(0, name, "dense_0.W"), trace.get(0, name, "dense_0.b")
            if W.shape == (1, 1):
                out[name] = (float(W[0, 0]), float(b[0]))
    return out


def curve_sets(trace: Trace) -> tuple[str, list[str], list[str], str]:
    """(base, the w set, the b set, the bump) of a curves run: the base is its first logistic
    unit; the w set the units with the base's b, by w; the b set those with the base's w,
    by b; the bump the first curve of k sigmoid units summed by a Dense(k, 1)."""
    where = f"Neuron: {trace.path}"
    units = logistic_units(trace)
    if not units:
        raise TraceError(f"{where} has no curve of one logistic unit "
                         "(Dense(1, 1) + Sigmoid, recording y, dense_0.W and dense_0.b)")
    base = next(iter(units))
    w0, b0 = units[base]
    w_set = sorted((n for n, (w, b) in units.items() if b == b0), key=lambda n: units[n][0])
    b_set = sorted((n for n, (w, b) in units.items() if w == w0), key=lambda n: units[n][1])
    for name, group in (("w", w_set), ("b", b_set)):
        if not 2 <= len(group) <= 4:
            raise TraceError(f"{where} needs 2 to 4 logistic units that differ only in {name} "
                             f"from the first one (w = {w0:g}, b = {b0:g}); it has {len(group)}")
    for name in trace.layers:
        qs = set(trace.quantities(name))
        if set(BUMP_QS) <= qs and 2 <= trace.get(0, name, "sigmoid_1.output").shape[1] <= 3 \
                and trace.get(0, name, "y").shape[1] == 1:
            return base, w_set, b_set, name
    raise TraceError(f"{where} has no curve of 2 or 3 sigmoid units summed by a Dense(k, 1) "
                     "(a bump: Dense(1, k) + Sigmoid + Dense(k, 1))")


def neuron_layers(trace: Trace) -> tuple[str, str]:
    """(the Dense layer, the Sigmoid after it) of a probe of one neuron with 2 to 4 inputs."""
    info = trace.layer_info
    types = [layer["type"] for layer in info]
    for i, layer in enumerate(info[:-1]):
        if layer["type"] == "Dense" and types[i + 1] == "Sigmoid":
            dense, act = layer["name"], info[i + 1]["name"]
            W = trace.get(0, dense, "W")
            if W.shape[0] == 1 and 2 <= W.shape[1] <= 4 and trace.has(0, act, "output"):
                return dense, act
    raise TraceError(f"Neuron: {trace.path} is no probe of one neuron: a Dense(n, 1) with 2 to "
                     f"4 inputs and a Sigmoid after it (its layers: {', '.join(types)})")


def fit_layers(trace: Trace) -> tuple[str, str]:
    """(hidden Dense, output Dense) of a 1-k-1 sigmoid net (k ≤ 4) recorded on a grid."""
    info = trace.layer_info
    types = [layer["type"] for layer in info]
    ok = types == ["Dense", "Sigmoid", "Dense"]
    if ok:
        hidden, out = info[0]["settings"], info[2]["settings"]
        ok = hidden.get("in_features") == 1 and hidden.get("out_features", 9) <= 4 \
            and out.get("out_features") == 1
    if not ok:
        raise TraceError(f"Neuron needs a 1-k-1 sigmoid net (k ≤ 4) as its fit run; "
                         f"{trace.path} has layers {', '.join(types)}")
    dense2 = info[2]["name"]
    missing = [k for k in ("data/x", "data/labels", "eval/grid_x")
               if k not in trace.manifest.get("static", [])]
    missing += [f"eval/{q}" for q in ("pred", f"{dense2}.terms")
                if q not in trace.quantities("eval")]
    missing += [f"{dense2}/W" for _ in [0] if "W" not in trace.quantities(dense2)]
    if missing:
        raise TraceError(f"Neuron: {trace.path} lacks {', '.join(missing)} "
                         "(train it with record.grid on its 1-D inputs)")
    return info[0]["name"], dense2


def beside(mob, a: np.ndarray, b: np.ndarray, at: float, up: bool, buff: float = 0.08):
    """``mob`` placed beside segment a→b at proportion ``at``, on its upper (or lower) side,
    clear of the line: its centre moved along the normal by its half-extent across."""
    d = (b - a) / np.linalg.norm(b - a)
    normal = np.array([-d[1], d[0], 0.0])
    if (normal[1] < 0) == up:
        normal = -normal
    reach = abs(normal[0]) * mob.width / 2 + abs(normal[1]) * mob.height / 2 + buff
    return mob.move_to(a + at * (b - a) + reach * normal)


class Neuron(TraceScene):
    """One neuron with real numbers, the logistic curve's w and b, sums of shifted units, a
    trained 1-4-1 net's units and output, then layers and depth. Length at speed 1: about
    89 s (neuron 14 s, logistic 20 s, bump 18 s, fit 22 s, layers 15 s).
    """

    title = "The artificial neuron"
    description = ("y = f(wᵀx + b) with real numbers; σ(w·x + b) for several w and b; "
                   "shifted units summed into a bump; a 1-4-1 net fitting one; y = f(Wx + b)")
    runs = {"main": "neuron_curves", "inputs": "neuron_inputs", "fit": "bump_fit"}
    # the base class checks every run against these; check_trace says which run is which
    trace_kind = ("curves", "layer", "network")
    duration = 89.0

    def check_trace(self, role: str, trace: Trace) -> None:
        want = ROLE_KINDS[role]
        if trace.kind != want:
            raise TraceError(f"Neuron's run '{role}' needs a '{want}' trace, but {trace.path} "
                             f"is a '{trace.kind}' trace")
        {"main": curve_sets, "inputs": neuron_layers, "fit": fit_layers}[role](trace)

    # -- words ------------------------------------------------------------------------------
    def caption(self, text: str):
        """A sentence at the bottom of the frame; kept in ``captions`` (tests read them)."""
        self.captions.append(text)
        line = self.label(text, size=26)
        if line.width > CAPTION_WIDTH:  # two lines, split at the word nearest the middle
            line = self.label("\n".join(split_in_two(text)), size=26)
        return line.to_edge(DOWN, buff=0.3)

    def say(self, text: str, *anims, run_time: float = 0.8) -> None:
        """Replace the caption (after the old one's reading time) while ``anims`` play."""
        self.read()
        new = self.caption(minus_sign(text))
        self.play(*replace(self.cap, new), *anims, run_time=self.t(run_time))
        self.cap, self.cap_since = new, float(self.renderer.time)

    def read(self, extra: float = 0.0) -> None:
        """Wait until the caption has been on screen for its reading time, plus ``extra``."""
        left = 0.0
        if self.cap is not None:
            need = self.t(reading_time(self.cap.original_text))
            left = max(0.0, need - (float(self.renderer.time) - self.cap_since))
        if left + extra > 0:
            self.wait(left + self.t(extra))

    def begin(self, heading: str, *mobs) -> None:
        """A new part: everything on screen fades out (the caption once read), then the
        heading and ``mobs`` fade in, in one play (never two headings on screen at once)."""
        self.read()
        old = list(self.mobjects)
        new = self.label(heading, size=34).to_corner(UL, buff=0.3)
        self.head, self.cap = new, None
        self.play(*[fade_out(m, rate_func=lambda a: min(1.0, 2 * a)) for m in old],
                  *[fade_in(m, rate_func=lambda a: max(0.0, 2 * a - 1)) for m in (new, *mobs)],
                  run_time=self.t(1.2))

    # -- the scene ---------------------------------------------------------------------------
    def construct(self) -> None:
        self.captions: list[str] = []
        self.cap, self.cap_since, self.head = None, 0.0, None
        self.next_section("neuron")
        self.one_neuron()
        self.next_section("logistic")
        self.logistic()
        self.next_section("bump")
        self.bump()
        self.next_section("fit")
        self.fit()
        self.next_section("layers")
        self.layers()

    # -- 1. one neuron with real numbers -------------------------------------------------------
    def one_neuron(self) -> None:
        th = self.theme
        dense, act = neuron_layers(self.trace("inputs"))
        n = self.trace("inputs").get(0, dense, "W").shape[1]
        terms = " + ".join(f"w_{i} x_{i}" for i in range(1, n + 1))
        formula = self.tex("y", "=", "f(", terms, "+ b", ")", "=", r"f(\mathbf{w}^T\mathbf{x} + b)",
                           size=40)
        formula.next_to(np.array([-6.8, 3.5, 0]), DOWN, buff=0.55, aligned_edge=LEFT)
        self.begin("One neuron", formula)

        xs = [self.number("inputs", 0, dense, "input", (0, i), formatter=short) for i in range(n)]
        ws = [self.number("inputs", 0, dense, "W", (0, i), formatter=short) for i in range(n)]
        _, b = self.number("inputs", 0, dense, "b", (0,), formatter=short)
        net, labels = self.neuron_picture(self.trace("inputs").get(0, dense, "W"), xs, ws, b)
        body, in_labels, w_labels, b_label, out_arrow = labels
        self.play(fade_in(net), fade_in(body), fade_in(in_labels), run_time=self.t(1.0))
        self.say("Each input x\u1d62 is multiplied by its weight w\u1d62; the bias b is added.",
                 fade_in(w_labels), fade_in(b_label), run_time=1.0)

        # the same sum with the traced numbers; z and y as the engine computed them
        _, z = self.number("inputs", 0, dense, "output", (0, 0))
        _, y = self.number("inputs", 0, act, "output", (0, 0))
        parts = ["z", "=", terms, "+ b", "="]
        for i in range(n):
            parts += [paren(ws[i][1]), r"\cdot", paren(xs[i][1]), "+"]
        parts += [paren(b), "=", z]
        worked = self.tex(*parts, size=36)
        for k in range(n):
            worked[5 + 4 * k].set_color(th.ink(th.weight))
            worked[7 + 4 * k].set_color(th.ink(th.value))
        worked[5 + 4 * n].set_color(th.ink(th.weight))
        worked[-1].set_color(th.ink(th.value))
        squash = self.tex("y", "=", r"\sigma(z)", "=", y, size=36)
        squash[-1].set_color(th.ink(th.value))
        lines = VGroup(worked, squash).arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        lines.move_to(np.array([-6.7, -2.15, 0]), aligned_edge=LEFT)
        self.play(fade_in(worked), run_time=self.t(0.8))
        y_label = self.label(f"y = {minus_sign(y)}", size=26, color=th.value)
        y_label.next_to(out_arrow, RIGHT, buff=0.12)
        self.say("f squashes z: here it is the logistic \u03c3.",
                 fade_in(squash), Create(out_arrow), fade_in(y_label),
                 *[fade_in(m) for m in self.squash_plot(dense, act)], run_time=1.0)
        self.read(extra=1.0)  # the section's still
        self.note(say="A neuron weighs each input, adds its bias to get z, then squashes z "
                      "with f.",
                  ask="What does this neuron compute for these inputs?",
                  answer=f"z = {minus_sign(z)}, so y = \u03c3(z) = {minus_sign(y)}.")

    def squash_plot(self, dense: str, act: str) -> list:
        """σ on the right: the curves run's σ(x) (its unit with w = 1, b = 0) with the probe's
        (z, y) on it; nothing when the curves run has no such unit."""
        th, t = self.theme, self.trace("main")
        plain = [n for n, wb in logistic_units(t).items() if wb == (1.0, 0.0)]
        x = t.static("grid/x")
        probe = self.trace("inputs")
        z, y = float(probe.get(0, dense, "output")[0, 0]), float(probe.get(0, act, "output")[0, 0])
        if not plain or not x[0] <= z <= x[-1]:
            return []
        plot = PlotAxes(th, (x[0], x[-1]), (0.0, 1.0), 4.4, 1.9,
                        x_ticks=nice_ticks(x[0], x[-1], 4), y_ticks=[0, 1], x_label="z",
                        y_label="\u03c3(z)", font_size=22)
        plot.shift(np.array([4.2, 0.35, 0]) - plot.box.get_center())
        curve = self.curve_of(plot, x, t.get(0, plain[0], "y")[:, 0], None, th.text, 3.0)
        at = plot.p(z, y)
        guides = VGroup(Line(plot.p(z, 0), at), Line(at, plot.p(x[0], y)))
        guides.set_stroke(th.value, width=2.5, opacity=0.8)
        return [plot, curve, guides, Dot(at, radius=0.08, color=th.value).set_z_index(3)]

    def neuron_picture(self, W: np.ndarray, xs, ws, b: str) -> tuple[NetworkGraph, list]:
        """The neuron drawn with its inputs, weights (edges coloured by sign, labelled beside
        them) and bias; returns the graph and [Σf, inputs, weights, bias, output arrow]."""
        th = self.theme
        n = W.shape[1]
        net = NetworkGraph((n, 1), th, [W], width=3.0, height=2.5, radius=0.38,
                           stroke_range=(2.0, 6.0)).move_to(np.array([-3.45, 0.45, 0]))
        body = self.tex(r"\Sigma\,f", size=32).move_to(net.neuron(1, 0)).set_z_index(5)
        in_labels = VGroup(*[
            self.label(f"x{sub(i + 1)} = {minus_sign(xs[i][1])}", size=26, color=th.value)
            .next_to(net.neuron(0, i), LEFT, buff=0.15) for i in range(n)])
        w_labels = VGroup()
        for i in range(n):
            edge = net.edge(0, 0, i)
            lab = self.label(f"w{sub(i + 1)} = {minus_sign(ws[i][1])}", size=24,
                             color=th.weight)
            w_labels.add(beside(lab, edge.get_start(), edge.get_end(), 0.45,
                                up=i < (n + 1) // 2 or n == 1))
        b_label = self.label(f"b = {minus_sign(b)}", size=24, color=th.weight)
        b_label.next_to(net.neuron(1, 0), DOWN, buff=0.15)
        right = net.neuron(1, 0).get_right()
        out_arrow = Arrow(right, right + 0.8 * RIGHT, buff=0.05, color=th.value,
                          stroke_width=4, max_tip_length_to_length_ratio=0.3)
        return net, [body, in_labels, w_labels, b_label, out_arrow]

    # -- 2. the logistic unit: several w, several b ---------------------------------------------
    def unit_plot(self) -> PlotAxes:
        x = self.trace("main").static("grid/x")
        plot = PlotAxes(self.theme, (x[0], x[-1]), (0.0, 1.0), 8.4, 4.1,
                        x_ticks=[v for v in range(-6, 7, 2) if x[0] <= v <= x[-1]],
                        y_ticks=[0, 0.5, 1], x_label="x", y_label="y", font_size=22)
        return plot.shift(PLOT_CENTER - plot.box.get_center())

    def curve_of(self, plot: PlotAxes, xs, ys, style: RunStyle | None, color: str,
                 width: float = 4.0) -> StyledCurve:
        pts = plot.points_of(np.column_stack([xs, ys]))
        return StyledCurve(style, color, width).set_curve(pts).set_z_index(2)

    def markers(self, plot: PlotAxes, xs, ys, style: RunStyle, at=(0.25, 0.75)) -> VGroup:
        """The run's marker on its curve where the traced y is nearest each of ``at``."""
        idx = [int(np.argmin(np.abs(ys - level))) for level in at]
        return VGroup(*[run_marker(style, plot.p(xs[i], ys[i]), 0.09) for i in idx]).set_z_index(3)

    def swatch(self, style: RunStyle, color: str, width: float = 4.0) -> VGroup:
        """A legend's sample of a run: a short line in its dash with its marker."""
        pts = np.array([[0.0, 0, 0], [0.7, 0, 0]])
        line = StyledCurve(style, color, width).set_curve(
            np.linspace(pts[0], pts[1], 15))
        return VGroup(line, run_marker(style, np.array([0.35, 0, 0]), 0.09))

    def unit_row(self, name: str, style: RunStyle) -> VGroup:
        """Legend row of the logistic unit ``name``: swatch, then its traced w and b."""
        _, w = self.number("main", 0, name, "dense_0.W", (0, 0), formatter=short)
        _, b = self.number("main", 0, name, "dense_0.b", (0,), formatter=short)
        text = self.label(minus_sign(f"w = {w},  b = {b}"), size=26, color=style.color)
        return VGroup(self.swatch(style, style.color), text).arrange(RIGHT, buff=0.25)

    def logistic(self) -> None:
        th = self.theme
        t = self.trace("main")
        base, w_set, b_set, _ = curve_sets(t)
        x = t.static("grid/x")
        formula = self.tex(r"f(x) = \frac{1}{1 + e^{-(b + w\cdot x)}}", size=40)
        formula.move_to(np.array([6.9, 3.2, 0]), aligned_edge=RIGHT)
        plot = self.unit_plot()
        self.begin("The logistic unit", formula, plot)

        # the base case keeps the first style; the others of a set take the next ones (the
        # two sets are never on screen together)
        styles = {base: th.runs[0]}
        for group in (w_set, b_set):
            for i, n in enumerate(n for n in group if n != base):
                styles.setdefault(n, th.runs[1 + i])
        names = list(styles)
        curves, marks = {}, {}
        for n in names:
            ys = t.get(0, n, "y")[:, 0]
            curves[n] = self.curve_of(plot, x, ys, styles[n], styles[n].color)
            marks[n] = self.markers(plot, x, ys, styles[n])

        # the base case, with its value at the grid point nearest x = 0
        zero = int(np.argmin(np.abs(x)))
        _, x0 = self.number("main", None, "static", "grid/x", (zero,), formatter=short)
        _, y0 = self.number("main", 0, base, "y", (zero, 0))
        rows = {base: self.unit_row(base, styles[base])}
        rows[base].move_to(np.array([LEGEND_X, LEGEND_TOP, 0]), aligned_edge=LEFT)
        dot = Dot(plot.p(x[zero], t.get(0, base, "y")[zero, 0]), radius=0.07, color=th.text)
        at0 = self.label(minus_sign(f"y = {y0} at x = {x0}"), size=24)
        at0.next_to(dot, LEFT, buff=0.2).shift(0.3 * UP)
        dot.set_z_index(4)
        w, b = logistic_units(t)[base]  # as the legend shows them
        self.say(f"The base case: w = {w:g}, b = {b:g}.", Create(curves[base]),
                 fade_in(marks[base]), fade_in(rows[base]), run_time=1.2)
        self.play(fade_in(dot), fade_in(at0), run_time=self.t(0.5))

        # several w: the same b, steeper or gentler
        self.show_set(plot, w_set, base, rows, curves, marks, styles,
                      "Larger w: a steeper step; smaller w: a gentler one.",
                      before=[fade_out(dot), fade_out(at0)])
        # several b: the same w, shifted
        others = [n for n in w_set if n != base]
        self.show_set(plot, b_set, base, rows, curves, marks, styles,
                      "b shifts the step sideways: σ = 0.5 where w·x + b = 0.",
                      before=[fade_out(m) for n in others for m in (curves[n], marks[n], rows[n])])
        self.read(extra=1.0)
        self.note(say="w sets how steep the logistic step is; b slides it sideways.",
                  ask="What does the base-case unit output at the middle of the grid?",
                  answer=f"y = {minus_sign(y0)} at x = {minus_sign(x0)}.")

    def show_set(self, plot, group, base, rows, curves, marks, styles, text, before=()) -> None:
        """Draw the curves of ``group`` beside the base case, the legend in the group's order
        (by w or by b)."""
        spot = {n: np.array([LEGEND_X, LEGEND_TOP - 0.62 * k, 0]) for k, n in enumerate(group)}
        for n in group:
            if n not in rows:
                rows[n] = self.unit_row(n, styles[n])
            if n != base:
                rows[n].move_to(spot[n], aligned_edge=LEFT)
        self.read()
        if before:
            self.play(*before, run_time=self.t(0.5))
        new = [n for n in group if n != base]
        self.say(text, rows[base].animate.move_to(spot[base], aligned_edge=LEFT),
                 *[Create(curves[n]) for n in new], *[fade_in(marks[n]) for n in new],
                 *[fade_in(rows[n]) for n in new], run_time=1.5)

    # -- 3. combinations are highly flexible -------------------------------------------------
    def window_plot(self, x: np.ndarray, values: list[np.ndarray], width: float = 8.4,
                    height: float = 4.1) -> PlotAxes:
        """Axes over ``x`` (at most −4..4, where the units change) and every value drawn."""
        lo = min(float(np.min(v)) for v in values)
        hi = max(float(np.max(v)) for v in values)
        pad = 0.08 * (hi - lo)
        y0, y1 = min(lo - pad, 0.0), hi + pad
        x0, x1 = max(float(x[0]), -4.0), min(float(x[-1]), 4.0)
        plot = PlotAxes(self.theme, (x0, x1), (y0, y1), width, height,
                        x_ticks=nice_ticks(x0, x1, 4), y_ticks=nice_ticks(y0, y1, 4),
                        x_label="x", font_size=22)
        plot.shift(PLOT_CENTER - plot.box.get_center())
        if y0 < 0 < y1:  # the zero line, where a unit's share changes sign
            zero = Line(plot.p(x0, 0), plot.p(x1, 0), stroke_color=self.theme.grid,
                        stroke_width=2)
            plot.add(zero)
        return plot

    def inside(self, plot: PlotAxes, x: np.ndarray) -> np.ndarray:
        return (x >= plot.x_range[0] - 1e-9) & (x <= plot.x_range[1] + 1e-9)

    def bump(self) -> None:
        th = self.theme
        t = self.trace("main")
        name = curve_sets(t)[3]
        x = t.static("grid/x")
        h = t.get(0, name, "sigmoid_1.output")
        share = t.get(0, name, "dense_2.terms")[:, 0, :]
        y = t.get(0, name, "y")[:, 0]
        k = h.shape[1]
        plot = self.window_plot(x, [h, share, y])
        keep = self.inside(plot, x)
        xw = x[keep]
        formula = self.tex(r"y = " + " + ".join(f"v_{j} h_{j}" for j in range(1, k + 1))
                           + r" + b,\quad h_j = \sigma(w_j x + b_j)", size=34)
        formula.move_to(np.array([6.9, 3.35, 0]), aligned_edge=RIGHT)
        self.begin("Combinations are flexible", formula, plot)

        styles = [th.runs[1 + j] for j in range(k)]
        curves, marks, rows, spots = [], [], [], []
        for j in range(k):
            hj = h[keep, j]
            curves.append(self.curve_of(plot, xw, hj, styles[j], styles[j].color))
            spots.append([int(np.argmin(np.abs(hj - level))) for level in (0.25, 0.75)])
            marks.append(VGroup(*[run_marker(styles[j], plot.p(xw[i], hj[i]), 0.09)
                                  for i in spots[j]]).set_z_index(3))
            _, w = self.number("main", 0, name, "dense_0.W", (j, 0), formatter=short)
            _, b = self.number("main", 0, name, "dense_0.b", (j,), formatter=short)
            sign = "\u2212" if b.startswith("-") else "+"
            rows.append(self.legend_row(styles[j], f"h{sub(j + 1)} = \u03c3({minus_sign(w)}x "
                                        f"{sign} {b.lstrip('-')})", j))
        self.say("Two steep units, shifted apart by their biases.",
                 *[Create(c) for c in curves], *[fade_in(m) for m in marks],
                 *[fade_in(r) for r in rows], run_time=1.5)

        # each unit times its output weight: the engine's terms v_j·h_j
        vs = [self.number("main", 0, name, "dense_2.W", (0, j), formatter=short) for j in range(k)]
        new_rows = [self.legend_row(styles[j], f"v{sub(j + 1)}\u00b7h{sub(j + 1)},  "
                                    f"v{sub(j + 1)} = {minus_sign(vs[j][1])}", j)
                    for j in range(k)]
        flip = next((j for j in range(k) if vs[j][0] < 0), None)  # a rule on traced weights
        if flip is not None:
            j = sub(flip + 1)
            text = f"Each unit times its output weight: v{j} = {vs[flip][1]} flips h{j}."
        else:
            text = "Each unit times its output weight."

        def weigh(_, a: float) -> None:
            for j in range(k):
                ys = (1 - a) * h[keep, j] + a * share[keep, j]
                curves[j].set_curve(plot.points_of(np.column_stack([xw, ys])))
                for m, i in zip(marks[j], spots[j]):
                    m.move_to(plot.p(xw[i], ys[i]))

        self.say(text, Tween(VGroup(*curves, *marks), weigh),
                 *[a for j in range(k) for a in replace(rows[j], new_rows[j])], run_time=1.5)

        # their sum (plus the output bias): the bump
        total = self.curve_of(plot, xw, y[keep], None, th.value, width=7).set_z_index(4)
        _, b_out = self.number("main", 0, name, "dense_2.b", (0,), formatter=short)
        sum_row = self.legend_row(None, f"y,  b = {minus_sign(b_out)}", k)
        peak = int(np.argmax(y))  # the grid point where the traced sum is largest
        _, y_pk = self.number("main", 0, name, "y", (peak, 0))
        _, x_pk = self.number("main", None, "static", "grid/x", (peak,), formatter=short)
        top = Dot(plot.p(x[peak], y[peak]), radius=0.08, color=th.text).set_z_index(5)
        note = self.label(minus_sign(f"y = {y_pk} at x = {x_pk}"), size=24)
        note.next_to(top, UP, buff=0.3)
        self.say("Their sum is a bump: units combine into flexible shapes.",
                 Create(total), fade_in(sum_row), fade_in(top), fade_in(note), run_time=1.5)
        self.read(extra=1.0)
        self.note(say="Weighted, shifted logistic units add up to new shapes: two make a "
                      "bump.",
                  ask="Where is the bump highest, and how high?",
                  answer=f"At x = {minus_sign(x_pk)}, where y = {minus_sign(y_pk)}.")

    def legend_row(self, style: RunStyle | None, text: str, k: int) -> VGroup:
        """Row k of a legend beside the plot: the run's swatch (None: the output, thick and
        solid in the value colour) and ``text``."""
        th = self.theme
        if style is None:
            mark = StyledCurve(None, th.value, 7).set_curve(
                np.linspace([0.0, 0, 0], [0.7, 0, 0], 8))
            color = th.value
        else:
            mark, color = self.swatch(style, style.color), style.color
        row = VGroup(mark, self.label(text, size=26, color=color)).arrange(RIGHT, buff=0.25)
        return row.move_to(np.array([LEGEND_X, LEGEND_TOP - 0.62 * k, 0]), aligned_edge=LEFT)

    # -- 4. a net finds its own units -----------------------------------------------------------
    def fit(self) -> None:
        th = self.theme
        t = self.trace("fit")
        _, out = fit_layers(t)
        steps = t.steps
        gx = t.static("eval/grid_x")
        data_x, data_y = t.static("data/x")[:, 0], t.static("data/labels").reshape(-1)
        shares = np.stack([t.get(s, "eval", f"{out}.terms")[:, 0, :] for s in steps])
        preds = np.stack([t.get(s, "eval", "pred")[:, 0] for s in steps])
        k = shares.shape[2]
        plot = self.window_plot(gx, [shares, preds, data_y])
        keep = self.inside(plot, gx)
        xw = gx[keep]
        dots = VGroup(*[Dot(plot.p(a, b), radius=0.06, color=th.text)
                        for a, b in zip(data_x, data_y) if plot.contains(a, b)]).set_z_index(6)
        formula = self.tex(r"\hat y = \sum_j v_j\, \sigma(w_j x + b_j) + b", size=34)
        formula.move_to(np.array([6.9, 3.3, 0]), aligned_edge=RIGHT)

        styles = [th.runs[j] for j in range(k)]
        spots = [round((j + 0.5) / k * (len(xw) - 1)) for j in range(k)]  # staggered
        curves = [StyledCurve(styles[j], styles[j].color, 3.5).set_z_index(2) for j in range(k)]
        marks = [run_marker(styles[j], np.zeros(3), 0.09).set_z_index(3) for j in range(k)]
        total = StyledCurve(None, th.value, 7).set_z_index(4)

        def draw(_, a: float, i: int = 0) -> None:
            """The units' shares and the output between recorded steps i − 1 and i."""
            lo = max(i - 1, 0)
            sh = (1 - a) * shares[lo] + a * shares[i]
            for j in range(k):
                ys = sh[keep, j]
                curves[j].set_curve(plot.points_of(np.column_stack([xw, ys])))
                marks[j].move_to(plot.p(xw[spots[j]], ys[spots[j]]))
            ys = (1 - a) * preds[lo] + a * preds[i]
            total.set_curve(plot.points_of(np.column_stack([xw, ys[keep]])))

        draw(None, 1.0, 0)
        self.fit_drawn = (plot, total, xw)  # what the tests compare with the trace
        legend, readout, tickers, step_text, loss_text = self.fit_legend(styles, k)
        self.begin("A network learns its own units", formula, plot, dots, legend)
        cfg = t.config
        shape = FUNCTIONS.get(str(cfg.get("data", {}).get("function")), "a curve")
        _, lr = self.number("fit", None, "config", "optimizer.lr", formatter=short)
        opt = str(cfg.get("optimizer", {}).get("name", "")).capitalize()
        self.show_fit_step(0, tickers, step_text, loss_text)
        self.say(f"A net of {k} sigmoid units learns {len(data_x)} points of {shape} ({opt}, "
                 f"\u03b7 = {lr}).", *[Create(c) for c in curves],
                 *[fade_in(m) for m in marks], Create(total), fade_in(readout), run_time=1.2)
        self.say("Thin: each unit's share v\u2c7c\u00b7h\u2c7c(x). Thick: their sum + b, the "
                 "output.")
        for i in range(1, len(steps)):
            self.play(Tween(VGroup(*curves, *marks, total),
                            lambda m, a, i=i: draw(m, a, i)),
                      run_time=self.pace(i - 1, 3, 0.8, 0.2))
            self.show_fit_step(i, tickers, step_text, loss_text)
        _, loss = self.number("fit", steps[-1], "scalar", "loss", now=False)
        self.say(f"Step {steps[-1]}: loss {loss}, the sum fits the points.")
        self.read(extra=1.0)
        self.note(say="Training moves each unit's w and b and its output weight until the "
                      "sum of the units fits the data.",
                  ask="How small has the loss become at the last recorded step?",
                  answer=f"Step {steps[-1]}: the loss is {minus_sign(loss)}.")

    def fit_legend(self, styles, k: int) -> tuple[VGroup, VGroup, list, TickerText, TickerText]:
        """The legend: a row per unit with its output weight v_j (a ticker), the output's row
        and the data's; and the step and loss readouts under the heading."""
        th = self.theme
        step_is = self.label("step", size=26, color=th.muted)
        step_is.move_to(np.array([-6.8, 2.55, 0]), aligned_edge=LEFT)
        step_text = TickerText("0", font_size=28, color=th.text, max_len=5, align=LEFT)
        step_text.anchor_at(np.array([step_is.get_right()[0] + 0.2, step_is.get_bottom()[1], 0]))
        loss_is = self.label("loss", size=26, color=th.muted)
        loss_is.move_to(np.array([-3.7, 2.55, 0]), aligned_edge=LEFT)
        loss_text = TickerText("", font_size=28, color=th.text, max_len=9, align=LEFT)
        loss_text.anchor_at(np.array([loss_is.get_right()[0] + 0.2, loss_is.get_bottom()[1], 0]))
        rows, tickers = VGroup(), []
        for j in range(k):
            row = self.legend_row(styles[j], f"v{sub(j + 1)} =", j)
            tick = TickerText("", font_size=26, color=styles[j].color, max_len=7, align=LEFT)
            tick.anchor_at(np.array([row.get_right()[0] + 0.2, row[1].get_bottom()[1], 0]))
            rows.add(row)
            tickers.append(tick)
        rows.add(self.legend_row(None, "output \u0177", k))
        dot = Dot(radius=0.06, color=th.text)
        data = VGroup(dot, self.label("data", size=26)).arrange(RIGHT, buff=0.5)
        rows.add(data.move_to(np.array([LEGEND_X + 0.29, LEGEND_TOP - 0.62 * (k + 1), 0]),
                              aligned_edge=LEFT))
        legend = VGroup(rows, *tickers)
        return legend, VGroup(step_is, step_text, loss_is, loss_text), tickers, step_text, loss_text

    def show_fit_step(self, i: int, tickers, step_text, loss_text) -> None:
        """The readouts at the i-th recorded step of the fit run (between animations)."""
        t = self.trace("fit")
        _, out = fit_layers(t)
        s = t.steps[i]
        step_text.set_text(str(s))
        loss_text.set_text(self.number("fit", s, "scalar", "loss")[1])
        for j, tick in enumerate(tickers):
            tick.set_text(self.number("fit", s, out, "W", (0, j))[1])

    # -- 5. layers and depth ---------------------------------------------------------------------
    def layers(self) -> None:
        th = self.theme
        dense, _ = neuron_layers(self.trace("inputs"))
        n = self.trace("inputs").get(0, dense, "W").shape[1]
        wide = NetworkGraph((n, 2), th, width=3.0, height=2.5, radius=0.34)
        wide.move_to(np.array([-4.3, 0.35, 0]))
        names = self.network_names(wide, n, ["W,\\ \\mathbf{b}"], "f")
        rows = self.tex(r"y_1 = f(\mathbf{w}_1^T\mathbf{x} + b_1)",
                        r"y_2 = f(\mathbf{w}_2^T\mathbf{x} + b_2)", size=36)
        rows[1].next_to(rows[0], DOWN, buff=0.3, aligned_edge=LEFT)
        layer = self.tex(r"\mathbf{y} = f(W\mathbf{x} + \mathbf{b})", size=44)
        shape = self.tex(rf"W:\ M \times N \quad (\text{{here }} 2 \times {n})", size=34)
        block = VGroup(rows, layer, shape).arrange(DOWN, buff=0.45, aligned_edge=LEFT)
        block.move_to(np.array([0.4, 0.4, 0]), aligned_edge=LEFT)
        self.begin("From neurons to layers", wide, names, rows)
        self.say("Two neurons, each with its own w and b: their weights are the rows of W.",
                 fade_in(layer), fade_in(shape), run_time=1.0)

        # the sizes of the drawn network: its shapes, not results
        deep = NetworkGraph((n, 4, 2), th, width=4.2, height=2.8, radius=0.3)
        deep.move_to(np.array([-3.9, 0.35, 0]))
        deep_names = self.network_names(deep, n, ["W_1,\\ \\mathbf{b}_1", "W_2,\\ \\mathbf{b}_2"],
                                        "f_1", "f_2")
        shapes = self.tex(rf"W_1:\ 4 \times {n}, \quad W_2:\ 2 \times 4", size=34)
        shapes.move_to(shape, aligned_edge=LEFT)
        depth = self.tex(r"\mathbf{y} = f_2(W_2\, f_1(W_1\mathbf{x} + \mathbf{b}_1) + \mathbf{b}_2)",
                         size=40)
        depth.next_to(shape, DOWN, buff=0.5).align_to(shape, LEFT)
        self.read()
        self.play(fade_out(wide), fade_out(names), *replace(shape, shapes),
                  run_time=self.t(0.8))
        self.say("Depth: one layer's output is the next layer's input.", fade_in(deep),
                 fade_in(deep_names), fade_in(depth), run_time=1.0)
        self.read(extra=1.0)
        self.note(say="Neurons side by side form a layer y = f(Wx + b); stacking layers "
                      "gives depth.",
                  ask="What is the shape of W for the first layer drawn?",
                  answer=f"2 \u00d7 {n}: one row per neuron, one column per input.")

    def network_names(self, net: NetworkGraph, n: int, weights: list[str], *acts: str
                      ) -> VGroup:
        """x_i left of the inputs, y_j right of the outputs, each layer's weights (``weights``,
        TeX) above its edges and its activation (``acts``) under its neurons."""
        th = self.theme
        last = len(net.sizes) - 1
        names = VGroup(*[self.tex(f"x_{i + 1}", size=32, color=th.value)
                         .next_to(net.neuron(0, i), LEFT, buff=0.15) for i in range(n)])
        names.add(*[self.tex(f"y_{j + 1}", size=32, color=th.value)
                    .next_to(net.neuron(last, j), RIGHT, buff=0.15)
                    for j in range(net.sizes[-1])])
        top = max(layer.get_top()[1] for layer in net.layers)
        for l, tex in enumerate(weights):
            x = (net.layer(l).get_x() + net.layer(l + 1).get_x()) / 2
            names.add(self.tex(tex, size=32, color=th.weight).move_to([x, top + 0.35, 0]))
        for l, tex in enumerate(acts, start=1):
            names.add(self.tex(tex, size=32).next_to(net.layer(l), DOWN, buff=0.2))
        return names
