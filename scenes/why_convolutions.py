"""WhyConvolutions: the Argonne deck's "why convolutions", on horizontal and vertical lines.

A dense network learns the images as well with their pixels shuffled (it ignores where the
pixels are); a vertical-edge filter and a max-pool tell the classes apart at once, and a
line moved by one pixel gives the same pooled value.

Sections
  data      four of the 200 noisy 8×8 images (the watched samples' watch/x)
  flatten   a horizontal and a vertical image flattened row after row into 64 pixels:
            one block of bright pixels against bright pixels 8 places apart
  learn     the MLP Dense(64 → 8)·ReLU·Dense(8 → 2) trained on the rows: training loss
            and validation accuracy per epoch (run "main")
  shuffled  the same images with one fixed pixel permutation (noise to us); the same MLP
            from the same start (run "shuffled") drawn on the same plots: it learns as well;
            why the curves still differ a little; the lesson
  filter    the 2×2 vertical-edge kernel slid over a clean horizontal and a clean vertical
            line (the probe "filter": feature maps), max-pooled over the whole map: 0 and 2
  shift     the vertical line one pixel to the right: its map moves, the pooled value stays
About 87 s at speed 1 (data 7 s, flatten 13 s, learn 11 s, shuffled 24 s, filter 18 s,
shift 14 s): the captions' reading times set most of it.
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UL, UP, Arrow, Create, Group, Line, Square,
                   SurroundingRectangle, VGroup, VMobject, linear, smooth)

from nnanim.engine.errors import TraceError
from nnanim.engine.trace import Trace
from nnanim.scenes.base import TraceScene
from nnanim.scenes.format import fmt, fmt_minus
from nnanim.scenes.layout import reading_time, split_in_two
from nnanim.scenes.mobjects.glyph_number import glyph_number
from nnanim.scenes.mobjects.heatmap import Heatmap, colorize
from nnanim.scenes.mobjects.light_animations import Tween, fade_in, fade_out, replace
from nnanim.scenes.mobjects.plot_axes import PlotAxes, nice_ticks, tick_text
from nnanim.scenes.mobjects.run_marker import run_marker
from nnanim.scenes.mobjects.value_grid import ValueGrid
from nnanim.scenes.theme import RunStyle

ARROW = "\u2192"
TIMES = "\u00d7"
#: the two network runs, told apart by colour, dash and marker: role -> name on screen
RUNS = {"main": "original pixels", "shuffled": "shuffled pixels"}
#: the probe's three images, by position in its input: horizontal, vertical, shifted vertical
HORIZONTAL, VERTICAL, SHIFTED = 0, 1, 2
CAPTION_WIDTH = 13.2
MAX_SIDE = 8          # images of at most 8×8 pixels: 64 of them make a row across the frame
MAX_WATCHED = 4       # the watched images drawn side by side in section data
IMAGE = 2.3           # height of the images of sections data and flatten
STRIP_CELL = 0.19     # a pixel of the flattened rows
ROW_LAG = 0.07        # flatten: each image row starts this fraction of the move later
THUMB = 1.35          # the images beside the plots
PLOT_LEFT, PLOT_RIGHT = -1.95, 6.0
MARK_EVERY = 5        # a run marker on every 5th epoch's point
CHUNK = 4             # epochs drawn per play
PROBE_IMAGE = 2.4     # the probe's images (filter, shift)
MAP_CELL = 0.36       # a cell of the written feature maps
ROW_Y = (1.45, -1.45)  # the two rows of the filter sections
IMAGE_X, MAP_X, POOL_X, KERNEL_X = -5.4, -0.9, 2.75, 5.3


def percent(p: float) -> str:
    """An accuracy as a percentage: 0.98 -> '98.0 %'."""
    return f"{100 * p:.1f} %"


def integer(v: float) -> str:
    return f"{v:g}"


def hex_color(rgba) -> str:
    return "#{:02X}{:02X}{:02X}".format(*(int(c) for c in rgba[:3]))


def dashed_path(points: np.ndarray, dash: float | None) -> list[np.ndarray]:
    """A polyline as pieces: itself when ``dash`` is None, else dashes of arc length
    ``dash`` with gaps of 0.7 × dash (a run's second cue besides its colour)."""
    if dash is None or len(points) < 2:
        return [points]
    seg = np.linalg.norm(np.diff(points, axis=0), axis=1)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    pieces, start = [], 0.0
    while start < s[-1]:
        end = min(start + dash, s[-1])
        inner = points[(s > start) & (s < end)]
        ends = [np.array([np.interp(v, s, points[:, k]) for k in range(3)]) for v in (start, end)]
        pieces.append(np.array([ends[0], *inner, ends[1]]))
        start = end + max(0.07, 0.7 * dash)
    return pieces


def styled_line(points: np.ndarray, style: RunStyle, width: float = 4.0) -> VMobject:
    curve = VMobject(stroke_color=style.color, stroke_width=width)
    for piece in dashed_path(points, style.dash):
        curve.start_new_path(piece[0])
        curve.add_points_as_corners(piece[1:])
    return curve


def shifted_right(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether image ``b`` is image ``a`` moved one pixel to the right (zeros entering on
    the left, a's last column leaving)."""
    return bool(np.array_equal(b[:, 1:], a[:, :-1]) and not b[:, 0].any()
                and not a[:, -1].any())


class WhyConvolutions(TraceScene):
    """Why convolutions: an MLP learns lines as well from shuffled pixels, a vertical-edge
    filter and a max-pool separate them at once, and a one-pixel shift keeps the pooled
    value. Runs: main and shuffled (the MLP, identical but for data.permute), filter (a
    Conv2D + MaxPool2D probe on three clean images of the same data set).
    """

    title = "Why convolutions?"
    description = ("horizontal vs vertical lines: an MLP learns them as well shuffled; an edge "
                   "filter and max-pooling split them, shifted or not")
    runs = {"main": "lines_mlp", "shuffled": "lines_mlp_permuted", "filter": "lines_filter"}
    trace_kind = ("network", "layer")
    duration = 87.0

    # -- traces -------------------------------------------------------------------------------
    def check_trace(self, role: str, trace: Trace) -> None:
        if role == "filter":
            self.check_filter(trace)
        else:
            self.check_mlp(role, trace)

    def refuse(self, message: str) -> None:
        raise TraceError(f"{type(self).__name__}: {message}")

    def check_mlp(self, role: str, trace: Trace) -> None:
        if trace.kind != "network":
            self.refuse(f"run '{role}' must be a network run, {trace.path} is a "
                        f"'{trace.kind}' trace")
        data = trace.config.get("data", {})
        if data.get("name") != "lines" or data.get("layout", "flat") != "flat":
            self.refuse(f"run '{role}' needs the flat 'lines' data set; {trace.path} has "
                        f"{data.get('name')}")
        if ("permute" in data) != (role == "shuffled"):
            self.refuse(f"run '{role}' must {'' if role == 'shuffled' else 'not '}shuffle "
                        f"the pixels (data.permute) in {trace.path}")
        types = [i["type"] for i in trace.layer_info]
        size = int(data.get("size", 8))
        if size > MAX_SIDE:
            self.refuse(f"draws images of at most {MAX_SIDE}x{MAX_SIDE} pixels (a flattened "
                        f"row must fit the frame); {trace.path} has {size}x{size}")
        first = trace.layer_settings(trace.layers[0]) if types else {}
        if types != ["Dense", "ReLU", "Dense"] or first.get("in_features") != size * size \
                or trace.layer_settings(trace.layers[2]).get("out_features") != 2:
            self.refuse(f"needs an MLP Dense({size * size} -> h), ReLU, Dense(h -> 2); "
                        f"{trace.path} has {'-'.join(types) or 'no layers'}")
        statics = trace.manifest.get("static", [])
        missing = [k for k in ("watch/x", "watch/labels", "watch/indices") if k not in statics]
        if missing:
            self.refuse(f"{trace.path} lacks {', '.join(missing)} (record.watch)")
        labels = [int(v) for v in trace.static("watch/labels")]
        if set(labels) != {0, 1} or len(labels) > MAX_WATCHED:
            self.refuse(f"needs a watched horizontal and a watched vertical line, at most "
                        f"{MAX_WATCHED} images, in {trace.path}")
        if not trace.epochs or not {"loss", "val_accuracy"} <= set(trace.epochs[0]):
            self.refuse(f"needs per-epoch loss and val_accuracy (a validation split) in "
                        f"{trace.path}")
        main = self._traces.get("main")
        if role == "shuffled" and main is not None:
            self.check_pair(main, trace)

    def check_pair(self, main: Trace, shuffled: Trace) -> None:
        """The two runs differ only in data.permute (and their names)."""
        def rest(t: Trace) -> dict:
            cfg = {k: v for k, v in t.config.items() if k != "run"}
            cfg["data"] = {k: v for k, v in cfg["data"].items() if k != "permute"}
            run = {k: v for k, v in t.config["run"].items() if k not in ("name", "description")}
            return {**cfg, "run": run}

        if rest(main) != rest(shuffled):
            self.refuse(f"runs 'main' and 'shuffled' must be identical but for data.permute "
                        f"({main.path}, {shuffled.path})")
        if not np.array_equal(main.static("watch/indices"), shuffled.static("watch/indices")):
            self.refuse("runs 'main' and 'shuffled' must watch the same images")

    def check_filter(self, trace: Trace) -> None:
        types = [i["type"] for i in trace.layer_info]
        if trace.kind != "layer" or types != ["Conv2D", "MaxPool2D"]:
            self.refuse(f"run 'filter' must be a Conv2D + MaxPool2D probe; {trace.path} is a "
                        f"'{trace.kind}' trace with {'-'.join(types) or 'no layers'}")
        conv, pool = trace.layers
        if "input/labels" not in trace.manifest.get("static", []):
            self.refuse(f"run 'filter' must probe samples of a data set ([input] data); "
                        f"{trace.path} has no input/labels")
        x = trace.get(0, conv, "input")
        if x.shape[:2] != (3, 1) or max(x.shape[2:]) > MAX_SIDE or \
                trace.get(0, pool, "output").shape[1:] != (1, 1, 1):
            self.refuse(f"run 'filter' needs three one-channel images pooled to one number "
                        f"each, at most {MAX_SIDE}x{MAX_SIDE}; {trace.path} has input "
                        f"{tuple(x.shape)}")
        if list(trace.static("input/labels")) != [0, 1, 1] or \
                not shifted_right(x[VERTICAL, 0], x[SHIFTED, 0]):
            self.refuse(f"run 'filter' needs a horizontal line, a vertical line and the same "
                        f"vertical line one pixel to the right; {trace.path} has others")

    # -- captions -------------------------------------------------------------------------------
    def caption(self, text: str):
        """A sentence at the bottom of the frame (two lines when long); kept in
        ``captions`` (tests read them)."""
        self.captions.append(text)
        line = self.label(text, size=26)
        if line.width > CAPTION_WIDTH:  # two lines, split at the word nearest the middle
            line = self.label("\n".join(split_in_two(text)), size=26)
        return line.to_edge(DOWN, buff=0.3)

    def say(self, text: str, *anims, run_time: float = 0.8) -> None:
        """Replace the caption (after the old one's reading time) while ``anims`` play."""
        self.read()
        new = self.caption(text)
        self.play(*replace(self.cap, new), *anims, run_time=self.t(run_time))
        self.cap, self.cap_since = new, float(self.renderer.time)

    def read(self, at_least: float = 0.0) -> None:
        """Wait until the caption has been on screen for its reading time, and at least
        ``at_least`` seconds (at speed 1: a section's closing still)."""
        left = self.t(at_least)
        if self.cap is not None:
            need = self.t(reading_time(self.cap.original_text))
            left = max(left, need - (float(self.renderer.time) - self.cap_since))
        if left > 1e-3:
            self.wait(left)

    def clear_stage(self) -> None:
        """Fade out everything but the title, the caption included."""
        self.read()
        gone = [m for m in self.mobjects if m is not self.heading]
        if gone:
            self.play(*[fade_out(m) for m in gone], run_time=self.t(0.6))
        self.cap = None

    # -- numbers ------------------------------------------------------------------------------
    def setting(self, role: str, path: str) -> str:
        """A number of the run's config, as shown text."""
        return self.number(role, None, "config", path, formatter=integer)[1]

    def epoch_text(self, role: str, k: int, metric: str, formatter=fmt) -> str:
        return self.number(role, None, "epoch", metric, (k,), formatter=formatter)[1]

    def shown_loss(self, role: str) -> str | None:
        """The last training loss the run's readout showed (presenter notes)."""
        for item in reversed(self.shown.items):
            if (item.role, item.layer, item.quantity) == (role, "epoch", "loss"):
                return item.text
        return None

    # -- pictures -----------------------------------------------------------------------------
    def image(self, role: str, k: int) -> np.ndarray:
        """Watched sample k of an MLP run as the (size, size) picture (display only)."""
        x = self.trace(role).static("watch/x")[k]
        side = round(np.sqrt(x.size))
        return x.reshape(side, side)

    def pixels(self, image: np.ndarray, height: float) -> VGroup:
        """An image as one filled square per pixel (row after row), ``height`` tall: squares
        that can move one by one (flattening)."""
        th = self.theme
        h, w = image.shape
        rgba = colorize(image, th.background, th.value, vmin=0.0, vmax=1.0)
        cell = height / h
        group = VGroup()
        for i in range(h):
            for j in range(w):
                square = Square(side_length=cell, stroke_color=th.grid, stroke_width=1)
                square.set_fill(hex_color(rgba[i, j]), opacity=1.0)
                group.add(square.move_to([(j - (w - 1) / 2) * cell, ((h - 1) / 2 - i) * cell, 0]))
        return group

    def picture(self, image: np.ndarray, height: float) -> Group:
        """An image as one crisp heatmap with its pixel grid drawn over it."""
        th = self.theme
        heat = Heatmap(image, th, height=height, color=th.value, vmin=0.0, vmax=1.0)
        h, w = image.shape
        left, top = heat.get_left()[0], heat.get_top()[1]
        cell = height / h
        lines = VGroup(*[Line([left, top - i * cell, 0], [left + w * cell, top - i * cell, 0])
                         for i in range(h + 1)],
                       *[Line([left + j * cell, top, 0], [left + j * cell, top - h * cell, 0])
                         for j in range(w + 1)])
        lines.set_stroke(th.grid, width=1)
        return Group(heat, lines)

    def class_name(self, label: int) -> str:
        return "vertical" if int(label) == 1 else "horizontal"

    # -- the scene ----------------------------------------------------------------------------
    def construct(self) -> None:
        self.captions: list[str] = []
        self.cap, self.cap_since = None, 0.0
        self.heading = self.label("Why convolutions?", size=34).to_corner(UL, buff=0.3)
        self.add(self.heading)
        labels = [int(v) for v in self.trace("main").static("watch/labels")]
        # the first watched horizontal and vertical line follow the lesson
        self.pair = (labels.index(0), labels.index(1))

        self.next_section("data")
        images = self.show_data(labels)
        self.next_section("flatten")
        self.flatten(images)
        self.next_section("learn")
        self.learn()
        self.next_section("shuffled")
        self.shuffled()
        self.next_section("filter")
        rows = self.filter()
        self.next_section("shift")
        self.shift(rows)

    # -- section 1: the data ------------------------------------------------------------------
    def show_data(self, labels: list[int]) -> list[VGroup]:
        n = len(labels)
        xs = (np.arange(n) - (n - 1) / 2) * 3.3
        images, names = [], []
        for k, x in enumerate(xs):
            image = self.pixels(self.image("main", k), IMAGE).move_to([x, 0.55, 0])
            name = self.label(self.class_name(labels[k]), size=24, color=self.theme.muted)
            names.append(name.next_to(image, DOWN, buff=0.25))
            images.append(image)
        size = self.setting("main", "data.size")
        count = self.setting("main", "data.n")
        noise = self.number("main", None, "config", "data.noise", formatter=integer)[1]
        self.say(f"Horizontal or vertical line? {count} images of {size} {TIMES} {size} "
                 f"pixels, with noise (\u03c3 = {noise}).",
                 *[fade_in(m) for m in (*images, *names)], run_time=1.2)
        self.read(1.0)
        self.data_names = names
        self.note(say="The Argonne deck's question: can a network tell horizontal from "
                      "vertical lines in small noisy images?",
                  ask="How many images are there, and how large is each?",
                  answer=f"{count} images of {size} {TIMES} {size} pixels, with noise "
                         f"\u03c3 = {noise}.")
        return images

    # -- section 2: flatten -------------------------------------------------------------------
    def flatten(self, images: list[VGroup]) -> None:
        th = self.theme
        hor, ver = (images[k] for k in self.pair)
        others = [m for k, m in enumerate(images) if k not in self.pair]
        self.read()
        self.play(*[fade_out(m) for m in (*others, *self.data_names)], run_time=self.t(0.6))
        side = round(np.sqrt(len(hor)))
        left = -len(hor) * STRIP_CELL / 2
        strips_y = (1.45, -1.25)
        moves = [self.to_strip(img, left, y, side) for img, y in zip((hor, ver), strips_y)]
        self.say("A dense network takes a row of numbers: the image flattened, row after row.",
                 *moves, run_time=2.4)
        seps = VGroup(*[Line([left + r * side * STRIP_CELL, y - 0.3, 0],
                             [left + r * side * STRIP_CELL, y + 0.3, 0])
                        for y in strips_y for r in range(1, side)])
        seps.set_stroke(th.muted, width=2)
        names = [self.label(f"{self.class_name(c)} line", size=24)
                 .move_to([left, y + 0.5, 0], aligned_edge=LEFT)
                 for c, y in zip((0, 1), strips_y)]
        self.play(Create(seps), *[fade_in(m) for m in names], run_time=self.t(0.8))
        self.read()
        frames = self.bright_frames(hor, ver, side)
        size = self.setting("main", "data.size")
        self.say(f"Horizontal: {size} bright pixels side by side. Vertical: {size} places "
                 "apart.", *[Create(f) for f in frames], run_time=1.0)
        self.read(1.0)
        self.note(say="A dense network needs a row of numbers, so the image is flattened "
                      "row after row; neighbours above and below end up far apart.",
                  ask="In the flattened row, how far apart are a vertical line's bright "
                      "pixels?",
                  answer=f"{size} places apart, one image row each; a horizontal line's "
                         f"{size} bright pixels sit side by side.")

    def to_strip(self, image: VGroup, left: float, y: float, side: int) -> Tween:
        """The image's pixels moving into one row, each image row a little after the one
        above it."""
        starts = np.array([sq.get_center() for sq in image])
        ends = np.array([[left + (k + 0.5) * STRIP_CELL, y, 0] for k in range(len(image))])
        size0 = image[0].width
        span = 1 - ROW_LAG * (side - 1)

        def move(group, a):
            for k, sq in enumerate(group):
                b = smooth(float(np.clip((a - ROW_LAG * (k // side)) / span, 0, 1)))
                sq.scale_to_fit_width(size0 + (STRIP_CELL - size0) * b)
                sq.move_to(starts[k] + (ends[k] - starts[k]) * b)

        return Tween(image, move, rate_func=linear)

    def bright_frames(self, hor: VGroup, ver: VGroup, side: int) -> list:
        """Frames around the line's pixels in each row: one block for the horizontal line
        (the image row with the largest sum), one pixel every ``side`` for the vertical one
        (the column with the largest sum)."""
        th = self.theme
        row = int(np.argmax(self.image("main", self.pair[0]).sum(axis=1)))
        col = int(np.argmax(self.image("main", self.pair[1]).sum(axis=0)))
        block = SurroundingRectangle(VGroup(*hor[row * side:(row + 1) * side]), buff=0.03,
                                     color=th.active, stroke_width=4)
        dots = VGroup(*[SurroundingRectangle(ver[r * side + col], buff=0.03, color=th.active,
                                             stroke_width=4) for r in range(side)])
        return [block, dots]

    # -- sections 3 and 4: the MLP learns, with and without shuffled pixels ------------------
    def architecture(self) -> str:
        """The MLP's layers as their recorded settings say: Dense(64 → 8), ReLU, Dense(8 → 2)."""
        t = self.trace("main")
        parts = []
        for info in t.layer_info:
            s = t.layer_settings(info["name"])
            parts.append(f"Dense({s['in_features']} {ARROW} {s['out_features']})"
                         if info["type"] == "Dense" else info["type"])
        return "MLP: " + ", ".join(parts)

    def learn(self) -> None:
        self.clear_stage()
        mlp = self.label(self.architecture(), size=24)
        mlp.move_to([6.9, self.heading.get_center()[1], 0], aligned_edge=RIGHT)
        self.plots = self.make_plots()
        self.panels = {role: self.make_panel(role, y) for role, y in
                       (("main", 2.75), ("shuffled", 0.0))}
        self.curves = {"main": VGroup(), "shuffled": VGroup()}
        self.add(*self.curves.values())
        inputs = self.trace("main").layer_settings(self.trace("main").layers[0])["in_features"]
        self.say(f"Train a dense network on the rows of {inputs} pixels.", fade_in(mlp),
                 fade_in(self.plots), fade_in(self.panels["main"].head),
                 fade_in(self.panels["main"].images), run_time=1.2)
        self.play(fade_in(self.panels["main"].readouts), run_time=self.t(0.4))
        self.grow("main")
        last = len(self.trace("main").epochs) - 1
        epochs = self.setting("main", "training.epochs")
        acc = self.epoch_text("main", last, "val_accuracy", percent)
        self.say(f"It learns: {acc} of validation images right after {epochs} epochs.")
        self.read(1.0)
        self.note(say=f"Train the dense network on the flattened rows: {self.architecture()}.",
                  ask="Does the dense network learn to tell the lines apart?",
                  answer=f"Yes: after {epochs} epochs its training loss is "
                         f"{self.shown_loss('main')}, and the validation accuracy is on "
                         "the panel.")

    def make_plots(self) -> VGroup:
        """Training loss (top) and validation accuracy (bottom) per epoch, both runs."""
        th = self.theme
        runs = [self.trace(r) for r in RUNS]
        n = len(runs[0].epochs)
        width = PLOT_RIGHT - PLOT_LEFT
        loss_top = max(e["loss"] for t in runs for e in t.epochs)
        loss_top = float(np.ceil(loss_top * 10) / 10)
        ticks = nice_ticks(0, n, 4)
        loss = PlotAxes(th, (0, n), (0, loss_top), width, 1.95, x_ticks=ticks,
                        y_ticks=nice_ticks(0, loss_top, 3), font_size=20)
        lo = min(e["val_accuracy"] for t in runs for e in t.epochs)
        lo = min(0.5, float(np.floor(lo * 4) / 4))
        acc = PlotAxes(th, (0, n), (lo, 1.0), width, 1.85, x_ticks=ticks,
                       y_ticks=np.arange(lo, 1.0001, 0.25), font_size=20,
                       tick_format=lambda v: tick_text(v) if v in ticks else f"{100 * v:.0f} %")
        loss.shift(np.array([PLOT_LEFT, 0.62, 0]) - loss.box.get_corner(DOWN + LEFT))
        acc.shift(np.array([PLOT_LEFT, -2.3, 0]) - acc.box.get_corner(DOWN + LEFT))
        names = VGroup(
            self.label("training loss", size=22).next_to(loss.box, UP, buff=0.12)
            .align_to(loss.box, LEFT).shift(0.15 * RIGHT),
            self.label("validation accuracy", size=22).next_to(acc.box, UP, buff=0.12)
            .align_to(acc.box, LEFT).shift(0.15 * RIGHT),
            self.label("epoch", size=20, color=th.muted).next_to(acc.x_axis, RIGHT, buff=0.12))
        group = VGroup(loss, acc, names)
        group.loss, group.acc = loss, acc
        return group

    def make_panel(self, role: str, top: float) -> VGroup:
        """A run's header (marker and name in its colour), its two watched images as the
        network sees them, and its readouts (filled as the curves grow)."""
        th = self.theme
        style = th.runs[list(RUNS).index(role)]
        x0 = -6.85
        name = self.label(RUNS[role], size=22, color=style.color)
        name.move_to([x0 + 0.3, top, 0], aligned_edge=LEFT)
        head = VGroup(run_marker(style, [x0 + 0.1, top, 0], 0.09), name)
        images = Group(*[self.picture(self.image(role, k), THUMB - 0.15) for k in self.pair])
        images.arrange(RIGHT, buff=0.25).move_to([x0, top - 0.95, 0], aligned_edge=LEFT)
        rows = []
        for i, text in enumerate(("training loss", "validation accuracy")):
            y = top - 1.9 - 0.34 * i
            rows.append(self.label(text, size=20, color=th.muted)
                        .move_to([x0, y, 0], aligned_edge=LEFT))
        value_x = max(r.get_right()[0] for r in rows) + 0.2
        values = [glyph_number("", [value_x, r.get_center()[1], 0], 20, style.color,
                               max_len=7) for r in rows]
        panel = VGroup(head)
        panel.head, panel.images = head, images
        panel.readouts = VGroup(*rows, *values)
        panel.values = values
        panel.style = style
        return panel

    def grow(self, role: str) -> None:
        """Draw the run's two curves epoch by epoch (a few epochs a play), its markers every
        MARK_EVERY epochs, and its readouts at each chunk's last epoch."""
        t, panel = self.trace(role), self.panels[role]
        style = panel.style
        n = len(t.epochs)
        series = ((self.plots.loss, "loss"), (self.plots.acc, "val_accuracy"))
        for i, a in enumerate(range(0, n, CHUNK)):
            b = min(a + CHUNK, n) - 1
            anims = []
            for ax, metric in series:
                ks = range(max(a - 1, 0), b + 1)
                points = np.array([ax.p(k + 1, t.epochs[k][metric]) for k in ks])
                if len(points) >= 2:
                    piece = styled_line(points, style)
                    self.curves[role].add(piece)
                    anims.append(Create(piece, rate_func=linear))
                for k in range(a, b + 1):
                    if (k + 1) % MARK_EVERY == 0:
                        mark = run_marker(style, ax.p(k + 1, t.epochs[k][metric]), 0.09,
                                          outline=self.theme.background)
                        self.curves[role].add(mark)
                        anims.append(fade_in(mark))
            if anims:
                self.play(*anims, run_time=self.pace(i, 1, 0.6, 0.3))
            else:  # one epoch only: its point has nothing to join
                self.wait(self.t(0.3))
            self.reached(role, int(t.epochs[b]["steps"]) - 1)
            panel.values[0].set_text(self.epoch_text(role, b, "loss"))
            panel.values[1].set_text(self.epoch_text(role, b, "val_accuracy", percent))

    def shuffled(self) -> None:
        panel = self.panels["shuffled"]
        inputs = self.trace("main").layer_settings(self.trace("main").layers[0])["in_features"]
        self.say(f"Shuffle the {inputs} pixels, the same way in every image: to us, noise.",
                 fade_in(panel.head), fade_in(panel.images), run_time=1.2)
        self.wait(self.t(0.8))  # the shuffled images, before their curves
        self.play(fade_in(panel.readouts), run_time=self.t(0.4))
        self.grow("shuffled")
        last = {r: len(self.trace(r).epochs) - 1 for r in RUNS}
        acc = {r: self.trace(r).epochs[last[r]]["val_accuracy"] for r in RUNS}
        texts = {r: self.epoch_text(r, last[r], "val_accuracy", percent) for r in RUNS}
        # a rule on the traced values: "as well" when at most one validation image apart
        one_image = 1 / len(self.trace("main").static("data/val_indices"))
        if abs(acc["main"] - acc["shuffled"]) <= one_image + 1e-12:
            same = texts["main"] == texts["shuffled"]
            verdict = (f"The same network, from the same start, learns them just as well: "
                       f"{texts['main']} both times." if same else
                       f"The same network, from the same start, learns them just as well: "
                       f"{texts['shuffled']} against {texts['main']}.")
        else:
            verdict = (f"The same network, from the same start: {texts['shuffled']} of the "
                       f"validation images right, against {texts['main']}.")
        self.say(verdict)
        self.say("Small differences: the random start was not shuffled with the pixels.")
        self.say("A dense layer ignores where pixels are: it cannot use that neighbours "
                 "belong together.")
        self.read(1.0)
        self.note(say="Shuffle the pixels the same way in every image: noise to us, but the "
                      "same network from the same start learns them too.",
                  ask="Why does shuffling the pixels hardly matter to a dense network?",
                  answer="It ignores where pixels are: its training loss ends at "
                         f"{self.shown_loss('shuffled')} shuffled against "
                         f"{self.shown_loss('main')} in order.")

    # -- sections 5 and 6: a filter and a max-pool -------------------------------------------
    def probe_layers(self) -> tuple[str, str]:
        conv, pool = self.trace("filter").layers
        return conv, pool

    def feature_map(self, k: int) -> ValueGrid:
        """Sample k's feature map, every entry a traced number (recorded as shown), signs
        told by colour and by the minus sign; hidden until a sweep reveals it."""
        th = self.theme
        conv, _ = self.probe_layers()
        fmap = self.trace("filter").get(0, conv, "output")[k, 0]
        values = np.array([[self.number("filter", 0, conv, "output", (k, 0, i, j),
                                        formatter=fmt_minus)[0]
                            for j in range(fmap.shape[1])] for i in range(fmap.shape[0])])
        grid = ValueGrid(values, th, cell=MAP_CELL, formatter=fmt_minus, font_size=20)
        for i, row in enumerate(grid.texts):
            for j, text in enumerate(row):
                v = values[i, j]
                text.set_color(th.ink(th.positive if v > 0 else th.negative if v < 0
                                      else th.muted))
        return grid

    def kernel(self) -> VGroup:
        """The filter K: its traced weights in the weight colour, named above."""
        th = self.theme
        conv, _ = self.probe_layers()
        w = self.trace("filter").get(0, conv, "W")[0, 0]
        values = np.array([[self.number("filter", 0, conv, "W", (0, 0, i, j),
                                        formatter=fmt_minus)[0]
                            for j in range(w.shape[1])] for i in range(w.shape[0])])
        grid = ValueGrid(values, th, cell=0.5, formatter=fmt_minus, font_size=24,
                         color=th.weight)
        grid.move_to([KERNEL_X, sum(ROW_Y) / 2, 0])
        name = self.label("filter K", size=24, color=th.weight).next_to(grid, UP, buff=0.2)
        return VGroup(grid, name)

    def probe_row(self, k: int, y: float, title: str) -> Group:
        """Image → (∗ K) → feature map → (max) → pooled value, for probe sample k."""
        th = self.theme
        conv, pool = self.probe_layers()
        t = self.trace("filter")
        image = self.picture(t.get(0, conv, "input")[k, 0], PROBE_IMAGE).move_to([IMAGE_X, y, 0])
        name = self.label(title, size=22).next_to(image, UP, buff=0.12).align_to(image, LEFT)
        fmap = self.feature_map(k).move_to([MAP_X, y, 0])
        arrows = []
        for a, b, text in ((image, fmap, "\u2217 K"), (fmap, None, "max")):
            x0 = a.get_right()[0] + 0.15
            x1 = b.get_left()[0] - 0.15 if b is not None else POOL_X - 0.45
            arrow = Arrow([x0, y, 0], [x1, y, 0], buff=0, stroke_width=3, color=th.muted,
                          max_tip_length_to_length_ratio=0.2)
            label = self.label(text, size=24, color=th.muted).next_to(arrow, UP, buff=0.1)
            arrows.append(VGroup(arrow, label))
        _, value = self.number("filter", 0, pool, "output", (k, 0, 0, 0), formatter=fmt_minus)
        pooled = self.label(value, size=48, color=th.value).move_to([POOL_X, y, 0])
        row = Group(name, image, arrows[0], fmap, arrows[1], pooled)
        row.image, row.fmap, row.pooled, row.sample = image, fmap, pooled, k
        row.conv_arrow, row.pool_arrow, row.name = arrows[0], arrows[1], name
        return row

    def sweep(self, row: Group, run_time: float):
        """The 2×2 window slides over the image, position by position in reading order,
        while the feature map fills in below the output cell it writes."""
        th = self.theme
        grid = row.fmap
        h, w = grid.values.shape
        heat = row.image[0]
        cell = heat.height / heat.values.shape[0]
        corner = heat.get_corner(UP + LEFT)
        window = Square(side_length=2 * cell, color=th.active, stroke_width=5)
        spot = Square(side_length=MAP_CELL, color=th.active, stroke_width=4)
        numbers = [t for r in grid.texts for t in r]
        for text in numbers:
            text.set_opacity(0)
        window.move_to(corner + np.array([cell, -cell, 0]))
        spot.move_to(grid.square(0, 0))

        def slide(group, a):
            pos = min(int(a * h * w), h * w - 1)
            i, j = divmod(pos, w)
            window.move_to(corner + np.array([(j + 1) * cell, -(i + 1) * cell, 0]))
            spot.move_to(grid.square(i, j))
            for n, text in enumerate(numbers):
                text.set_opacity(1 if n <= pos else 0)

        self.add(grid, window, spot)
        self.play(Tween(VGroup(window, spot, grid.numbers), slide, rate_func=linear),
                  run_time=run_time)
        self.play(fade_out(window), fade_out(spot), run_time=self.t(0.3))

    def max_frame(self, row: Group) -> SurroundingRectangle:
        """A frame on the map cell the max-pool picked (the traced argmax)."""
        _, pool = self.probe_layers()
        index = int(self.trace("filter").get(0, pool, "argmax")[row.sample, 0, 0, 0])
        i, j = divmod(index, row.fmap.values.shape[1])
        return SurroundingRectangle(row.fmap.square(i, j), buff=0.02, color=self.theme.active,
                                    stroke_width=5)

    def filter(self) -> list:
        self.clear_stage()
        rows = [self.probe_row(HORIZONTAL, ROW_Y[0], "horizontal line"),
                self.probe_row(VERTICAL, ROW_Y[1], "vertical line")]
        kernel = self.kernel()
        self.say("A convolution looks at neighbours: slide a small filter K over the image.",
                 *[fade_in(Group(r.name, r.image, r.conv_arrow)) for r in rows],
                 fade_in(kernel), run_time=1.2)
        self.sweep(rows[0], self.t(2.0))
        self.sweep(rows[1], self.t(2.4))
        self.say("K answers at vertical edges, and nowhere on the horizontal line.")
        frames = [self.max_frame(r) for r in rows]
        values = [r.pooled.original_text for r in rows]
        self.say(f"Max-pool the whole map: {values[0]} for horizontal, {values[1]} for "
                 "vertical. Apart at once.",
                 *[fade_in(VGroup(r.pool_arrow, r.pooled)) for r in rows],
                 *[Create(f) for f in frames], run_time=1.2)
        self.read(1.0)
        for r, f in zip(rows, frames):
            r.frame = f
        self.note(say="A convolution looks at neighbours: the small vertical-edge filter K "
                      "answers along vertical edges; max-pooling keeps its strongest answer.",
                  ask="What pooled value does each line give?",
                  answer=f"{values[0]} for the horizontal line, {values[1]} for the vertical "
                         "one: classification is easy with filters.")
        return rows

    def shift(self, rows: list) -> None:
        top, bottom = rows
        self.read()
        gone = Group(top.name, top.image, top.conv_arrow, top.fmap, top.pool_arrow,
                     top.pooled, top.frame)
        moved = Group(bottom.name, bottom.image, bottom.conv_arrow, bottom.fmap,
                      bottom.pool_arrow, bottom.pooled, bottom.frame)
        self.play(fade_out(gone, rate_func=lambda a: min(1.0, 2 * a)),
                  moved.animate.shift((ROW_Y[0] - ROW_Y[1]) * UP), run_time=self.t(1.0))
        new = self.probe_row(SHIFTED, ROW_Y[1], "the same line, moved one pixel right")
        self.play(fade_in(Group(new.name, new.image, new.conv_arrow)), run_time=self.t(0.8))
        self.sweep(new, self.t(1.6))
        frame = self.max_frame(new)
        self.say(f"The feature map moves with it; the pooled value stays "
                 f"{new.pooled.original_text}.",
                 fade_in(VGroup(new.pool_arrow, new.pooled)), Create(frame), run_time=1.0)
        self.say("Filters use neighbourhoods; pooling keeps what was found, not where.")
        self.read(1.0)
        self.note(say="Convolutions exploit that nearby pixels are related and that a "
                      "pattern means the same wherever it appears.",
                  ask="What happens to the pooled value when the line moves one pixel right?",
                  answer=f"It stays {new.pooled.original_text}: the feature map moves with "
                         "the line, the pooled value does not.")
