"""OptimizerRace: GD, mini-batch SGD, momentum and Adam start together on one loss surface
and take their traced steps side by side: first on a ravine, then on Rosenbrock's valley.

Each runner is one bundled run (catalog roles); its path is the traced θ at every step,
its readout and the log-scale plot its traced gap to the minimum, f(θ) − f(θ*): the noisy
ravine's floor is f* ≈ 0.26, not 0, so f itself would hide the differences that matter.
The surface is the trace's ``surface/x|y|z``.

Rosenbrock has no data, so mini-batch SGD would take exactly GD's steps there: that race
has three runners. Momentum's β comes from its run's recorded config, its velocity from
the traced optimizer state ``theta.velocity``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Axes, Circle, Dot, Line, Star,
                   SurroundingRectangle, ValueTracker, VGroup, VMobject, linear, smooth,
                   squish_rate_func)

from nnanim.engine.errors import TraceError
from nnanim.engine.trace import Trace
from nnanim.scenes.layout import reading_time
from nnanim.scenes.mobjects.run_marker import run_marker
from nnanim.scenes.base import TraceScene
from nnanim.scenes.format import fmt_int
from nnanim.scenes.mobjects.contour_map import ContourMap
from nnanim.scenes.mobjects.light_animations import Opacity, Tween, fade_in, fade_out
from nnanim.scenes.mobjects.ticker_text import TickerText

NAMES = ("GD", "SGD", "momentum", "Adam")  # a runner's name picks its run style


@dataclass
class RaceInfo:
    """One race: its runners' names (from NAMES) and runs (roles), its title and one lesson
    per runner: (the words drawn in the runner's colour, the text)."""
    names: tuple[str, ...]
    roles: tuple[str, ...]
    title: str
    lessons: tuple[tuple[str, str], ...]
    pace_steps: int = 10         # steps taken one by one before the fast-forward
    fast_seconds: float = 6.0    # run time of the fast-forward over the remaining steps


RAVINE = RaceInfo(
    NAMES, ("main", "ravine_sgd", "ravine_momentum", "ravine_adam"),
    "Race 1: a ravine, steep across, flat along",
    (("GD", "GD steps straight downhill: across the ravine,\n"
            "so it bounces from wall to wall."),
     ("SGD", "SGD steps on a few samples' gradient:\n"
             "cheap steps, but noisy; it never quite settles."),
     ("Momentum", "Momentum keeps a velocity v \u2190 \u03b2v + g, like a rolling ball:"),
     ("Adam", "Adam scales each coordinate's step by its recent\n"
              "gradients: about \u03b7 long in x and in y alike.")),
    fast_seconds=6.0)

ROSENBROCK = RaceInfo(
    ("GD", "momentum", "Adam"), ("rosen_gd", "rosen_momentum", "rosen_adam"),
    "Race 2: Rosenbrock's curved valley",
    (("GD", "GD: the steep walls force a tiny \u03b7;\n"
            "on the flat valley floor, tiny steps crawl."),
     ("Momentum", "Momentum gathers speed along the floor\n"
                  "and follows it round the bend."),
     ("Adam", "Adam scales its steps up where gradients\n"
              "are tiny: it keeps moving along the floor.")),
    fast_seconds=9.0)

INTRO = ("Shading and contours: f(x, y), log scale; \u2605 is the minimum.\n"
         "Readouts: f \u2212 f*, how far above the minimum.")
CLOSING = ("Same start, same number of steps:\n"
           "how far each gets is down to the update rule.")


@dataclass
class Runner:
    """One optimizer's run drawn in a race."""
    role: str
    name: str
    color: str
    xy: np.ndarray                  # (T, 2) θ at every step
    loss: np.ndarray                # (T,) f(θ) − f(θ*) at every step
    width: float = 3.5              # path stroke width
    pts: np.ndarray | None = None   # (T, 3) on the map
    cpts: np.ndarray | None = None  # (T, 3) on the loss plot
    path: VMobject | None = None    # grown step by step, like curve and dot
    curve: VMobject | None = None
    dot: Dot | None = None
    row: VGroup | None = None       # legend row: swatch, name, η (and β)
    ticker: TickerText | None = None  # live gap f − f*
    shown_k: int = -1               # the step whose loss the ticker shows
    dim: float = 0.0                # 0: drawn in full, 1: dimmed behind another runner
    opacity: tuple[Opacity, Opacity] | None = None  # full opacities of lines, of legend


class OptimizerRace(TraceScene):
    """Two optimizer races, step by step, with each runner's live gap to the minimum
    f − f* and a log-scale plot of it.

    Sections: "ravine" (GD, SGD, momentum, Adam on an ill-conditioned quadratic),
    "ravine-lessons" (each runner in turn, with what it does; momentum's velocity against
    its gradient at one traced step), "rosenbrock" (GD, momentum, Adam: no data, so no
    SGD), "rosenbrock-lessons".
    duration: about 91 s at speed 1: each lesson stays for its reading time, 1 s + 0.3 s
    a word.
    """

    title = "Gradient descent, SGD, momentum and Adam"
    description = ("four optimizers racing on a ravine and on the Rosenbrock valley")
    runs = {"main": "race_ravine_gd", "ravine_sgd": "race_ravine_sgd",
            "ravine_momentum": "race_ravine_momentum", "ravine_adam": "race_ravine_adam",
            "rosen_gd": "race_rosenbrock_gd", "rosen_momentum": "race_rosenbrock_momentum", "rosen_adam": "race_rosenbrock_adam"}
    trace_kind = "objective"
    duration = 91.0

    # layout (scene units): the map top-left, captions under it, legend and plot right
    MAP_LEFT, MAP_TOP, MAP_WIDTH = -6.55, 2.95, 8.1
    COL_LEFT, COL_RIGHT = 2.1, 6.85

    def check_trace(self, role: str, trace: Trace) -> None:
        self.require_objective(trace, 2, ("surface/x", "surface/y", "surface/z"),
                               ("theta", "gap"), coords_name="θ = (x, y)")

    # -- the scene ------------------------------------------------------------------------
    def construct(self) -> None:
        self.races: list[dict] = []  # for tests: every race's mobjects and runners
        self.next_section("ravine")
        race = self.build_race(RAVINE)
        self.play(fade_in(race["title"], shift=0.2 * DOWN), fade_in(race["map"]),
                  run_time=self.t(1.2))
        self.play(*[fade_in(race[k]) for k in ("marks", "caption", "legend", "plot", "dynamic")],
                  run_time=self.t(1.0))
        self.wait(self.t(2.0))
        self.run_race(race)
        self.note_race(race, "Four optimizers, one start, the same number of steps on a "
                             "ravine: steep across, flat along.")
        self.next_section("ravine-lessons")
        self.lessons(race)
        self.note_velocity(race)

        self.next_section("rosenbrock")
        old, race = race, self.build_race(ROSENBROCK)
        self.play(fade_out(old["map"]), *[fade_out(old[k]) for k in (
            "title", "marks", "caption", "legend", "plot", "dynamic")], run_time=self.t(0.8))
        self.play(fade_in(race["title"], shift=0.2 * DOWN), fade_in(race["map"]),
                  *[fade_in(race[k]) for k in ("marks", "caption", "legend", "plot", "dynamic")],
                  run_time=self.t(1.2))
        self.wait(self.t(1.5))
        self.run_race(race)
        self.note_race(race, "Rosenbrock's curved valley has no data, so no SGD: GD, "
                             "momentum and Adam from the same start.")
        self.next_section("rosenbrock-lessons")
        self.lessons(race, closing=CLOSING)
        self.wait(self.t(reading_time(CLOSING)))
        gd = race["runners"][0]
        self.note(say="Same start, same number of steps: how far each gets is down to the "
                      "update rule alone.",
                  ask="Why does GD crawl along Rosenbrock's valley floor?",
                  answer=f"The steep walls force a tiny \u03b7 = "
                         f"{self.shown_text(gd.role, 0, 'lr')}, so it ends still "
                         f"{self.shown_text(gd.role, None, 'gap')} above the minimum.")

    # -- presenter notes ------------------------------------------------------------------
    def shown_text(self, role: str, step, quantity: str, index=None) -> str | None:
        """The text of a number the scene already showed (the last one of ``quantity``
        for ``role``; at ``step`` unless step is None)."""
        for item in reversed(self.shown.items):
            if (item.role == role and item.quantity == quantity
                    and (step is None or item.step == step)
                    and (index is None or item.index == index)):
                return item.text
        return None

    def note_race(self, race: dict, say: str) -> None:
        """A race's note: which runner the box marks as closest, with its final gap."""
        runners = race["runners"]
        finals = [r.loss[-1] if np.isfinite(r.loss[-1]) else np.inf for r in runners]
        best = runners[int(np.argmin(finals))]  # the runner run_race boxed
        others = ", ".join(f"{r.name} {self.shown_text(r.role, None, 'gap')}"
                           for r in runners if r is not best)
        self.note(say=say, ask="Which optimizer ends closest to the minimum?",
                  answer=f"{best.name}, boxed: f \u2212 f* = "
                         f"{self.shown_text(best.role, None, 'gap')} (the others: {others}).")

    def note_velocity(self, race: dict) -> None:
        """The ravine lessons' note: momentum's velocity against its gradient."""
        say = ("GD bounces across the ravine, SGD is noisy, momentum adds pushes up along "
               "the floor, Adam scales each coordinate's step.")
        ask = "At the ringed step, how do momentum's velocity and gradient compare?"
        r = next((r for r in race["runners"] if r.name == "momentum"), None)
        k = None if r is None or self.velocity_step is None else \
            self.trace(r.role).all_steps[self.velocity_step]
        if k is None:
            self.note(say=say, ask=ask.replace("At the ringed step, how", "How"),
                      answer="Along the floor the pushes add up, across it they cancel.")
            return
        g = [self.shown_text(r.role, k, "theta.grad", (i,)) for i in range(2)]
        v = [self.shown_text(r.role, k, "theta.velocity", (i,)) for i in range(2)]
        self.note(say=say, ask=ask,
                  answer=f"At step {k}, v = ({v[0]}, {v[1]}) against g = ({g[0]}, {g[1]}): "
                         "along x the pushes add up, across y they cancel.")

    # -- building a race ------------------------------------------------------------------
    def build_race(self, info: RaceInfo) -> dict:
        """Every mobject of one race, at step 0."""
        th = self.theme
        traces = [self.trace(r) for r in info.roles]
        surf = [traces[0].static(f"surface/{a}") for a in "xyz"]
        for role, t in zip(info.roles[1:], traces[1:]):
            if any(not np.array_equal(a, t.static(f"surface/{k}")) for a, k in zip(surf, "xyz")):
                raise TraceError(f"the runs of a race must share one surface, but {t.path} "
                                 f"({role}) differs from {traces[0].path}")
        cmap = ContourMap(*surf, th, width=self.MAP_WIDTH)
        cmap.shift(np.array([self.MAP_LEFT, self.MAP_TOP, 0]) - cmap.frame.get_corner(UP + LEFT))
        coords = traces[0].layer_info[0]["coords"]
        cmap.add(cmap.axis_labels(tuple(coords), lambda c: self.tex(c, size=32, color=th.muted)))

        styles = [th.runs[NAMES.index(name)] for name in info.names]
        runners = [Runner(role, name, style.color, t.series("objective", "theta"),
                          t.series("objective", "gap").reshape(-1))
                   for role, name, style, t in zip(info.roles, info.names, styles, traces)]
        if len({len(r.loss) for r in runners}) != 1:
            raise TraceError("the runs of a race must have the same number of steps: "
                             + ", ".join(f"{r.role} {len(r.loss)}" for r in runners))
        for r, style in zip(runners, styles):
            # SGD's line runs thin on top of GD's, so both show where they overlap
            r.width = {"GD": 4.0, "SGD": 2.2}.get(r.name, 3.5)
            r.pts = cmap.points_of(r.xy)
            r.path = VMobject(stroke_color=r.color, stroke_width=r.width)
            r.curve = VMobject(stroke_color=r.color, stroke_width=0.6 * r.width)
            r.dot = run_marker(style, r.pts[0], 0.06 if r.name == "SGD" else 0.085,
                               outline=th.background)

        title = self.label(info.title, size=36).to_edge(UP, buff=0.3)
        title.align_to(np.array([self.MAP_LEFT, 0, 0]), LEFT)
        plot = self.loss_plot(runners)
        legend, step = self.legend(runners, styles)
        lessons = list(info.lessons)
        # the slow runners' paths on top: on a shared valley floor they are the shorter
        # ones; SGD's thin line over GD's
        rank = {"momentum": 0, "Adam": 1, "GD": 2, "SGD": 3}
        order = sorted(runners, key=lambda r: rank[r.name])
        dynamic = VGroup(*[r.path for r in order], *[r.curve for r in order],
                         *[r.dot for r in order], *[r.ticker for r in runners], step)
        race = {"info": info, "title": title, "map": cmap, "marks": self.map_marks(cmap,
                traces[0], runners[0]), "plot": plot, "legend": legend, "runners": runners,
                "step": step, "dynamic": dynamic, "lessons": lessons}
        race["caption"] = self.caption(race, ("", INTRO))
        self.draw_at(race, 0)
        self.races.append(race)
        return race

    def map_marks(self, cmap: ContourMap, trace: Trace, first: Runner) -> VGroup:
        """★ at the known minimum (when the trace has one) and "start" at θ₀, on the side
        away from the minimum so the paths do not cross it."""
        th = self.theme
        marks = VGroup()
        away = UP
        if "objective/minimizer" in trace.manifest.get("static", []):
            star_at = cmap.c2p(*trace.static("objective/minimizer"))
            marks.add(Star(n=5, outer_radius=0.14, density=2, color=th.text, fill_opacity=1.0,
                           stroke_width=0).move_to(star_at))
            d = first.pts[0] - star_at
            if np.linalg.norm(d) > 1e-9:
                away = d / np.linalg.norm(d)
        start = self.label("start", size=22, color=th.muted)
        reach = 0.2 + 0.5 * np.abs(away) @ np.array([start.width, start.height, 0])
        start.move_to(first.pts[0] + away * reach)
        frame = cmap.frame
        start.shift(RIGHT * max(0, frame.get_left()[0] + 0.08 - start.get_left()[0])
                    + DOWN * max(0, start.get_top()[1] - frame.get_top()[1] + 0.06))
        return marks.add(start)

    def caption(self, race: dict, lesson: tuple[str, str],
                more: list[str] | None = None) -> VGroup:
        """Text under the map; ``lesson[0]`` (a runner's name) in that runner's colour,
        ``more`` lines after the lesson's. ``.said`` holds the whole text (reading time)."""
        lead, text = lesson
        text = "\n".join([text, *(more or [])])
        colors = {r.name.lower(): r.color for r in race["runners"]}
        color = colors.get(lead.lower(), self.theme.text)
        cap = self.label(text, size=24, line_spacing=0.9, t2c={lead: color} if lead else {})
        if cap.width > self.MAP_WIDTH:
            cap.scale_to_fit_width(self.MAP_WIDTH)
        bottom = race["map"].frame.get_bottom()[1]
        cap.move_to(np.array([self.MAP_LEFT, (bottom - 3.9) / 2, 0]), aligned_edge=LEFT)
        cap.said = text
        return cap

    def velocity_lines(self, r: Runner) -> list[str]:
        """Momentum's velocity against its gradient at the first traced step where the
        velocity is more than twice the gradient along x (pushes added up) and points
        against it across, in y (pushes cancelled): two lines, or one when no step is so."""
        t = self.trace(r.role)
        g, v = t.series("objective", "theta.grad"), t.series("objective", "theta.velocity")
        ok = (np.abs(v[:, 0]) > 2 * np.abs(g[:, 0])) & (np.sign(v[:, 1]) != np.sign(g[:, 1]))
        self.velocity_step = int(np.argmax(ok)) if ok.any() else None
        if self.velocity_step is None:
            return ["along the floor pushes add up, across they cancel."]
        k = t.all_steps[self.velocity_step]

        def vec(q: str) -> str:
            return "(" + ", ".join(self.number(r.role, k, "objective", q, (i,), now=False)[1]
                                   for i in range(2)).replace("-", "\u2212") + ")"
        return [f"step {k}: g = {vec('theta.grad')}, v = {vec('theta.velocity')}:",
                "along x the pushes add up, across (y) they cancel."]

    def legend(self, runners: list[Runner], styles: list) -> tuple[VGroup, TickerText]:
        """Step counter, then one row per runner: swatch, name, its settings (η; β for
        momentum) and the live gap f − f*."""
        th = self.theme
        x0, x1 = self.COL_LEFT, self.COL_RIGHT
        step_label = self.label("step", size=28, color=th.muted)
        step_label.move_to(np.array([x0, 2.9, 0]), aligned_edge=LEFT)
        step = TickerText("0", font_size=34, color=th.text, max_len=6, align=LEFT)
        step.anchor_at(np.array([step_label.get_right()[0] + 0.2, step_label.get_bottom()[1], 0]))
        head = self.label("f \u2212 f*", size=24, color=th.muted)
        head.move_to(np.array([x1, 2.9, 0]), aligned_edge=RIGHT)
        legend = VGroup(step_label, head)
        for i, r in enumerate(runners):
            y = 2.3 - 0.72 * i
            swatch = Line(np.array([x0, y, 0]), np.array([x0 + 0.45, y, 0]), color=r.color,
                          stroke_width=5)
            dot = run_marker(styles[i], swatch.get_center(), 0.08)
            name = self.label(r.name, size=26).move_to(np.array([x0 + 0.62, y, 0]),
                                                      aligned_edge=LEFT)
            sub = self.label(self.settings_text(r), size=20, color=th.muted)
            sub.next_to(name, DOWN, buff=0.08, aligned_edge=LEFT)
            r.ticker = TickerText("", font_size=26, color=th.text, max_len=8)
            r.ticker.anchor_at(np.array([x1, name.get_bottom()[1], 0]))
            r.row = VGroup(swatch, dot, name, sub)
            legend.add(r.row)
        return legend, step

    def settings_text(self, r: Runner) -> str:
        """The legend's sub-line: η from the trace's lr, β from the run's config."""
        _, lr = self.number(r.role, 0, "scalar", "lr")
        parts = [f"\u03b7 = {lr}"]
        if self.trace(r.role).config["optimizer"].get("momentum"):
            _, beta = self.number(r.role, None, "config", "optimizer.momentum")
            parts.append(f"\u03b2 = {beta}")
        if self.trace(r.role).has(0, "batch", "indices"):
            parts.insert(0, "mini-batches")
        return " \u00b7 ".join(parts)

    def loss_plot(self, runners: list[Runner]) -> VGroup:
        """Axes of log10(loss) against step, bottom right; sets each runner's curve points."""
        th = self.theme
        T = len(runners[0].loss)
        finite = np.concatenate([r.loss[np.isfinite(r.loss) & (r.loss > 0)] for r in runners])
        lo = int(np.floor(np.log10(finite.min()))) if finite.size else -1
        hi = max(int(np.ceil(np.log10(finite.max()))) if finite.size else 1, lo + 1)
        x_left, x_right, y_bot, y_top = self.COL_LEFT + 0.75, self.COL_RIGHT, -3.4, -0.95
        # y counts decades above 10^lo, so the step axis runs along the bottom
        axes = Axes(x_range=[0, T - 1, max(1, (T - 1) // 4)], y_range=[0, hi - lo, 1],
                    x_length=x_right - x_left, y_length=y_top - y_bot, tips=False,
                    axis_config={"color": th.grid, "stroke_width": 2, "tick_size": 0.05})
        axes.move_to(np.array([(x_left + x_right) / 2, (y_bot + y_top) / 2, 0]))
        marks = VGroup()
        # at most 5 decade labels (no closer than ~0.5 units), even when a run diverges
        every = max(1, -(-(hi - lo) // 4))
        for e in range(lo, hi + 1):
            if e > lo and (e - lo) % every == 0:
                marks.add(Line(axes.c2p(0, e - lo), axes.c2p(T - 1, e - lo), color=th.grid,
                               stroke_width=1, stroke_opacity=0.6))
            if (e - lo) % every == 0:
                marks.add(self.tex(f"10^{{{e}}}", size=26, color=th.muted)
                          .next_to(axes.c2p(0, e - lo), LEFT, buff=0.12))
        for s, edge in ((0, LEFT), ((T - 1) // 2, None), (T - 1, RIGHT)):
            lab = self.label(str(s), size=20, color=th.muted).next_to(axes.c2p(s, 0), DOWN,
                                                                     buff=0.12)
            marks.add(lab.align_to(axes.c2p(s, 0), edge) if edge is not None else lab)
        marks.add(self.label("step", size=20, color=th.muted)
                  .next_to(axes.c2p((T - 1) * 0.25, 0), DOWN, buff=0.12))
        marks.add(self.label("f \u2212 f*, log scale", size=22, color=th.muted)
                  .next_to(axes.c2p(0, hi - lo), UP, buff=0.15).align_to(axes, LEFT))
        o = axes.c2p(0, 0)
        ux, uy = axes.c2p(1, 0) - o, axes.c2p(0, 1) - o
        for r in runners:
            ok = np.isfinite(r.loss) & (r.loss > 0)
            logl = np.full(T, float(hi))  # a diverged run sits on the top edge
            logl[ok] = np.log10(r.loss[ok])
            logl = np.clip(logl, lo, hi) - lo
            r.cpts = o + np.arange(T)[:, None] * ux + logl[:, None] * uy
        return VGroup(axes, marks)

    # -- racing ---------------------------------------------------------------------------
    def draw_at(self, race: dict, s: float) -> None:
        """Every runner at (fractional) step s: path, dot, loss curve, and readouts."""
        runners = race["runners"]
        T = len(runners[0].loss)
        k = min(int(np.floor(s + 1e-6)), T - 1)
        frac = 0.0 if k == T - 1 else max(0.0, s - k)
        for r in runners:
            head = r.pts[k] + frac * (r.pts[min(k + 1, T - 1)] - r.pts[k])
            r.path.set_points_as_corners(np.vstack([r.pts[:k + 1], head[None]]))
            r.dot.move_to(head)
            chead = r.cpts[k] + frac * (r.cpts[min(k + 1, T - 1)] - r.cpts[k])
            r.curve.set_points_as_corners(np.vstack([r.cpts[:k + 1], chead[None]]))
            if r.shown_k != k:
                r.ticker.set_text(self.number(r.role, k, "objective", "gap", (0,))[1])
                r.shown_k = k
        if race.get("shown_step") != k:
            race["step"].set_text(self.number(runners[0].role, k, "scalar", "step",
                                              formatter=fmt_int)[1])
            race["shown_step"] = k

    def run_race(self, race: dict) -> None:
        """All runners step together: the first steps one by one, then a fast-forward."""
        info: RaceInfo = race["info"]
        runners = race["runners"]
        T = len(runners[0].loss)
        tracker = ValueTracker(0)
        race["dynamic"].add_updater(lambda m: self.draw_at(race, tracker.get_value()))
        for i in range(1, min(info.pace_steps, T - 1) + 1):
            self.play(tracker.animate.set_value(i), run_time=self.pace(i - 1), rate_func=smooth)
        if tracker.get_value() < T - 1:
            self.play(tracker.animate.set_value(T - 1), run_time=self.t(info.fast_seconds),
                      rate_func=linear)
        race["dynamic"].clear_updaters()
        self.remove(tracker)
        self.draw_at(race, T - 1)
        finals = [r.loss[-1] if np.isfinite(r.loss[-1]) else np.inf for r in runners]
        best = runners[int(np.argmin(finals))]
        box = SurroundingRectangle(VGroup(best.row, best.ticker), color=self.theme.active,
                                   buff=0.08, corner_radius=0.08)
        low = self.label("closest", size=20, color=self.theme.active)
        low.align_to(best.row[3], DOWN).align_to(best.ticker, RIGHT)
        race["best"] = VGroup(box, low)
        self.play(fade_in(race["best"]), run_time=self.t(0.6))
        self.wait(self.t(1.5))

    def lessons(self, race: dict, closing: str | None = None) -> None:
        """Each runner in turn in front, the others dimmed, with what it does; then all
        back, under ``closing`` when given."""
        runners = race["runners"]
        caption = race["caption"]
        for i, r in enumerate(runners):
            lesson = race["lessons"][i]
            example = r.name == "momentum" and race["info"] is RAVINE
            new = self.caption(race, lesson, self.velocity_lines(r) if example else None)
            if example and self.velocity_step is not None:  # ring the step it quotes
                ring = Circle(radius=0.13, color=self.theme.active, stroke_width=4)
                new = VGroup(new, ring.move_to(r.pts[self.velocity_step]))
                new.said = new[0].said
            anims = [*self.swap(caption, new), self.focus(race, (i,))]
            if i == 0:
                anims.append(fade_out(race["best"]))
            self.play(*anims, run_time=self.t(0.6))
            self.wait(self.t(reading_time(new.said)))
            caption = new
        race["caption"] = caption
        if closing is not None:
            race["caption"] = self.caption(race, ("", closing))
            self.play(*self.swap(caption, race["caption"]), self.focus(race, None),
                      run_time=self.t(0.6))

    @staticmethod
    def swap(old, new) -> list:
        """The old caption fades out in the first half, the new one in during the second."""
        return [fade_out(old, rate_func=squish_rate_func(smooth, 0, 0.5)),
                fade_in(new, rate_func=squish_rate_func(smooth, 0.5, 1))]

    @staticmethod
    def focus(race: dict, front: tuple[int, ...] | None) -> Tween:
        """Dim every runner not in ``front`` (None: undim all), from wherever they are now:
        its lines to 18 %, its legend row to 35 %. One Tween on the legend, which the
        scene already holds (animating a new group would restructure the scene's groups
        and so the drawing order)."""
        runners = race["runners"]
        moves = []
        for j, r in enumerate(runners):
            if r.opacity is None:  # snapshot of the full opacities, taken once
                r.opacity = (Opacity(VGroup(r.path, r.curve, r.dot)),
                             Opacity(VGroup(r.row, r.ticker)))
            moves.append((r, r.dim, 0.0 if front is None or j in front else 1.0))
            r.dim = moves[-1][2]

        def fade(_, a):
            for r, start, end in moves:
                d = start + (end - start) * a  # 0 = full, 1 = dimmed
                r.opacity[0].scale(1 - 0.82 * d)
                r.opacity[1].scale(1 - 0.65 * d)
        return Tween(race["legend"], fade)
