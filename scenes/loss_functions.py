"""LossFunctions: one outlier, three regression losses; then the losses of a classifier's
margin, and why accuracy is not one.

Sections
  outlier         20 points near a line and one far below; y = w·x + b trained three times
                  from the same start, with MSE, MAE and Huber: the three fitted lines (the
                  traced eval/pred) move together, each run's w, b and loss beside it; where
                  the lines end at the outlier's x: MSE's is pulled the most, MAE's the least
  why             the loss of one residual ℓ(r) and its slope ℓ′(r), the engine's curves,
                  with the formulas; the outlier's residual at the end of each run marked on
                  them: MSE's slope grows with r, MAE's is ±1, Huber's is capped at δ
  classification  cross-entropy and hinge against the margin m = y·ŷ, their slopes, and
                  accuracy on one example (the traced `correct`): a step, flat on both sides,
                  so gradient descent gets no signal from it
About 80 s at speed 1 (outlier 23 s, why 25 s, classification 32 s).
"""
from __future__ import annotations

import itertools

import numpy as np
from manim import (DOWN, LEFT, ORIGIN, RIGHT, UL, UP, Arrow, Circle, Create, DashedLine, Dot,
                   Line, VGroup, VMobject)

from nnanim.engine.errors import TraceError
from nnanim.engine.trace import Trace
from nnanim.scenes.base import TraceScene
from nnanim.scenes.format import minus_sign
from nnanim.scenes.layout import reading_time
from nnanim.scenes.mobjects.light_animations import Tween, fade_in, fade_out, replace
from nnanim.scenes.mobjects.plot_axes import PlotAxes, nice_ticks
from nnanim.scenes.mobjects.run_marker import run_marker
from nnanim.scenes.mobjects.sparkline import Sparkline
from nnanim.scenes.mobjects.ticker_text import TickerText
from nnanim.scenes.theme import RunStyle

#: the three training runs: role -> the loss its config must name, and its name on screen
FITS = {"main": ("mse", "MSE"), "mae": ("mae", "MAE"), "huber": ("huber", "Huber")}
#: the curves run's curves: regression losses of the residual, classification of the margin
RESIDUAL_CURVES = ("mse", "mae", "huber")
MARGIN_CURVES = ("logistic", "hinge")
#: what each curve's config must say: (loss name, target)
CURVE_SPECS = {"mse": ("mse", 0.0), "mae": ("mae", 0.0), "huber": ("huber", 0.0),
               "logistic": ("bce", 1.0), "hinge": ("hinge", 1.0)}
PRIME = "\u2032"
#: left edge of the runs' readouts beside the data plot (section 1)
PANEL_X = 1.7
#: the widest caption line (scene units) before it wraps
CAPTION_WIDTH = 13.2
#: the margin read off the classification curves: a wrong answer
PROBE = -2.0


def short(v: float) -> str:
    """A configured number (δ, a probe's margin) the short way, typographic minus: 2, −2."""
    return minus_sign(f"{v:g}")


def inside_runs(plot: PlotAxes, xs: np.ndarray, ys: np.ndarray) -> list[np.ndarray]:
    """The scene points of (xs, ys) in pieces that stay inside the plot's box."""
    pieces, run = [], []
    for x, y in zip(xs, ys):
        if plot.contains(x, y):
            run.append(plot.p(x, y))
        elif run:
            pieces.append(np.array(run))
            run = []
    if run:
        pieces.append(np.array(run))
    return [p for p in pieces if len(p) >= 2]


def dashes(points: np.ndarray, dash: float, gap: float) -> list[np.ndarray]:
    """A polyline cut into dashes of arc length ``dash`` separated by ``gap``."""
    seg = np.linalg.norm(np.diff(points, axis=0), axis=1)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    out, start = [], 0.0
    while start < s[-1]:
        end = min(start + dash, s[-1])
        inner = (s > start) & (s < end)
        pts = [np.array([np.interp(start, s, points[:, k]) for k in range(3)]),
               *points[inner],
               np.array([np.interp(end, s, points[:, k]) for k in range(3)])]
        out.append(np.array(pts))
        start = end + gap
    return out


def set_styled(curve: VMobject, pieces: list[np.ndarray], style: RunStyle) -> VMobject:
    """Give ``curve`` the path of ``pieces``, solid or in the run's dashes (its second cue
    besides the colour)."""
    paths = pieces if style.dash is None else [
        d for p in pieces for d in dashes(p, style.dash, max(0.07, 0.7 * style.dash))]
    curve.clear_points()
    for path in paths:
        curve.start_new_path(path[0])
        curve.add_points_as_corners(path[1:])
    if not paths:  # nothing inside the box: a point, so the mobject stays valid
        curve.start_new_path(ORIGIN)
        curve.add_line_to(ORIGIN + 1e-4 * RIGHT)
        curve.set_stroke(opacity=0)
    else:
        curve.set_stroke(opacity=1)
    return curve


def styled_curve(plot: PlotAxes, xs, ys, style: RunStyle, width: float = 5.0) -> VMobject:
    """(xs, ys) on ``plot`` in the run's colour and dash pattern, cut at the box."""
    curve = VMobject(stroke_color=style.color, stroke_width=width)
    return set_styled(curve, inside_runs(plot, np.asarray(xs), np.asarray(ys)), style)


class LossFunctions(TraceScene):
    """Regression losses on data with one outlier (three runs, identical but for the loss),
    the losses and their slopes as functions of one residual, then the classification
    losses of the margin and the step that accuracy is. Every number is read from the
    traces; every curve is the engine's (eval/pred of the runs, y and dy of the curves run).
    """

    title = "Loss functions"
    description = ("one outlier: MSE, MAE and Huber fits side by side, each loss and its "
                   "slope per residual; cross-entropy, hinge, accuracy vs the margin")
    runs = {"main": "loss_outlier_mse", "mae": "loss_outlier_mae",
            "huber": "loss_outlier_huber", "curves": "loss_curves"}
    trace_kind = ("network", "curves")
    duration = 80.0

    # -- traces -------------------------------------------------------------------------------
    def check_trace(self, role: str, trace: Trace) -> None:
        if role == "curves":
            self.check_curves(trace)
        else:
            self.check_fit(role, trace)

    def check_fit(self, role: str, trace: Trace) -> None:
        name = type(self).__name__
        if trace.kind != "network":
            raise TraceError(f"{name}: run '{role}' must be a network run, {trace.path} is "
                             f"a '{trace.kind}' trace")
        info = trace.layer_info
        dense = len(info) == 1 and info[0]["type"] == "Dense" and \
            trace.layer_settings(info[0]["name"]) == {"in_features": 1, "out_features": 1}
        if not dense:
            raise TraceError(f"{name} needs y = w x + b (one Dense layer 1 -> 1); "
                             f"{trace.path} has {[i['type'] for i in info]}")
        loss = str(trace.config.get("loss", {}).get("name", "")).lower()
        if loss != FITS[role][0]:
            raise TraceError(f"{name}: run '{role}' must be trained with {FITS[role][0]}, "
                             f"{trace.path} used {loss or 'no loss'}")
        statics = trace.manifest.get("static", [])
        missing = [k for k in ("data/x", "data/labels", "eval/grid_x") if k not in statics]
        missing += [q for q in ("W", "b", "output") if q not in trace.quantities("dense_0")]
        missing += ["eval/pred"] if "pred" not in trace.quantities("eval") else []
        if missing:
            raise TraceError(f"{name}: {trace.path} lacks {', '.join(missing)} (record.grid "
                             "and quantities param, output)")
        outliers = trace.config["data"].get("outliers", [])
        if trace.config["data"].get("name") != "regression_1d" or len(outliers) != 1:
            raise TraceError(f"{name} needs regression_1d data with one outlier; "
                             f"{trace.path} has {len(outliers)}")
        n = len(trace.static("data/x"))
        if len(trace.get(trace.steps[-1], "dense_0", "output")) != n or \
                len(trace.static("data/val_indices")):
            raise TraceError(f"{name} needs full-batch training on all the data "
                             f"(batch_size = n, no validation) in {trace.path}")
        main = self._traces.get("main")
        if main is not None:
            if main.steps != trace.steps:
                raise TraceError(f"runs 'main' and '{role}' must record the same steps")
            if not (np.array_equal(main.static("data/x"), trace.static("data/x")) and
                    np.array_equal(main.static("data/labels"), trace.static("data/labels"))):
                raise TraceError(f"runs 'main' and '{role}' must fit the same data")

    def check_curves(self, trace: Trace) -> None:
        name = type(self).__name__
        if trace.kind != "curves":
            raise TraceError(f"{name}: run 'curves' must be a curves run, {trace.path} is "
                             f"a '{trace.kind}' trace")
        specs = {c.get("name"): c for c in trace.config.get("curve", [])}
        for curve, (loss, target) in CURVE_SPECS.items():
            spec = specs.get(curve)
            body = spec.get("loss") if spec else None
            lname = (body if isinstance(body, str) else (body or {}).get("name", ""))
            if spec is None or lname.lower() != loss or spec.get("target", 0.0) != target:
                raise TraceError(f"{name}: {trace.path} needs a curve '{curve}' of the loss "
                                 f"{loss} against target {target:g}")
        need = {c: ("y", "dy") + (("correct",) if c in MARGIN_CURVES else ())
                for c in CURVE_SPECS}
        missing = [f"{c}/{q}" for c, qs in need.items() for q in qs
                   if q not in trace.quantities(c)]
        if missing:
            raise TraceError(f"{name}: {trace.path} lacks {', '.join(missing)}")
        huber = self._traces.get("huber")
        delta = specs["huber"]["loss"].get("delta", 1.0)
        if huber is not None and float(huber.config["loss"].get("delta", 1.0)) != float(delta):
            raise TraceError(f"{name}: the Huber curve's delta ({delta:g}) differs from the "
                             f"Huber run's ({huber.config['loss'].get('delta', 1.0):g})")

    def curve(self, name: str, quantity: str = "y") -> np.ndarray:
        """A traced curve of the curves run, flat (n,)."""
        return self.trace("curves").get(0, name, quantity)[:, 0]

    def nearest(self, x: float) -> int:
        """Index of the curves' grid point nearest ``x`` (where a value is read off)."""
        return int(np.argmin(np.abs(self.trace("curves").static("grid/x") - x)))

    # -- text ---------------------------------------------------------------------------------
    def caption(self, text: str):
        """A sentence at the bottom of the frame, on two lines when one would not fit; kept
        in ``captions`` (tests read them)."""
        self.captions.append(text)
        label = self.label(text, size=26)
        if label.width > CAPTION_WIDTH:
            words = text.split(" ")
            cut = min(range(1, len(words)), key=lambda i: abs(
                len(" ".join(words[:i])) - len(" ".join(words[i:]))))
            label = self.label(" ".join(words[:cut]) + "\n" + " ".join(words[cut:]), size=26)
        return label.to_edge(DOWN, buff=0.3)

    def say(self, old, text: str, *extra, run_time: float = 0.8, read: bool = True):
        """Replace caption ``old`` by ``text`` (with ``extra`` animations), then hold it for
        its reading time; with ``read=False`` the scene goes on animating under it and calls
        ``read_out()`` later. Returns the new caption."""
        new = self.caption(text)
        self.play(*replace(old, new), *extra, run_time=self.t(run_time))
        # a little over the reading time: the old caption's fade out overlaps the new one's
        self._read_until = float(self.renderer.time) + self.t(reading_time(text) + 0.3)
        if read:
            self.read_out()
        return new

    def read_out(self) -> None:
        """Wait until the last caption has been on screen for its reading time."""
        left = self._read_until - float(self.renderer.time)
        if left > 1e-3:
            self.wait(left)

    def heading(self, old, text: str, sub: str | None = None, beside: bool = False,
                clear=()):
        """The section's title and a formula under it (or ``beside`` it), replacing
        ``old``; what the last section left (``clear``) fades out meanwhile."""
        head = self.label(text, size=34).to_corner(UL, buff=0.3)
        group = VGroup(head)
        if sub is not None:
            formula = self.tex(sub, size=32)
            if beside:
                formula.next_to(head, RIGHT, buff=0.6).align_to(head, UP)
            else:
                formula.next_to(head, DOWN, buff=0.18).align_to(head, LEFT)
            group.add(formula)
        self.play(*replace(old, group), *[fade_out(m) for m in clear], run_time=self.t(0.8))
        return group

    def legend_key(self, style: RunStyle, at: np.ndarray, length: float = 0.6) -> VGroup:
        """A short stroke in the run's colour and dashes with its marker on it."""
        ends = np.array([at, at + length * RIGHT])
        line = VMobject(stroke_color=style.color, stroke_width=5)
        set_styled(line, [ends], style)
        return VGroup(line, run_marker(style, at + 0.5 * length * RIGHT, 0.09))

    # -- the scene -----------------------------------------------------------------------------
    def construct(self) -> None:
        self.captions: list[str] = []
        self.styles = {role: self.theme.runs[i] for i, role in enumerate(FITS)}
        t = self.trace("main")
        self.xs, self.ys = t.static("data/x")[:, 0], t.static("data/labels")
        self.out = len(self.xs) - 1  # regression_1d appends the outlier after the n points
        self.steps = t.steps
        self.next_section("outlier")
        # each section ends on a still and hands what is on screen to the next one
        head, left = self.outlier_section()
        self.next_section("why")
        head, left = self.why_section(head, left)
        self.next_section("classification")
        self.classification_section(head, left)

    # -- 1. one outlier ------------------------------------------------------------------------
    def outlier_section(self):
        th = self.theme
        head = self.heading(None, "One outlier, three losses",
                            r"\hat y = w\,x + b")
        plot = self.data_plot()
        dots = VGroup(*[Dot(plot.p(x, y), radius=0.07, color=th.value)
                        for x, y in zip(self.xs, self.ys)])
        ring = Circle(radius=0.2, color=th.active, stroke_width=4)
        ring.move_to(dots[self.out])
        note = self.label("outlier", size=26)
        note.next_to(ring, LEFT, buff=0.15)
        self.play(fade_in(plot), fade_in(dots), run_time=self.t(1.0))
        caption = self.say(None, "20 points near a line, and one outlier far below.",
                           Create(ring), fade_in(note))
        self.plot, self.dots = plot, dots

        rows = self.run_rows()
        self.lines = {role: VMobject(stroke_color=self.styles[role].color, stroke_width=5)
                      for role in FITS}
        self.heads = {role: run_marker(self.styles[role], ORIGIN, 0.1) for role in FITS}
        for role in FITS:
            self.lines[role].set_z_index(1)
            self.heads[role].set_z_index(2)
        dots.set_z_index(3)
        self.place_lines(0.0)
        self.set_readouts(0)
        caption = self.say(
            caption, "The same line, the same start, trained 3 times: only the loss differs.",
            *[fade_in(r) for r in rows], *[Create(self.lines[r]) for r in FITS],
            *[fade_in(self.heads[r]) for r in FITS], run_time=1.2, read=False)
        self.wait(self.t(1.5))  # the lines start together before they move apart
        self.train()
        self.read_out()
        caption = self.verdict(caption)
        self.wait(self.t(1.0))  # the section's still
        ends = {r: self.number(r, self.steps[-1], "dense_0", "output", (self.out, 0),
                               digits=2) for r in FITS}
        most, *_, least = sorted(FITS, key=lambda r: abs(ends[r][0] - self.ys[self.out]))
        self.note(say="Same data, same model, same start: only the loss differs, and one "
                      "outlier tells them apart.",
                  ask="Which loss lets the outlier pull its line the most?",
                  answer=f"{FITS[most][1]}: at the outlier's x its line ends at "
                         f"{minus_sign(ends[most][1])}, {FITS[least][1]}'s at "
                         f"{minus_sign(ends[least][1])}.")
        return head, [plot, dots, ring, note, *rows, *self.lines.values(),
                      *self.heads.values(), self.verdict_marks, caption]

    def data_plot(self) -> PlotAxes:
        t = self.trace("main")
        gx = t.static("eval/grid_x")
        preds = np.concatenate([self.trace(r).series("eval", "pred").ravel() for r in FITS])
        lo, hi = min(self.ys.min(), preds.min()), max(self.ys.max(), preds.max())
        pad = 0.08 * (hi - lo)
        x0, x1, y0, y1 = gx.min(), gx.max(), lo - pad, hi + pad
        plot = PlotAxes(self.theme, (x0, x1), (y0, y1), 5.7, 4.4,
                        x_ticks=nice_ticks(x0, x1, 4), y_ticks=nice_ticks(y0, y1, 5),
                        x_label="x", y_label="y", font_size=22)
        return plot.move_to(np.array([-3.65, -0.25, 0]))

    def run_rows(self) -> list[VGroup]:
        """Per run, on the right: key, name, w and b (weight colour), its training loss
        as a growing curve with its value. Tickers are kept for ``set_readouts``."""
        th = self.theme
        self.tickers, self.sparks = {}, {}
        rows = []
        counter_label = self.label("epoch", size=24, color=th.muted)
        counter_label.move_to(np.array([PANEL_X, 2.45, 0]), aligned_edge=LEFT)
        epoch = TickerText("0", font_size=26, color=th.muted, max_len=4, align=LEFT)
        epoch.anchor_at(np.array([counter_label.get_right()[0] + 0.15,
                                  counter_label.get_bottom()[1], 0]))
        self.epoch = epoch
        self.counter = VGroup(counter_label, epoch)
        for i, (role, (_, name)) in enumerate(FITS.items()):
            y = 1.6 - 1.55 * i
            style = self.styles[role]
            key = self.legend_key(style, np.array([PANEL_X, y, 0]))
            title = self.label(name, size=30, color=style.color)
            title.next_to(key, RIGHT, buff=0.2)
            # w and b under the name, the loss and its curve beside them
            wl = self.tex("w =", size=30, color=th.weight)
            wl.move_to(np.array([PANEL_X, y - 0.47, 0]), aligned_edge=LEFT)
            bl = self.tex("b =", size=30, color=th.weight)
            bl.move_to(np.array([PANEL_X, y - 0.9, 0]), aligned_edge=LEFT)
            cells = []
            for lab in (wl, bl):
                cell = TickerText("", font_size=26, color=th.weight, max_len=7, align=LEFT)
                cell.anchor_at(np.array([wl.get_right()[0] + 0.12, lab.get_bottom()[1], 0]))
                cells.append(cell)
            losses = self.trace(role).scalars("loss")
            loss_label = self.label("loss", size=22, color=th.muted)
            loss_label.move_to(np.array([PANEL_X + 2.7, y, 0]), aligned_edge=LEFT)
            loss_cell = TickerText("", font_size=24, color=th.text, max_len=7, align=LEFT)
            loss_cell.anchor_at(np.array([loss_label.get_right()[0] + 0.15,
                                          loss_label.get_bottom()[1], 0]))
            spark = Sparkline(losses, th, width=2.4, height=0.7, lo=0.0,
                              hi=float(np.max(losses)) * 1.05, color=style.color,
                              stroke_width=3)
            spark.move_to(np.array([PANEL_X + 3.9, y - 0.7, 0]))
            self.tickers[role] = (*cells, loss_cell)
            self.sparks[role] = spark
            rows.append(VGroup(key, title, wl, bl, *cells, spark, loss_label, loss_cell))
        rows.append(self.counter)
        return rows

    def readout_texts(self) -> dict:
        """{role: [(w, b, loss) texts per recorded step]}, each number recorded as shown."""
        out = {}
        for role in FITS:
            out[role] = [tuple(self.number(role, s, layer, q, idx, now=False)[1]
                               for layer, q, idx in (("dense_0", "W", (0, 0)),
                                                     ("dense_0", "b", (0,)),
                                                     ("scalar", "loss", ())))
                         for s in self.steps]
        return out

    def set_readouts(self, k: int) -> None:
        """The readouts, loss curves and epoch counter at recorded step number k."""
        if not hasattr(self, "texts"):
            self.texts = self.readout_texts()
        for role in FITS:
            for cell, text in zip(self.tickers[role], self.texts[role][k]):
                cell.set_text(text)
            spark = self.sparks[role]
            pts = spark.coords(self.steps[k])
            if len(pts) == 1:
                pts = np.vstack([pts, pts + [1e-3, 0, 0]])
            spark.line.set_points_as_corners(pts)
        self.epoch.set_text(str(self.steps[k]))

    def place_lines(self, u: float) -> None:
        """Each run's fitted line (its traced eval/pred on eval/grid_x) at position u of the
        recorded steps, drawn between two recorded steps when u is not whole."""
        gx = self.trace("main").static("eval/grid_x")
        k0 = int(np.floor(u))
        k1, a = min(k0 + 1, len(self.steps) - 1), u - k0
        for role in FITS:
            t = self.trace(role)
            p0 = t.get(self.steps[k0], "eval", "pred")[:, 0]
            p1 = t.get(self.steps[k1], "eval", "pred")[:, 0]
            pred = p0 + a * (p1 - p0)  # drawing between two traced lines
            set_styled(self.lines[role], inside_runs(self.plot, gx, pred), self.styles[role])
            self.heads[role].move_to(self.plot.p(gx[-1], pred[-1]))

    def train(self) -> None:
        """All recorded steps: the lines move, the readouts and loss curves follow."""
        n = len(self.steps)
        movers = VGroup(*self.lines.values(), *self.heads.values(),
                        *[c for cells in self.tickers.values() for c in cells],
                        *[s.line for s in self.sparks.values()], self.epoch)

        def frame(_, alpha: float) -> None:
            u = alpha * (n - 1)
            self.place_lines(u)
            self.set_readouts(int(np.floor(u + 1e-9)))

        self.play(Tween(movers, frame), run_time=self.t(6.5), rate_func=lambda a: a)
        for role in FITS:
            self.reached(role, self.steps[-1])

    def verdict(self, caption):
        """Where each line ends at the outlier's x (the traced prediction there), marked and
        written beside the plot; their order decides the sentence (most pulled: the
        prediction closest to the outlier)."""
        th = self.theme
        last, x_out = self.steps[-1], self.xs[self.out]
        y_out = self.ys[self.out]
        ends, marks, values = {}, VGroup(), []
        for role in FITS:
            v, text = self.number(role, last, "dense_0", "output", (self.out, 0), digits=2)
            ends[role] = v
            style = self.styles[role]
            marks.add(run_marker(style, self.plot.p(x_out, v), 0.1, outline=th.background))
            label = self.label(minus_sign(text), size=24, color=style.color)
            label.next_to(self.plot.p(self.plot.x_range[1], v), RIGHT, buff=0.2)
            values.append(label)
        self.spread_labels(values)
        _, x_text = self.number("main", None, "static", "data/x", (self.out, 0), digits=2)
        head = self.label(f"\u0177 at x = {minus_sign(x_text)}", size=22, color=th.muted)
        head.next_to(max(values, key=lambda v: v.get_y()), UP, buff=0.15, aligned_edge=LEFT)
        values.append(head)
        gap = DashedLine(self.plot.p(x_out, max(ends.values())), self.plot.p(x_out, y_out),
                         stroke_color=th.muted, stroke_width=2, dash_length=0.08)
        marks.set_z_index(4)
        order = sorted(FITS, key=lambda r: abs(ends[r] - y_out))
        most, mid, least = (FITS[r][1] for r in order)
        caption = self.say(caption, f"{most}'s line is pulled to the outlier the most, "
                                    f"{least}'s the least, {mid}'s between.",
                           Create(gap), fade_in(marks), *[fade_in(v) for v in values])
        self.verdict_marks = VGroup(gap, marks, *values)
        return caption

    # -- 2. why: the loss of one residual --------------------------------------------------------
    def why_section(self, head, left):
        th = self.theme
        head = self.heading(head, "Why: the loss of one residual",
                            r"r = \hat y - y,\quad L = \frac{1}{N}\sum_i \ell(r_i),\quad "
                            r"\frac{\partial L}{\partial \hat y_i} = \frac{\ell'(r_i)}{N}",
                            beside=True, clear=left)
        x = self.trace("curves").static("grid/x")
        lo_r, hi_r = float(x[0]), float(x[-1])
        size = (5.4, 2.35)
        loss_plot = PlotAxes(th, (lo_r, hi_r), (0.0, 10.0), *size,
                             x_ticks=nice_ticks(lo_r, hi_r, 6), y_ticks=(5, 10),
                             x_label="r", y_label="\u2113(r)", font_size=20)
        loss_plot.move_to(np.array([-3.35, 0.85, 0]))
        top = float(np.max(np.abs(self.curve("mse", "dy"))))
        slope_plot = PlotAxes(th, (lo_r, hi_r), (-top, top), *size,
                              x_ticks=nice_ticks(lo_r, hi_r, 6),
                              y_ticks=nice_ticks(-top, top, 4),
                              x_label="r", y_label="\u2113" + PRIME + "(r)", font_size=20)
        slope_plot.move_to(np.array([3.5, 0.85, 0]))
        zero = Line(slope_plot.p(lo_r, 0), slope_plot.p(hi_r, 0), stroke_color=th.grid,
                    stroke_width=2)
        caption = self.say(None, "Each residual r costs \u2113(r); the gradient sums the "
                                 "slopes \u2113\u2032(r).",
                           fade_in(loss_plot), fade_in(slope_plot), fade_in(zero), read=False)
        delta, delta_text = self.number("huber", None, "config", "loss.delta", formatter=short)
        deltas = VGroup(*[DashedLine(p.p(s * delta, p.y_range[0]), p.p(s * delta, p.y_range[1]),
                                     stroke_color=th.muted, stroke_width=2, dash_length=0.1)
                          for p in (loss_plot, slope_plot) for s in (-1, 1)])
        delta_note = self.tex(r"\pm\delta,\ \delta = " + delta_text.replace("\u2212", "-"),
                              size=30, color=th.muted)
        delta_note.next_to(loss_plot.p(delta, 0.0), RIGHT, buff=0.1).shift(0.3 * UP)
        rows = self.formula_rows()
        curves = {}
        for i, c in enumerate(RESIDUAL_CURVES):
            style = self.theme.runs[i]
            curves[c] = (styled_curve(loss_plot, x, self.curve(c), style),
                         styled_curve(slope_plot, x, self.curve(c, "dy"), style))
        for i, c in enumerate(RESIDUAL_CURVES):
            extra = [Create(deltas), fade_in(delta_note)] if c == "huber" else []
            self.play(Create(curves[c][0]), Create(curves[c][1]), fade_in(rows[i]), *extra,
                      run_time=self.t(1.2))
            self.wait(self.t(0.4))
        self.read_out()
        marks, values = self.outlier_marks(loss_plot, slope_plot, rows)
        lessons = ("MSE: \u2113\u2032 = 2r grows with r, so the marked outlier pushes hardest.",
                   "MAE: every point pushes with \u00b11, near or far: one vote each.",
                   (f"Huber: squared within \u03b4, straight beyond: its push is capped at "
                    f"\u03b4 = {delta_text}."))
        caption = self.say(caption, lessons[0], *[fade_in(m) for m in (*marks, *values)])
        for lesson in lessons[1:]:
            caption = self.say(caption, lesson)
        self.wait(self.t(0.7))  # with the caption's margin, the section's still
        self.note(say="The gradient adds up each residual's slope \u2113\u2032(r): the slope "
                      "decides how hard a point pulls.",
                  ask="Why does the outlier pull the MSE line hardest?",
                  answer=f"MSE's slope 2r grows with the residual; MAE's stays \u00b11 and "
                         f"Huber's is capped at \u03b4 = {delta_text}.")
        return head, [loss_plot, slope_plot, zero, deltas, delta_note, *rows, *marks, *values,
                      *[c for pair in curves.values() for c in pair], caption]

    def formula_rows(self) -> list[VGroup]:
        """Key, name, ℓ(r) and ℓ′(r) of each loss, as the engine defines them per point
        (engine/losses.py: MSE mean((p − t)²), MAE mean|p − t| with sign(0) = 0,
        torch's Huber)."""
        formulas = {
            "mse": (r"\ell = r^2", r"\ell' = 2r"),
            "mae": (r"\ell = |r|", r"\ell' = \operatorname{sign}(r)"),
            "huber": ((r"\ell = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\ "
                       r"\delta\,(|r| - \tfrac12\delta) & |r| > \delta \end{cases}"),
                      r"\ell' = \operatorname{clip}(r, -\delta, \delta)"),
        }
        rows = []
        for i, c in enumerate(RESIDUAL_CURVES):
            style = self.theme.runs[i]
            y = -1.2 - 0.6 * i
            key = self.legend_key(style, np.array([-6.75, y, 0]), 0.5)
            name = self.label(FITS[list(FITS)[i]][1], size=26, color=style.color)
            name.move_to(np.array([-6.0, y, 0]), aligned_edge=LEFT)
            f, df = (self.tex(s, size=32) for s in formulas[c])
            f.move_to(np.array([-4.3, y, 0]), aligned_edge=LEFT)
            if c == "huber":
                f.align_to(np.array([0, y + 0.2, 0]), UP)
            df.move_to(np.array([0.35, y, 0]), aligned_edge=LEFT)
            rows.append(VGroup(key, name, f, df))
        return rows

    def outlier_marks(self, loss_plot: PlotAxes, slope_plot: PlotAxes, rows) -> tuple:
        """Each run's outlier residual at its last recorded step (its traced prediction
        minus the label: where to mark) at the nearest grid point of the curves, marked on
        both curves; the slope there, read off the curve, at the end of the run's formula
        row; a loss above the plot has an arrow at the top edge and its traced value."""
        th = self.theme
        last = self.steps[-1]
        marks, values = [], []
        for role, (curve, _), row in zip(FITS, FITS.values(), rows):
            style = self.styles[role]
            pred = self.trace(role).get(last, "dense_0", "output")[self.out, 0]
            j = self.nearest(pred - self.ys[self.out])
            r = self.trace("curves").static("grid/x")[j]
            loss = self.curve(curve)[j]
            group = VGroup(run_marker(style, slope_plot.p(r, self.curve(curve, "dy")[j]), 0.11,
                                      outline=th.background))
            if loss_plot.contains(r, loss):
                group.add(run_marker(style, loss_plot.p(r, loss), 0.11, outline=th.background))
            else:
                tip = loss_plot.p(r, loss_plot.y_range[1])
                arrow = Arrow(tip + 0.5 * DOWN, tip + 0.12 * UP, buff=0, color=style.color,
                              stroke_width=4, max_tip_length_to_length_ratio=0.3)
                _, lt = self.number("curves", 0, curve, "y", (j, 0), digits=1, now=False)
                text = self.label("\u2113 = " + lt, size=22, color=style.color)
                # above the box, clear of the curves and the δ lines
                text.next_to(arrow, LEFT, buff=0.12)
                text.align_to(tip + 0.1 * UP, DOWN)
                group.add(arrow, text,
                          run_marker(style, ORIGIN, 0.1).next_to(text, LEFT, buff=0.12))
            marks.append(group.set_z_index(2))
            _, slope = self.number("curves", 0, curve, "dy", (j, 0), digits=1, now=False)
            value = VGroup(run_marker(style, ORIGIN, 0.1),
                           self.label("outlier: \u2113\u2032 = " + minus_sign(slope), size=24,
                                      color=style.color)).arrange(RIGHT, buff=0.15)
            value.move_to(np.array([6.9, row[-1].get_y(), 0]), aligned_edge=RIGHT)
            values.append(value)
        return marks, values

    @staticmethod
    def spread_labels(labels: list) -> None:
        """Move labels apart vertically where they would overlap."""
        labels = sorted(labels, key=lambda m: m.get_y())
        for below, above in itertools.pairwise(labels):
            need = below.get_top()[1] + 0.05 - above.get_bottom()[1]
            if need > 0:
                above.shift(need * UP)

    # -- 3. classification: losses of the margin ----------------------------------------------
    def classification_section(self, head, left):
        th = self.theme
        head = self.heading(head, "Classification: losses of the margin",
                            r"m = y\,\hat y \quad (\text{label } y = \pm 1)", beside=True,
                            clear=left)
        x = self.trace("curves").static("grid/x")
        lo, hi = -4.0, 4.0
        width, height, y0 = 3.7, 2.5, 0.95
        ymax = float(max(self.curve(c)[self.nearest(lo)] for c in MARGIN_CURVES))
        loss_plot = PlotAxes(th, (lo, hi), (0.0, np.ceil(ymax)), width, height,
                             x_ticks=nice_ticks(lo, hi, 4), y_ticks=nice_ticks(0, ymax, 3)[1:],
                             x_label="m", y_label="\u2113(m)", font_size=20)
        slope_plot = PlotAxes(th, (lo, hi), (-1.25, 0.25), width, height,
                              x_ticks=nice_ticks(lo, hi, 4), y_ticks=(-1, 0),
                              x_label="m", y_label="\u2113" + PRIME + "(m)", font_size=20)
        acc_plot = PlotAxes(th, (lo, hi), (-0.15, 1.3), width, height,
                            x_ticks=nice_ticks(lo, hi, 4), y_ticks=(0, 1),
                            x_label="m", y_label="correct", font_size=20)
        for plot, cx in ((loss_plot, -4.6), (slope_plot, 0.0), (acc_plot, 4.6)):
            plot.move_to(np.array([cx, y0, 0]))
        zero = Line(slope_plot.p(lo, 0), slope_plot.p(hi, 0), stroke_color=th.grid,
                    stroke_width=2)
        styles = {"logistic": th.runs[0], "hinge": th.runs[1]}
        curves = {c: (styled_curve(loss_plot, x, self.curve(c), styles[c]),
                      styled_curve(slope_plot, x, self.curve(c, "dy"), styles[c]))
                  for c in MARGIN_CURVES}
        rows = self.margin_rows(styles)
        caption = self.say(None, "m > 0: a right answer. Both losses fall as the margin grows.",
                           fade_in(loss_plot), fade_in(slope_plot), fade_in(zero), read=False)
        for c in MARGIN_CURVES:
            self.play(Create(curves[c][0]), Create(curves[c][1]),
                      fade_in(rows[MARGIN_CURVES.index(c)]), run_time=self.t(1.2))
        self.read_out()
        caption = self.probe(caption, loss_plot, slope_plot, styles)
        step, flats = self.step_curve(acc_plot, x)
        caption = self.say(caption, "Accuracy on one example: 1 if right, 0 if wrong, a step.",
                           fade_in(acc_plot),
                           Create(step), fade_in(rows[2]), run_time=1.2)
        caption = self.say(caption, "Flat: its derivative is 0 almost everywhere, so gradient "
                                    "descent gets no signal.", fade_in(flats))
        self.say(caption, "Accuracy is a metric we report, not a loss we train on.")
        self.wait(self.t(0.7))  # the last still
        self.note(say="Classification losses fall as the margin m = y\u00b7\u0177 grows; "
                      "accuracy is a step.",
                  ask="Why do we not train on accuracy directly?",
                  answer="Its derivative is 0 almost everywhere, so gradient descent gets no "
                         "signal; cross-entropy and hinge still slope towards a larger margin.")

    def margin_rows(self, styles: dict) -> list[VGroup]:
        """Key, name and formula of cross-entropy and hinge (engine: BCE from logits and
        hinge, target +1), and of accuracy's step."""
        th = self.theme
        specs = (("logistic", "cross-entropy",
                  r"\ell = \log(1 + e^{-m}),\quad \ell' = -\frac{1}{1 + e^{m}}"),
                 ("hinge", "hinge", (r"\ell = \max(0,\, 1 - m),\quad "
                                     r"\ell' = -1 \text{ for } m \le 1,\ 0 \text{ beyond}")),
                 (None, "accuracy", r"[\,m > 0\,] \in \{0, 1\}"))
        rows = []
        for i, (c, name, tex) in enumerate(specs):
            y = -1.4 - 0.62 * i
            if c is not None:
                key = self.legend_key(styles[c], np.array([-6.7, y, 0]), 0.5)
                color = styles[c].color
            else:
                key = Line(np.array([-6.7, y, 0]), np.array([-6.2, y, 0]),
                           stroke_color=th.text, stroke_width=5)
                color = th.text
            label = self.label(name, size=26, color=color)
            label.move_to(np.array([-6.0, y, 0]), aligned_edge=LEFT)
            f = self.tex(tex, size=32).move_to(np.array([-3.25, y, 0]), aligned_edge=LEFT)
            rows.append(VGroup(key, label, f))
        return rows

    def probe(self, caption, loss_plot, slope_plot, styles):
        """A wrong answer (m = −2): both losses' slopes there, read off the traced curves,
        marked on them."""
        j = self.nearest(PROBE)
        _, m_text = self.number("curves", None, "static", "grid/x", (j,), formatter=short)
        m = self.trace("curves").static("grid/x")[j]
        marks, slopes = VGroup(), []
        for c in MARGIN_CURVES:
            style, bg = styles[c], self.theme.background
            marks.add(run_marker(style, loss_plot.p(m, self.curve(c)[j]), 0.1, outline=bg),
                      run_marker(style, slope_plot.p(m, self.curve(c, "dy")[j]), 0.1,
                                 outline=bg))
            _, slope = self.number("curves", 0, c, "dy", (j, 0), digits=2, now=False)
            slopes.append(minus_sign(slope))
        marks.set_z_index(2)
        caption = self.say(caption, f"Wrong at m = {m_text}: slopes {slopes[0]} and {slopes[1]}"
                                    f" both say: raise m.", fade_in(marks))
        self.play(fade_out(marks), run_time=self.t(0.5))
        return caption

    def step_curve(self, plot: PlotAxes, x: np.ndarray) -> tuple[VGroup, VGroup]:
        """The traced `correct` of the cross-entropy curve, as flat pieces where it is
        constant, a filled dot at the grid point where it switches and an open one above;
        and a note "flat" over each piece."""
        th = self.theme
        correct = self.curve("logistic", "correct")
        pieces, flats = VGroup(), VGroup()
        cut = np.flatnonzero(np.diff(correct)) + 1
        for seg in np.split(np.arange(len(x)), cut):
            line = VMobject(stroke_color=th.text, stroke_width=5)
            pts = inside_runs(plot, x[seg], correct[seg])
            if pts:
                line.set_points_as_corners(pts[0])
                pieces.add(line)
                flats.add(self.label("flat", size=22, color=th.muted)
                          .next_to(line, UP, buff=0.12))
        for j in cut:  # where the step jumps: the value at the last point before, and after
            if plot.contains(x[j], correct[j]):
                pieces.add(Dot(plot.p(x[j - 1], correct[j - 1]), radius=0.07, color=th.text),
                           Circle(radius=0.07, color=th.text, stroke_width=3)
                           .move_to(plot.p(x[j - 1], correct[j])))
        return pieces, flats
