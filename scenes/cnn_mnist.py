"""CNNOnMNIST: a small CNN on MNIST (lecture section 10).

Two sections, both read from the ``mnist_cnn`` trace:
  forward   a held-out digit through the trained network, layer by layer: the input, the
            8 first-layer filters and their feature maps, ReLU, max-pooling, the second
            conv block, flatten, the 10 logits and the softmax probabilities with the
            prediction. Feature maps are the engine's ``watch/<layer>`` outputs.
  training  the same digit over training: first-layer filters, their feature maps and
            P(true class) before training, after each epoch and at the end, while the
            per-step batch loss and the per-epoch train/validation loss and accuracy grow.
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, DR, LEFT, RIGHT, UP, UR, Arrow, Create, Dot, FadeIn, FadeOut,
                   FadeTransform, GrowFromEdge, Group, Line, MoveAlongPath, Rectangle, Square,
                   SurroundingRectangle, ValueTracker, VGroup, VMobject, Write, always_redraw,
                   linear)

from engine.errors import TraceError
from engine.trace import Trace
from scenes.base import TraceScene
from scenes.format import fmt, fmt_int
from scenes.mobjects.feature_map_grid import FeatureMapGrid
from scenes.mobjects.heatmap import Heatmap
from scenes.mobjects.plot_axes import PlotAxes
from scenes.mobjects.probability_bars import ProbabilityBars
from scenes.mobjects.signed_legend import SignedLegend

ARCHITECTURE = ("Conv2D", "ReLU", "MaxPool2D", "Conv2D", "ReLU", "MaxPool2D", "Flatten", "Dense")
TIMES = "\u00d7"
ARROW = "\u2192"


def percent(p: float) -> str:
    """A probability or accuracy as a percentage: 0.9964 -> '99.6 %'."""
    return f"{100 * p:.1f} %"


def time_points(trace: Trace) -> list[tuple[str, int, int | None]]:
    """(row title, step, epoch index or None) for: before training, after each epoch but
    the last, and the last recorded step (the watched outputs use the parameters before a
    step's update, so the last epoch's end itself is never recorded)."""
    points = [("before training", 0, None)]
    for k, e in enumerate(trace.epochs[:-1]):
        points.append((f"after epoch {k + 1}", int(e["steps"]), k))
    points.append(("end of training", trace.steps[-1], None))
    return points


def upto(axes: PlotAxes, xs: np.ndarray, ys: np.ndarray, x_now: float, color: str,
         width: float) -> VMobject:
    """The polyline through the points with x <= x_now, ending exactly at x_now (the curve
    grows smoothly between recorded points)."""
    n = int(np.searchsorted(xs, x_now, side="right"))
    px, py = list(xs[:n]), list(ys[:n])
    if 0 < n < len(xs) and x_now > xs[n - 1]:
        f = (x_now - xs[n - 1]) / (xs[n] - xs[n - 1])
        px.append(x_now)
        py.append(ys[n - 1] + f * (ys[n] - ys[n - 1]))
    return axes.polyline(np.array(px), np.array(py), color=color, stroke_width=width)


class CNNOnMNIST(TraceScene):
    """A held-out digit through the trained CNN, then the first layer and the curves over
    training. duration: about 52 s at speed 1."""

    runs = {"main": "mnist_cnn"}
    trace_kind = "network"
    duration = 52.0
    DIGIT = 0  # which watched digit to follow (index into record.watch)

    # -- trace checks -------------------------------------------------------------------------
    def check_trace(self, role: str, trace: Trace) -> None:
        types = tuple(layer["type"] for layer in trace.layer_info)
        if types != ARCHITECTURE:
            raise TraceError("CNNOnMNIST needs Conv2D-ReLU-MaxPool2D-Conv2D-ReLU-MaxPool2D-"
                             f"Flatten-Dense, but the trace has {'-'.join(types) or 'no layers'}")
        if "watch/x" not in trace.manifest.get("static", []):
            raise TraceError("CNNOnMNIST needs watched digits (record.watch in the run config)")
        if not trace.epochs or not trace.steps:
            raise TraceError("CNNOnMNIST needs a trace with at least one finished epoch")
        first = trace.layers[0]
        for _, step, _ in time_points(trace):
            for q in (*trace.layers, "probabilities"):
                if not trace.has(step, "watch", q):
                    raise TraceError(f"CNNOnMNIST needs watch/{q} at step {step} "
                                     "(record every step with record.watch)")
            if not trace.has(step, first, "W"):
                raise TraceError(f"CNNOnMNIST needs {first}/W at step {step}")

    # -- numbers that are not step arrays -------------------------------------------------------
    def epoch_number(self, k: int, metric: str, formatter=fmt) -> str:
        """Text of epoch k's ``metric`` (trace.epochs), recorded as shown under layer "epoch"."""
        value = float(self.trace().epochs[k][metric])
        return self.shown.add(formatter(value), value, "main", None, "epoch", metric, k)

    # -- small builders -----------------------------------------------------------------------
    def header(self, op: str, detail: str) -> VGroup:
        """Two lines above a stage: the operation, then what it gives (muted)."""
        return VGroup(self.label(op, size=22),
                      self.label(detail, size=20, color=self.theme.muted)).arrange(DOWN, buff=0.1)

    def frame(self, stage) -> SurroundingRectangle:
        """The active-element frame around the stage being computed."""
        return SurroundingRectangle(stage, color=self.theme.active, buff=0.08, stroke_width=4)

    def flow(self, src, dst, *others, run_time: float) -> None:
        """Play a ghost of ``src`` flying onto ``dst`` (fading) while ``dst`` fades in: one
        layer's output turning into the next. (FadeTransform cannot restore image groups.)"""
        ghost = src.copy()
        self.play(ghost.animate.replace(dst, stretch=True).set_opacity(0), FadeIn(dst), *others,
                  run_time=run_time)
        self.remove(ghost)

    def link(self, a, b) -> Arrow:
        """A short arrow from stage a to stage b, at b's centre height."""
        y = b.get_center()[1]
        return Arrow([a.get_right()[0], y, 0], [b.get_left()[0], y, 0], buff=0.08,
                     stroke_width=3, max_tip_length_to_length_ratio=0.35,
                     color=self.theme.muted)

    def construct(self) -> None:
        t = self.trace()
        self.names = t.layers
        self.label_digit = int(t.static("watch/labels")[self.DIGIT])
        self.next_section("forward")
        self.forward(t)
        self.next_section("training")
        self.training(t)

    # -- section 1: one digit through the trained network ----------------------------------
    def held_out(self, t: Trace, k: int) -> bool:
        """Whether watched digit k is in the validation split (never trained on)."""
        if "data/val_indices" not in t.manifest["static"]:
            return False
        return int(t.static("watch/indices")[k]) in set(t.static("data/val_indices").tolist())

    def forward(self, t: Trace) -> None:
        th, d, step = self.theme, self.DIGIT, t.steps[-1]
        conv_a, relu_a, pool_a, conv_b, relu_b, pool_b, flat, dense = self.names
        out = {name: t.get(step, "watch", name)[d] for name in (*self.names, "probabilities")}
        image = t.static("watch/x")[d][0]

        title = self.label("Forward pass: the trained CNN reads a digit", size=30)
        title.to_edge(UP, buff=0.25)

        # row 1: input → conv → ReLU → max-pool
        y1, top1 = 1.45, 3.05
        digit = Heatmap(image, th, height=1.9, vmin=0.0, vmax=1.0)
        digit.move_to([-5.9, y1, 0])
        _, label_text = self.number("main", None, "static", "watch/labels", d, formatter=fmt_int)
        seen = "it never saw" if self.held_out(t, d) else "from training"
        digit_head = self.header(f"input {image.shape[0]}{TIMES}{image.shape[1]}",
                                 f"a {label_text} {seen}")
        W = t.get(step, conv_a, "W")
        c1, h1, k1 = out[conv_a].shape[0], out[conv_a].shape[1], W.shape[-1]
        filters = FeatureMapGrid(W[:, 0], th, rows=2, size=0.3, gap=0.1, signed=True,
                                 outline=th.grid)
        filters.next_to(digit, RIGHT, buff=0.5)
        conv_maps = FeatureMapGrid(out[conv_a], th, rows=2, size=0.74, gap=0.07, signed=True,
                                   outline=th.grid)
        conv_maps.next_to(filters, RIGHT, buff=0.22)
        conv_stage = Group(filters, conv_maps)
        conv_head = self.header(f"conv {k1}{TIMES}{k1} {TIMES}{c1}",
                                f"{c1} learned filters {ARROW} {h1}{TIMES}{h1}")
        relu_maps = FeatureMapGrid(out[relu_a], th, rows=2, size=0.74, gap=0.07,
                                   scales=conv_maps.scales, color=th.value, outline=th.grid)
        relu_maps.next_to(conv_maps, RIGHT, buff=0.5)
        relu_head = self.header("ReLU", f"max(0, x) {ARROW} {h1}{TIMES}{h1}")
        p1 = out[pool_a].shape[1]
        pool_maps = FeatureMapGrid(out[pool_a], th, rows=2, size=0.5, gap=0.06,
                                   scales=conv_maps.scales, color=th.value, outline=th.grid)
        pool_maps.next_to(relu_maps, RIGHT, buff=0.5)
        pool_head = self.header(f"max-pool 2{TIMES}2", f"{ARROW} {p1}{TIMES}{p1}")

        # row 2: conv → ReLU → max-pool → flatten → dense → softmax
        y2, top2 = -2.05, -0.2
        c2, h2 = out[conv_b].shape[0], out[conv_b].shape[1]
        k2 = t.get(step, conv_b, "W").shape[-1]
        conv2_maps = FeatureMapGrid(out[conv_b], th, rows=4, size=0.52, gap=0.05, signed=True,
                                    outline=th.grid)
        conv2_maps.move_to([-6.3, y2, 0], aligned_edge=LEFT)
        conv2_head = self.header(f"conv {k2}{TIMES}{k2}{TIMES}{c1} {TIMES}{c2}",
                                 f"{ARROW} {h2}{TIMES}{h2}")
        relu2_maps = FeatureMapGrid(out[relu_b], th, rows=4, size=0.52, gap=0.05,
                                    scales=conv2_maps.scales, color=th.value, outline=th.grid)
        relu2_maps.next_to(conv2_maps, RIGHT, buff=0.42)
        relu2_head = self.header("ReLU", f"{ARROW} {h2}{TIMES}{h2}")
        p2 = out[pool_b].shape[1]
        pool2_maps = FeatureMapGrid(out[pool_b], th, rows=4, size=0.32, gap=0.04,
                                    scales=conv2_maps.scales, color=th.value, outline=th.grid)
        pool2_maps.next_to(relu2_maps, RIGHT, buff=0.42)
        pool2_head = self.header(f"max-pool 2{TIMES}2", f"{ARROW} {p2}{TIMES}{p2}")
        n_flat = out[flat].shape[0]
        strip = Heatmap(out[flat][:, None], th, height=conv2_maps.height, vmin=0.0,
                        color=th.value)
        strip.stretch_to_fit_width(0.14)
        strip.next_to(pool2_maps, RIGHT, buff=0.4)
        strip_head = self.label(f"flatten {ARROW} {n_flat}", size=20, color=th.muted)
        strip_head.next_to(strip, DOWN, buff=0.15)

        probs = out["probabilities"]
        n_cls = len(probs)
        prob_texts = [self.number("main", step, "watch", "probabilities", (d, k),
                                  formatter=percent)[1] for k in range(n_cls)]
        bars = ProbabilityBars(probs, prob_texts, th, length=1.8, row=conv2_maps.height / n_cls,
                               font_size=20)
        logits_right = strip.get_right()[0] + 1.2
        bars.move_to([0, y2, 0]).align_to([logits_right + 0.25, 0, 0], LEFT)
        logits = VGroup(*[self.label(self.number("main", step, "watch", dense, (d, k),
                                                 digits=2)[1], size=20, color=th.value)
                          for k in range(n_cls)])
        for k, text in enumerate(logits):
            text.move_to([logits_right, bars.row_y(k), 0], aligned_edge=RIGHT)
        dense_head = self.header("dense", f"{ARROW} {n_cls} logits")
        soft_head = self.header("softmax", "probabilities")
        pred = int(np.argmax(probs))
        _, pred_pct = self.number("main", step, "watch", "probabilities", (d, pred),
                                  formatter=percent)
        prediction = self.label(f"prediction: {pred} ({pred_pct})", size=26, color=th.active)
        prediction.next_to(bars, DOWN, buff=0.3).align_to(bars, LEFT)
        bar_area = Line([bars.left_edge, y2, 0], [bars.left_edge + 1.8, y2, 0])
        others, others_head = self.other_digits(t, step, bars.get_right()[0] + 0.3, y2)

        for head, stage, top in ((digit_head, digit, top1), (conv_head, conv_stage, top1),
                                 (relu_head, relu_maps, top1), (pool_head, pool_maps, top1),
                                 (conv2_head, conv2_maps, top2), (relu2_head, relu2_maps, top2),
                                 (pool2_head, pool2_maps, top2), (dense_head, logits, top2),
                                 (soft_head, bar_area, top2), (others_head, others, top2)):
            head.move_to([stage.get_center()[0], top, 0], aligned_edge=UP)

        # the pooled maps feed the second block: a line along the gap between the rows
        y_mid, x_in = 0.3, -6.8
        snake = VMobject(stroke_color=th.muted, stroke_width=3)
        snake.set_points_as_corners([pool_maps.get_bottom() + 0.08 * DOWN,
                                     [pool_maps.get_center()[0], y_mid, 0], [x_in, y_mid, 0],
                                     [x_in, y2, 0]])
        snake_tip = Arrow([x_in, y2, 0], [conv2_maps.get_left()[0], y2, 0], buff=0.05,
                          stroke_width=3, max_tip_length_to_length_ratio=0.5, color=th.muted)

        # -- animation ------------------------------------------------------------------------
        active = self.frame(digit)
        self.play(FadeIn(title), FadeIn(digit), FadeIn(digit_head), Create(active),
                  run_time=self.t(1.2))
        self.wait(self.t(1.0))

        # the 3×3 window slides over the input while the maps appear
        cell = digit.height / image.shape[0]
        window = Square(side_length=k1 * cell, color=th.active, stroke_width=3)
        sweep = [digit.cell_center(i, j) for i in (6, 13, 20) for j in (1, image.shape[1] - 2)]
        path = VMobject().set_points_as_corners(sweep)
        window.move_to(sweep[0])
        self.play(FadeIn(filters), FadeIn(conv_head), FadeIn(window),
                  active.animate.become(self.frame(conv_stage)),
                  Create(self.link(digit, filters)), run_time=self.t(1.0))
        self.play(MoveAlongPath(window, path, rate_func=linear),
                  FadeIn(conv_maps, lag_ratio=0.25), run_time=self.t(2.4))
        self.play(FadeOut(window), run_time=self.t(0.3))
        self.wait(self.t(1.5))
        for i, (src, dst, head) in enumerate(((conv_maps, relu_maps, relu_head),
                                              (relu_maps, pool_maps, pool_head))):
            self.flow(src, dst, FadeIn(head), Create(self.link(src, dst)),
                      active.animate.become(self.frame(dst)), run_time=self.t(1.3))
            self.wait(self.t(1.5 if i == 0 else 0.8))

        self.play(Create(snake), run_time=self.t(0.8))
        self.play(Create(snake_tip), FadeIn(conv2_head),
                  active.animate.become(self.frame(conv2_maps)),
                  FadeIn(conv2_maps, lag_ratio=0.08), run_time=self.t(1.6))
        self.wait(self.t(1.0))
        for src, dst, head in ((conv2_maps, relu2_maps, relu2_head),
                               (relu2_maps, pool2_maps, pool2_head)):
            self.flow(src, dst, FadeIn(head), Create(self.link(src, dst)),
                      active.animate.become(self.frame(dst)), run_time=self.t(1.1))
            self.wait(self.t(0.5))
        self.flow(pool2_maps, strip, FadeIn(strip_head), Create(self.link(pool2_maps, strip)),
                  active.animate.become(self.frame(strip)), run_time=self.t(1.1))
        self.wait(self.t(0.5))
        self.play(FadeIn(dense_head), Create(self.link(strip, logits)),
                  active.animate.become(self.frame(logits)),
                  FadeIn(logits, lag_ratio=0.1), run_time=self.t(1.3))
        self.wait(self.t(1.0))
        self.play(FadeIn(soft_head), FadeIn(bars.names), FadeIn(bars.values),
                  active.animate.become(self.frame(bars)),
                  *[GrowFromEdge(b, LEFT) for b in bars.bars], run_time=self.t(1.5))
        self.play(bars.animate.highlight(pred), Write(prediction), FadeOut(active),
                  run_time=self.t(1.0))
        self.wait(self.t(1.5))
        self.play(FadeIn(others_head), FadeIn(others, lag_ratio=0.3), run_time=self.t(1.0))
        self.wait(self.t(2.5))

    def other_digits(self, t: Trace, step: int, left: float, y: float) -> tuple[Group, VGroup]:
        """The other watched digits, small, each with the class the network gives it."""
        th = self.theme
        cards = Group()
        ks = [k for k in range(len(t.static("watch/indices"))) if k != self.DIGIT]
        for k in ks:
            probs = t.get(step, "watch", "probabilities")[k]
            pred = int(np.argmax(probs))
            _, pct = self.number("main", step, "watch", "probabilities", (k, pred),
                                 formatter=percent)
            card = Group(Heatmap(t.static("watch/x")[k][0], th, height=0.7, vmin=0.0, vmax=1.0),
                         self.label(f"{ARROW} {pred} ({pct})", size=20))
            cards.add(card.arrange(DOWN, buff=0.1))
        cards.arrange(DOWN, buff=0.25).move_to([left, y, 0], aligned_edge=LEFT)
        unseen = all(self.held_out(t, k) for k in ks)
        head = self.header("more digits", "also unseen" if unseen else "watched digits")
        return cards, head

    # -- section 2: training over time ----------------------------------------------------
    def training(self, t: Trace) -> None:
        th, d, lab = self.theme, self.DIGIT, self.label_digit
        points = time_points(t)
        title = self.label("Training: what the first layer learns", size=30)
        title.to_edge(UP, buff=0.25)

        # table: one row per time point — filters, feature maps of the digit, P(true class)
        x_filters, x_maps, x_prob = -4.55, -0.4, 4.45
        y_top, pitch = 2.45, 0.6
        rows = [self.table_row(t, name, step, epoch, y_top - i * pitch,
                               (x_filters, x_maps, x_prob))
                for i, (name, step, epoch) in enumerate(points)]
        heads = VGroup(
            self.label(f"conv 1 filters (3{TIMES}3)", size=20, color=th.muted),
            self.label(f"their feature maps on the {lab}", size=20, color=th.muted),
            self.label(f"P({lab})", size=20, color=th.muted))
        for head, part in zip(heads, (rows[0][1], rows[0][2], rows[0][3])):
            head.move_to([part.get_center()[0], y_top + 0.55, 0])
        heads[2].set_x(rows[0][3].get_left()[0] + heads[2].width / 2)
        legend = SignedLegend(th, width=1.3)
        legend.move_to([-5.9, y_top + 0.55, 0])

        # charts: loss (per step and per epoch) and accuracy (per epoch)
        epochs = t.epochs
        ends = np.array([e["steps"] for e in epochs], dtype=float)
        tick_names = {float(s): str(k + 1) for k, s in enumerate(ends)}
        batch_x = np.array(t.all_steps, dtype=float)
        batch_loss = t.scalars("loss")
        loss_top = float(np.ceil(np.nanmax(batch_loss)))
        loss_ax = PlotAxes(th, (0, ends[-1]), (0, loss_top), width=5.2, height=2.0,
                           x_ticks=ends, y_ticks=range(int(loss_top) + 1), x_label="epoch",
                           font_size=20, tick_format=lambda v: tick_names.get(v, f"{v:g}"))
        acc_vals = [e[m] for e in epochs for m in ("accuracy", "val_accuracy") if m in e]
        acc_lo = min(0.9, np.floor(min(acc_vals) * 10) / 10)
        acc_ax = PlotAxes(th, (0, ends[-1]), (acc_lo, 1.0), width=5.2, height=2.0,
                          x_ticks=ends, y_ticks=np.arange(acc_lo, 1.0001, 0.1), x_label="epoch",
                          font_size=20, tick_format=lambda v: tick_names.get(v, f"{100 * v:.0f} %"))
        loss_ax.move_to([-3.35, -2.45, 0])
        acc_ax.move_to([3.75, -2.45, 0])
        loss_title = self.label("loss", size=22).next_to(loss_ax.box, UP, buff=0.1) \
            .align_to(loss_ax.box, LEFT)
        acc_title = self.label("accuracy", size=22).next_to(acc_ax.box, UP, buff=0.1) \
            .align_to(acc_ax.box, LEFT)

        train_c, val_c, batch_c = th.series[0], th.series[3], th.muted
        series = [  # (axes, metric or None for the batch loss, colour, legend name)
            (loss_ax, None, batch_c, "batch loss"),
            (loss_ax, "loss", train_c, "train (epoch mean)"),
            (loss_ax, "val_loss", val_c, "validation"),
            (acc_ax, "accuracy", train_c, "train"),
            (acc_ax, "val_accuracy", val_c, "validation"),
        ]
        series = [s for s in series if s[1] is None or s[1] in epochs[0]]
        x_now = ValueTracker(0.0)
        curves, dots, legend_rows = VGroup(), [], {}
        for ax, metric, color, name in series:
            xs, ys = (batch_x, batch_loss) if metric is None else \
                (ends, np.array([e[metric] for e in epochs], dtype=float))
            width = 2.0 if metric is None else 4.0
            curves.add(always_redraw(lambda ax=ax, xs=xs, ys=ys, c=color, w=width:
                                     upto(ax, xs, ys, x_now.get_value(), c, w)))
            if metric is not None:
                dots.append([Dot(ax.p(x, y), radius=0.05, color=color) for x, y in zip(xs, ys)])
            key = metric or "batch"
            legend_rows[key] = VGroup(self.label(name, size=20, color=color),
                                      self.label("\u2013", size=20, color=color))
        for ax, keys, top in ((loss_ax, ("batch", "loss", "val_loss"), True),
                              (acc_ax, ("accuracy", "val_accuracy"), False)):
            block = [legend_rows[k] for k in keys if k in legend_rows]
            name_w = max(r[0].width for r in block)
            x_name = ax.box.get_right()[0] - name_w - 0.2 - 0.8
            y = ax.box.get_top()[1] - 0.2 if top else \
                ax.box.get_bottom()[1] + 0.2 + 0.3 * (len(block) - 1)
            for r in block:
                r[0].move_to([x_name, y, 0], aligned_edge=LEFT)
                r[1].move_to([x_name + name_w + 0.2, y, 0], aligned_edge=LEFT)
                y -= 0.3
        markers = VGroup(*[always_redraw(
            lambda ax=ax: Line(ax.p(x_now.get_value(), ax.y_range[0]),
                               ax.p(x_now.get_value(), ax.y_range[1]),
                               stroke_color=th.active, stroke_width=2, stroke_opacity=0.7))
            for ax in (loss_ax, acc_ax)])

        def set_value(key: str, text: str) -> FadeTransform:
            old = legend_rows[key][1]
            new = self.label(text, size=20, color=old.get_color()).move_to(old, aligned_edge=LEFT)
            legend_rows[key].remove(old)
            legend_rows[key].add(new)
            return FadeTransform(old, new)

        # -- animation ------------------------------------------------------------------------
        self.play(FadeOut(Group(*self.mobjects)), run_time=self.t(0.8))
        self.play(FadeIn(title), FadeIn(heads), FadeIn(legend), FadeIn(loss_ax), FadeIn(acc_ax),
                  FadeIn(loss_title), FadeIn(acc_title),
                  *[FadeIn(r) for r in legend_rows.values()], run_time=self.t(1.0))
        self.add(curves, markers)
        _, start_loss = self.number("main", 0, "scalar", "loss")
        self.play(FadeIn(rows[0], lag_ratio=0.05), set_value("batch", start_loss),
                  FadeIn(Dot(loss_ax.p(0, batch_loss[0]), radius=0.05, color=batch_c)),
                  run_time=self.t(1.0))
        self.wait(self.t(2.0))
        for k, (_, step, _) in enumerate(points[1:]):
            self.play(x_now.animate.set_value(ends[k]), rate_func=linear,
                      run_time=self.pace(k, slow=2, first=2.6, rest=1.6))
            updates = [set_value("batch", self.number("main", step, "scalar", "loss")[1])]
            for ax, metric, *_ in series[1:]:
                formatter = percent if ax is acc_ax else fmt
                updates.append(set_value(metric, self.epoch_number(k, metric, formatter)))
            self.play(FadeIn(rows[k + 1], lag_ratio=0.05), *updates,
                      *[FadeIn(ds[k], scale=2) for ds in dots], run_time=self.t(0.7))
            self.wait(self.t(0.6 if k < 2 else 0.25))
        self.play(FadeOut(markers), Create(self.frame(rows[-1])), run_time=self.t(0.8))
        self.wait(self.t(3.0))

    def table_row(self, t: Trace, name: str, step: int, epoch: int | None, y: float,
                  xs: tuple[float, float, float]) -> Group:
        """One time point: its title, the 8 first-layer filters, their feature maps on the
        watched digit, and P(true class) with the class the network predicts."""
        th, d, lab = self.theme, self.DIGIT, self.label_digit
        conv_a = self.names[0]
        step_text = self.epoch_number(epoch, "steps", fmt_int) if epoch is not None else str(step)
        title = VGroup(self.label(name, size=20),
                       self.label(f"step {step_text}", size=18, color=th.muted))
        title.arrange(DOWN, aligned_edge=RIGHT, buff=0.06).move_to([xs[0] - 0.3, y, 0],
                                                                  aligned_edge=RIGHT)
        filters = FeatureMapGrid(t.get(step, conv_a, "W")[:, 0], th, rows=1, size=0.42,
                                 gap=0.07, signed=True)
        filters.move_to([xs[0], y, 0], aligned_edge=LEFT)
        maps = FeatureMapGrid(t.get(step, "watch", conv_a)[d], th, rows=1, size=0.5, gap=0.07,
                              signed=True)
        maps.move_to([xs[1], y, 0], aligned_edge=LEFT)
        p, p_text = self.number("main", step, "watch", "probabilities", (d, lab),
                                formatter=percent)
        bar = Rectangle(width=max(p * 1.1, 0.02), height=0.2, stroke_width=0,
                        fill_color=th.value, fill_opacity=1.0)
        bar.move_to([xs[2], y, 0], aligned_edge=LEFT)
        guess = int(np.argmax(t.get(step, "watch", "probabilities")[d]))
        prob = VGroup(self.label(p_text, size=20),
                      self.label(f"predicts {guess}", size=18,
                                 color=th.text if guess == lab else th.negative))
        prob.arrange(DOWN, aligned_edge=LEFT, buff=0.06).move_to([xs[2] + 1.25, y, 0],
                                                                aligned_edge=LEFT)
        return Group(title, filters, maps, Group(bar, prob))
