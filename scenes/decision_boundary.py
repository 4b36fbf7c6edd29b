"""DecisionBoundary: TensorFlow Playground's lesson with the trace's numbers. A 2-4-1 tanh
network learns the circles; the output p(class 1) over the plane with the training points
(filled) and the test points (hollow), each hidden unit's own map as a tile, train and test
loss over training; then the same data with 2 units and with 8 + 8 ReLU units, side by side.

Sections (about 81 s at speed 1)
  data      the circles, train filled and test hollow; the network as maps: inputs x₁, x₂,
            the hidden units' tiles, the untrained output with its boundary p = ½ (20 s)
  training  the recorded steps played through: output map and boundary, tiles, edges (sign
            and size of the weights), train (epoch mean) and test (epoch end) loss; the end's
            losses and accuracies (22 s)
  units     each hidden unit's line w·x + b = 0 on its tile and on the output map: the
            boundary is made of the units' lines; a unit whose line misses the plane is
            named (18 s)
  capacity  2 units (a band: cannot close the disc), the 4 of above, 8 + 8 ReLU units,
            each run's final map with its train and test accuracy from the trace (21 s)

    manim -qm scenes/decision_boundary.py DecisionBoundary
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from manim import (DOWN, LEFT, RESAMPLING_ALGORITHMS, RIGHT, UL, UP, Create, Dot,
                   Group, Rectangle, Square, UpdateFromAlphaFunc,
                   VGroup, VMobject, linear)

from nnanim.engine.errors import TraceError
from nnanim.engine.losses import BinaryCrossEntropy, get_loss
from nnanim.engine.trace import Trace
from nnanim.scenes.base import TraceScene
from nnanim.scenes.narration import Narration
from nnanim.scenes.format import fmt
from nnanim.scenes.mobjects.contour_map import contour_paths
from nnanim.scenes.mobjects.feature_map_grid import FeatureMapGrid
from nnanim.scenes.mobjects.heatmap import Heatmap, colorize
from nnanim.scenes.mobjects.light_animations import fade_in, fade_out
from nnanim.scenes.mobjects.network_graph import NetworkGraph
from nnanim.scenes.mobjects.plot_axes import PlotAxes, nice_ticks
from nnanim.scenes.mobjects.run_marker import run_marker
from nnanim.scenes.mobjects.signed_legend import SignedLegend
from nnanim.scenes.mobjects.ticker_text import TickerText
from nnanim.scenes.mobjects.styled_curve import StyledCurve

STATICS = ("data/x", "data/labels", "data/train_indices", "data/val_indices", "eval/grid",
           "eval/grid_x", "eval/grid_y")
MAX_UNITS = 6          # tiles of a one-hidden-layer net that still read at this size
# the layout, in scene units: columns of the network, the output map, the loss chart
X_IN, X_MAP, MAP_W = -6.1, -0.35, 3.6
Y_NET, Y_HEAD, Y_CAPTION = 0.2, 2.85, -3.38
COLUMN_H = 4.6         # the hidden tiles' column, top to bottom
TINT = 0.6             # the output map's strongest tint: the class colours of the points
                       # stay stronger than the region they sit on
SWEEP = 14.0           # seconds the recorded steps take to play through, at speed 1
PANEL_W, PANEL_XS, Y_PANEL = 3.3, (-4.45, 0.0, 4.45), 0.35
WIDE = 13.4            # the widest caption line


def percent(p: float) -> str:
    """An accuracy as a percentage: 0.9667 -> '96.7 %'."""
    return f"{100 * p:.1f} %"


def hidden_layers(trace: Trace) -> list[tuple[str, str, int]]:
    """(Dense name, activation name, units) of every hidden layer, input side first."""
    info, out = trace.layer_info, []
    for k, layer in enumerate(info[:-2]):
        if layer["type"] == "Dense" and k + 1 < len(info):
            out.append((layer["name"], info[k + 1]["name"],
                        int(trace.layer_settings(layer["name"])["out_features"])))
    return out


def activation_name(trace: Trace) -> str:
    """The hidden activation as the lecture writes it: tanh, ReLU, σ."""
    kind = trace.layer_info[1]["type"]
    return {"Tanh": "tanh", "Sigmoid": "σ"}.get(kind, kind)


def units_name(trace: Trace) -> str:
    """The hidden layers in words: "4 tanh units", "8 + 8 ReLU units"."""
    sizes = " + ".join(str(n) for _, _, n in hidden_layers(trace))
    return f"{sizes} {activation_name(trace)} units"


class DecisionBoundary(Narration, TraceScene):
    """What an MLP draws on the plane while it learns, unit by unit, and what more units
    buy. Length at speed 1: about 81 s (data 20 s, training 22 s, units 18 s, capacity
    21 s)."""

    title = "Decision boundaries: what each neuron learns"
    description = ("a 2-4-1 tanh net on the circles: its output map, each hidden unit's "
                   "map, train and test loss; then 2 units and 8 + 8 ReLU side by side")
    runs = {"main": "boundary_circles", "small": "boundary_circles_small",
            "deep": "boundary_circles_deep"}
    trace_kind = "network"
    duration = 81.0
    caption_y, caption_width, say_seconds = Y_CAPTION, WIDE, 0.8  # Narration

    # -- trace ------------------------------------------------------------------------------
    def check_trace(self, role: str, t: Trace) -> None:
        name = f"DecisionBoundary ({role} run)"
        info, types = t.layer_info, [layer["type"] for layer in t.layer_info]
        if len(info) < 4 or types[-2:] != ["Dense", "Sigmoid"] or types[0] != "Dense" \
                or t.layer_settings(info[-2]["name"])["out_features"] != 1:
            raise TraceError(f"{name} needs a net ending in Dense(→ 1) and Sigmoid, "
                             f"{t.path} has {'-'.join(types) or 'no layers'}")
        loss = dict(t.config.get("loss", {}))
        fn = get_loss(loss.pop("name", "?"), **loss)
        if not isinstance(fn, BinaryCrossEntropy) or fn.from_logits:
            raise TraceError(f"{name} needs the binary cross-entropy of probabilities, "
                             f"{t.path} used {t.config.get('loss')}")
        missing = [k for k in STATICS if k not in t.manifest.get("static", [])]
        if missing:
            raise TraceError(f"{name}: {t.path} lacks {', '.join(missing)} (a 2-D data set "
                             "with record.grid and a validation split)")
        if t.static("eval/grid").shape[1:] != (2,):
            raise TraceError(f"{name} needs 2-D inputs; {t.path} has a 1-D grid")
        if not t.epochs or "val_accuracy" not in t.epochs[-1]:
            raise TraceError(f"{name} needs per-epoch test metrics (data.validation > 0)")
        if not t.has(t.steps[-1], "eval", "pred"):
            raise TraceError(f"{name} needs eval/pred at the last step (record.grid)")
        if role in ("main", "small"):
            self.check_units(name, t)
        if role == "main":
            if t.steps[0] != 0 or len(self.grid_steps(t)) < 3:
                raise TraceError(f"{name} needs the lattice at step 0 and at 3 steps or more")
        else:
            self.check_same_data(name, t)

    def check_units(self, name: str, t: Trace) -> None:
        """One hidden layer of 2..MAX_UNITS units whose maps were recorded."""
        hidden = hidden_layers(t)
        if len(hidden) != 1 or not 2 <= hidden[0][2] <= MAX_UNITS:
            raise TraceError(f"{name} draws one tile per hidden unit: it needs one hidden "
                             f"layer of 2 to {MAX_UNITS} units, {t.path} has "
                             f"{[n for _, _, n in hidden]}")
        dense, act, _ = hidden[0]
        if not (t.has(t.steps[-1], "eval", dense) and t.has(t.steps[-1], "eval", act)):
            raise TraceError(f"{name} needs each hidden unit's map, eval/{act} "
                             "(train with record.grid_layers = true)")

    def check_same_data(self, name: str, t: Trace) -> None:
        """A run set beside the main one must have learned the same points, split alike."""
        main = self.trace("main")
        for key in ("data/x", "data/labels", "data/val_indices", "eval/grid"):
            a, b = main.static(key), t.static(key)
            if a.shape != b.shape or not np.array_equal(a, b):
                raise TraceError(f"{name} is compared with the main run on the same data, "
                                 f"but its {key} differs from the main run's")

    @staticmethod
    def grid_steps(t: Trace) -> list[int]:
        return [s for s in t.steps if t.has(s, "eval", "pred")]

    # -- numbers and texts ------------------------------------------------------------------
    def metric(self, role: str, quantity: str, formatter=percent) -> str:
        """The text of a final per-epoch metric of run ``role`` (recorded as shown)."""
        last = len(self.trace(role).epochs) - 1
        return self.number(role, None, "epoch", quantity, (last,), formatter=formatter)[1]

    # -- maps -------------------------------------------------------------------------------
    def plane(self, t: Trace, width: float) -> SimpleNamespace:
        """The lattice's region drawn ``width`` wide: ``p(xy)`` maps (n, 2) coordinates to
        scene points (pixels centred on the lattice points), ``image`` the output's map."""
        gx, gy = t.static("eval/grid_x"), t.static("eval/grid_y")
        dx, dy = (gx[-1] - gx[0]) / (len(gx) - 1), (gy[-1] - gy[0]) / (len(gy) - 1)
        x0, x1, y0, y1 = gx[0] - dx / 2, gx[-1] + dx / 2, gy[0] - dy / 2, gy[-1] + dy / 2
        height = width * (y1 - y0) / (x1 - x0)
        image = Heatmap(np.zeros((len(gy), len(gx))), self.theme, height=height)
        image.stretch_to_fit_width(width)
        image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear"])  # a smooth field
        frame = Rectangle(width=width, height=height, stroke_color=self.theme.grid,
                          stroke_width=2)
        m = SimpleNamespace(gx=gx, gy=gy, image=image, frame=frame, shape=(len(gy), len(gx)))

        def p(xy: np.ndarray) -> np.ndarray:
            xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
            corner = frame.get_corner(DOWN + LEFT)
            out = np.zeros((len(xy), 3))
            out[:, 0] = corner[0] + (xy[:, 0] - x0) / (x1 - x0) * frame.width
            out[:, 1] = corner[1] + (xy[:, 1] - y0) / (y1 - y0) * frame.height
            return out

        m.p = p
        return m

    def output_pixels(self, t: Trace, step: int, shape) -> np.ndarray:
        """The output p on the lattice as tinted pixels: class 0's colour (p → 0) through
        the background (p = ½) to class 1's (p → 1), at most TINT strong."""
        th = self.theme
        p = t.get(step, "eval", "pred").reshape(shape)
        return colorize(p[::-1] - 0.5, th.negative, th.positive, mid=th.background,
                        vmax=0.5 / TINT)

    def level_lines(self, t: Trace, step: int, quantity: str, column: int, level: float,
                    p, color: str, width: float, dash: float | None = None) -> VMobject:
        """Where the lattice values of eval/``quantity``[:, column] cross ``level``, drawn
        through ``p`` (solid, or dashed ``dash`` long)."""
        m = self.plane_of[id(t)]
        z = t.get(step, "eval", quantity)[:, column].reshape(m.shape)
        style = SimpleNamespace(dash=dash)  # StyledCurve reads only the dash
        out = VMobject(stroke_color=color, stroke_width=width)
        for line in contour_paths(m.gx, m.gy, z, level):
            out.append_points(StyledCurve(style, color, width).set_curve(p(line)).points)
        return out

    def points(self, t: Trace, p, radius: float = 0.07) -> VGroup:
        """Every data point at its place: class 1 a circle, class 0 a square, in the class's
        colour; training points filled, test points hollow (two cues besides colour)."""
        th = self.theme
        xy, labels = t.static("data/x"), t.static("data/labels").reshape(-1)
        test = {int(i) for i in t.static("data/val_indices")}
        where = p(xy)
        dots = VGroup()
        for k, (pt, c) in enumerate(zip(where, labels)):
            color = th.positive if c == 1 else th.negative
            mark = Dot(radius=radius) if c == 1 else Square(side_length=1.75 * radius)
            if k in test:
                mark.set_fill(th.background, opacity=1.0).set_stroke(color, width=3.5)
            else:
                mark.set_fill(color, opacity=1.0).set_stroke(th.text, width=1.2)
            dots.add(mark.move_to(pt))
        return dots

    # -- the scene ----------------------------------------------------------------------------
    def construct(self) -> None:
        self.captions: list[str] = []
        self.said = None
        self.plane_of: dict[int, SimpleNamespace] = {}
        t = self.trace("main")
        self.steps = self.grid_steps(t)
        (self.dense, self.act, self.units), = hidden_layers(t)
        self.heading = self.label(self.title, size=34).to_corner(UL, buff=0.3)
        self.add(self.heading)
        self.next_section("data")
        self.data()
        self.next_section("training")
        self.training()
        self.next_section("units")
        self.unit_lines()
        self.next_section("capacity")
        self.capacity()

    # 1 -------------------------------------------------------------------------------------
    def data(self) -> None:
        t = self.trace("main")
        m = self.plane(t, MAP_W)
        Group(m.image, m.frame).move_to([X_MAP, Y_NET, 0])
        self.plane_of[id(t)] = self.map = m
        m.dots = self.points(t, m.p).set_z_index(4)
        m.key = self.point_key().next_to(m.frame, DOWN, buff=0.2)
        n = self.number("main", None, "config", "data.n", formatter=lambda v: f"{v:g}")[1]
        held = self.number("main", None, "config", "data.validation",
                           formatter=lambda v: f"{100 * v:g} %")[1]
        self.play(Create(m.frame), fade_in(m.dots), fade_in(m.key), run_time=self.t(1.5))
        self.say(f"Circles: class 1 in a disc, class 0 on a ring. Of n = {n} points, "
                 f"{held} are test points (hollow), never trained on.")

        self.build_network()
        self.show_step(self.steps[0])
        net = self.net
        self.play(fade_in(m.image), Create(m.boundary), fade_in(net.inputs), fade_in(net.tiles),
                  Create(net.graph.edges), fade_in(net.heads), fade_in(net.labels),
                  fade_in(net.legend), fade_in(self.counter_group), run_time=self.t(1.5))
        self.say(f"Each hidden unit is {activation_name(t)}(w₁x₁ + w₂x₂ + b), its own map. "
                 "Untrained, the boundary p = ½ ignores the data.")
        self.note(say="The circles: class 1 in a disc, class 0 on a ring around it; the "
                      "network sees only x\u2081 and x\u2082.",
                  ask="How many of the points are test points, never trained on?",
                  answer=f"{held} of the n = {n} points, drawn hollow; untrained, the "
                         "boundary p = ½ ignores them all.")

    def point_key(self) -> VGroup:
        """What the points mean: shape and colour for the class, filled or hollow for the
        split, and the boundary's line."""
        th = self.theme
        r = 0.07

        def item(mark, text: str) -> VGroup:
            return VGroup(mark, self.label(text, size=20)).arrange(RIGHT, buff=0.1)

        one = Dot(radius=r, color=th.positive).set_stroke(th.text, width=1.2)
        zero = Square(side_length=1.75 * r).set_fill(th.negative, 1).set_stroke(th.text, 1.2)
        train = Dot(radius=r, color=th.muted)
        test = Dot(radius=r).set_fill(th.background, 1).set_stroke(th.muted, width=3.5)
        line = VMobject(stroke_color=th.text, stroke_width=4)
        line.set_points_as_corners([np.zeros(3), 0.35 * RIGHT])
        rows = VGroup(VGroup(item(one, "class 1"), item(zero, "class 0"),
                             item(line, "p = ½")).arrange(RIGHT, buff=0.3),
                      VGroup(item(train, "train"), item(test, "test")).arrange(RIGHT, buff=0.3))
        return rows.arrange(DOWN, buff=0.12)

    def build_network(self) -> None:
        """Inputs and hidden units as maps on the lattice, joined by the edges of the
        network graph (colour: sign of w, width: |w|); the last edges end on the output."""
        th, t, m = self.theme, self.trace("main"), self.map
        h = self.units
        size = min(1.0, COLUMN_H / (1.2 * h - 0.2))   # tiles 1.2 × their size apart
        pitch = 1.2 * size
        x_out = m.frame.get_left()[0] + 0.4 * pitch   # edges end at the map's edge
        graph = NetworkGraph((2, h, 1), th, width=x_out - X_IN, height=pitch * (h - 1),
                             radius=0.4 * pitch, z_index=1)
        graph.move_to([(X_IN + x_out) / 2, Y_NET, 0])
        x_hidden = graph.layer(1).get_x()
        grid = t.static("eval/grid")
        maps = np.stack([grid[:, k].reshape(m.shape)[::-1] for k in range(2)])
        inputs = FeatureMapGrid(maps, th, rows=2, size=min(0.9, pitch - 0.3),
                                gap=pitch - min(0.9, pitch - 0.3), signed=True,
                                outline=th.grid).move_to([X_IN, Y_NET, 0]).set_z_index(2)
        # one colour scale for all tiles and steps: a unit that grows shows it
        self.tile_scale = max(float(np.abs(t.get(s, "eval", self.act)).max())
                              for s in self.steps)
        tiles = self.tile_grid(self.steps[0], size, pitch)
        tiles.move_to([x_hidden, Y_NET, 0]).set_z_index(2)
        labels = VGroup()
        for k, sub in enumerate("₁₂"):  # x₁, x₂ left of their maps
            top, bottom = inputs.cell_corner(k, 0, 0), inputs.cell_corner(k, *m.shape)
            labels.add(self.label(f"x{sub}", size=22).next_to(inputs.image, LEFT, buff=0.1)
                       .set_y((top[1] + bottom[1]) / 2))
        for j in range(h):  # h₁, h₂, … left of the tiles' top corners
            labels.add(self.label(f"h{chr(0x2081 + j)}", size=20, color=th.muted)
                       .next_to(tiles.cell_corner(j, 0, 0), LEFT, buff=0.14)
                       .shift(0.12 * DOWN))
        labels.set_z_index(3)  # over the edges
        heads = VGroup(self.label("inputs", size=22, color=th.muted).move_to([X_IN, Y_HEAD, 0]),
                       self.label(f"hidden: {activation_name(t)}", size=22, color=th.muted)
                       .move_to([x_hidden, Y_HEAD, 0]),
                       self.label("output p(class 1)", size=22, color=th.muted)
                       .move_to([m.frame.get_x(), Y_HEAD, 0]))
        # the colour code of the maps under the inputs, the edges' below it (under the tiles)
        legend = SignedLegend(th, width=1.2).next_to(inputs, DOWN, buff=0.3).set_x(X_IN)
        edges_key = VGroup(self.label("edges: colour = sign of w,", size=20, color=th.muted),
                           self.label("width = |w|", size=20, color=th.muted))
        edges_key.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        edges_key.move_to([X_IN - 0.8, tiles.get_bottom()[1] - 0.1, 0], aligned_edge=UL)
        legend = Group(legend, edges_key)
        self.weight_scale = max(float(np.abs(t.get(s, name, "W")).max())
                                for s in self.steps for name in (self.dense, t.layers[-2]))
        m.boundary = VMobject(stroke_color=th.text, stroke_width=4).set_z_index(3)
        m.image.set_z_index(1)
        self.net = SimpleNamespace(graph=graph, inputs=inputs, tiles=tiles, size=size,
                                   pitch=pitch, labels=labels, heads=heads, legend=legend)
        self.counter = TickerText("0", font_size=22, color=th.text, max_len=4, align=LEFT)
        step_word = self.label("step", size=22, color=th.muted)
        step_word.next_to(m.frame, UP, buff=0.12).align_to(m.frame, RIGHT).shift(0.75 * LEFT)
        self.counter.anchor_at(step_word.get_corner(DOWN + RIGHT) + 0.15 * RIGHT)
        self.counter_group = VGroup(step_word, self.counter)
        self.tile_pixels: dict[int, np.ndarray] = {}
        self.map_pixels: dict[int, np.ndarray] = {}
        self.boundaries: dict[int, list] = {}

    def tile_grid(self, step: int, size: float, pitch: float) -> FeatureMapGrid:
        """The hidden units' maps at ``step``, one tile each, in a column."""
        t, m = self.trace("main"), self.map
        a = t.get(step, "eval", self.act)
        maps = np.stack([a[:, j].reshape(m.shape)[::-1] for j in range(self.units)])
        return FeatureMapGrid(maps, self.theme, rows=self.units, size=size, gap=pitch - size,
                              signed=True, scales=np.full(self.units, self.tile_scale),
                              outline=self.theme.grid)

    def show_step(self, step: int) -> None:
        """The picture at recorded step ``step``: output map and its boundary, the tiles, the
        edges and the step counter (in place: cheap enough for every frame)."""
        t, m, net = self.trace("main"), self.map, self.net
        if step not in self.map_pixels:
            self.map_pixels[step] = self.output_pixels(t, step, m.shape)
            grid = self.tile_grid(step, net.size, net.pitch)
            self.tile_pixels[step] = grid.image.pixel_array
            z = t.get(step, "eval", "pred").reshape(m.shape)
            self.boundaries[step] = [m.p(line) for line in contour_paths(m.gx, m.gy, z, 0.5)]
        m.image.pixel_array = self.map_pixels[step]
        net.tiles.image.pixel_array = self.tile_pixels[step]
        m.boundary.clear_points()
        for pts in self.boundaries[step]:
            m.boundary.start_new_path(pts[0])
            m.boundary.add_points_as_corners(pts[1:])
        if not self.boundaries[step]:  # p on one side of ½ everywhere: no line
            m.boundary.start_new_path(m.frame.get_center())
            m.boundary.add_line_to(m.frame.get_center() + 1e-4 * RIGHT)
        weights = [t.get(step, self.dense, "W"), t.get(step, t.layers[-2], "W")]
        net.graph.set_weights(weights, self.weight_scale)
        self.counter.set_text(str(step))
        self.reached("main", step)

    # 2 -------------------------------------------------------------------------------------
    def training(self) -> None:
        t = self.trace("main")
        chart = self.loss_chart()
        self.play(fade_in(chart.axes), fade_in(chart.title), fade_in(chart.legend),
                  run_time=self.t(1.0))
        # the caption stays up through the sweep: its reading time
        self.say("Training: map, tiles and edges follow the recorded steps.", run_time=0.6,
                 wait=False)
        steps, ends = np.array(self.steps), chart.ends
        total = float(t.all_steps[-1])
        state = {"step": None, "epochs": -1}

        def advance(_, alpha: float) -> None:
            now = alpha * total
            step = int(steps[max(np.searchsorted(steps, now, side="right") - 1, 0)])
            if step != state["step"]:
                state["step"] = step
                self.show_step(step)
            done = int(np.searchsorted(ends, now, side="right"))  # epochs finished by now
            if done != state["epochs"]:
                state["epochs"] = done
                for curve in chart.curves:
                    curve.draw(done)

        self.add(*chart.curves)
        moving = Group(self.map.image, self.map.boundary, self.net.tiles.image,
                       self.net.graph.edges, self.counter, *chart.curves)
        self.play(UpdateFromAlphaFunc(moving, advance), run_time=self.t(SWEEP),
                  rate_func=linear)
        advance(None, 1.0)
        self.end_of_training(chart)
        loss = {q: next(s.text for s in reversed(self.shown.items)
                        if (s.role, s.layer, s.quantity) == ("main", "epoch", q))
                for q in ("loss", "val_loss")}
        self.note(say="Gradient descent moves every weight at once: the tiles turn, the "
                      "output map and its boundary bend around the disc.",
                  ask="After training, how do the train and test loss compare?",
                  answer=f"Train loss {loss['loss']}, test loss {loss['val_loss']}: "
                         + self.captions[-1][0].lower() + self.captions[-1][1:])

    def loss_chart(self) -> SimpleNamespace:
        """Train (epoch mean of the batch losses) and test (at each epoch's end) loss over
        the steps, each drawn with its run style: colour, dash and marker."""
        th, t = self.theme, self.trace("main")
        epochs = t.epochs
        ends = np.array([e["steps"] for e in epochs], dtype=float)
        top = max(max(e["loss"], e["val_loss"]) for e in epochs) * 1.1
        axes = PlotAxes(th, (0, float(t.all_steps[-1]) + 1), (0, top), width=3.7, height=2.5,
                        x_ticks=nice_ticks(0, t.all_steps[-1], 3),
                        y_ticks=nice_ticks(0, top, 3), font_size=20)
        axes.shift(np.array([4.75, 0.55, 0]) - axes.box.get_center())
        title = self.label("loss (binary cross-entropy)", size=22)
        title.next_to(axes.box, UP, buff=0.3).align_to(axes.box, LEFT)
        x_name = self.label("step", size=20, color=th.muted)
        x_name.next_to(axes.tick_labels, DOWN, buff=0.08).align_to(axes.box, RIGHT)
        axes.add(x_name)
        every = max(1, len(epochs) // 8)   # a marker on every few epochs: the second cue
        curves, legend = [], VGroup()
        for k, (metric, name) in enumerate((("loss", "train (epoch mean)"),
                                            ("val_loss", "test (epoch end)"))):
            style = th.runs[k]
            ys = np.array([e[metric] for e in epochs], dtype=float)
            pts = axes.points_of(np.column_stack([ends, ys]))
            curve = StyledCurve(style, style.color, width=3.5).set_z_index(2)
            marks = VGroup(*[run_marker(style, pts[i], 0.06) for i in range(len(pts))
                             if i % every == every - 1])

            def draw(done: int, curve=curve, pts=pts, marks=marks) -> None:
                curve.set_curve(pts[:done] if done >= 2 else pts[:0])
                for i, mark in enumerate(marks):
                    mark.set_opacity(1.0 if (i + 1) * every <= done else 0.0)

            curve.draw = draw
            curve.add(marks)
            draw(0)
            curves.append(curve)
            key = VGroup(run_marker(style, np.zeros(3), 0.07), self.label(name, size=20))
            key.arrange(RIGHT, buff=0.12)
            legend.add(key)
        legend.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        legend.move_to(axes.box.get_corner(UP + RIGHT) + np.array([-0.05, -0.05, 0]),
                       aligned_edge=UP + RIGHT)
        return SimpleNamespace(axes=axes, title=title, legend=legend, curves=curves, ends=ends)

    def end_of_training(self, chart) -> None:
        """The end's losses and accuracies, train and test, under the chart."""
        th, t = self.theme, self.trace("main")
        epochs = self.number("main", None, "config", "training.epochs",
                             formatter=lambda v: f"{v:g}")[1]
        left = chart.axes.box.get_left()[0] - 0.45
        cols = (left + 1.95, left + 3.45)  # right ends of the loss and accuracy columns
        y = chart.axes.box.get_bottom()[1] - 0.85
        table = VGroup(self.label(f"after {epochs} epochs", size=20, color=th.muted)
                       .move_to([left, y, 0], aligned_edge=LEFT))
        y -= 0.34
        for x, head in zip(cols, ("loss", "accuracy")):
            table.add(self.label(head, size=20, color=th.muted)
                      .move_to([x, y, 0], aligned_edge=RIGHT))
        for k, (split, suffix) in enumerate((("train", ""), ("test", "val_"))):
            y -= 0.34
            name = VGroup(run_marker(th.runs[k], np.zeros(3), 0.07),
                          self.label(split, size=20)).arrange(RIGHT, buff=0.12)
            table.add(name.move_to([left, y, 0], aligned_edge=LEFT))
            values = (self.metric("main", f"{suffix}loss", formatter=fmt),
                      self.metric("main", f"{suffix}accuracy"))
            for x, text in zip(cols, values):
                table.add(self.label(text, size=20).move_to([x, y, 0], aligned_edge=RIGHT))
        self.readouts = table
        first, end = t.epochs[0], t.epochs[-1]
        if end["loss"] >= first["loss"]:
            said = "The training loss does not fall: this run has not learned the circles."
        elif end["val_loss"] < first["val_loss"]:
            said = "Train and test loss both fall: the boundary holds for points never trained on."
        else:
            said = "The training loss falls, the test loss does not: it fits only its points."
        self.say(said, fade_in(table), run_time=0.8)
        self.chart = chart

    # 3 -------------------------------------------------------------------------------------
    def unit_lines(self) -> None:
        """Each unit's line w·x + b = 0 (where its tile changes sign), on its tile and on the
        output map, one after the other; then what the output makes of them."""
        th, t, m, net = self.theme, self.trace("main"), self.map, self.net
        last = self.steps[-1]
        # the lines take at least the caption's reading time: it stays up through them
        turns = {"tanh": "changes sign", "σ": "crosses ½", "ReLU": "switches on"}.get(
            activation_name(t), "bends")
        self.say(f"Where does the boundary come from? Each unit {turns} along one line, "
                 "w·x + b = 0.", run_time=0.6, wait=False)
        lines, frame, off = VGroup(), None, []
        for j in range(self.units):
            tl, br = net.tiles.cell_corner(j, 0, 0), net.tiles.cell_corner(j, *m.shape)
            on_map = self.level_lines(t, last, self.dense, j, 0.0, m.p, th.active, 4)
            on_tile = self.level_lines(t, last, self.dense, j, 0.0, self.tile_mapper(tl, br),
                                       th.active, 3)
            if not on_map.has_points():
                off.append(j)  # its line misses the plane: one sign everywhere
            pair = VGroup(on_map, on_tile).set_z_index(5)
            box = Rectangle(width=br[0] - tl[0] + 0.12, height=tl[1] - br[1] + 0.12,
                            stroke_color=th.active, stroke_width=4).move_to((tl + br) / 2)
            anims = [Create(pair), Create(box)]
            if frame is not None:  # the previous unit's line stays, quieter
                anims += [fade_out(frame), lines[-1].animate.set_stroke(th.text, width=2.5,
                                                                        opacity=0.8)]
            self.play(*anims, run_time=self.pace(j, slow=1, first=1.2, rest=0.8))
            self.wait(self.pace(j, slow=1, first=0.9, rest=0.6))
            lines.add(pair)
            frame = box
        self.play(fade_out(frame), lines[-1].animate.set_stroke(th.text, width=2.5, opacity=0.8),
                  run_time=self.t(0.5))
        self.unit_overlay, self.units_off = lines, off
        text = (f"The output weighs the {self.units} units: the boundary p = ½ follows their "
                "lines and bends where they meet.")
        if off:
            names = ", ".join(f"h{chr(0x2081 + j)}" for j in off)
            one = len(off) == 1
            text += (f" {names}'s line misses the plane: {'it adds' if one else 'they add'} "
                     "the same everywhere.")
        self.say(text, run_time=0.6)
        self.note(say="Each hidden unit splits the plane along one line, w·x + b = 0; the "
                      "output unit weighs those units.",
                  ask="Where does the curved boundary come from?",
                  answer=f"From the {self.units} units' lines: the boundary p = ½ follows "
                         "them and bends where they meet"
                         + (f" ({len(off)} of them miss the plane)." if off else "."))

    def tile_mapper(self, tl: np.ndarray, br: np.ndarray):
        """Lattice coordinates -> points on a tile whose corners are ``tl``, ``br``."""
        m = self.map
        gx, gy = m.gx, m.gy
        dx, dy = (gx[-1] - gx[0]) / (len(gx) - 1), (gy[-1] - gy[0]) / (len(gy) - 1)
        x0, x1, y0, y1 = gx[0] - dx / 2, gx[-1] + dx / 2, gy[0] - dy / 2, gy[-1] + dy / 2

        def p(xy: np.ndarray) -> np.ndarray:
            xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
            out = np.zeros((len(xy), 3))
            out[:, 0] = tl[0] + (xy[:, 0] - x0) / (x1 - x0) * (br[0] - tl[0])
            out[:, 1] = br[1] + (xy[:, 1] - y0) / (y1 - y0) * (tl[1] - br[1])
            return out

        return p

    # 4 -------------------------------------------------------------------------------------
    def capacity(self) -> None:
        th = self.theme
        # one Animation of everything but the heading: removing the group removes its members
        self.play(fade_out(Group(*[m for m in self.mobjects if m is not self.heading])),
                  run_time=self.t(0.8))
        self.said = None
        panels = [self.panel(role, x) for role, x in zip(("small", "main", "deep"), PANEL_XS)]
        key = self.point_key()
        dashed = StyledCurve(SimpleNamespace(dash=0.12), th.muted, 2.5)
        dashed.set_curve(np.array([np.zeros(3), 0.6 * RIGHT]))
        unit = VGroup(dashed, self.label("a unit's line", size=20)).arrange(RIGHT, buff=0.1)
        key = VGroup(*key[0], *key[1], unit).arrange(RIGHT, buff=0.35).move_to([0, -2.25, 0])
        self.play(fade_in(panels[0]), fade_in(panels[1]), fade_in(key), run_time=self.t(1.2))
        small, deep = self.trace("small"), self.trace("deep")
        k = hidden_layers(small)[0][2]
        train = {r: self.trace(r).epochs[-1]["accuracy"] for r in ("small", "main", "deep")}
        test = {r: self.trace(r).epochs[-1]["val_accuracy"] for r in ("small", "main", "deep")}
        if train["small"] < train["main"]:
            text = (f"{k} units give {k} lines: a band or a wedge, never a closed region. Too "
                    f"small: it misses even training points (train "
                    f"{self.metric('small', 'accuracy')}).")
        else:
            text = (f"{k} units fit the training points as well as {self.units} "
                    f"(train {self.metric('small', 'accuracy')}).")
        self.say(text, run_time=0.6)
        self.play(fade_in(panels[2]), run_time=self.t(0.9))
        more = units_name(deep)
        ta, tb = self.metric("main", "val_accuracy"), self.metric("deep", "val_accuracy")
        if test["deep"] > test["main"]:
            text = (f"{more} combine many lines into a rounder boundary: test accuracy "
                    f"{ta} → {tb}. Capacity buys the shape the data needs.")
        elif test["deep"] == test["main"]:
            text = (f"{more} fit the training points closer, yet test accuracy stays "
                    f"{tb}: past enough, more capacity buys nothing here.")
        else:
            text = (f"{more} fit the training points closer, but test accuracy falls "
                    f"{ta} → {tb}: the extra capacity fits noise (overfitting).")
        self.say(text, run_time=0.6)
        self.panels = panels
        self.note(say="Capacity: the same data with fewer and with more hidden units, each "
                      "run's final map with its train and test accuracy.",
                  ask=(f"Why can't {k} hidden units close the disc?"
                       if train["small"] < train["main"] else
                       f"Do {k} hidden units fit the training points as well as {self.units}?"),
                  answer=(f"{k} units give only {k} lines, a band or a wedge, never a closed "
                          f"region; {self.units} units can close it."
                          if train["small"] < train["main"] else
                          f"Yes: on these points {k} units do as well as {self.units}."))

    def panel(self, role: str, x: float) -> Group:
        """One run's final output map with its points, boundary (and for one hidden layer
        its units' lines), its hidden layers named and its train and test accuracy."""
        th, t = self.theme, self.trace(role)
        m = self.plane(t, PANEL_W)
        Group(m.image, m.frame).move_to([x, Y_PANEL, 0])
        self.plane_of[id(t)] = m
        last = self.grid_steps(t)[-1]
        m.image.pixel_array = self.output_pixels(t, last, m.shape)
        z = t.get(last, "eval", "pred").reshape(m.shape)
        boundary = VMobject(stroke_color=th.text, stroke_width=4)
        for line in contour_paths(m.gx, m.gy, z, 0.5):
            pts = m.p(line)
            boundary.start_new_path(pts[0])
            boundary.add_points_as_corners(pts[1:])
        parts = [m.image, m.frame]
        hidden = hidden_layers(t)
        if len(hidden) == 1 and t.has(last, "eval", hidden[0][0]):
            for j in range(hidden[0][2]):
                parts.append(self.level_lines(t, last, hidden[0][0], j, 0.0, m.p, th.muted,
                                              2.5, dash=0.12))
        parts += [boundary, self.points(t, m.p, radius=0.055)]
        name = self.label(units_name(t), size=24).next_to(m.frame, UP, buff=0.2)
        acc = VGroup(self.label(f"train {self.metric(role, 'accuracy')}", size=22),
                     self.label(f"test {self.metric(role, 'val_accuracy')}", size=22))
        acc.arrange(RIGHT, buff=0.35).next_to(m.frame, DOWN, buff=0.2)
        if role == "main":
            name = VGroup(name, self.label("(above)", size=20, color=th.muted))
            name.arrange(RIGHT, buff=0.12).next_to(m.frame, UP, buff=0.2)
        return Group(*parts, name, acc)
