"""MNISTMLPvsCNN: the decks' first network, a dense MLP 784 → 128 → 10, against the small CNN,
trained alike (5 epochs, batch 128, Adam) on the same bundled MNIST digits with the same
validation split.

Sections (about 82 s at speed 1)
  networks   the two networks layer by layer with their parameter shapes (the manifest's
             layers) and parameter counts (the summary's param_count) (20 s)
  curves     the shared settings; accuracy and loss per epoch for both runs: train (the mean
             over the epoch's batches, while the weights still change) and validation (the
             held-out digits at the epoch's end); the final values, the MLP's validation
             loss that stops falling, and the subset against the decks' 97–98 % on all
             60,000 digits (31 s)
  mistakes   the first validation digits each network gets wrong (val/wrong_x), true →
             predicted, with the other network's answer for the same digit (9 s)
  confusion  both 10 × 10 confusion matrices of counts (val/confusion, row = true digit),
             their largest off-diagonal cells framed (22 s)

    manim -qm scenes/mnist_mlp_vs_cnn.py MNISTMLPvsCNN
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UL, UP, Arrow, Create, Group,
                   Rectangle, Square, SurroundingRectangle, VGroup, VMobject)

from nnanim.engine.errors import TraceError
from nnanim.engine.trace import Trace
from nnanim.scenes.base import TraceScene
from nnanim.scenes.narration import Narration
from nnanim.scenes.format import fmt, fmt_int
from nnanim.scenes.layout import reading_time
from nnanim.scenes.mobjects.glyph_number import glyph_number
from nnanim.scenes.mobjects.heatmap import Heatmap
from nnanim.scenes.mobjects.light_animations import fade_in, fade_out, replace
from nnanim.scenes.mobjects.plot_axes import PlotAxes, nice_ticks
from nnanim.scenes.mobjects.run_marker import run_marker
from nnanim.scenes.mobjects.styled_curve import StyledCurve
from nnanim.scenes.theme import RunStyle

ROLES = ("main", "cnn")                  # the MLP is the main run (what --trace replaces)
NAMES = {"main": "MLP", "cnn": "CNN"}
STATICS = ("data/train_indices", "data/val_indices", "val/labels", "val/predicted",
           "val/confusion", "val/wrong", "val/wrong_x")
METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")
SAME = ("data/train_indices", "data/val_indices", "val/labels")  # what both runs share
SETTINGS = (("training.epochs", "{} epochs"), ("training.batch_size", "batch {}"),
            ("optimizer.lr", "{optimizer} η = {}"))
OPTIMIZERS = {"adam": "Adam", "sgd": "SGD", "rmsprop": "RMSprop"}  # as the lecture writes them
TIMES, ARROW = "\u00d7", "\u2192"
CLASSES = 10            # the matrices are drawn for MNIST's ten digits
SHOWN_WRONG = 8         # mistakes shown per network
TOP_MISTAKES = 3        # off-diagonal cells framed per matrix
Y_CAPTION, WIDE = -3.38, 13.4
COLUMN_X, COLUMN_W = 3.95, 6.0         # section 1: the networks' columns
Y_KEYS, Y_ROWS, ROW_PITCH = 2.6, 1.9, 0.43
CELL = 0.52                            # section 4: a confusion matrix cell
MATRIX_X, MATRIX_TOP = (-3.2, 4.3), 2.3


def percent(p: float) -> str:
    """An accuracy as a percentage: 0.929 -> '92.9 %'."""
    return f"{100 * p:.1f} %"


def thousands(v: float) -> str:
    """A count with a thousands separator: 101770 -> '101,770'."""
    return f"{round(v):,}"


def digit_image(x: np.ndarray) -> np.ndarray:
    """A digit's pixels as a square image: flat 784 or 1×28×28 -> 28×28 (a reshape for
    display only)."""
    x = np.asarray(x, dtype=np.float64)
    side = round(np.sqrt(x.size))
    return x.reshape(side, side)


def layer_rows(t: Trace) -> list[tuple[str, str]]:
    """(what the layer is, its parameters' shapes) for each layer of the run, read from the
    manifest's layers and settings; shapes as "W 128×784, b 128"."""
    info, rows = t.layer_info, []
    for k, layer in enumerate(info):
        kind, s = layer["type"], t.layer_settings(layer["name"])
        if kind == "Dense":
            name = f"Dense {s['in_features']} {ARROW} {s['out_features']}"
        elif kind == "Conv2D":
            (kh, kw) = s["kernel_size"]
            name = f"Conv {kh}{TIMES}{kw}, {s['in_channels']} {ARROW} {s['out_channels']}"
        elif kind in ("MaxPool2D", "AvgPool2D"):
            (kh, kw) = s["kernel_size"]
            name = f"{kind[:-2]} {kh}{TIMES}{kw}"
        elif kind == "Flatten" and k + 1 < len(info) and info[k + 1]["type"] == "Dense":
            name = f"Flatten {ARROW} {t.layer_settings(info[k + 1]['name'])['in_features']}"
        else:
            name = kind
        shapes = ", ".join(f"{p} {TIMES.join(str(n) for n in shape)}"
                           for p, shape in layer.get("params", {}).items())
        rows.append((name, shapes))
    return rows


def top_mistakes(confusion: np.ndarray, k: int = TOP_MISTAKES) -> list[tuple[int, int]]:
    """The (true, predicted) cells off the diagonal with the largest counts, largest first
    (ties: the earlier row, then column); cells with no mistake are left out."""
    c = np.asarray(confusion)
    cells = [(int(c[i, j]), i, j) for i in range(c.shape[0]) for j in range(c.shape[1])
             if i != j and c[i, j] > 0]
    cells.sort(key=lambda x: (-x[0], x[1], x[2]))
    return [(i, j) for _, i, j in cells[:k]]


def best_epoch(t: Trace) -> int:
    """Index of the epoch with the lowest validation loss."""
    return int(np.argmin([e["val_loss"] for e in t.epochs]))


class MNISTMLPvsCNN(Narration, TraceScene):
    """The decks' MLP and the small CNN on the same digits: parameters, learning curves,
    mistakes and confusion matrices. Length at speed 1: about 82 s (networks 20 s, curves
    31 s, mistakes 9 s, confusion 22 s)."""

    title = "MLP against CNN on MNIST"
    description = ("the decks' 784-128-10 MLP against the small CNN on the same digits: "
                   "parameters, curves, wrong digits, confusion matrices")
    runs = {"main": "mnist_mlp", "cnn": "mnist_cnn"}
    trace_kind = "network"
    duration = 82.0
    caption_y, caption_width, say_seconds = Y_CAPTION, WIDE, 0.5  # Narration

    # -- trace ------------------------------------------------------------------------------
    def check_trace(self, role: str, t: Trace) -> None:
        name = f"MNISTMLPvsCNN ({NAMES.get(role, role)} run)"
        types = [layer["type"] for layer in t.layer_info]
        if not types or types[-1] != "Dense":
            raise TraceError(f"{name} needs a classifier ending in a Dense layer, {t.path} "
                             f"has {'-'.join(types) or 'no layers'}")
        if role == "main" and "Conv2D" in types:
            raise TraceError(f"{name} needs an MLP (Dense layers and activations), {t.path} "
                             f"has {'-'.join(types)}")
        if role == "cnn" and "Conv2D" not in types:
            raise TraceError(f"{name} needs a CNN (a Conv2D layer), {t.path} has "
                             f"{'-'.join(types)}")
        missing = [k for k in STATICS if k not in t.manifest.get("static", [])]
        if missing:
            raise TraceError(f"{name}: {t.path} lacks {', '.join(missing)} (a classifier run "
                             "with a validation split)")
        if t.static("val/confusion").shape != (CLASSES, CLASSES):
            raise TraceError(f"{name} draws {CLASSES}{TIMES}{CLASSES} confusion matrices "
                             f"(MNIST's digits), {t.path} has "
                             f"{t.static('val/confusion').shape}")
        if not t.epochs or any(m not in e for e in t.epochs for m in METRICS):
            raise TraceError(f"{name} needs per-epoch {', '.join(METRICS)} in {t.path}")
        if "param_count" not in t.summary:
            raise TraceError(f"{name} needs the summary's param_count in {t.path}")
        if role != "main":
            main = self.trace("main")
            for key in SAME:
                a, b = main.static(key), t.static(key)
                if a.shape != b.shape or not np.array_equal(a, b):
                    raise TraceError(f"{name} is compared with the MLP on the same digits, "
                                     f"but its {key} differs from the MLP's")

    # -- numbers ----------------------------------------------------------------------------
    def summary_number(self, role: str, key: str, formatter=thousands) -> str:
        """A number of the run's summary (the manifest's final values), e.g. param_count."""
        return self.number(role, None, "summary", key, formatter=formatter)[1]

    def final(self, role: str, metric: str, formatter=percent) -> str:
        """The text of the last epoch's ``metric`` of run ``role`` (recorded as shown)."""
        last = len(self.trace(role).epochs) - 1
        return self.number(role, None, "epoch", metric, (last,), formatter=formatter)[1]

    def static_int(self, role: str, key: str, index) -> str:
        """One integer of a static array (a class, a count), recorded as shown."""
        return self.number(role, None, "static", key, index, formatter=fmt_int)[1]

    # -- headings -----------------------------------------------------------------------------
    def head(self, text: str) -> None:
        """The section's heading, top left (the previous one out first)."""
        new = self.label(text, size=34).to_corner(UL, buff=0.3)
        self.play(*replace(self.heading, new), run_time=self.t(0.6))
        self.heading = new

    def clear_section(self) -> None:
        """Everything but the heading out: the next section starts on an empty stage."""
        self.play(fade_out(Group(*[m for m in self.mobjects if m is not self.heading])),
                  run_time=self.t(0.7))
        self.said = None

    # -- small builders -----------------------------------------------------------------------
    def run_key(self, role: str, size: float = 26) -> VGroup:
        """The run's marker and name: the marker tells the runs apart without colour."""
        style = self.style[role]
        return VGroup(run_marker(style, np.zeros(3), 0.09),
                      self.label(NAMES[role], size=size, color=style.color)
                      ).arrange(RIGHT, buff=0.14)

    def thumbnail(self, pixels: np.ndarray, height: float) -> Group:
        """A digit as an image with a thin frame where its dark border ends."""
        image = Heatmap(digit_image(pixels), self.theme, height=height, vmin=0.0, vmax=1.0)
        frame = Rectangle(width=image.width, height=image.height, stroke_color=self.theme.grid,
                          stroke_width=1.5).move_to(image)
        return Group(image, frame)

    # -- the scene ----------------------------------------------------------------------------
    def construct(self) -> None:
        self.captions: list[str] = []
        self.said, self.heading = None, None
        self.style = {role: self.theme.runs[k] for k, role in enumerate(ROLES)}
        self.next_section("networks")
        self.networks()
        self.next_section("curves")
        self.curves()
        self.next_section("mistakes")
        self.mistakes()
        self.next_section("confusion")
        self.confusion()

    # 1 -------------------------------------------------------------------------------------
    def networks(self) -> None:
        th = self.theme
        self.head("Two networks, the same digits")
        digit = self.thumbnail(self.example_digit(), 1.1).move_to([0, Y_KEYS, 0])
        cols = {role: self.column(role, x) for role, x in zip(ROLES, (-COLUMN_X, COLUMN_X))}
        mlp, cnn = cols["main"], cols["cnn"]
        arrows = [Arrow(digit.get_left(), mlp.key.get_right(), buff=0.15, stroke_width=3,
                        color=th.muted, max_tip_length_to_length_ratio=0.1),
                  Arrow(digit.get_right(), cnn.key.get_left(), buff=0.15, stroke_width=3,
                        color=th.muted, max_tip_length_to_length_ratio=0.1)]
        self.play(fade_in(digit), run_time=self.t(0.6))
        self.play(Create(arrows[0]), fade_in(mlp.key), fade_in(mlp.rows, lag_ratio=0.2),
                  run_time=self.t(1.2))
        self.say(self.mlp_sentence())
        self.play(Create(arrows[1]), fade_in(cnn.key), fade_in(cnn.rows, lag_ratio=0.12),
                  run_time=self.t(1.4))
        conv = next(layer for layer in self.trace("cnn").layer_info
                    if layer["type"] == "Conv2D")
        kh, kw = self.trace("cnn").layer_settings(conv["name"])["kernel_size"]
        self.say(f"The small CNN keeps the image: {kh}{TIMES}{kw} filters, max-pooling, then "
                 "one dense layer.")
        counts = {r: float(self.trace(r).summary["param_count"]) for r in ROLES}
        said = f"Parameters: {mlp.count} against {cnn.count}."
        if counts["cnn"] < counts["main"]:
            said += " A filter is shared by every position in the image."
        self.say(said, fade_in(mlp.total), fade_in(cnn.total))
        fewer = "CNN" if counts["cnn"] < counts["main"] else "MLP"
        self.note(say="The MLP reads the pixels in a row and forgets the image's shape; the "
                      "CNN keeps the image and slides small shared filters over it.",
                  ask="How many parameters does each network learn?",
                  answer=f"The MLP {mlp.count}, the CNN {cnn.count}: the {fewer} needs "
                         "fewer.")

    def mlp_sentence(self) -> str:
        """The MLP in words, from its layers: inputs, hidden units and their activation,
        outputs."""
        t = self.trace("main")
        info = t.layer_info
        dense = [(k, t.layer_settings(layer["name"])) for k, layer in enumerate(info)
                 if layer["type"] == "Dense"]
        hidden = " + ".join(str(s["out_features"]) for _, s in dense[:-1])
        act = info[dense[0][0] + 1]["type"] if len(dense) > 1 else ""
        middle = f"{hidden} {act} units, " if hidden else ""
        return (f"The decks' MLP: {dense[0][1]['in_features']} pixels in a row, {middle}"
                f"{dense[-1][1]['out_features']} outputs.")

    def example_digit(self) -> np.ndarray:
        """A digit to show as the networks' input: the CNN run's first watched digit when it
        has one, else the MLP's first misclassified validation digit."""
        cnn = self.trace("cnn")
        if "watch/x" in cnn.manifest.get("static", []):
            return cnn.static("watch/x")[0]
        return self.trace("main").static("val/wrong_x")[0]

    def column(self, role: str, x: float) -> SimpleNamespace:
        """One network as rows (layer, parameter shapes) under its name, with its parameter
        count (the summary's) at the bottom."""
        th, t = self.theme, self.trace(role)
        left, right = x - COLUMN_W / 2, x + COLUMN_W / 2
        y = Y_ROWS
        shape = t.static("val/wrong_x").shape[1:]
        what = (f"{shape[0]} pixels in a row" if len(shape) == 1
                else f"{TIMES.join(str(n) for n in shape)} image")
        rows = VGroup()
        for name, shapes in [("input", what), *layer_rows(t)]:
            row = VGroup(self.label(name, size=20).move_to([left, y, 0], aligned_edge=LEFT))
            if shapes:
                color = th.muted if name == "input" else th.weight
                row.add(self.label(shapes, size=20, color=color)
                        .move_to([right, y, 0], aligned_edge=RIGHT))
            rows.add(row)
            y -= ROW_PITCH
        soft = self.label("softmax (in the loss)", size=20, color=th.muted)
        rows.add(VGroup(soft.move_to([left, y, 0], aligned_edge=LEFT)))
        key = self.run_key(role).move_to([x, Y_KEYS, 0])
        count = self.summary_number(role, "param_count")
        total = VGroup(self.label(count, size=28, color=th.weight),
                       self.label("parameters", size=24)).arrange(RIGHT, buff=0.15)
        total.move_to([x, -2.55, 0])
        return SimpleNamespace(rows=rows, key=key, total=total, count=count)

    def settings_sentence(self) -> str:
        """How both runs were trained: a setting they share is said once, one they do not
        is said for each; the held-out share of the (shared) digits last."""
        parts = []
        for path, pattern in SETTINGS:
            said = {}
            for r in ROLES:
                name = str(self.trace(r).config.get("optimizer", {}).get("name", ""))
                value = self.number(r, None, "config", path, formatter=lambda v: f"{v:g}")[1]
                said[r] = pattern.format(value, optimizer=OPTIMIZERS.get(name.lower(), name))
            if said["main"] == said["cnn"]:
                parts.append(said["main"])
            else:
                parts.append(f"{said['main']} (MLP), {said['cnn']} (CNN)")
        held = self.number("main", None, "config", "data.validation",
                           formatter=lambda v: f"{100 * v:g} %")[1]
        return (f"Both: {', '.join(parts)}. Train: epoch mean; validation: the same {held} "
                "held out, at epoch end.")

    # 2 -------------------------------------------------------------------------------------
    def curves(self) -> None:
        self.clear_section()
        self.head("Learning curves, epoch by epoch")
        c = self.build_charts()
        self.play(fade_in(c.frames), fade_in(c.legend), run_time=self.t(1.0))
        text = self.settings_sentence()
        self.say(text, run_time=0.5, wait=False)
        spent = self.t(0.5)
        for k in range(c.epochs):
            self.play(*[Create(seg) for seg in c.segments[k]],
                      *[fade_in(m, scale=2) for m in c.markers[k]],
                      run_time=self.pace(k, slow=2, first=1.1, rest=0.8))
            spent += self.pace(k, slow=2, first=1.1, rest=0.8)
        self.wait(max(self.t(reading_time(text)) - spent, self.t(1.0)))
        for role in ROLES:  # the curves now show both runs to their ends (--events)
            self.reached(role, self.trace(role).all_steps[-1])
        table = self.final_table(c)
        self.play(fade_in(table), run_time=self.t(0.8))
        self.say(self.verdict())
        mlp = self.trace("main")
        best, last = best_epoch(mlp), len(mlp.epochs) - 1
        if best < last and mlp.epochs[-1]["loss"] < mlp.epochs[best]["loss"]:
            self.say(f"The MLP's validation loss is lowest after epoch {best + 1}, its train "
                     "loss keeps falling: it begins to overfit.")
        steps = self.number("main", None, "epoch", "steps", (last,),
                            formatter=fmt_int)[1]
        self.say("The decks quote 97–98 % for this MLP on all 60,000 digits; "
                 f"{steps} steps on this subset give {self.final('main', 'val_accuracy')}.")
        (mv, mt), (cv, ct) = (self.number(r, None, "epoch", "val_loss",
                                          (len(self.trace(r).epochs) - 1,), formatter=fmt)
                              for r in ROLES)
        self.note(say="Solid lines are the held-out digits, dashed the training digits; "
                      "validation tells how well a network reads new digits.",
                  ask="Which network ends with the lower validation loss?",
                  answer=f"The {'CNN' if cv < mv else 'MLP'}: {ct if cv < mv else mt} "
                         f"against {mt if cv < mv else ct} for the "
                         f"{'MLP' if cv < mv else 'CNN'}.")

    def verdict(self) -> str:
        """What the final accuracies in the table say: train against validation, MLP
        against CNN."""
        end = {r: self.trace(r).epochs[-1] for r in ROLES}
        if end["cnn"]["val_accuracy"] > end["main"]["val_accuracy"]:
            if end["main"]["accuracy"] > end["cnn"]["accuracy"]:
                return ("The MLP fits its training digits better, the CNN reads new digits "
                        "better.")
            return "The CNN is better on its training digits and on new ones."
        return "Here the MLP reads new digits as well as the CNN, or better."

    def curve_style(self, role: str, split: str) -> RunStyle:
        """The run's colour and marker; validation solid, train dashed (and its markers
        hollow): the split's two cues besides the run's."""
        run = self.style[role]
        return RunStyle(run.color, None if split == "val" else 0.1, run.marker)

    def marker(self, role: str, split: str, point) -> VMobject:
        style = self.curve_style(role, split)
        mark = run_marker(style, point, 0.075)
        if split == "train":
            mark.set_fill(self.theme.background, opacity=1.0).set_stroke(style.color, width=3)
        return mark.set_z_index(3)

    def build_charts(self) -> SimpleNamespace:
        """Accuracy (left) and loss (right) against the epoch, for both runs and both
        splits: per epoch, the new segments and markers to draw."""
        th = self.theme
        runs = {r: self.trace(r).epochs for r in ROLES}
        n = min(len(e) for e in runs.values())
        xs = np.arange(1, n + 1, dtype=float)
        acc = [e[m] for r in ROLES for e in runs[r][:n] for m in ("accuracy", "val_accuracy")]
        lo = min(0.9, np.floor(min(acc) * 10) / 10)
        top = max(e[m] for r in ROLES for e in runs[r][:n] for m in ("loss", "val_loss")) * 1.1
        x_range = (0.6, n + 0.4)
        # the epochs are written under the axes below (PlotAxes formats x and y alike)
        acc_ax = PlotAxes(th, x_range, (lo, 1.0), width=4.8, height=2.45,
                          y_ticks=np.arange(lo, 1.0001, 0.1), font_size=20,
                          tick_format=lambda v: f"{100 * v:.0f} %")
        loss_ax = PlotAxes(th, x_range, (0, top), width=4.8, height=2.45,
                           y_ticks=nice_ticks(0, top, 3), font_size=20)
        acc_ax.shift(np.array([-3.5, 0.93, 0]) - acc_ax.box.get_center())
        loss_ax.shift(np.array([4.2, 0.93, 0]) - loss_ax.box.get_center())
        frames = VGroup()
        for ax, title in ((acc_ax, "accuracy"), (loss_ax, "loss (cross-entropy)")):
            epoch_ticks = VGroup(*[self.label(str(int(x)), size=20, color=th.muted)
                                   .next_to(ax.p(x, ax.y_range[0]), DOWN, buff=0.2)
                                   for x in xs])
            frames.add(ax, epoch_ticks,
                       self.label(title, size=22).next_to(ax.box, UP, buff=0.2)
                       .align_to(ax.box, LEFT),
                       self.label("epoch", size=20, color=th.muted)
                       .next_to(epoch_ticks, DOWN, buff=0.1).align_to(ax.box, RIGHT))
        segments = [[] for _ in range(n)]
        markers = [[] for _ in range(n)]
        for ax, metrics in ((acc_ax, ("accuracy", "val_accuracy")),
                            (loss_ax, ("loss", "val_loss"))):
            for role in ROLES:
                for metric in metrics:
                    split = "val" if metric.startswith("val") else "train"
                    style = self.curve_style(role, split)
                    ys = np.array([e[metric] for e in runs[role][:n]], dtype=float)
                    pts = ax.points_of(np.column_stack([xs, ys]))
                    for k in range(n):
                        markers[k].append(self.marker(role, split, pts[k]))
                        if k:
                            segments[k].append(StyledCurve(style, style.color, 3.5)
                                               .set_curve(pts[k - 1:k + 1]).set_z_index(2))
        return SimpleNamespace(frames=frames, legend=self.chart_legend(), segments=segments,
                               markers=markers, epochs=n, axes=(acc_ax, loss_ax))

    def chart_legend(self) -> VGroup:
        """One row: the runs (colour and marker), then the splits (solid and filled,
        dashed and hollow)."""
        th = self.theme
        items = [self.run_key(role, size=22) for role in ROLES]
        for split, text in (("val", "validation (epoch end)"), ("train", "train (epoch mean)")):
            line = StyledCurve(RunStyle(th.muted, None if split == "val" else 0.1, "circle"),
                               th.muted, 3.5).set_curve(np.array([np.zeros(3), 0.7 * RIGHT]))
            mark = run_marker(RunStyle(th.muted, None, "circle"), 0.35 * RIGHT, 0.075)
            if split == "train":
                mark.set_fill(th.background, opacity=1.0).set_stroke(th.muted, width=3)
            items.append(VGroup(VGroup(line, mark), self.label(text, size=20))
                         .arrange(RIGHT, buff=0.14))
        return VGroup(*items).arrange(RIGHT, buff=0.5).move_to([0, 2.88, 0])

    def final_table(self, c) -> VGroup:
        """The last epoch's four metrics of both runs (train and validation, accuracy and
        loss), under the charts."""
        th = self.theme
        n = c.epochs
        cols = ((-2.2, "accuracy", "train accuracy"), (0.9, "val_accuracy", "validation accuracy"),
                (3.7, "loss", "train loss"), (6.6, "val_loss", "validation loss"))
        y = -1.45
        table = VGroup(self.label(f"after {n} epochs", size=20, color=th.muted)
                       .move_to([-6.6, y, 0], aligned_edge=LEFT))
        for x, _, head in cols:
            table.add(self.label(head, size=20, color=th.muted)
                      .move_to([x, y, 0], aligned_edge=RIGHT))
        for role in ROLES:
            y -= 0.4
            table.add(self.run_key(role, size=22).move_to([-6.6, y, 0], aligned_edge=LEFT))
            for x, metric, _ in cols:
                formatter = percent if "accuracy" in metric else fmt
                text = self.number(role, None, "epoch", metric, (n - 1,),
                                   formatter=formatter)[1]
                table.add(self.label(text, size=22).move_to([x, y, 0], aligned_edge=RIGHT))
        return table

    # 3 -------------------------------------------------------------------------------------
    def mistakes(self) -> None:
        self.clear_section()
        self.head("Digits each network gets wrong")
        key = self.label(f"each network's first wrong validation digits, true {ARROW} "
                         "predicted; below: the other network's answer", size=20,
                         color=self.theme.muted).move_to([0, 2.75, 0])
        rows = [self.wrong_row(role, y) for role, y in zip(ROLES, (1.65, -0.6))]
        self.play(fade_in(key), *[fade_in(r.head) for r in rows],
                  *[fade_in(r.cards, lag_ratio=0.1) for r in rows], run_time=self.t(1.6))
        self.rows = rows
        fixed = sum(len(row.cards) - row.fooled_both for row in rows)  # a decision, not shown
        if fixed and any(row.fooled_both for row in rows):
            said = ("Many digits one network gets wrong, the other reads right; a few, "
                    "✗ twice, fool both.")
        elif fixed:
            said = "Every digit one network gets wrong here, the other reads right."
        else:
            said = "The digits one network gets wrong fool the other too."
        self.say(said)
        shown = sum(len(row.cards) for row in rows)
        both = sum(row.fooled_both for row in rows)
        self.note(say="Each network's first wrong validation digits, with what the other "
                      "network answers for the same digit.",
                  ask="How many of the wrong digits shown fool both networks?",
                  answer=f"{both} of {shown}; the other network reads the rest right.")

    def wrong_row(self, role: str, y: float) -> SimpleNamespace:
        """Run ``role``'s first misclassified validation digits: image, true → predicted,
        and the other run's answer with ✓ or ✗."""
        th, t = self.theme, self.trace(role)
        other = "cnn" if role == "main" else "main"
        wrong, images = t.static("val/wrong"), t.static("val/wrong_x")
        cards, fooled_both = Group(), 0
        for k in range(min(SHOWN_WRONG, len(wrong))):
            i = int(wrong[k])
            thumb = self.thumbnail(images[k], 1.0)
            true = self.static_int(role, "val/labels", (i,))
            said = self.static_int(role, "val/predicted", (i,))
            answer = self.static_int(other, "val/predicted", (i,))
            right = int(self.trace(other).static("val/predicted")[i]) == \
                int(t.static("val/labels")[i])
            fooled_both += not right  # both networks get it wrong
            mark = "\u2713" if right else "\u2717"
            line1 = self.label(f"{true} {ARROW} {said}", size=22)
            line2 = self.label(f"{NAMES[other]}: {answer} {mark}", size=20,
                               color=th.text if right else th.muted)
            card = Group(thumb, line1, line2).arrange(DOWN, buff=0.1)
            cards.add(card.move_to([-4.6 + 1.5 * k, y - 0.4, 0]))
        head = self.run_key(role).move_to([-6.4, y, 0])
        return SimpleNamespace(cards=cards, head=head, fooled_both=fooled_both)

    # 4 -------------------------------------------------------------------------------------
    def confusion(self) -> None:
        self.clear_section()
        self.head("Confusion matrices")
        m = {role: self.matrix(role, x) for role, x in zip(ROLES, MATRIX_X)}
        self.play(fade_in(m["main"].frame), fade_in(m["main"].labels),
                  fade_in(m["main"].numbers), run_time=self.t(1.0))
        self.say("Row: the true digit, column: the answer; the diagonal holds the right "
                 "ones.")
        self.say(self.mistakes_sentence("main"), *[Create(f) for f in m["main"].highlights],
                 run_time=0.6)
        self.play(fade_in(m["cnn"].frame), fade_in(m["cnn"].labels), fade_in(m["cnn"].numbers),
                  run_time=self.t(1.0))
        self.say(self.mistakes_sentence("cnn"), *[Create(f) for f in m["cnn"].highlights],
                 run_time=0.6)
        self.matrices = m
        top = top_mistakes(self.trace("main").static("val/confusion"), 1)
        if top:
            (i, j), = top
            answer = (f"{i} read as {j}, "
                      f"{self.static_int('main', 'val/confusion', (i, j))} times; the CNN "
                      f"makes it {self.static_int('cnn', 'val/confusion', (i, j))} times.")
        else:
            answer = "None: the MLP gets every one of these validation digits right."
        self.note(say="Row: the true digit, column: the network's answer; everything off "
                      "the diagonal is a mistake.",
                  ask="What is the MLP's most common mistake, and does the CNN make it too?",
                  answer=answer)

    def mistakes_sentence(self, role: str) -> str:
        """The run's largest off-diagonal cells in words, their counts from the trace; for
        the CNN also how often it makes the MLP's commonest mistake."""
        cells = top_mistakes(self.trace(role).static("val/confusion"))
        parts = [f"{i} as {j} ({self.static_int(role, 'val/confusion', (i, j))}×)"
                 for i, j in cells]
        text = (f"The {NAMES[role]}'s largest mistakes: " + ", ".join(parts) + "."
                if parts else f"The {NAMES[role]} makes no mistake on these digits.")
        top = top_mistakes(self.trace("main").static("val/confusion"), 1)
        if role == "main" or not top or top[0] in cells:
            return text
        (i, j), = top
        return text + f" The MLP's top one, {i} as {j}: " \
            f"{self.static_int(role, 'val/confusion', (i, j))}×."

    def matrix(self, role: str, x: float) -> SimpleNamespace:
        """Run ``role``'s confusion matrix as a grid of counts: the diagonal on a grey fill,
        zeros muted, the largest off-diagonal cells framed in the active colour."""
        th, t = self.theme, self.trace(role)
        c = t.static("val/confusion")
        n = c.shape[0]
        left, top = x - n * CELL / 2, MATRIX_TOP
        cells, numbers, labels = VGroup(), VGroup(), VGroup()

        def centre(i: int, j: int) -> np.ndarray:
            return np.array([left + (j + 0.5) * CELL, top - (i + 0.5) * CELL, 0.0])

        for i in range(n):
            for j in range(n):
                sq = Square(side_length=CELL, stroke_color=th.grid, stroke_width=1.5)
                if i == j:
                    sq.set_fill(th.grid, opacity=1.0)
                cells.add(sq.move_to(centre(i, j)))
                text = self.static_int(role, "val/confusion", (i, j))
                color = th.muted if c[i, j] == 0 else th.text
                numbers.add(glyph_number(text, [0, 0, 0], 18, th.ink(color), align=LEFT)
                            .move_to(centre(i, j)))
        for k in range(n):  # class names: predicted along the top, true down the left
            labels.add(self.label(str(k), size=20, color=th.muted)
                       .move_to(centre(0, k) + (0.5 * CELL + 0.2) * UP))
            labels.add(self.label(str(k), size=20, color=th.muted)
                       .move_to(centre(k, 0) + (0.5 * CELL + 0.22) * LEFT))
        labels.add(self.label(f"predicted {ARROW}", size=20, color=th.muted)
                   .move_to([left + n * CELL, top + 0.62, 0], aligned_edge=RIGHT))
        labels.add(self.label("true", size=20, color=th.muted)
                   .move_to([left - 0.9, top - n * CELL / 2, 0]))
        labels.add(self.run_key(role).move_to([left, top + 0.62, 0], aligned_edge=LEFT))
        highlights = [SurroundingRectangle(cells[i * n + j], color=th.active, buff=0.0,
                                           stroke_width=5).set_z_index(4)
                      for i, j in top_mistakes(c)]
        return SimpleNamespace(frame=cells, numbers=numbers, labels=labels,
                               highlights=highlights, cells=cells)
