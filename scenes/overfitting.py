"""Overfitting: a network far larger than its data memorises the noise; early stopping, L2,
L1 and dropout hold it back. Four runs of one net from the same data, split and initial
weights (the traces of overfit_plain, overfit_l2, overfit_l1 and overfit_dropout).

Sections (about 88 s at speed 1)
  memorise   40 noisy points on a sine, training points filled, validation points hollow;
             the plain 1 → 32 → 32 → 1 tanh net's fitted function (the traced eval/pred)
             every 100 epochs beside its train (epoch mean) and validation (epoch end) loss;
             the training loss falls towards 0 while the validation loss turns up; the epoch
             of the lowest validation loss marked (where early stopping stops) with the fit
             recorded nearest to it (32 s)
  penalties  the same net with L2, with L1 and with dropout, side by side: fitted
             functions over training, train and validation loss, the loss at the end split
             as "loss = MSE + penalty" from the traced scalars loss and penalty, and each
             run's validation loss at the end against the plain net's and early stopping's
             (34 s)
  weights    histograms of the hidden layer's weights W₂ (32 × 32) of all four nets from
             the same start to the end: plain and dropout spread wide, L2 shrinks them all,
             L1 leaves most within 10⁻³ of 0 and a few large (none exactly 0) (22 s)

    manim -qm scenes/overfitting.py Overfitting
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UL, UP, Circle, Create, DashedLine, Dot, Group,
                   Line, Rectangle, Text, VGroup, VMobject, linear)

from nnanim.engine.errors import TraceError
from nnanim.engine.losses import MSE, get_loss
from nnanim.engine.trace import Trace
from nnanim.scenes.base import FONT, TraceScene
from nnanim.scenes.narration import Narration
from nnanim.scenes.format import fmt, fmt_int
from nnanim.scenes.loss_functions import inside_runs, set_styled
from nnanim.scenes.mobjects.box import set_box
from nnanim.scenes.mobjects.light_animations import Tween, fade_in, fade_out, replace
from nnanim.scenes.mobjects.plot_axes import PlotAxes, nice_ticks, tick_text
from nnanim.scenes.mobjects.run_marker import run_marker
from nnanim.scenes.mobjects.ticker_text import TickerText
from nnanim.scenes.mobjects.styled_curve import StyledCurve
from nnanim.scenes.theme import RunStyle

#: the four runs in the order of their styles (theme.runs[i]) and their names on screen
ROLES = ("main", "l2", "l1", "dropout")
NAMES = {"main": "plain", "l2": "L2", "l1": "L1", "dropout": "dropout"}
#: the remedies of section 2, left to right
REMEDIES = ("l2", "l1", "dropout")
STATICS = ("data/x", "data/labels", "data/train_indices", "data/val_indices", "eval/grid_x")
#: |w| below this counts as "near zero" in section 3's sentence (a display threshold)
NEAR_ZERO = 1e-3
#: histogram bins (odd: one bin is centred on 0)
BINS = 41
#: seconds the recorded steps take to play through, at speed 1 (sections 1, 2, 3)
SWEEP = (9.0, 7.0, 6.0)
WIDE = 13.4            # the widest caption line
Y_CAPTION = -3.4
COLUMNS = (-4.6, 0.0, 4.6)   # section 2's columns


def loss_text(v: float) -> str:
    """A loss with four decimals: 0.0032, 0.2143."""
    return fmt(v, 4)


def dense_layers(t: Trace) -> list[str]:
    """The names of the Dense layers, input side first."""
    return [layer["name"] for layer in t.layer_info if layer["type"] == "Dense"]


def layer_index(t: Trace, kind: str, k: int = 0) -> int:
    """Where the k-th layer of type ``kind`` sits in the config's model.layers."""
    return [i for i, layer in enumerate(t.layer_info) if layer["type"] == kind][k]


def activation_name(t: Trace) -> str:
    """The hidden activation as the lecture writes it: tanh, ReLU, σ."""
    kind = next((layer["type"] for layer in t.layer_info
                 if layer["type"] not in ("Dense", "Dropout")), "")
    return {"Tanh": "tanh", "Sigmoid": "σ"}.get(kind, kind)


def decade(v: float) -> str:
    """A tick of a log axis: 10^v as 0.001, 0.01, 0.1, 1."""
    return f"{10 ** v:g}"


def log_axes(theme, x_range, y_range, width: float, height: float, x_ticks,
             x_format=tick_text, font_size: float = 20, label_every: int = 1) -> PlotAxes:
    """PlotAxes with a log10 y-axis: ticks at the whole decades in ``y_range``, every
    ``label_every``-th labelled 0.001, 0.01, ... (none with 0). PlotAxes formats both axes
    alike, so the decades are added here."""
    axes = PlotAxes(theme, x_range, y_range, width, height, x_ticks=x_ticks,
                    font_size=font_size, tick_format=x_format)
    style = {"stroke_color": theme.muted, "stroke_width": 2}
    top = int(np.floor(y_range[1]))
    for v in range(int(np.ceil(y_range[0])), top + 1):
        base = axes.p(x_range[0], v)
        axes.ticks.add(Line(base, base + 0.1 * LEFT, **style))
        if label_every and (top - v) % label_every == 0:
            label = Text(decade(v), font=FONT, font_size=font_size, color=theme.muted)
            axes.tick_labels.add(label.next_to(base, LEFT, buff=0.15))
    return axes


class Overfitting(Narration, TraceScene):
    """A big net memorises noise (train loss falls, validation loss turns up: early
    stopping), then the same net with L2, L1 and dropout, and what the penalties do to its
    weights. Length at speed 1: about 88 s (memorise 32 s, penalties 34 s, weights 22 s)."""

    title = "Overfitting and regularization"
    description = ("a 1-32-32-1 net memorises 20 noisy points: train vs validation loss, early "
                   "stopping; then L2, L1, dropout side by side and their weights")
    runs = {"main": "overfit_plain", "l2": "overfit_l2", "l1": "overfit_l1",
            "dropout": "overfit_dropout"}
    trace_kind = "network"
    duration = 88.0
    caption_y, caption_width, say_seconds = Y_CAPTION, WIDE, 0.8  # Narration

    # -- traces -----------------------------------------------------------------------------
    def check_trace(self, role: str, t: Trace) -> None:
        name = f"Overfitting ({role} run)"
        dense = dense_layers(t)
        if len(dense) < 3 or t.layer_settings(dense[0])["in_features"] != 1 \
                or t.layer_settings(dense[-1])["out_features"] != 1:
            raise TraceError(f"{name} needs a net 1 → … → 1 with two hidden layers or more; "
                             f"{t.path} has {'-'.join(lay['type'] for lay in t.layer_info)}")
        loss = dict(t.config.get("loss", {}))
        if not isinstance(get_loss(loss.pop("name", "?"), **loss), MSE):
            raise TraceError(f"{name} needs the MSE loss, {t.path} used {t.config.get('loss')}")
        missing = [k for k in STATICS if k not in t.manifest.get("static", [])]
        if missing:
            raise TraceError(f"{name}: {t.path} lacks {', '.join(missing)} (1-D data with "
                             "record.grid)")
        if not len(t.static("data/val_indices")) or "val_loss" not in t.epochs[-1]:
            raise TraceError(f"{name} needs a validation split (data.validation > 0)")
        if len(t.all_steps) != len(t.epochs):
            raise TraceError(f"{name} needs full-batch training (one step per epoch), "
                             f"{t.path} has {len(t.all_steps)} steps in {len(t.epochs)} epochs")
        steps = self.grid_steps(t)
        if not steps or steps[0] != 0 or len(steps) < 3:
            raise TraceError(f"{name} needs eval/pred at step 0 and at 3 steps or more "
                             "(record.grid)")
        if not all(t.has(steps[-1], d, "W") for d in dense):
            raise TraceError(f"{name} needs the weights W of every Dense layer "
                             "(record.quantities with param)")
        self.check_remedy(role, name, t)
        if role != "main":
            self.check_same_start(name, t)

    def check_remedy(self, role: str, name: str, t: Trace) -> None:
        """The plain run has no remedy; each other run has exactly its own."""
        reg = t.config.get("regularization", {})
        has = {"l2": reg.get("l2", 0) > 0, "l1": reg.get("l1", 0) > 0,
               "dropout": any(layer["type"] == "Dropout" for layer in t.layer_info)}
        want = {k: k == role for k in has}
        if has != want:
            what = [k for k, v in has.items() if v] or ["none"]
            raise TraceError(f"{name} must be trained with "
                             f"{NAMES[role] if role != 'main' else 'no regularization'}; "
                             f"{t.path} has {', '.join(what)}")
        if role in ("l1", "l2") and np.isnan(t.scalars("penalty")).any():
            raise TraceError(f"{name}: {t.path} lacks the per-step scalar penalty")

    def check_same_start(self, name: str, t: Trace) -> None:
        """A remedy is compared with the plain run: same points, split, recorded steps and
        initial weights."""
        main = self.trace("main")
        for key in ("data/x", "data/labels", "data/val_indices", "eval/grid_x"):
            a, b = main.static(key), t.static(key)
            if a.shape != b.shape or not np.array_equal(a, b):
                raise TraceError(f"{name} is compared with the plain run on the same data, "
                                 f"but its {key} differs from the plain run's")
        if self.grid_steps(t) != self.grid_steps(main):
            raise TraceError(f"{name} must record the same steps as the plain run")
        mine, theirs = dense_layers(t), dense_layers(main)
        same = len(mine) == len(theirs) and all(
            np.array_equal(t.get(0, a, "W"), main.get(0, b, "W")) for a, b in zip(mine, theirs))
        if not same:
            raise TraceError(f"{name} must start from the plain run's initial weights "
                             "(same seed and layer sizes)")

    @staticmethod
    def grid_steps(t: Trace) -> list[int]:
        return [s for s in t.steps if t.has(s, "eval", "pred")]

    # -- headings ---------------------------------------------------------------------------
    def heading(self, text: str) -> None:
        new = self.label(text, size=34).to_corner(UL, buff=0.3)
        self.play(*replace(self.head, new), run_time=self.t(0.6))
        self.head = new

    # -- pieces -----------------------------------------------------------------------------
    def setting(self, role: str, index: int, field: str) -> str:
        """A number of layer ``index`` of the run's config (model.layers), recorded as shown."""
        return self.number(role, None, "config", f"model.layers.{index}.{field}",
                           formatter=lambda v: f"{v:g}")[1]

    def net_name(self, role: str) -> str:
        """The net as the lecture writes it, "1 → 32 → 32 → 1 tanh", from its config."""
        t = self.trace(role)
        dense = [i for i, layer in enumerate(t.layer_info) if layer["type"] == "Dense"]
        sizes = [self.setting(role, dense[0], "in_features")]
        sizes += [self.setting(role, i, "out_features") for i in dense]
        return " → ".join(sizes) + f" {activation_name(t)}"

    def fit_plot(self, width: float, height: float, small: bool = False) -> PlotAxes:
        """Axes over the recorded grid of x and the data's range of y (widened a little:
        a wild fit is cut at the box); ``small``: y ticks only, no axis names (section 2's
        columns repeat section 1's plot)."""
        gx = self.trace("main").static("eval/grid_x")
        ys = self.trace("main").static("data/labels")
        pad = 0.35 * (ys.max() - ys.min())
        lo, hi = ys.min() - pad, ys.max() + pad
        return PlotAxes(self.theme, (gx[0], gx[-1]), (lo, hi), width, height,
                        x_ticks=[] if small else nice_ticks(gx[0], gx[-1], 4),
                        y_ticks=nice_ticks(lo, hi, 2 if small else 3),
                        x_label=None if small else "x", y_label=None if small else "y",
                        font_size=20)

    def data_dots(self, plot: PlotAxes, radius: float = 0.07) -> VGroup:
        """Training points filled, validation points hollow, in the value colour."""
        th, t = self.theme, self.trace("main")
        xs, ys = t.static("data/x")[:, 0], t.static("data/labels")
        val = {int(i) for i in t.static("data/val_indices")}
        dots = VGroup()
        for k, (x, y) in enumerate(zip(xs, ys)):
            dot = Dot(plot.p(x, y), radius=radius)
            if k in val:
                dot.set_fill(th.background, opacity=1.0).set_stroke(th.value, width=3)
            else:
                dot.set_fill(th.value, opacity=1.0).set_stroke(th.background, width=1)
            dots.add(dot)
        return dots.set_z_index(3)

    def point_key(self, size: float = 22) -> VGroup:
        """● training point, ○ validation point."""
        th = self.theme
        filled = Dot(radius=0.08).set_fill(th.value, 1.0).set_stroke(width=0)
        hollow = Dot(radius=0.08).set_fill(th.background, 1.0).set_stroke(th.value, width=3)
        return VGroup(VGroup(filled, self.label("train", size=size)).arrange(RIGHT, buff=0.12),
                      VGroup(hollow, self.label("validation", size=size))
                      .arrange(RIGHT, buff=0.12)).arrange(RIGHT, buff=0.4)

    def fit_curve(self, role: str, plot: PlotAxes, width: float = 5.0) -> VMobject:
        """The run's fitted function (its traced eval/pred), in its colour and dashes, with
        its marker at the right end; ``show(step)`` redraws it at a recorded step."""
        style = self.styles[role]
        curve = VMobject(stroke_color=style.color, stroke_width=width).set_z_index(2)
        head = run_marker(style, plot.p(0, 0), 0.09, outline=self.theme.background)
        gx = self.trace(role).static("eval/grid_x")

        def show(step: int) -> None:
            pred = self.trace(role).get(step, "eval", "pred")[:, 0]
            set_styled(curve, inside_runs(plot, gx, pred), style)
            y = float(np.clip(pred[-1], *plot.y_range))
            head.move_to(plot.p(gx[-1], y))

        group = VGroup(curve, head.set_z_index(4))
        group.show = show
        return group

    def loss_chart(self, role: str, width: float, height: float, at, log_range,
                   font: float = 20, every: int = 200, label_every: int = 1) -> SimpleNamespace:
        """Train (epoch mean, filled markers) and validation (epoch end, hollow markers)
        loss of run ``role`` over the epochs, on a log axis, in the run's colour and dashes;
        ``draw(done)`` shows the first ``done`` epochs."""
        th, t, style = self.theme, self.trace(role), self.styles[role]
        axes = log_axes(th, (0, self.epochs_end), log_range, width, height,
                        x_ticks=nice_ticks(0, self.epochs_end, 2), font_size=font,
                        label_every=label_every)
        axes.shift(np.asarray(at, dtype=float) - axes.box.get_center())
        ends = np.array([e["steps"] for e in t.epochs], dtype=float)
        curves = []
        for metric, hollow in (("loss", False), ("val_loss", True)):
            ys = np.log10(np.array([e[metric] for e in t.epochs], dtype=float))
            pts = axes.points_of(np.column_stack([ends, ys]))
            curve = StyledCurve(style, style.color, width=3.0).set_z_index(2)
            marks = VGroup(*[self.marker(style, pts[i], 0.06, hollow)
                             for i in range(every - 1, len(pts), every)])
            curve.add(marks)
            curve.pts, curve.marks = pts, marks
            curves.append(curve)

        def draw(done: int) -> None:
            for c in curves:
                c.set_curve(c.pts[:done] if done >= 2 else c.pts[:0])
                for i, mark in enumerate(c.marks):
                    mark.set_opacity(1.0 if (i + 1) * every <= done else 0.0)

        draw(0)
        return SimpleNamespace(axes=axes, curves=curves, draw=draw, ends=ends)

    def log_range(self, roles) -> tuple[float, float]:
        """A log10 loss axis for the runs ``roles``: from the decade under their lowest
        train or validation loss to a little over the highest."""
        values = [e[m] for r in roles for e in self.trace(r).epochs for m in ("loss", "val_loss")]
        return (float(np.floor(np.log10(min(values)))), float(np.log10(max(values)) + 0.1))

    def marker(self, style: RunStyle, point, radius: float, hollow: bool) -> VMobject:
        """The run's marker, filled (train) or hollow (validation)."""
        mark = run_marker(style, point, radius)
        if hollow:
            mark.set_fill(self.theme.background, opacity=1.0).set_stroke(style.color, 2.5)
        return mark

    def loss_key(self, size: float = 20, style: RunStyle | None = None,
                 penalty: bool = False) -> VGroup:
        """Filled marker: train loss (epoch mean); hollow: validation loss (epoch end)."""
        style = style or self.styles["main"]
        train = "train (epoch mean, penalty included)" if penalty else "train (epoch mean)"
        return VGroup(*[VGroup(self.marker(style, np.zeros(3), 0.07, hollow),
                               self.label(text, size=size)).arrange(RIGHT, buff=0.12)
                        for hollow, text in ((False, train),
                                             (True, "validation (epoch end)"))])

    def counter(self, at: np.ndarray) -> VGroup:
        """"after N epochs" with a ticker for N (the recorded step shown)."""
        th = self.theme
        before = self.label("after", size=22, color=th.muted)
        value = TickerText("0", font_size=22, color=th.text, max_len=5, align=RIGHT)
        after = self.label("epochs", size=22, color=th.muted)
        before.move_to(at, aligned_edge=LEFT)
        value.anchor_at([before.get_right()[0] + 0.15 + 4 * value.advance,
                         before.get_bottom()[1], 0])
        after.next_to(before, RIGHT, buff=0.3 + 4 * value.advance)
        after.shift((before.get_bottom()[1] - after[0].get_bottom()[1]) * UP)  # one baseline
        group = VGroup(before, value, after)
        group.value = value
        return group

    def set_counter(self, counter: VGroup, step: int) -> None:
        counter.value.set_text(self.number("main", step, "scalar", "step",
                                           formatter=fmt_int)[1])

    def sweep(self, seconds: float, on_step, charts=(), movers=()) -> None:
        """Play the recorded steps through: the charts grow epoch by epoch, ``on_step(step)``
        redraws what is recorded only every few epochs (the last recorded step so far)."""
        steps = np.array(self.steps)
        total = float(self.epochs_end)
        state = {"step": None, "done": -1}

        def frame(_, alpha: float) -> None:
            now = alpha * total
            step = int(steps[max(np.searchsorted(steps, now, side="right") - 1, 0)])
            if step != state["step"]:
                state["step"] = step
                on_step(step)
            done = int(np.searchsorted(self.ends, now, side="right"))
            if done != state["done"]:
                state["done"] = done
                for chart in charts:
                    chart.draw(done)

        moving = Group(*movers, *[c for chart in charts for c in chart.curves])
        self.play(Tween(moving, frame), run_time=self.t(seconds), rate_func=linear)
        frame(None, 1.0)
        for role in ROLES:
            self.reached(role, self.steps[-1])

    # -- the scene ----------------------------------------------------------------------------
    def construct(self) -> None:
        self.captions: list[str] = []
        self.said = self.head = None
        self.styles = {role: self.theme.runs[i] for i, role in enumerate(ROLES)}
        t = self.trace("main")
        self.steps = self.grid_steps(t)
        self.ends = np.array([e["steps"] for e in t.epochs], dtype=float)
        self.epochs_end = float(self.ends[-1])
        self.next_section("memorise")
        self.memorise()
        self.next_section("penalties")
        self.penalties()
        self.next_section("weights")
        self.weights()

    # 1 -------------------------------------------------------------------------------------
    def memorise(self) -> None:
        th = self.theme
        self.heading("Overfitting: a big net memorises noise")
        plot = self.fit_plot(6.0, 3.9).move_to([-3.45, 0.0, 0])
        dots = self.data_dots(plot)
        key = self.point_key().next_to(plot.tick_labels, DOWN, buff=0.2).match_x(plot.box)
        n = self.number("main", None, "config", "data.n", formatter=lambda v: f"{v:g}")[1]
        held = self.number("main", None, "config", "data.validation",
                           formatter=lambda v: f"{100 * v:g} %")[1]
        self.play(fade_in(plot), fade_in(dots), fade_in(key), run_time=self.t(1.2))
        self.say(f"{n} noisy points on a sine: {held} held out for validation (hollow), the "
                 "rest to train on (filled).")
        chart = self.loss_chart("main", 4.6, 3.0, [4.3, 0.1, 0], self.log_range(("main",)))
        name = self.label("loss (MSE, log scale)", size=22)
        name.next_to(chart.axes.box, UP, buff=0.3).align_to(chart.axes.box, LEFT)
        x_name = self.label("epoch", size=20, color=th.muted)
        x_name.next_to(chart.axes.tick_labels, DOWN, buff=0.06).align_to(chart.axes.box, RIGHT)
        legend = self.loss_key().arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        legend.next_to(chart.axes.box, DOWN, buff=0.55).align_to(chart.axes.box, LEFT)
        fit = self.fit_curve("main", plot)
        fit.show(self.steps[0])
        counter = self.counter(plot.box.get_corner(UP + LEFT) + np.array([0.6, 0.45, 0]))
        self.set_counter(counter, self.steps[0])
        self.play(fade_in(chart.axes), fade_in(name), fade_in(x_name), fade_in(legend),
                  Create(fit), fade_in(counter), run_time=self.t(1.0))
        params = self.number("main", None, "summary", "param_count", formatter=fmt_int)[1]
        self.say(f"A {self.net_name('main')} net: {params} weights and biases, far more than "
                 "the training points.",
                 run_time=0.6, wait=False)

        def on_step(step: int) -> None:
            fit.show(step)
            self.set_counter(counter, step)

        self.add(*chart.curves)
        self.sweep(SWEEP[0], on_step, charts=[chart], movers=[fit, counter.value])
        self.plot, self.dots, self.chart, self.fit, self.counter1 = plot, dots, chart, fit, counter
        self.section_one = [plot, dots, key, chart.axes, name, x_name, legend, fit, counter,
                            *chart.curves]
        self.early_stop()

    def early_stop(self) -> None:
        """The end's losses, the epoch of the lowest validation loss (where early stopping
        stops) and the fit recorded nearest to it."""
        th, t, chart = self.theme, self.trace("main"), self.chart
        last = len(t.epochs) - 1
        train_end = self.number("main", None, "epoch", "loss", (last,), formatter=loss_text)
        falls = t.epochs[-1]["loss"] < t.epochs[0]["loss"] / 10
        self.say(f"Training loss falls to {train_end[1]}: the net threads every training "
                 "point, noise and all." if falls else
                 f"The training loss ends at {train_end[1]}.")
        best = int(np.argmin([e["val_loss"] for e in t.epochs]))   # a rule on traced values
        best_val = self.number("main", None, "epoch", "val_loss", (best,), formatter=loss_text)
        best_at = self.number("main", None, "epoch", "steps", (best,), formatter=fmt_int)
        x = chart.ends[best]
        top = chart.axes.p(x, chart.axes.y_range[1])
        line = DashedLine(chart.axes.p(x, chart.axes.y_range[0]), top, stroke_color=th.text,
                          stroke_width=2.5, dash_length=0.08)
        ring = Circle(radius=0.14, color=th.active, stroke_width=4)
        ring.move_to(chart.axes.p(x, np.log10(best_val[0]))).set_z_index(5)
        tag = self.label("early stop", size=20).next_to(top, RIGHT, buff=0.1).shift(0.15 * DOWN)
        # the recorded fit nearest the early stop: the weights after that many epochs
        near = min(self.steps, key=lambda s: abs(s - best_at[0]))
        early = VMobject(stroke_color=th.muted, stroke_width=4).set_z_index(1)
        gx = t.static("eval/grid_x")
        set_styled(early, inside_runs(self.plot, gx, t.get(near, "eval", "pred")[:, 0]),
                   RunStyle(th.muted, None, "circle"))
        near_text = self.number("main", near, "scalar", "step", formatter=fmt_int, now=False)[1]
        early_name = self.label(f"grey: the fit after {near_text} epochs", size=20,
                                color=th.muted)
        early_name.move_to(self.plot.box.get_corner(DOWN + RIGHT) + np.array([-0.1, 0.1, 0]),
                           aligned_edge=DOWN + RIGHT)
        if t.epochs[-1]["val_loss"] > best_val[0]:
            said = (f"Validation loss is lowest after {best_at[1]} epochs ({best_val[1]}), "
                    "then rises: early stopping would stop there.")
        else:
            said = f"Validation loss is lowest at the end ({best_val[1]}): nothing to stop."
        self.say(said, Create(line), Create(ring), fade_in(tag), Create(early),
                 fade_in(early_name), run_time=1.0)
        self.best = best
        self.section_one += [line, ring, tag, early, early_name]
        self.note(say=f"Training loss falls to {train_end[1]}: the big net threads every "
                      "training point, noise and all, so it stops predicting the sine.",
                  ask="When is the validation loss lowest, and what does it do after?",
                  answer=(f"After {best_at[1]} epochs ({best_val[1]}), then it rises: early "
                          "stopping would stop there."
                          if t.epochs[-1]["val_loss"] > best_val[0] else
                          f"At the end ({best_val[1]}): here there is nothing to stop."))

    # 2 -------------------------------------------------------------------------------------
    def penalties(self) -> None:
        self.play(fade_out(Group(*self.section_one)), fade_out(self.said), run_time=self.t(0.8))
        self.said = None
        self.heading("Three remedies: the same net from the same start")
        cols = [self.column(role, x) for role, x in zip(REMEDIES, COLUMNS)]
        neutral = RunStyle(self.theme.text, None, "circle")  # filled/hollow, any run
        legend = self.loss_key(size=20, style=neutral, penalty=True)
        thin = VMobject(stroke_color=self.styles["main"].color, stroke_width=2.5,
                        stroke_opacity=0.55).set_points_as_corners([[0, 0, 0], [0.5, 0, 0]])
        legend.add(VGroup(thin, self.label("plain net (end)", size=20)).arrange(RIGHT, buff=0.12))
        legend.arrange(RIGHT, buff=0.45).move_to([0, 2.85, 0])
        self.play(*[fade_in(c.static) for c in cols], fade_in(legend), run_time=self.t(1.2))
        self.say("Each remedy starts from the plain net's weights; the plain net's end fit "
                 "stays, thin.", run_time=0.6, wait=False)

        def on_step(step: int) -> None:
            for c in cols:
                c.fit.show(step)

        for c in cols:
            self.add(*c.chart.curves)
        self.sweep(SWEEP[1], on_step, charts=[c.chart for c in cols],
                   movers=[c.fit for c in cols])
        self.explain(cols)
        self.cols, self.legend2 = cols, legend
        self.note(say="L2 pulls large weights to 0 hardest, L1 pulls every weight equally, "
                      "dropout zeroes random hidden units in each training step.",
                  ask="Which remedies end below the plain net's validation loss?",
                  answer=self.captions[-1])

    def column(self, role: str, x: float) -> SimpleNamespace:
        """One remedy: its name and setting, the fit (with the plain net's end fit thin and
        faint), its loss chart."""
        t, style = self.trace(role), self.styles[role]
        if role == "dropout":
            p = self.setting(role, layer_index(t, "Dropout"), "p")
            what = f"dropout, p = {p}"
        else:
            lam = self.number(role, None, "config", f"regularization.{role}",
                              formatter=lambda v: f"{v:g}")[1]
            what = f"{NAMES[role]}, λ = {lam}"
        title = VGroup(self.key_line(style), self.label(what, size=24)).arrange(RIGHT, buff=0.15)
        title.move_to([x, 2.3, 0])
        formula = self.label({"l2": "loss = MSE + λ·Σw²", "l1": "loss = MSE + λ·Σ|w|",
                              "dropout": "loss = MSE, units dropped"}[role], size=22)
        formula.move_to([x, 1.85, 0])
        plot = self.fit_plot(3.6, 1.3, small=True)
        plot.shift([x + 0.2, 0.8, 0] - plot.box.get_center())
        dots = self.data_dots(plot, radius=0.045)
        plain = VMobject(stroke_color=self.styles["main"].color, stroke_width=2.5)
        gx = self.trace("main").static("eval/grid_x")
        set_styled(plain, inside_runs(plot, gx, self.trace("main").get(
            self.steps[-1], "eval", "pred")[:, 0]), self.styles["main"])
        plain.set_stroke(opacity=0.55)
        fit = self.fit_curve(role, plot, width=4.0)
        fit.show(self.steps[0])
        chart = self.loss_chart(role, 3.6, 1.3, [x + 0.2, -1.1, 0], self.log_range(REMEDIES),
                                every=400)
        static = VGroup(title, formula, plot, dots, plain, chart.axes)
        return SimpleNamespace(role=role, x=x, static=static, fit=fit, chart=chart, plot=plot)

    def key_line(self, style: RunStyle) -> VGroup:
        """A short stroke in the run's colour and dashes with its marker on it."""
        line = VMobject(stroke_color=style.color, stroke_width=5)
        set_styled(line, [np.array([[0, 0, 0], [0.6, 0, 0]], dtype=float)], style)
        return VGroup(line, run_marker(style, np.array([0.3, 0, 0]), 0.09))

    def explain(self, cols) -> None:
        """Per remedy: the loss at the end split into MSE and penalty (traced scalars), its
        sentence, and its validation loss at the end against the plain net's."""
        t = self.trace("main")
        last = len(t.epochs) - 1
        plain_end = self.number("main", None, "epoch", "val_loss", (last,), formatter=loss_text)
        sentences = {
            "l2": "L2 adds λ·Σw²: its gradient 2λw pulls each weight to 0, large ones hardest.",
            "l1": "L1 adds λ·Σ|w|: its gradient λ·sign(w) pulls every weight to 0 equally.",
            "dropout": "Dropout adds no penalty: it zeroes random hidden units in each training "
                       "step.",
        }
        for c in cols:
            c.rows = self.end_rows(c, plain_end[1])
            self.say(sentences[c.role], *[fade_in(r) for r in c.rows], run_time=0.8)
        best = self.number("main", None, "epoch", "val_loss", (self.best,), formatter=loss_text)
        self.say(self.verdict([c.role for c in cols], plain_end, best))

    def verdict(self, roles, plain_end, best) -> str:
        """Which remedies end below the plain net's validation loss, and whether any beats
        the lowest one early stopping keeps (rules on the traced values)."""
        ends = {r: self.trace(r).epochs[-1]["val_loss"] for r in roles}
        better = [NAMES[r] for r in roles if ends[r] < plain_end[0]]
        beats = [NAMES[r] for r in roles if ends[r] < best[0]]
        if len(better) == len(roles):
            lead = f"All three end below the plain net's validation loss ({plain_end[1]})"
        else:
            lead = (f"{', '.join(better) or 'None'} of the three ended below the plain net's "
                    f"validation loss ({plain_end[1]})")
        if not beats:
            return f"{lead}; none beats early stopping's {best[1]}."
        return f"{lead}; {', '.join(beats)} also beat early stopping's {best[1]}."

    def end_rows(self, c, plain_end: str) -> list:
        """Under a column: the last step's loss = MSE + penalty (scalars loss and penalty)
        and the validation loss at the end."""
        t, role = self.trace(c.role), c.role
        last_step, last = t.all_steps[-1], len(t.epochs) - 1
        loss = self.number(role, last_step, "scalar", "loss", formatter=loss_text)[1]
        if role in ("l1", "l2"):
            pen = self.number(role, last_step, "scalar", "penalty", formatter=loss_text)[1]
            first = f"end: {loss} = MSE + {pen}"
        else:
            first = f"end: loss {loss}"
        val = self.number(role, None, "epoch", "val_loss", (last,), formatter=loss_text)[1]
        rows = [self.label(first, size=20),
                self.label(f"validation {val} (plain {plain_end})", size=20)]
        VGroup(*rows).arrange(DOWN, buff=0.1).move_to([c.x + 0.1, -2.6, 0])
        return rows

    # 3 -------------------------------------------------------------------------------------
    def weights(self) -> None:
        keep = [self.head]
        self.play(fade_out(Group(*[m for m in self.mobjects if m not in keep])),
                  run_time=self.t(0.8))
        self.said = None
        t = self.trace("main")
        k = layer_index(t, "Dense", 1)
        rows, cols = (self.setting("main", k, f) for f in ("out_features", "in_features"))
        self.heading(f"The hidden layer's weights W₂ ({rows} × {cols}) in all four nets")
        panels = self.histograms()
        counter = self.counter(np.array([3.3, 2.45, 0]))
        self.set_counter(counter, self.steps[0])
        self.play(*[fade_in(p.group) for p in panels], fade_in(counter), run_time=self.t(1.2))
        self.say("All four start from the same weights; watch them move apart.",
                 run_time=0.6, wait=False)

        def on_step(step: int) -> None:
            for p in panels:
                p.show(step)
            self.set_counter(counter, step)

        self.sweep(SWEEP[2], on_step, movers=[*[p.bars for p in panels], counter.value])
        self.verdicts(panels)
        self.panels = panels

    def histograms(self) -> list[SimpleNamespace]:
        """One panel per run: the count of W₂'s weights per bin over a symmetric range
        (log count axis; weights beyond the range counted in the end bins)."""
        th = self.theme
        hidden = {r: dense_layers(self.trace(r))[1] for r in ROLES}
        # the range: the penalised runs' weights and the start fit in it, wilder ones clamp
        wmax = max(float(np.abs(self.trace(r).get(s, hidden[r], "W")).max())
                   for r in ("l2", "l1") for s in (self.steps[0], self.steps[-1]))
        reach = float(np.ceil(wmax * 2) / 2)
        edges = np.linspace(-reach, reach, BINS + 1)
        count_max = max(self.trace(r).get(0, hidden[r], "W").size for r in ROLES)
        y_range = (np.log10(0.5), np.log10(count_max) + 0.15)
        width, height, gap, x0 = 2.6, 3.0, 0.75, -6.15
        panels = []
        for i, role in enumerate(ROLES):
            # one scale for all; the first panel names its decades
            axes = log_axes(th, (-reach, reach), y_range, width, height,
                            x_ticks=[-reach, 0.0, reach], x_format=self.hist_tick(reach),
                            label_every=1 if i == 0 else 0)
            axes.shift([x0 + i * (width + gap) - axes.box.get_left()[0],
                        -0.1 - axes.box.get_center()[1], 0])
            bars = VGroup(*[Rectangle(width=width / BINS, height=0.01, stroke_width=1,
                                      stroke_color=th.background, fill_color=th.weight,
                                      fill_opacity=1.0) for _ in range(BINS)])
            style = self.styles[role]
            title = VGroup(self.key_line(style), self.label(NAMES[role], size=24))
            title.arrange(RIGHT, buff=0.15).move_to(axes.box.get_top() + 0.4 * UP)
            group = VGroup(axes, bars, title)
            panel = SimpleNamespace(role=role, axes=axes, bars=bars, group=group,
                                    layer=hidden[role])
            panel.show = self.bar_setter(panel, edges)
            panel.show(self.steps[0])
            panels.append(panel)
        y_name = self.label("weights per bin (log)", size=20, color=th.muted)
        y_name.move_to([x0 - 0.75, 2.45, 0], aligned_edge=LEFT)
        panels[0].group.add(y_name)
        x_name = self.label("w", size=22, color=th.muted, slant="ITALIC")
        x_name.next_to(panels[-1].axes.box, RIGHT, buff=0.12).align_to(panels[-1].axes.box, DOWN)
        panels[-1].group.add(x_name)
        self.reach = reach
        return panels

    @staticmethod
    def hist_tick(reach: float):
        """Tick labels of the weight axis: the ends read "≤ −r" and "≥ r" (clamped)."""
        def tick(v: float) -> str:
            if v <= -reach:
                return f"≤ −{reach:g}"
            if v >= reach:
                return f"≥ {reach:g}"
            return "0" if v == 0 else f"{v:g}".replace("-", "−")
        return tick

    def bar_setter(self, panel, edges: np.ndarray):
        """``show(step)``: the bars at the run's traced W₂ of that recorded step."""
        t, axes = self.trace(panel.role), panel.axes
        bottom = axes.y_range[0]

        def show(step: int) -> None:
            w = t.get(step, panel.layer, "W").ravel()
            counts, _ = np.histogram(np.clip(w, edges[0], edges[-1]), bins=edges)
            for bar, c, a, b in zip(panel.bars, counts, edges[:-1], edges[1:]):
                top = np.log10(c) if c > 0 else bottom
                lo, hi = axes.p(a, bottom), axes.p(b, max(top, bottom))
                hi[1] = lo[1] + max(hi[1] - lo[1], 1e-3)
                set_box(bar, lo, hi)
                shown = 1.0 if c > 0 else 0.0
                if bar.get_fill_opacity() != shown:  # restyled only when it turns on or off
                    bar.set_fill(opacity=shown).set_stroke(opacity=shown)

        return show

    def verdicts(self, panels) -> None:
        """Each run's largest |w| at the end under its panel, then the lessons, chosen by
        rules on the traced weights."""
        th = self.theme
        last = self.steps[-1]
        w = {p.role: self.trace(p.role).get(last, p.layer, "W") for p in panels}
        notes = []
        for p in panels:
            k = np.unravel_index(int(np.argmax(np.abs(w[p.role]))), w[p.role].shape)
            text = self.number(p.role, last, p.layer, "W", k, now=False,
                               formatter=lambda v: fmt(abs(v), 2))[1]
            note = self.label(f"largest |w| {text}", size=20)
            note.next_to(p.axes.tick_labels, DOWN, buff=0.2).match_x(p.axes.box)
            notes.append(note)
        plain, l2, l1, drop = (np.abs(w[r]) for r in ROLES)
        # rules on the traced weights: medians and largest sizes
        shrunk = np.median(l2) < np.median(plain) / 2 and l2.max() < plain.max()
        wide = np.median(drop) > 2 * np.median(l2)
        if shrunk:
            first = ("Plain and dropout: the weights spread wide. L2 shrinks them all." if wide
                     else "L2 shrinks all the weights, dropout too.")
        else:
            first = "L2 has not shrunk the weights here."
        self.say(first, *[fade_in(n) for n in notes])
        near = float(np.mean(l1 < NEAR_ZERO))
        exact = int(np.count_nonzero(w["l1"] == 0))   # a reading of the trace: exact zeros
        many = "most" if near > 0.5 else "many" if near > 0.2 else "few"
        large = 0 < np.count_nonzero(l1 > 0.1) < 0.1 * l1.size
        axes = next(p.axes for p in panels if p.role == "l1")
        ring = Rectangle(width=axes.box.width / BINS * 1.9, height=axes.box.height + 0.1,
                         stroke_color=th.active, stroke_width=4)
        ring.move_to(axes.p(0, np.mean(axes.y_range)))
        zero = "none exactly 0" if exact == 0 else "some exactly 0"
        self.say(f"L1 leaves {many} weights near 0 (|w| < 10⁻³, {zero})"
                 + (" and a few large: a sparse net." if large else "."), Create(ring))
        self.notes, self.ring = notes, ring
        self.near_fraction, self.exact_zeros = near, exact
        largest = {p.role: next(s.text for s in reversed(self.shown.items)
                                if (s.role, s.step, s.layer, s.quantity)
                                == (p.role, last, p.layer, "W")) for p in panels}
        self.note(say="The same start, four ends: a penalty shows in the weights "
                      "themselves, not only in the loss.",
                  ask="What does L1 do to the hidden layer's weights that L2 does not?",
                  answer=self.captions[-1].rstrip(".") + f"; its largest |w| is "
                         f"{largest['l1']}, L2's {largest['l2']}, the plain net's "
                         f"{largest['main']}.")
