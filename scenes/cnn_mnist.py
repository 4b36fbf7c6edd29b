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

from types import SimpleNamespace

import numpy as np
from manim import (DOWN, LEFT, ORIGIN, RIGHT, UP, Arrow, Create, Dot,
                   GrowFromEdge, Group, Line, MoveAlongPath, Rectangle, Square,
                   SurroundingRectangle, ValueTracker, VGroup, VMobject, Write,
                   config, linear)

from nnanim.engine.errors import TraceError
from nnanim.engine.trace import Trace
from nnanim.scenes.mobjects.light_animations import fade_in, fade_out
from nnanim.scenes.mobjects.run_marker import run_marker
from nnanim.scenes.base import TraceScene
from nnanim.scenes.format import fmt, fmt_int
from nnanim.scenes.mobjects.feature_map_grid import FeatureMapGrid
from nnanim.scenes.mobjects.glyph_number import glyph_number
from nnanim.scenes.mobjects.heatmap import Heatmap
from nnanim.scenes.mobjects.plot_axes import PlotAxes
from nnanim.scenes.mobjects.probability_bars import ProbabilityBars
from nnanim.scenes.mobjects.signed_legend import SignedLegend

ARCHITECTURE = ("Conv2D", "ReLU", "MaxPool2D", "Conv2D", "ReLU", "MaxPool2D", "Flatten", "Dense")
TIMES = "\u00d7"
ARROW = "\u2192"


def percent(p: float) -> str:
    """A probability or accuracy as a percentage: 0.9964 -> '99.6 %'."""
    return f"{100 * p:.1f} %"


def time_points(trace: Trace) -> list[tuple[str, int]]:
    """(row title, step) for: before training, after each epoch but the last, and the last
    recorded step (the watched outputs use the parameters before a step's update, so the
    state after the very last update is never recorded)."""
    points = [("before training", 0)]
    for k, e in enumerate(trace.epochs[:-1]):
        points.append((f"after epoch {k + 1}", int(e["steps"])))
    points.append((f"end (step {trace.steps[-1]})", trace.steps[-1]))
    return points


def curve_points(axes: PlotAxes, xs: np.ndarray, ys: np.ndarray, x_now: float) -> np.ndarray:
    """Scene points of the polyline through the data points with x <= x_now, ending exactly
    at x_now (so a curve grows smoothly between recorded points); one vectorised mapping,
    since it runs every frame."""
    n = int(np.searchsorted(xs, x_now, side="right"))
    px, py = xs[:n], ys[:n]
    if 0 < n < len(xs) and x_now > xs[n - 1]:
        f = (x_now - xs[n - 1]) / (xs[n] - xs[n - 1])
        px = np.append(px, x_now)
        py = np.append(py, ys[n - 1] + f * (ys[n] - ys[n - 1]))
    (x0, x1), (y0, y1) = axes.x_range, axes.y_range
    origin, (ux, uy) = axes.p(x0, y0), axes.unit()
    points = np.zeros((len(px), 3))
    points[:, 0] = origin[0] + (np.clip(px, x0, x1) - x0) * ux
    points[:, 1] = origin[1] + (np.clip(py, y0, y1) - y0) * uy
    return points


def growing_curve(axes: PlotAxes, xs: np.ndarray, ys: np.ndarray, x_now: ValueTracker,
                  color: str, width: float) -> VMobject:
    """A curve that follows ``x_now``, updated in place (no new mobject per frame)."""
    def redraw(curve: VMobject) -> None:
        points = curve_points(axes, xs, ys, x_now.get_value())
        if len(points) >= 2:
            curve.set_points_as_corners(points)
        else:
            curve.points = np.zeros((0, 3))

    curve = VMobject(stroke_color=color, stroke_width=width)
    redraw(curve)
    return curve.add_updater(redraw)


def now_line(axes: PlotAxes, x_now: ValueTracker, color: str) -> Line:
    """A vertical line across ``axes`` at ``x_now``, updated in place."""
    def place(line: Line) -> None:
        x = x_now.get_value()
        line.put_start_and_end_on(axes.p(x, axes.y_range[0]), axes.p(x, axes.y_range[1]))

    line = Line(axes.p(0, axes.y_range[0]), axes.p(0, axes.y_range[1]), stroke_color=color,
                stroke_width=2, stroke_opacity=0.7)
    return line.add_updater(place)


class CNNOnMNIST(TraceScene):
    """A held-out digit through the trained CNN, then the first layer and the curves over
    training. duration: about 55 s at speed 1."""

    title = "A CNN reads handwritten digits"
    description = ("a real digit through the trained CNN, "
                   "then filters, feature maps and curves over training")
    runs = {"main": "mnist_cnn"}
    trace_kind = "network"
    duration = 55.0
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
        missing = {"steps", "loss", "accuracy"} - set(trace.epochs[0])
        if missing:
            raise TraceError(f"CNNOnMNIST needs epoch metrics {', '.join(sorted(missing))} "
                             "(a classification run)")
        conv_a, conv_b = trace.layers[0], trace.layers[3]
        for _, step in time_points(trace):
            for q in (*trace.layers, "probabilities"):
                if not trace.has(step, "watch", q):
                    raise TraceError(f"CNNOnMNIST needs watch/{q} at step {step} "
                                     "(record every step with record.watch)")
            if not trace.has(step, conv_a, "W"):
                raise TraceError(f"CNNOnMNIST needs {conv_a}/W at step {step}")
        if not trace.has(trace.steps[-1], conv_b, "W"):
            raise TraceError(f"CNNOnMNIST needs {conv_b}/W at step {trace.steps[-1]}")

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

    def focus(self, active: SurroundingRectangle, stage):
        """Move the active frame onto ``stage``. The frame goes last in the scene's list, so
        manim treats only it (and what this animation adds) as moving, not every map
        added after it (all of those would be redrawn each frame)."""
        self.add(active)
        return active.animate.become(self.frame(stage))

    def curtain(self) -> None:
        """End a section: fade to the background, then clear (fading one rectangle in is
        far cheaper than fading out dozens of images and labels)."""
        cover = Rectangle(width=config.frame_width + 1, height=config.frame_height + 1,
                          stroke_width=0, fill_color=self.theme.background, fill_opacity=1.0)
        self.play(fade_in(cover), run_time=self.t(0.8))
        self.clear()

    def outline(self, image: Heatmap) -> Rectangle:
        """A thin frame that shows where an image with a dark border ends."""
        return Rectangle(width=image.width, height=image.height, stroke_color=self.theme.grid,
                         stroke_width=1.5).move_to(image)

    def frame(self, stage) -> SurroundingRectangle:
        """The active-element frame around the stage being computed."""
        return SurroundingRectangle(stage, color=self.theme.active, buff=0.08, stroke_width=4)

    def sweeper(self, side: float, path: list) -> tuple[Square, VMobject]:
        """A ``side``-wide frame in the active colour and the path it follows (scene points)."""
        square = Square(side_length=side, color=self.theme.active,
                        stroke_width=3 if side > 0.1 else 2).move_to(path[0])
        return square, VMobject().set_points_as_corners(path)

    def flow(self, src, dst, *others, run_time: float) -> None:
        """Play a ghost of ``src`` flying onto ``dst`` (fading) while ``dst`` fades in: one
        layer's output turning into the next. (FadeTransform cannot restore image groups.)"""
        self.play(fade_out(src.copy(), target_position=dst, scale=dst.height / src.height),
                  fade_in(dst), *others, run_time=run_time)

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
        step = t.steps[-1]  # the trained network: parameters after all but the last update
        m = self.build_forward(t, step)
        active = self.frame(m.digit)
        self.play(fade_in(m.title), fade_in(m.digit), fade_in(m.digit_box), fade_in(m.heads[0]),
                  Create(active), run_time=self.t(1.2))
        self.wait(self.t(1.0))

        # the 3×3 window slides over the input; each position gives one pixel of every map
        k, size = m.kernel, m.image.shape[0]
        centres = [(i, j) for i in (6, 13, 20) for j in (k // 2, size - 1 - k // 2)]
        window = self.sweeper(k * m.digit.height / size,
                              [m.digit.cell_center(i, j) for i, j in centres])
        map_px = m.conv.cell_corner(0, 0, 0)[1] - m.conv.cell_corner(0, 1, 0)[1]
        pixels = [self.sweeper(map_px, [m.conv.cell_center(c, i - k // 2, j - k // 2)
                                        for i, j in centres])
                  for c in range(m.conv.shape[0])]
        movers = [window[0], *[p[0] for p in pixels]]
        self.play(fade_in(m.filters), fade_in(m.heads[1]), fade_in(window[0]),
                  self.focus(active, Group(m.filters, m.conv)),
                  Create(self.link(m.digit, m.filters)), run_time=self.t(1.0))
        self.play(fade_in(m.conv), fade_in(m.legend), *[fade_in(p) for p in movers[1:]],
                  run_time=self.t(0.6))
        self.add(*movers)  # last in the scene's list: only they are redrawn while moving
        self.play(*[MoveAlongPath(mob, path, rate_func=linear) for mob, path in (window, *pixels)],
                  run_time=self.t(2.4))
        self.play(*[fade_out(mob) for mob in movers], run_time=self.t(0.3))
        self.wait(self.t(1.5))

        for i, (src, dst, head) in enumerate(((m.conv, m.relu, m.heads[2]),
                                              (m.relu, m.pool, m.heads[3]))):
            self.flow(src, dst, fade_in(head), Create(self.link(src, dst)),
                      self.focus(active, dst), run_time=self.t(1.3))
            self.wait(self.t(1.5 if i == 0 else 0.8))
        self.play(Create(m.snake), run_time=self.t(0.8))
        self.play(Create(m.snake_tip), fade_in(m.heads[4]), self.focus(active, m.conv2),
                  fade_in(m.conv2), run_time=self.t(1.6))
        self.wait(self.t(1.0))
        for src, dst, head in ((m.conv2, m.relu2, m.heads[5]), (m.relu2, m.pool2, m.heads[6])):
            self.flow(src, dst, fade_in(head), Create(self.link(src, dst)),
                      self.focus(active, dst), run_time=self.t(1.1))
            self.wait(self.t(0.5))
        self.flow(m.pool2, m.strip, fade_in(m.strip_head), Create(self.link(m.pool2, m.strip)),
                  self.focus(active, m.strip), run_time=self.t(1.1))
        self.wait(self.t(0.5))
        self.play(fade_in(m.heads[7]), Create(self.link(m.strip, m.logits)),
                  self.focus(active, m.logits), fade_in(m.logits, lag_ratio=0.1),
                  run_time=self.t(1.3))
        self.wait(self.t(1.0))
        self.play(fade_in(m.heads[8]), fade_in(m.bars.names), fade_in(m.bars.values),
                  self.focus(active, m.bars), *[GrowFromEdge(b, LEFT) for b in m.bars.bars],
                  run_time=self.t(1.5))
        self.play(m.bars.animate.highlight(m.pred), Write(m.prediction), fade_out(active),
                  run_time=self.t(1.0))
        self.wait(self.t(1.5))
        self.play(fade_in(m.heads[9]), fade_in(m.others, lag_ratio=0.3), run_time=self.t(1.0))
        self.wait(self.t(2.5))
        _, logit = self.number("main", step, "watch", self.names[-1], (self.DIGIT, m.pred),
                               digits=2, now=False)
        self.note(say="Conv, ReLU and max-pool twice turn the digit into small feature maps; "
                      "a dense layer and softmax turn them into class probabilities.",
                  ask="Which digit does the trained network read, and from which logit?",
                  answer=f"A {m.pred}: its logit, {logit}, is the largest of the "
                         f"{len(m.logits)}, so softmax gives it the highest probability.")

    def build_forward(self, t: Trace, step: int) -> SimpleNamespace:
        """Every mobject of the forward section, laid out in two rows:
        input → conv → ReLU → max-pool, then conv → ReLU → max-pool → flatten → dense →
        softmax (and the other watched digits). ``heads`` are the stage headers in order."""
        th, d = self.theme, self.DIGIT
        conv_a, relu_a, pool_a, conv_b, relu_b, pool_b, flat, dense = self.names
        out = {name: t.get(step, "watch", name)[d] for name in (*self.names, "probabilities")}
        m = SimpleNamespace(image=t.static("watch/x")[d][0])
        m.title = self.label("Forward pass: the trained CNN reads a digit", size=30)
        m.title.to_edge(UP, buff=0.25)

        def maps(name, rows, size, gap, like=None):
            """A layer's maps; ReLU and pooled maps reuse their conv's colour scales."""
            if like is None:
                return FeatureMapGrid(out[name], th, rows=rows, size=size, gap=gap, signed=True,
                                      outline=th.grid)
            return FeatureMapGrid(out[name], th, rows=rows, size=size, gap=gap,
                                  scales=like.scales, color=th.value, outline=th.grid)

        # row 1
        y1, top1 = 1.42, 3.12
        m.digit = Heatmap(m.image, th, height=1.85, vmin=0.0, vmax=1.0).move_to([-5.9, y1, 0])
        m.digit_box = self.outline(m.digit)
        W = t.get(step, conv_a, "W")
        m.kernel = W.shape[-1]
        m.filters = FeatureMapGrid(W[:, 0], th, rows=2, size=0.3, gap=0.1, signed=True,
                                   outline=th.grid).next_to(m.digit, RIGHT, buff=0.5)
        m.conv = maps(conv_a, 2, 0.74, 0.07).next_to(m.filters, RIGHT, buff=0.22)
        m.legend = SignedLegend(th, width=m.filters.width).next_to(m.filters, DOWN, buff=0.3)
        m.relu = maps(relu_a, 2, 0.74, 0.07, like=m.conv).next_to(m.conv, RIGHT, buff=0.5)
        m.pool = maps(pool_a, 2, 0.5, 0.06, like=m.conv).next_to(m.relu, RIGHT, buff=0.5)

        # row 2
        y2, top2 = -1.95, 0.0
        m.conv2 = maps(conv_b, 4, 0.5, 0.05).move_to([-6.3, y2, 0], aligned_edge=LEFT)
        m.relu2 = maps(relu_b, 4, 0.5, 0.05, like=m.conv2).next_to(m.conv2, RIGHT, buff=0.38)
        m.pool2 = maps(pool_b, 4, 0.3, 0.04, like=m.conv2).next_to(m.relu2, RIGHT, buff=0.38)
        n_flat = out[flat].shape[0]
        m.strip = Heatmap(out[flat][:, None], th, height=m.conv2.height, vmin=0.0,
                          color=th.value)
        m.strip.stretch_to_fit_width(0.14).next_to(m.pool2, RIGHT, buff=0.35)
        m.strip_head = self.label(f"flatten {ARROW} {n_flat}", size=20, color=th.muted)
        m.strip_head.next_to(m.strip, DOWN, buff=0.15).align_to(m.strip, RIGHT)

        probs = out["probabilities"]
        texts = [self.number("main", step, "watch", "probabilities", (d, k),
                             formatter=percent, now=False)[1] for k in range(len(probs))]
        m.bars = ProbabilityBars(probs, texts, th, length=1.5, row=0.25, font_size=20)
        logits_right = m.strip.get_right()[0] + 1.2
        m.bars.move_to([0, y2, 0]).align_to([logits_right + 0.25, 0, 0], LEFT)
        m.logits = VGroup(*[
            glyph_number(self.number("main", step, "watch", dense, (d, k), digits=2,
                                     now=False)[1],
                         [logits_right, m.bars.row_y(k), 0], 20, th.value, align=RIGHT)
            for k in range(len(probs))])
        m.pred = int(np.argmax(probs))
        _, pct = self.number("main", step, "watch", "probabilities", (d, m.pred),
                             formatter=percent, now=False)
        m.prediction = self.label(f"prediction: {m.pred} ({pct})", size=26, color=th.active)
        m.prediction.next_to(m.bars, DOWN, buff=0.3).align_to(m.bars, LEFT)
        m.others, others_head = self.other_digits(t, step, m.bars.get_right()[0] + 0.3, y2)

        # headers: what each stage computes, and the shape it gives
        _, label = self.number("main", None, "static", "watch/labels", d, formatter=fmt_int)
        seen = "it never saw" if self.held_out(t, d) else "from training"
        (c1, h1, _), (c2, h2, _) = out[conv_a].shape, out[conv_b].shape
        p1, p2, k2 = out[pool_a].shape[1], out[pool_b].shape[1], t.get(step, conv_b, "W").shape[-1]
        k1 = m.kernel
        bar_area = Line([m.bars.left_edge, y2, 0], [m.bars.left_edge + 1.5, y2, 0])
        m.heads = []
        for (op, detail), stage, top in (
                ((f"input {m.image.shape[0]}{TIMES}{m.image.shape[1]}", f"a {label} {seen}"),
                 m.digit, top1),
                ((f"conv {k1}{TIMES}{k1} {TIMES}{c1}",
                  f"{c1} learned filters {ARROW} {h1}{TIMES}{h1}"), Group(m.filters, m.conv), top1),
                (("ReLU", f"max(0, x) {ARROW} {h1}{TIMES}{h1}"), m.relu, top1),
                ((f"max-pool 2{TIMES}2", f"{ARROW} {p1}{TIMES}{p1}"), m.pool, top1),
                ((f"conv {k2}{TIMES}{k2}{TIMES}{c1} {TIMES}{c2}", f"{ARROW} {h2}{TIMES}{h2}"),
                 m.conv2, top2),
                (("ReLU", f"{ARROW} {h2}{TIMES}{h2}"), m.relu2, top2),
                ((f"max-pool 2{TIMES}2", f"{ARROW} {p2}{TIMES}{p2}"), m.pool2, top2),
                (("dense", f"{ARROW} {len(probs)} logits"), m.logits, top2),
                (("softmax", f"{ARROW} P(digit)"), bar_area, top2)):
            m.heads.append(self.header(op, detail).move_to([stage.get_center()[0], top, 0],
                                                           aligned_edge=UP))
        m.heads.append(others_head.move_to([m.others.get_center()[0], top2, 0], aligned_edge=UP))

        # the pooled maps feed the second block: a line along the gap between the rows
        y_mid, x_in = 0.3, -6.8
        m.snake = VMobject(stroke_color=th.muted, stroke_width=3).set_points_as_corners(
            [m.pool.get_bottom() + 0.08 * DOWN, [m.pool.get_center()[0], y_mid, 0],
             [x_in, y_mid, 0], [x_in, y2, 0]])
        m.snake_tip = Arrow([x_in, y2, 0], [m.conv2.get_left()[0], y2, 0], buff=0.05,
                            stroke_width=3, max_tip_length_to_length_ratio=0.5, color=th.muted)
        return m

    def other_digits(self, t: Trace, step: int, left: float, y: float) -> tuple[Group, VGroup]:
        """The other watched digits, small, each with the class the network gives it."""
        th = self.theme
        cards = Group()
        ks = [k for k in range(len(t.static("watch/indices"))) if k != self.DIGIT]
        for k in ks:
            probs = t.get(step, "watch", "probabilities")[k]
            pred = int(np.argmax(probs))
            _, pct = self.number("main", step, "watch", "probabilities", (k, pred),
                                 formatter=percent, now=False)
            thumb = Heatmap(t.static("watch/x")[k][0], th, height=0.7, vmin=0.0, vmax=1.0)
            card = Group(Group(thumb, self.outline(thumb)), self.label(f"{pred} ({pct})", size=20))
            cards.add(card.arrange(DOWN, buff=0.1))
        cards.arrange(DOWN, buff=0.25).move_to([left, y, 0], aligned_edge=LEFT)
        unseen = all(self.held_out(t, k) for k in ks)
        head = self.header("more digits", "also unseen" if unseen else "watched digits")
        return cards, head

    # -- section 2: training over time ----------------------------------------------------
    def training(self, t: Trace) -> None:
        points = time_points(t)
        title = self.label("Training: the first layer and the learning curves", size=30)
        title.to_edge(UP, buff=0.25)
        rows, heads, legend = self.build_table(t, points)
        c = self.build_charts(t)

        self.curtain()
        self.play(fade_in(title), fade_in(heads), fade_in(legend), fade_in(c.axes),
                  fade_in(c.labels), fade_in(c.legend), run_time=self.t(1.0))
        c.values["batch"].set_text(self.number("main", 0, "scalar", "loss")[1])
        self.play(fade_in(rows[0], lag_ratio=0.05), fade_in(c.start), run_time=self.t(1.0))
        self.wait(self.t(2.0))
        for k, (_, step) in enumerate(points[1:]):
            # the growing curves go last in the list, so only they are redrawn each frame
            self.add(c.x_now, c.curves, c.markers)
            self.play(c.x_now.animate.set_value(c.ends[k]), rate_func=linear,
                      run_time=self.pace(k, slow=2, first=2.6, rest=1.6))
            # the legend's numbers tick to this point's values as its row appears
            c.values["batch"].set_text(self.number("main", step, "scalar", "loss")[1])
            for metric in c.metrics:
                formatter = percent if "accuracy" in metric else fmt
                c.values[metric].set_text(self.epoch_number(k, metric, formatter))
            self.play(fade_in(rows[k + 1], lag_ratio=0.05),
                      *[fade_in(dots[k], scale=2) for dots in c.dots], run_time=self.t(0.7))
            self.add(c.x_now, c.curves, c.markers)
            self.wait(self.t(0.6 if k < 2 else 0.25))
        for curve in c.curves:
            curve.clear_updaters()
        self.play(fade_out(c.markers), Create(SurroundingRectangle(
            rows[-1], color=self.theme.active, buff=0.03, stroke_width=3)), run_time=self.t(0.8))
        self.wait(self.t(3.0))
        last = len(points) - 2  # the epoch of the last time point
        metric = "val_loss" if "val_loss" in c.metrics else "loss"
        first_loss = self.number("main", 0, "scalar", "loss", now=False)[1]
        # the text the legend showed for this epoch (epoch_number would record it again)
        end_loss = fmt(float(t.epochs[last][metric]))
        self.note(say="Over training the first-layer filters and their feature maps take "
                      "shape while the loss falls.",
                  ask="How far did the loss fall from the first batch to the last epoch?",
                  answer=f"From {first_loss} on the first batch to a "
                         f"{'validation' if metric == 'val_loss' else 'train'} loss of "
                         f"{end_loss} after epoch {last + 1}.")

    def build_table(self, t: Trace, points: list) -> tuple[list, VGroup, SignedLegend]:
        """One row per time point (filters, feature maps of the digit, P(true class)), the
        column headers and the colour key."""
        th, d, lab = self.theme, self.DIGIT, self.label_digit
        x_filters, x_maps, x_prob = -4.6, -0.55, 3.98
        y_top, pitch = 2.5, 0.6
        # one colour scale per filter and per map down each column (largest |value| over the
        # time points), so a column shows how that filter and its map change, not just shape
        conv_a = self.names[0]
        filters = np.stack([t.get(s, conv_a, "W")[:, 0] for _, s in points])
        fmaps = np.stack([t.get(s, "watch", conv_a)[d] for _, s in points])
        scales = (np.abs(filters).max(axis=(0, 2, 3)), np.abs(fmaps).max(axis=(0, 2, 3)))
        rows = [self.table_row(t, name, step, (filters[i], fmaps[i]), scales,
                               y_top - i * pitch, (x_filters, x_maps, x_prob))
                for i, (name, step) in enumerate(points)]
        heads = VGroup(
            self.label(f"conv 1 filters (3{TIMES}3)", size=20, color=th.muted),
            self.label(f"their feature maps on the {lab}", size=20, color=th.muted),
            self.label(f"P({lab})", size=20, color=th.muted))
        for head, part in zip(heads, rows[0][1:]):
            head.move_to([part.get_center()[0], y_top + 0.5, 0])
        heads[2].align_to(rows[0][3], LEFT)
        legend = SignedLegend(th, width=1.3).move_to([-5.95, y_top + 0.48, 0])
        return rows, heads, legend

    def build_charts(self, t: Trace) -> SimpleNamespace:
        """Loss (every step's batch loss, each epoch's train and validation loss) and accuracy
        (train and validation per epoch), drawn up to the tracker ``x_now`` (a step), with a
        legend whose numbers the scene sets as time points are reached."""
        th, epochs = self.theme, t.epochs
        c = SimpleNamespace(x_now=ValueTracker(0.0))
        c.ends = np.array([e["steps"] for e in epochs], dtype=float)
        tick_names = {float(s): str(k + 1) for k, s in enumerate(c.ends)}
        batch_x, batch_loss = np.array(t.all_steps, dtype=float), t.scalars("loss")
        loss_top = float(np.nanmax(batch_loss)) * 1.05
        loss_ax = PlotAxes(th, (0, c.ends[-1]), (0, loss_top), width=5.3, height=1.7,
                           x_ticks=c.ends, y_ticks=range(int(loss_top) + 1), font_size=20,
                           tick_format=lambda v: tick_names.get(v, f"{v:g}"))
        acc = [e[m] for e in epochs for m in ("accuracy", "val_accuracy") if m in e]
        acc_lo = min(0.9, np.floor(min(acc) * 10) / 10)
        acc_ax = PlotAxes(th, (0, c.ends[-1]), (acc_lo, 1.0), width=5.3, height=1.7,
                          x_ticks=c.ends, y_ticks=np.arange(acc_lo, 1.0001, 0.1), font_size=20,
                          tick_format=lambda v: tick_names.get(v, f"{100 * v:.0f} %"))
        c.axes, c.labels = VGroup(loss_ax, acc_ax), VGroup()
        for ax, name, x in ((loss_ax, "Loss", -3.5), (acc_ax, "Accuracy", 3.75)):
            ax.shift(np.array([x, -2.2, 0]) - ax.box.get_center())
            # capitalised titles, aligned by their tops: "Accuracy" has a descender
            c.labels.add(self.label(name, size=22).align_to(ax.box, LEFT)
                         .align_to(ax.box.get_top() + 0.42 * UP, UP),
                         self.label("epoch", size=20, color=th.muted)
                         .next_to(ax.box, DOWN, buff=0.42))
        c.start = Dot(loss_ax.p(0, batch_loss[0]), radius=0.05, color=th.muted)

        train, val = th.runs[0], th.runs[1]  # told apart by colour and marker
        series = [  # (axes, metric or "batch" for every step's loss, run style, legend name)
            (loss_ax, "batch", None, "batch loss"),
            # the train loss is averaged while the weights still change, validation is
            # measured with the epoch's final weights: why epoch 1's train loss sits higher
            (loss_ax, "loss", train, "train (epoch mean)"),
            (loss_ax, "val_loss", val, "validation (epoch end)"),
            (acc_ax, "accuracy", train, "train"),
            (acc_ax, "val_accuracy", val, "validation"),
        ]
        series = [s for s in series if s[1] == "batch" or s[1] in epochs[0]]
        c.metrics = [metric for _, metric, _, _ in series[1:]]
        c.curves, c.dots, c.values, names, keys_marks = VGroup(), [], {}, {}, {}
        for ax, metric, style, name in series:
            color = style.color if style else th.muted
            if metric == "batch":
                xs, ys, width = batch_x, batch_loss, 2.0
            else:
                xs, ys, width = c.ends, np.array([e[metric] for e in epochs], dtype=float), 4.0
                c.dots.append([run_marker(style, ax.p(x, y), 0.07) for x, y in zip(xs, ys)])
            c.curves.add(growing_curve(ax, xs, ys, c.x_now, color, width))
            names[metric] = self.label(name, size=20, color=color)
            if style is not None:  # the run's marker before its name: the second cue
                keys_marks[metric] = run_marker(style, ORIGIN, 0.07)
            c.values[metric] = glyph_number("", ORIGIN, 20, color, max_len=8)

        # legends inside the charts where the curves are not: top right for the falling
        # loss, bottom right for the rising accuracy
        for ax, keys, top in ((loss_ax, ("batch", "loss", "val_loss"), True),
                              (acc_ax, ("accuracy", "val_accuracy"), False)):
            keys = [k for k in keys if k in names]
            name_w = max(names[k].width for k in keys)
            x = ax.box.get_right()[0] - name_w - 1.0
            y = ax.box.get_top()[1] - 0.2 if top else \
                ax.box.get_bottom()[1] + 0.2 + 0.3 * (len(keys) - 1)
            for k in keys:
                names[k].move_to([x, y, 0], aligned_edge=LEFT)
                if k in keys_marks:
                    keys_marks[k].move_to([x - 0.17, y, 0])
                c.values[k].shift([x + name_w + 0.2, y, 0])
                y -= 0.3
        c.legend = VGroup(*names.values(), *keys_marks.values(), *c.values.values())
        c.markers = VGroup(*[now_line(ax, c.x_now, th.active) for ax in (loss_ax, acc_ax)])
        return c

    def table_row(self, t: Trace, name: str, step: int, arrays: tuple, scales: tuple,
                  y: float, xs: tuple[float, float, float]) -> Group:
        """One time point: its title, the first-layer filters and their feature maps on the
        watched digit (``arrays``, coloured with ``scales``), and P(true class) with the
        class the network predicts."""
        th, d, lab = self.theme, self.DIGIT, self.label_digit
        title = self.label(name, size=20).move_to([xs[0] - 0.25, y, 0], aligned_edge=RIGHT)
        filters = FeatureMapGrid(arrays[0], th, rows=1, size=0.4, gap=0.08, signed=True,
                                 scales=scales[0], outline=th.grid)
        filters.move_to([xs[0], y, 0], aligned_edge=LEFT)
        maps = FeatureMapGrid(arrays[1], th, rows=1, size=0.48, gap=0.07, signed=True,
                              scales=scales[1], outline=th.grid)
        maps.move_to([xs[1], y, 0], aligned_edge=LEFT)
        p, p_text = self.number("main", step, "watch", "probabilities", (d, lab),
                                formatter=percent, now=False)
        bar = Rectangle(width=max(p * 0.8, 0.02), height=0.2, stroke_width=0,
                        fill_color=th.value, fill_opacity=1.0)
        bar.move_to([xs[2], y, 0], aligned_edge=LEFT)
        guess = int(np.argmax(t.get(step, "watch", "probabilities")[d]))
        mark = "\u2713" if guess == lab else "\u2717"
        prob = VGroup(glyph_number(p_text, [xs[2] + 0.92, y + 0.13, 0], 20, th.text),
                      self.label(f"predicts {guess} {mark}", size=20, color=th.muted)
                      .move_to([xs[2] + 0.92, y - 0.14, 0], aligned_edge=LEFT))
        return Group(title, filters, maps, Group(bar, prob))
