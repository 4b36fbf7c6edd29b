"""VanishingGradients: the per-layer gradient norms of a deep sigmoid net against the same
net with ReLU, as bars on a log scale, from the first step through training."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Animation, AnimationGroup, Create, DoubleArrow, Dot,
                   Mobject, Succession, Text, Transform, VGroup)

from nnanim.engine.errors import TraceError
from nnanim.engine.trace import Trace
from nnanim.scenes.base import TraceScene
from nnanim.scenes.format import fmt, fmt_int
from nnanim.scenes.layout import reading_time
from nnanim.scenes.mobjects.layer_strip import LayerStrip
from nnanim.scenes.mobjects.light_animations import fade_in, fade_out
from nnanim.scenes.mobjects.log_bar_chart import LogBarChart
from nnanim.scenes.mobjects.sparkline import Sparkline
from nnanim.scenes.shown import ShownValues

# y of each row of the layout, top to bottom
Y_TITLE, Y_HEADER, Y_STRIP, Y_CHART = 3.62, 3.05, 2.4, 0.12
Y_NOTE, Y_LOSS, Y_CAPTION = -1.9, -2.66, -3.6

INIT_NAMES = {"glorot": "Glorot", "xavier": "Glorot", "he": "He", "kaiming": "He",
              "small_uniform": "small uniform"}

#: what the lecture says about each activation's derivative on the way back
DERIVATIVE_FACTS = {
    "Sigmoid": (r"\sigma'(z) = \sigma(z)\,(1-\sigma(z)) \le \tfrac14",
                "every sigmoid scales the backward signal by at most ¼"),
    "Tanh": (r"\tanh'(z) = 1-\tanh^2(z) \le 1",
             "every saturated unit shrinks the backward signal"),
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


def norm_key(layer: str) -> str:
    return f"grad_norm/{layer}.W"


def grad_norm(trace: Trace, step: int, layer: str) -> float:
    """‖∂L/∂W‖ of a Dense layer at ``step``: the engine's per-step scalar when the run
    recorded it (``record.grad_norms``, as the bundled runs do), else the Frobenius norm
    of the recorded W.grad (a display reduction, like the length of an arrow)."""
    if norm_key(layer) in trace.manifest["steps"][0]:
        return float(trace.scalars(norm_key(layer))[trace.step_position(step)])
    return float(np.linalg.norm(trace.get(step, layer, "W.grad")))


def fmt_norm(v: float) -> str:
    """Two significant figures: 0.94, 0.021, 4.1e-3 (0.09996 as 0.10, not 0.100)."""
    r = abs(float(f"{v:.2g}"))
    return fmt(v, 3 if 0.01 <= r < 0.1 else 2)


def power_of_ten(k: int) -> str:
    """10^k with Unicode superscripts (one Text, no LaTeX baseline to match): 10⁻⁵."""
    return "10" + str(k).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def decade_gap(small: float, large: float) -> int | None:
    """Whole decades by which ``large`` exceeds ``small`` (large > small · 10^gap); None
    when ``small`` is 0."""
    return math.floor(math.log10(large / small)) if small > 0 else None


def decade_spread(values: np.ndarray) -> int | None:
    """Smallest k ≥ 1 with max(values) ≤ 10^k · min(values); None when a value is 0."""
    lo = float(np.min(values))
    return max(math.ceil(math.log10(float(np.max(values)) / lo)), 1) if lo > 0 else None


@dataclass
class Panel:
    """One network's half of the screen. The chart and sparkline are never added whole:
    their static parts (grid, ticks, baseline) go in first and the moving parts (bars,
    line) last, so manim redraws only what moves."""
    role: str
    layers: list[str]
    activation: str
    color: str
    header: VGroup                    # activation name, init
    chart: LogBarChart
    strip: LayerStrip
    loss: Sparkline
    static: VGroup
    loss_dot: Dot
    loss_value: Text | None = None
    ends: VGroup | None = None        # "layer 1:" and "layer n:" under the chart
    end_values: list[Text] | None = None  # their norms at the current step
    note: Mobject | None = None
    drawing: VGroup | None = None  # the gap arrow of ``annotation``
    done: VGroup | None = None  # outlines of the layers the first backward pass reached


class VanishingGradients(TraceScene):
    """A deep sigmoid MLP against the same MLP with ReLU: ‖∂L/∂W‖ of every Dense layer,
    recorded by the engine, as bars on a log scale.

    Sections
      networks  the two nets as strips of numbered layer boxes, same axes below
      backward  the first step: the error leaves the loss and each layer's bar rises as it
                gets its gradient, output side first; sigmoid's bars fall by decades
                ("error signals get diluted going backward"), why (σ' ≤ ¼), then ReLU's
                stay level
      training  every recorded step: bars, the first and last layers' norms, the step and
                each run's mini-batch loss
      verdict   the gap at the last step, each run's final training accuracy, the lesson;
                a net that ended at chance (its loss at the traced input-blind baseline,
                the dashed level: ln 2 and 50 % here) is said to be stuck there
    About 70 s at speed 1 (11 + 30 + 13 + 16 s): captions stay for 1 s + 0.3 s a word.
    """

    title = "Vanishing gradients"
    description = ("per-layer gradient norms of a deep sigmoid "
                   "network against the same network with ReLU")
    runs = {"main": "deep_sigmoid", "relu": "deep_relu"}
    trace_kind = "network"
    duration = 70.0

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
        if "baseline/loss" not in trace.manifest.get("static", []):
            raise TraceError(f"{trace.path} has no baseline/loss (chance); train it again "
                             "with this nnanim")
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
        if norm_key(panel.layers[i]) in self.trace(panel.role).manifest["steps"][0]:
            self.shown.add(text, v, panel.role, step, "scalar", norm_key(panel.layers[i]))
        return v, text

    # -- layout -----------------------------------------------------------------------------
    def build_panel(self, role: str, lo: int, hi: int, left: float, loss_hi: float,
                    color: str) -> Panel:
        th, t = self.theme, self.trace(role)
        layers, act = dense_layers(t), activation_of(t)
        chart = LogBarChart(len(layers), lo, hi, th, width=5.55, height=3.3)
        chart.shift([left - chart.area.get_left()[0], Y_CHART - chart.area.get_center()[1], 0])
        strip = LayerStrip([chart.column_x(i) for i in range(len(layers))], Y_STRIP, th, act)
        init = t.config["model"]["layers"][0].get("init", "glorot")
        header = VGroup(self.label(act, 30, color=color),
                        self.label(f"{INIT_NAMES.get(init, init)} init", 22, color=th.muted))
        header.arrange(RIGHT, buff=0.25, aligned_edge=DOWN)
        header.move_to([left, Y_HEADER, 0], aligned_edge=LEFT)
        loss = Sparkline(t.scalars("loss"), th, width=3.6, height=0.62, lo=0.0, hi=loss_hi,
                         color=color)
        loss.shift([left - loss.area.get_left()[0], Y_LOSS - loss.area.get_center()[1], 0])
        # the loss axis is marked at 0 and at chance: the loss of always predicting the
        # training set's class frequencies, recorded by the engine
        chance, chance_text = self.number(role, None, "static", "baseline/loss", (0,))
        level = loss.level(chance, th.muted)
        ticks = VGroup(self.label("0", 18, color=th.muted).next_to(loss.baseline, LEFT, 0.12),
                       self.label(chance_text, 18, color=th.muted).next_to(level, LEFT, 0.12),
                       level)
        word = self.label("loss", 22, color=th.muted)
        word.move_to([left + chart.area.width - 1.05, loss.area.get_center()[1], 0],
                     aligned_edge=RIGHT)
        static = VGroup(header, chart.grid, chart.ticks, loss.baseline, ticks, word)
        return Panel(role, layers, act, color, header, chart, strip, loss, static,
                     Dot(loss.point(t.step_position(self.steps[0])), radius=0.05,
                         color=color))

    def loss_value(self, panel: Panel, step: int) -> Text:
        _, text = self.number(panel.role, step, "scalar", "loss")
        return self.label(text, 24).move_to(
            [panel.chart.area.get_right()[0] - 0.92, panel.loss.area.get_center()[1], 0],
            aligned_edge=LEFT)

    def step_text(self, step: int) -> Text:
        _, text = self.number("main", step, "scalar", "step", formatter=fmt_int)
        return self.label(text, 30).next_to(self.step_end, LEFT, 0.15, aligned_edge=DOWN)

    def end_words(self, panel: Panel) -> VGroup:
        """"layer 1:" at the chart's left and "layer n:" right of its middle, under it."""
        left = panel.chart.area.get_left()[0]
        first = self.label("layer 1:", 22).move_to([left, Y_NOTE, 0], aligned_edge=LEFT)
        last = self.label(f"layer {len(panel.layers)}:", 22)
        return VGroup(first, last.move_to([left + 3.3, Y_NOTE, 0], aligned_edge=LEFT))

    def end_values(self, panel: Panel, step: int) -> list[Text]:
        """The norms of the first and last layers at ``step``, after their words."""
        out = []
        for word, i in zip(panel.ends, (0, len(panel.layers) - 1)):
            _, text = self.norm_text(panel, step, i)
            out.append(self.label(text, 22, color=self.theme.gradient)
                       .next_to(word, RIGHT, buff=0.15, aligned_edge=DOWN))
        return out

    def accuracy(self, panel: Panel) -> VGroup:
        """The training accuracy of the last epoch, after the activation's name (in place of
        the init, which it replaces at the verdict)."""
        epochs = self.trace(panel.role).epochs
        if not epochs or "accuracy" not in epochs[-1]:
            return VGroup()
        _, text = self.number(panel.role, None, "epoch", "accuracy", index=(len(epochs) - 1,),
                              formatter=lambda v: f"{100 * v:.1f}%")
        g = VGroup(self.label("accuracy", 22, color=self.theme.muted),
                   self.label(text, 24, color=panel.color))
        g.arrange(RIGHT, buff=0.12, aligned_edge=DOWN)
        return g.next_to(panel.header[0], RIGHT, buff=0.3, aligned_edge=DOWN)

    def readout(self, panel: Panel, i: int, text: str) -> VGroup:
        g = VGroup(self.label(f"layer {i + 1}:  ‖∂L/∂W‖ =", 22),
                   self.label(text, 22, color=self.theme.gradient))
        g.arrange(RIGHT, buff=0.15, aligned_edge=DOWN)
        return g.move_to([panel.chart.area.get_center()[0], Y_NOTE, 0])

    def annotation(self, panel: Panel, step: int) -> tuple[VGroup, Text]:
        """How much less gradient layer 1 gets than the last layer at ``step``: when it is
        at least 10× less, a dashed level at the last layer's norm and an arrow up to it from
        layer 1's bar, labelled with the whole decades between them; otherwise how close
        all layers are. Returns (the drawing, possibly empty; a note under the chart)."""
        k = self.steps.index(step)
        norms = self.norms[panel.role][k]
        gap = decade_gap(norms[0], norms[-1])
        where = [panel.chart.area.get_center()[0], Y_NOTE, 0]
        if gap is None or gap < 1:
            spread = decade_spread(norms)
            self.claims.append((panel.role, step, "spread", spread))
            if spread is None:
                text = "some layers get no gradient at all"
            else:
                factor = str(10 ** spread) if spread <= 3 else power_of_ten(spread)
                text = f"all layers within {factor}× of each other"
            return VGroup(), self.label(text, 22).move_to(where)
        self.claims.append((panel.role, step, "gap", gap))
        chart, x = panel.chart, panel.chart.column_x(0)
        arrow = DoubleArrow([x, chart.top(0, norms[0])[1] + 0.05, 0],
                            [x, chart.y_of(norms[-1]), 0], buff=0, stroke_width=3,
                            color=self.theme.active, max_tip_length_to_length_ratio=0.08)
        label = self.label(f"> {power_of_ten(gap)}×", 24, color=self.theme.active)
        label.next_to(arrow, RIGHT, buff=0.12).set_y(chart.y_of(norms[-1]) - 0.35)
        n = len(panel.layers)
        note = self.label(f"layer 1 gets < {power_of_ten(-gap)} of layer {n}'s gradient", 22)
        return VGroup(chart.level_line(norms[-1]), arrow, label), note.move_to(where)

    # -- presenter notes --------------------------------------------------------------------
    def shown_text(self, role: str, step, quantity: str) -> str | None:
        """The text of a number the scene already showed (None: not shown)."""
        for item in reversed(self.shown.items):
            if (item.role, item.step, item.quantity) == (role, step, quantity):
                return item.text
        return None

    def end_norms(self, panel: Panel, step: int) -> tuple[str | None, str | None]:
        """The shown texts of the first and last layers' ‖∂L/∂W‖ at ``step``."""
        return (self.shown_text(panel.role, step, norm_key(panel.layers[0])),
                self.shown_text(panel.role, step, norm_key(panel.layers[-1])))

    # -- helpers ----------------------------------------------------------------------------
    # manim redraws every frame all mobjects from the first moving one to the end of the
    # scene's list, so still things go to the back and things about to fade to the front.
    def settle(self, *mobs: Mobject) -> None:
        """Mark ``mobs`` as still: move them to the back of the drawing order."""
        self.bring_to_back(*mobs)

    def fade_out(self, *mobs: Mobject) -> list[Animation]:
        self.bring_to_front(*mobs)
        return [fade_out(m) for m in mobs]

    def swap(self, old: Mobject | None, new: Mobject) -> Mobject:
        """Replace ``old`` by ``new`` at once (no Transform: copying Text is slow)."""
        if old is not None:
            self.remove(old)
        self.add(new)
        return new

    def say(self, *parts: Mobject, wait: float = 0.0) -> None:
        """Replace the caption line at the bottom."""
        new = VGroup(*parts).arrange(RIGHT, buff=0.2)
        if new.width > 13.6:
            new.scale_to_fit_width(13.6)
        new.move_to([0, Y_CAPTION, 0])
        appear = fade_in(new, shift=0.1 * UP)
        if self.caption is None:
            self.play(appear, run_time=self.t(0.6))
        else:  # one play, old line out first, then the new one in: never two lines at once
            self.play(Succession(AnimationGroup(*self.fade_out(self.caption)), appear),
                      run_time=self.t(0.6))
        self.settle(new)
        self.caption = new
        if wait:
            self.wait(self.t(wait))

    # -- the scene --------------------------------------------------------------------------
    def construct(self) -> None:
        th = self.theme
        self.reductions = ShownValues()  # the ‖W.grad‖ values on screen (tests check them)
        self.claims: list[tuple[str, int, str, int | None]] = []  # decade gaps on screen
        self.caption = None
        self.steps = self.trace("main").steps
        self.norms = {role: self.norm_table(role) for role in self.runs}
        lo, hi = LogBarChart.decades(np.concatenate([v.ravel() for v in self.norms.values()]))
        loss_hi = math.ceil(max(np.nanmax(self.trace(r).scalars("loss")) for r in self.runs)
                            * 10) / 10
        self.panels = [self.build_panel("main", lo, hi, -5.85, loss_hi, th.series[0]),
                       self.build_panel("relu", lo, hi, 0.95, loss_hi, th.series[1])]
        self.next_section("networks")
        self.intro()
        self.next_section("backward")
        self.first_step()
        self.next_section("training")
        self.training()
        self.next_section("verdict")
        self.verdict()

    def intro(self) -> None:
        th = self.theme
        title = self.label("Vanishing gradients", 36).move_to([-6.9, Y_TITLE, 0],
                                                              aligned_edge=LEFT)
        last = self.trace("main").all_steps[-1]
        _, end = self.number("main", last, "scalar", "step", formatter=fmt_int,
                           now=False)
        self.step_end = self.label(f"/ {end}", 22, color=th.muted)
        self.step_end.move_to([6.9, Y_TITLE, 0], aligned_edge=RIGHT)
        widest = self.label(end, 30).width  # step numbers are right-aligned, "step" stays put
        self.step_word = self.label("step", 26, color=th.muted)
        self.step_word.next_to(self.step_end, LEFT, buff=0.27 + widest, aligned_edge=DOWN)
        self.step_now = self.step_text(self.steps[0])
        axis = self.label("‖∂L/∂W‖ (log scale)", 22, color=th.gradient).rotate(math.pi / 2)
        axis.move_to([-6.9, self.panels[0].chart.area.get_center()[1], 0], aligned_edge=LEFT)
        self.play(fade_in(title), fade_in(self.step_word), fade_in(self.step_end),
                  fade_in(self.step_now), run_time=self.t(0.8))
        for p in self.panels:
            self.play(fade_in(p.static[0]), Create(p.strip), run_time=self.t(1.2))
        self.play(*[fade_in(p.static[1:]) for p in self.panels], fade_in(axis),
                  run_time=self.t(1.0))
        self.settle(title, self.step_word, self.step_end, axis,
                    *[p.static for p in self.panels])
        for p in self.panels:  # the moving parts last (bars start invisible)
            self.add(p.chart.bars, p.loss.line, p.loss_dot)
            p.loss_value = self.swap(None, self.loss_value(p, self.steps[0]))
        text = self.comparison()
        self.say(self.label(text, 26), wait=reading_time(text))
        sig, relu = self.panels
        self.note(say=f"Two deep nets of {len(sig.layers)} Dense layers side by side: "
                      f"{sig.activation} on the left, {relu.activation} on the right.",
                  ask="What is the only difference between the two networks?",
                  answer=text)

    def comparison(self) -> str:
        """What the two runs share, read from their configs (claimed only when true)."""
        a, b = self.trace("main"), self.trace("relu")
        shared = all(a.config[k] == b.config[k] for k in ("data", "optimizer", "training"))
        shapes = [[i["params"] for i in t.layer_info] for t in (a, b)]
        if not (shared and shapes[0] == shapes[1] and a.seed == b.seed):
            return "Two runs that differ in more than the activation: compare with care."
        inits = {t.config["model"]["layers"][0].get("init", "glorot") for t in (a, b)}
        what = "the activation (and the init made for it)" if len(inits) > 1 else \
            "the activation"
        return (f"Same {a.config['data']['name']} data, depth, width, optimizer and seed: "
                f"only {what} differs.")

    def walk(self, panel: Panel, step: int, first: float, rest: float, slow: int) -> Mobject:
        """The first step's backward pass through ``panel``: the error leaves the loss, and
        each layer's bar rises as it gets its gradient, output side first. The strip stays
        still; outlines drawn over its boxes mark the active layer and the layers done."""
        th, chart, strip = self.theme, panel.chart, panel.strip
        n = len(panel.layers)
        below = strip.boxes[0].get_bottom()[1] - 0.13
        dot = Dot([strip.out.get_center()[0], below, 0], radius=0.08, color=th.gradient)
        active = strip.boxes[-1].copy().set_stroke(th.active, width=4)
        panel.done = VGroup()
        self.play(fade_in(dot, scale=0.5), fade_in(active), run_time=self.t(0.4))
        read = None
        for j, i in enumerate(reversed(range(n))):
            v, text = self.norm_text(panel, step, i)
            if i < n - 1:
                panel.done.add(strip.boxes[i + 1].copy().set_stroke(th.gradient, width=3))
                self.add(panel.done[-1])
            self.play(dot.animate.move_to([chart.column_x(i), below, 0]),
                      active.animate.move_to(strip.boxes[i]),
                      Transform(chart.bars[i], chart.bar_for(i, v)),
                      run_time=self.pace(j, slow=slow, first=first, rest=rest))
            read = self.swap(read, self.readout(panel, i, text))  # as the bar arrives
        panel.done.add(strip.boxes[0].copy().set_stroke(th.gradient, width=3))
        self.add(panel.done[-1])
        self.play(*self.fade_out(dot, active), run_time=self.t(0.4))
        self.settle(panel.done)
        return read

    def first_step(self) -> None:
        th = self.theme
        sig, relu = self.panels
        s0 = self.steps[0]
        self.say(self.label("First step: backprop carries the error from the loss back to "
                            "layer 1. Each bar is one layer's ‖∂L/∂W‖.", 26))
        # each layer's readout stays long enough to be read (it changes with every bar)
        read = self.walk(sig, s0, first=1.2, rest=0.9, slow=3)
        self.wait(self.t(0.8))
        text = "Error signals get diluted going backward: the vanishing gradient problem."
        self.say(self.label(text, 28, color=th.gradient))
        sig.drawing, sig.note = self.annotation(sig, s0)
        self.play(*self.fade_out(read), run_time=self.t(0.3))
        self.play(fade_in(sig.drawing), fade_in(sig.note), run_time=self.t(1.0))
        self.settle(sig.drawing, sig.note)
        self.wait(self.t(max(2.0, reading_time(text) - 1.3)))  # 1.3 s of plays above
        facts = DERIVATIVE_FACTS.get(sig.activation)
        if facts is not None:
            self.say(self.tex(facts[0] + ",", size=34), self.label(f"so {facts[1]}.", 26),
                     wait=reading_time(f"{facts[0]}, so {facts[1]}."))
        facts = DERIVATIVE_FACTS.get(relu.activation)
        if facts is not None:
            self.say(self.tex(facts[0] + ",", size=34), self.label(f"so {facts[1]}.", 26))
        read = self.walk(relu, s0, first=0.9, rest=0.6, slow=1)
        relu.drawing, relu.note = self.annotation(relu, s0)
        self.play(*self.fade_out(read), run_time=self.t(0.3))
        self.play(fade_in(relu.drawing), fade_in(relu.note), run_time=self.t(0.8))
        self.settle(relu.drawing, relu.note)
        self.wait(self.t(2.5))
        first, last = self.end_norms(sig, s0)
        n = len(sig.layers)
        self.note(say="Backprop multiplies the error by each layer's derivative on the way "
                      f"back: {sig.activation}'s derivative shrinks it at every layer, "
                      f"{relu.activation}'s passes it on.",
                  ask=f"At the first step, how much gradient reaches layer 1 of the "
                      f"{sig.activation} net compared with layer {n}?",
                  answer=(f"Layer 1 gets \u2016\u2202L/\u2202W\u2016 = {first}, layer {n} "
                          f"gets {last}: the signal is diluted on the way back."
                          if first and last else
                          "Far less: its bars fall layer by layer towards the input."))

    def training(self) -> None:
        s0 = self.steps[0]
        self.say(self.label("Training: the bars follow the recorded gradients, "
                            "the curves each run's mini-batch loss.", 26))
        self.play(*self.fade_out(*[m for p in self.panels for m in (p.drawing, p.note, p.done)]),
                  run_time=self.t(0.5))
        for p in self.panels:
            p.ends = self.end_words(p)
            p.end_values = self.end_values(p, s0)
        self.play(*[fade_in(m) for p in self.panels for m in (p.ends, *p.end_values)],
                  run_time=self.t(0.5))
        self.settle(*[p.ends for p in self.panels])
        for j, step in enumerate(self.steps[1:]):
            k = self.steps.index(step)
            self.step_now = self.swap(self.step_now, self.step_text(step))
            anims = []
            for p in self.panels:
                p.loss_value = self.swap(p.loss_value, self.loss_value(p, step))
                p.end_values = [self.swap(old, new) for old, new
                                in zip(p.end_values, self.end_values(p, step))]
                anims += [Transform(p.chart.bars[i], p.chart.bar_for(i, v))
                          for i, v in enumerate(self.norms[p.role][k])]
                at = self.trace(p.role).step_position(step)  # index into the loss series
                anims += p.loss.grow_to(at, rider=p.loss_dot)
            self.play(*anims, run_time=self.pace(j, slow=2, first=0.8, rest=0.3))
        self.wait(self.t(1.0))  # the section's still: the last recorded step
        sig, relu = self.panels
        end = self.steps[-1]
        (s1, _), (r1, _) = self.end_norms(sig, end), self.end_norms(relu, end)
        loss = {p.role: self.shown_text(p.role, end, "loss") for p in self.panels}
        self.note(say="Through training the bars follow the recorded gradients and the "
                      "curves each run's mini-batch loss.",
                  ask=f"By the last step, does layer 1 of the {sig.activation} net get as "
                      f"much gradient as in the {relu.activation} net?",
                  answer=(f"Layer 1 gets {s1} with {sig.activation} and {r1} with "
                          f"{relu.activation}; the losses are {loss[sig.role]} and "
                          f"{loss[relu.role]}." if s1 and r1 else
                          f"The losses end at {loss[sig.role]} and {loss[relu.role]}."))

    def verdict(self) -> None:
        last = self.steps[-1]
        anims = []
        for p in self.panels:  # norms and init make way for the verdict and the accuracy
            p.drawing, p.note = self.annotation(p, last)
            init = p.header[1]
            p.header.remove(init)
            anims += self.fade_out(p.ends, *p.end_values, init)
        self.play(*anims, run_time=self.t(0.4))
        self.play(*[fade_in(m) for p in self.panels
                    for m in (p.drawing, p.note, self.accuracy(p))], run_time=self.t(1.0))
        sig, relu = self.panels
        kinds = [claim[2] for claim in self.claims[-2:]]
        if kinds == ["gap", "spread"]:
            text = (f"{sig.activation}: the first layers get almost no gradient, so they "
                    f"barely learn. {relu.activation}: every layer learns.")
        else:
            text = "Compare how much of the gradient reaches the first layers of each net."
        self.say(self.label(text, 26), wait=max(4.0, reading_time(text)))
        stuck = self.at_chance(sig)
        if stuck:
            self.say(self.label(stuck, 26, t2c={"- - -": self.theme.muted}),
                     wait=reading_time(stuck))
        chance = self.shown_text(sig.role, None, "baseline/loss")
        loss = self.shown_text(sig.role, self.trace(sig.role).steps[-1], "loss")
        self.note(say="Vanishing gradients: with saturating activations the layers near "
                      "the input get almost no gradient; ReLU keeps the signal alive.",
                  ask="Which net's first layers barely learn, and what is the cure?",
                  answer=(text if kinds == ["gap", "spread"] else
                          "Compare the gaps under the charts: the smaller the gradient "
                          "reaching layer 1, the less it learns.")
                         + (f" {sig.activation} ends at chance: loss {loss} against "
                            f"{chance}." if stuck else ""))

    def at_chance(self, panel: Panel) -> str | None:
        """The sentence saying that ``panel``'s net ended at chance (its last loss within
        5 % of the input-blind baseline's), None when it did not."""
        t = self.trace(panel.role)
        last, loss_text = self.number(panel.role, t.steps[-1], "scalar", "loss")
        chance, chance_text = self.number(panel.role, None, "static", "baseline/loss", (0,))
        if abs(last - chance) > 0.05 * chance or not t.epochs:
            return None
        pct = lambda v: f"{100 * v:.1f}%"  # noqa: E731 - the accuracy's format, as shown above
        _, acc = self.number(panel.role, None, "epoch", "accuracy", (len(t.epochs) - 1,),
                             formatter=pct)
        _, base_acc = self.number(panel.role, None, "static", "baseline/accuracy", (0,),
                                  formatter=pct)
        return (f"{panel.activation} is stuck at chance: loss {loss_text} vs {chance_text} "
                f"(- - -) and {acc} vs {base_acc} for always guessing one class.")
