"""VanishingGradients: the per-layer gradient norms of a deep sigmoid net against the same
net with ReLU, as bars on a log scale, from the first step through training."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, DoubleArrow, Dot, FadeIn, FadeOut,
                   Mobject, Transform, VGroup)

from engine.errors import TraceError
from engine.trace import Trace
from scenes.base import TraceScene
from scenes.format import fmt, fmt_int
from scenes.mobjects.layer_strip import LayerStrip
from scenes.mobjects.log_bar_chart import LogBarChart
from scenes.mobjects.sparkline import Sparkline
from scenes.shown import ShownValues

INIT_NAMES = {"glorot": "Glorot", "xavier": "Glorot", "he": "He", "kaiming": "He",
              "small_uniform": "small uniform"}

#: what the lecture says about each activation's derivative on the way back
DERIVATIVE_FACTS = {
    "Sigmoid": (r"\sigma'(z) = \sigma(z)\,(1-\sigma(z)) \le \tfrac14",
                "each sigmoid layer multiplies the backward signal by at most ¼"),
    "Tanh": (r"\tanh'(z) = 1-\tanh^2(z) \le 1",
             "and far below 1 once the units saturate"),
    "ReLU": (r"\mathrm{ReLU}'(z) = 1 \ \text{for}\ z > 0",
             "the signal passes back at full strength through every active unit"),
}


def dense_layers(trace: Trace) -> list[str]:
    """Names of the Dense layers, input side first."""
    return [info["name"] for info in trace.layer_info if info["type"] == "Dense"]


def activation_of(trace: Trace) -> str:
    """Type of the layer after the first Dense layer (the activation between layers)."""
    types = [info["type"] for info in trace.layer_info]
    i = types.index("Dense")
    return types[i + 1] if i + 1 < len(types) else "Identity"


def grad_norm(trace: Trace, step: int, layer: str) -> float:
    """‖∂L/∂W‖, the Frobenius norm of a Dense layer's recorded W.grad at ``step``.

    A display reduction of traced numbers (like the length of an arrow), not training
    maths; an engine-recorded per-step scalar would make it a plain lookup."""
    return float(np.linalg.norm(trace.get(step, layer, "W.grad")))


def fmt_norm(v: float) -> str:
    """Two significant figures: 0.94, 0.021, 4.1e-3."""
    return fmt(v, 3 if 0.01 <= abs(v) < 0.1 else 2)


def power_of_ten(k: int) -> str:
    """10^k with Unicode superscripts (one Text, no LaTeX baseline to match): 10⁻⁵."""
    return "10" + str(k).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def decade_gap(small: float, large: float) -> int:
    """Whole decades by which ``large`` exceeds ``small``: large > small · 10^gap."""
    return math.floor(math.log10(large / small)) if small > 0 else 99


def decade_spread(values: np.ndarray) -> int:
    """Smallest k with max(values) ≤ 10^k · min(values)."""
    return max(math.ceil(math.log10(np.max(values) / np.min(values))), 1)


@dataclass
class Panel:
    """One network's column of the scene."""
    role: str
    layers: list[str]
    activation: str
    color: str
    chart: LogBarChart
    strip: LayerStrip
    loss: Sparkline
    loss_dot: Dot
    loss_text: Mobject | None = None
    note: Mobject | None = None
    end_labels: VGroup | None = None


class VanishingGradients(TraceScene):
    """A deep sigmoid MLP against the same MLP with ReLU: ‖∂L/∂W‖ of every Dense layer,
    recorded by the engine, as bars on a log scale.

    Sections: networks (the two nets as strips of layer boxes), backward (the first step:
    the error travels back from the loss and each layer's bar appears, sigmoid's shrinking
    by decades, ReLU's staying level; why: σ' ≤ ¼), training (bars, the first and last
    layers' norms, the step and each run's mini-batch loss over the recorded steps),
    verdict. About 55 s at speed 1.
    """

    runs = {"main": "deep_sigmoid", "relu": "deep_relu"}
    trace_kind = "network"
    duration = 55.0

    # -- traces -------------------------------------------------------------------------------
    def check_trace(self, role: str, trace: Trace) -> None:
        layers = dense_layers(trace)
        if not 3 <= len(layers) <= 12:
            raise TraceError(f"VanishingGradients needs a net of 3 to 12 Dense layers, "
                             f"{trace.path} has {len(layers)}")
        if len(trace.steps) < 2:
            raise TraceError(f"{trace.path} records fewer than 2 steps")
        missing = [l for l in layers if not trace.has(trace.steps[0], l, "W.grad")]
        if missing:
            raise TraceError(f"{trace.path} lacks W.grad of {missing[0]} "
                             "(record.quantities must include \"grad\")")
        main = self._traces.get("main")
        if role != "main" and main is not None:
            if len(dense_layers(main)) != len(layers):
                raise TraceError(f"runs 'main' and '{role}' must have the same number "
                                 "of Dense layers")
            if main.steps != trace.steps:
                raise TraceError(f"runs 'main' and '{role}' must record the same steps")

    def norm_table(self, role: str) -> np.ndarray:
        """‖∂L/∂W‖ per recorded step (rows) and Dense layer (columns)."""
        t = self.trace(role)
        return np.array([[grad_norm(t, s, l) for l in dense_layers(t)] for s in t.steps])

    def norm_text(self, panel: Panel, step: int, i: int) -> tuple[float, str]:
        """(value, text) of layer i's ‖∂L/∂W‖, recorded in ``self.reductions``."""
        v = float(self.norms[panel.role][self.steps.index(step), i])
        text = fmt_norm(v)
        self.reductions.add(text, v, panel.role, step, panel.layers[i], "W.grad:norm")
        return v, text

    # -- layout -----------------------------------------------------------------------------
    def build_panel(self, role: str, lo: int, hi: int, left: float, loss_hi: float,
                    color: str) -> tuple[Panel, VGroup]:
        th, t = self.theme, self.trace(role)
        layers, act = dense_layers(t), activation_of(t)
        chart = LogBarChart(len(layers), lo, hi, th, width=5.55, height=3.3)
        chart.shift([left - chart.area.get_left()[0], 0.12 - chart.area.get_center()[1], 0])
        xs = [chart.column_x(i) for i in range(len(layers))]
        strip = LayerStrip(xs, 2.4, th, act)
        init = t.config["model"]["layers"][0].get("init", "glorot")
        name = self.label(act, 30, color=color)
        sub = self.label(f"{INIT_NAMES.get(init, init)} init", 22, color=th.muted)
        header = VGroup(name, sub).arrange(RIGHT, buff=0.25, aligned_edge=DOWN)
        header.move_to([left, 3.05, 0], aligned_edge=LEFT)
        loss = Sparkline(t.scalars("loss"), th, width=3.8, height=0.62, lo=0.0, hi=loss_hi,
                         color=color)
        loss.shift([left - loss.area.get_left()[0], -2.66 - loss.area.get_center()[1], 0])
        ticks = VGroup(self.label("0", 18, color=th.muted).next_to(loss.baseline, LEFT, 0.12),
                       self.label(f"{loss_hi:g}", 18, color=th.muted)
                       .next_to(loss.area.get_corner(UP + LEFT), LEFT, 0.12))
        dot = Dot(loss.point(0), radius=0.05, color=color)
        panel = Panel(role, layers, act, color, chart, strip, loss, dot)
        panel.loss_text = self.loss_text(panel, self.steps[0])
        return panel, VGroup(header, ticks)

    def loss_text(self, panel: Panel, step: int) -> VGroup:
        _, text = self.number(panel.role, step, "scalar", "loss")
        g = VGroup(self.label("loss", 22, color=self.theme.muted), self.label(text, 24))
        g.arrange(RIGHT, buff=0.15, aligned_edge=DOWN)
        return g.move_to([panel.chart.area.get_right()[0], panel.loss.area.get_center()[1], 0],
                         aligned_edge=RIGHT)

    def counter(self, step: int) -> VGroup:
        _, now = self.number("main", step, "scalar", "step", formatter=fmt_int)
        last = self.trace("main").all_steps[-1]
        _, end = self.number("main", last, "scalar", "step", formatter=fmt_int)
        g = VGroup(self.label("step", 26, color=self.theme.muted), self.label(now, 30),
                   self.label(f"/ {end}", 22, color=self.theme.muted))
        g.arrange(RIGHT, buff=0.15, aligned_edge=DOWN)
        return g.move_to([6.9, 3.62, 0], aligned_edge=RIGHT)

    def caption(self, *parts: Mobject) -> VGroup:
        g = VGroup(*parts).arrange(RIGHT, buff=0.2)
        if g.width > 13.6:
            g.scale_to_fit_width(13.6)
        return g.move_to([0, -3.6, 0])

    def say(self, *parts: Mobject, wait: float = 0.0) -> None:
        """Replace the caption line."""
        new = self.caption(*parts)
        anims = [FadeIn(new, shift=0.1 * UP)]
        if self.current_caption is not None:
            anims.append(FadeOut(self.current_caption))
        self.play(*anims, run_time=self.t(0.6))
        self.current_caption = new
        if wait:
            self.wait(self.t(wait))

    def end_labels(self, panel: Panel, step: int) -> VGroup:
        """The norms of the first and last layers, above their bars."""
        out = VGroup()
        for i in (0, len(panel.layers) - 1):
            v, text = self.norm_text(panel, step, i)
            out.add(self.label(text, 20, color=self.theme.gradient)
                    .next_to(panel.chart.top(i, v), UP, buff=0.08))
        return out

    def readout(self, panel: Panel, i: int, text: str) -> VGroup:
        g = VGroup(self.label(f"layer {i + 1}:  ‖∂L/∂W‖ =", 22),
                   self.label(text, 22, color=self.theme.gradient))
        g.arrange(RIGHT, buff=0.15, aligned_edge=DOWN)
        return g.move_to([panel.chart.area.get_center()[0], -1.9, 0])

    # -- the scene --------------------------------------------------------------------------
    def construct(self) -> None:
        th = self.theme
        self.reductions = ShownValues()  # the ‖W.grad‖ values on screen (tests check them)
        self.gaps: list[tuple[str, int, str, int]] = []  # (role, step, kind, decades) claimed
        self.current_caption = None
        self.steps = self.trace("main").steps
        self.norms = {role: self.norm_table(role) for role in self.runs}
        lo, hi = LogBarChart.decades(np.concatenate([v.ravel() for v in self.norms.values()]))
        loss_hi = math.ceil(max(np.nanmax(self.trace(r).scalars("loss")) for r in self.runs)
                            * 10) / 10
        self.panels, extras = [], []
        for role, left, color in (("main", -5.95, th.series[0]), ("relu", 0.95, th.series[1])):
            p, extra = self.build_panel(role, lo, hi, left, loss_hi, color)
            self.panels.append(p)
            extras.append(extra)

        self.next_section("networks")
        self.intro(extras)
        self.next_section("backward")
        self.first_step()
        self.next_section("training")
        self.training()
        self.next_section("verdict")
        self.verdict()

    def intro(self, extras: list[VGroup]) -> None:
        th = self.theme
        title = self.label("Vanishing gradients", 36).move_to([-6.9, 3.62, 0], aligned_edge=LEFT)
        axis = self.label("‖∂L/∂W‖ (log scale)", 22, color=th.gradient).rotate(math.pi / 2)
        axis.move_to([-6.88, self.panels[0].chart.area.get_center()[1], 0])
        self.count = self.counter(self.steps[0])
        self.play(FadeIn(title), FadeIn(self.count), run_time=self.t(0.8))
        for p, extra in zip(self.panels, extras):
            self.play(FadeIn(extra[0]), Create(p.strip), run_time=self.t(1.2))
        self.play(*[FadeIn(VGroup(p.chart, p.loss, p.loss_dot, p.loss_text, extra[1]))
                    for p, extra in zip(self.panels, extras)], FadeIn(axis),
                  run_time=self.t(1.0))
        data = self.trace("main").config["data"]["name"]
        self.say(self.label(f"Same {data} data, depth, width, optimizer and seed: only the "
                            "activation (and the init made for it) differs.", 26), wait=2.5)

    def walk(self, panel: Panel, step: int, first: float, rest: float, slow: int) -> VGroup:
        """The first step's backward pass through ``panel``: the error leaves the loss, and
        each layer's bar rises as it gets its gradient, output side first."""
        th, chart, strip = self.theme, panel.chart, panel.strip
        n = len(panel.layers)
        below = strip.boxes[0].get_bottom()[1] - 0.13
        dot = Dot([strip.out.get_center()[0], below, 0], radius=0.08, color=th.gradient)
        self.play(FadeIn(dot, scale=0.5), strip.out.animate.set_color(th.gradient),
                  run_time=self.t(0.4))
        read = None
        for j, i in enumerate(reversed(range(n))):
            v, text = self.norm_text(panel, step, i)
            new = self.readout(panel, i, text)
            anims = [dot.animate.move_to([chart.column_x(i), below, 0]),
                     strip.boxes[i].animate.set_stroke(th.active, width=4),
                     Transform(chart.bars[i], chart.bar_for(i, v))]
            if i < n - 1:
                anims.append(strip.boxes[i + 1].animate.set_stroke(th.gradient, width=3))
            anims.append(Transform(read, new) if read is not None else FadeIn(new))
            self.play(*anims, run_time=self.pace(j, slow=slow, first=first, rest=rest))
            read = read or new
        self.play(FadeOut(dot), strip.boxes[0].animate.set_stroke(th.gradient, width=3),
                  run_time=self.t(0.4))
        return read

    def gap_arrow(self, panel: Panel, step: int) -> VGroup:
        """A dashed level at the last layer's norm and an arrow down to the first layer's,
        labelled with the whole decades between them."""
        k = self.steps.index(step)
        first, last = self.norms[panel.role][k, 0], self.norms[panel.role][k, -1]
        gap = decade_gap(first, last)
        self.gaps.append((panel.role, step, "gap", gap))
        chart = panel.chart
        level = chart.level_line(last)
        x = chart.column_x(0)
        arrow = DoubleArrow([x, chart.top(0, first)[1] + 0.05, 0], [x, chart.y_of(last), 0],
                            buff=0, stroke_width=3, color=self.theme.active,
                            max_tip_length_to_length_ratio=0.08)
        label = self.label(f"> {power_of_ten(gap)}×", 24, color=self.theme.active)
        label.next_to(arrow, RIGHT, buff=0.12).set_y(chart.y_of(last) - 0.35)
        return VGroup(level, arrow, label)

    def first_step(self) -> None:
        th = self.theme
        sig, relu = self.panels
        s0 = self.steps[0]
        self.say(self.label("First step: backprop carries the error from the loss back to "
                            "layer 1. Each bar is one layer's ‖∂L/∂W‖.", 26))
        read = self.walk(sig, s0, first=1.0, rest=0.5, slow=3)
        self.wait(self.t(0.8))
        self.say(self.label("Error signals get diluted going backward: "
                            "the vanishing gradient problem.", 28, color=th.gradient))
        self.sig_gap = self.gap_arrow(sig, s0)
        sig_note = self.gap_note(sig, self.gaps[-1][3])
        self.play(Create(self.sig_gap[0]), FadeIn(self.sig_gap[1:]), Transform(read, sig_note),
                  run_time=self.t(1.2))
        sig.note = read
        self.wait(self.t(2.0))
        if sig.activation in DERIVATIVE_FACTS:
            formula, words = DERIVATIVE_FACTS[sig.activation]
            self.say(self.tex(formula + ",", size=34), self.label(f"so {words}.", 26), wait=3.0)

        words = DERIVATIVE_FACTS.get(relu.activation)
        if words is not None:
            self.say(self.tex(words[0] + ",", size=34), self.label(f"so {words[1]}.", 26))
        read = self.walk(relu, s0, first=0.6, rest=0.3, slow=1)
        spread = decade_spread(self.norms["relu"][0])
        self.gaps.append(("relu", s0, "spread", spread))
        relu_note = self.spread_note(relu, spread)
        self.play(Transform(read, relu_note), run_time=self.t(0.8))
        relu.note = read
        self.wait(self.t(2.5))

    def gap_note(self, panel: Panel, gap: int) -> Mobject:
        text = (f"layer 1 gets < {power_of_ten(-gap)} of layer {len(panel.layers)}'s gradient")
        return self.label(text, 22).move_to([panel.chart.area.get_center()[0], -1.9, 0])

    def spread_note(self, panel: Panel, spread: int) -> Mobject:
        factor = f"{10 ** spread}" if spread <= 3 else power_of_ten(spread)
        text = f"all layers within {factor}× of each other"
        return self.label(text, 22).move_to([panel.chart.area.get_center()[0], -1.9, 0])

    def training(self) -> None:
        th = self.theme
        s0 = self.steps[0]
        for p in self.panels:
            p.end_labels = self.end_labels(p, s0)
        self.say(self.label("Training: the bars follow the recorded gradients, "
                            "the curves each run's mini-batch loss.", 26))
        self.play(FadeOut(self.sig_gap), *[FadeOut(p.note) for p in self.panels],
                  *[FadeIn(p.end_labels) for p in self.panels],
                  *[p.strip.boxes.animate.set_stroke(th.muted, width=2.5) for p in self.panels],
                  *[p.strip.out.animate.set_color(th.text) for p in self.panels],
                  run_time=self.t(0.8))
        for j, step in enumerate(self.steps[1:]):
            k = self.steps.index(step)
            anims = [Transform(self.count, self.counter(step))]
            for p in self.panels:
                row = self.norms[p.role][k]
                anims += [Transform(p.chart.bars[i], p.chart.bar_for(i, v))
                          for i, v in enumerate(row)]
                anims += [Transform(p.end_labels, self.end_labels(p, step)),
                          Transform(p.loss.line, p.loss.line_upto(step)),
                          p.loss_dot.animate.move_to(p.loss.point(step)),
                          Transform(p.loss_text, self.loss_text(p, step))]
            self.play(*anims, run_time=self.pace(j, slow=2, first=0.8, rest=0.3))

    def verdict(self) -> None:
        sig, relu = self.panels
        last = self.steps[-1]
        k = len(self.steps) - 1
        gap = self.gap_arrow(sig, last)
        spread = decade_spread(self.norms["relu"][k])
        self.gaps.append(("relu", last, "spread", spread))
        self.play(FadeOut(sig.end_labels[0]), Create(gap[0]), FadeIn(gap[1:]),
                  FadeIn(self.gap_note(sig, self.gaps[-2][3])),
                  FadeIn(self.spread_note(relu, spread)), run_time=self.t(1.0))
        self.say(self.label("Sigmoid: the first layers get almost no gradient, so they barely "
                            "learn. ReLU: every layer learns.", 26),
                 wait=4.0)
