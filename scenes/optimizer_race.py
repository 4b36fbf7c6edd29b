"""OptimizerRace: GD, mini-batch SGD, momentum and Adam start together on one loss surface
and take their traced steps side by side: first on a ravine, then on Rosenbrock's valley.

Each runner is one bundled run (catalog roles); its path is the traced θ at every step,
its live loss the per-step ``loss`` scalar (f(θ) at that θ), and the log-scale plot the
same scalars. The surface is the trace's ``surface/x|y|z``.

Rosenbrock has no data, so "mini-batch SGD" there takes exactly GD's steps (the engine
has nothing to sample). The race shows it anyway, drawn as a thin line inside GD's, and
says why: the identical loss readouts are the proof.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Axes, Dot, FadeIn, FadeOut, Line, Star,
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

NAMES = ("GD", "SGD", "momentum", "Adam")


@dataclass
class RaceInfo:
    """One race: its runs (roles, in NAMES order), title and one lesson per runner."""
    roles: tuple[str, str, str, str]
    title: str
    lessons: tuple[tuple[str, str] | None, ...]  # (words in the runner's colour, text)
    pace_steps: int = 10         # steps taken one by one before the fast-forward
    fast_seconds: float = 6.0    # run time of the fast-forward over the remaining steps


RAVINE = RaceInfo(
    ("main", "ravine_sgd", "ravine_momentum", "ravine_adam"),
    "Race 1: a ravine, steep across, flat along",
    (("GD", "GD steps straight downhill: here that is across\n"
            "the ravine, so it bounces from wall to wall, and\n"
            "a larger η would make those bounces diverge."),
     ("Mini-batch SGD", "Mini-batch SGD takes the same step on the gradient\n"
                        "of a few samples: cheap steps, but noisy ones;\n"
                        "with a fixed η it jitters and never quite settles."),
     ("Momentum", "Momentum keeps a velocity, like a rolling ball:\n"
                  "across the ravine, pushes flip sign and partly\n"
                  "cancel; along the floor they add up: speed builds."),
     ("Adam", "Adam divides each coordinate's step by the size\n"
              "of its recent gradients: steps about η long in\n"
              "x and in y alike, however steep the slope.")),
    fast_seconds=6.0)

ROSENBROCK = RaceInfo(
    ("rosen_gd", "rosen_sgd", "rosen_momentum", "rosen_adam"),
    "Race 2: Rosenbrock's curved valley",
    (("GD", "GD: the steep walls force a tiny η, and on the\n"
            "nearly flat valley floor, tiny steps crawl."),
     None,  # chosen from the trace: NO_DATA_SGD when SGD had no data to sample
     ("Momentum", "Momentum gathers speed along the valley floor\n"
                  "and follows it round the bend to the minimum."),
     ("Adam", "Adam scales its steps up where gradients are tiny,\n"
              "so it keeps moving along the flat floor.")),
    fast_seconds=9.0)

NO_DATA_SGD = ("SGD", "Rosenbrock has no data, so no mini-batches:\n"
                      "SGD takes exactly GD's steps and has GD's losses\n"
                      "(its thin line runs inside GD's).")
INTRO = ("Shading and contours: loss f(x, y), log scale;\n"
         "★ is the minimum. All four start at one point.")
CLOSING = ("Same start, same number of steps:\n"
           "how far each gets is down to the update rule.")


@dataclass
class Runner:
    """One optimizer's run drawn in a race."""
    role: str
    name: str
    color: str
    xy: np.ndarray                  # (T, 2) θ at every step
    loss: np.ndarray                # (T,) f(θ) at every step
    width: float = 3.5              # path stroke width
    pts: np.ndarray | None = None   # (T, 3) on the map
    cpts: np.ndarray | None = None  # (T, 3) on the loss plot
    path: VMobject | None = None    # grown step by step, like curve and dot
    curve: VMobject | None = None
    dot: Dot | None = None
    row: VGroup | None = None       # legend row: swatch, name, η
    ticker: TickerText | None = None  # live loss
    shown_k: int = -1               # the step whose loss the ticker shows
    dim: float = 0.0                # 0: drawn in full, 1: dimmed behind another runner
    opacity: tuple[Opacity, Opacity] | None = None  # full opacities of lines, of legend


class OptimizerRace(TraceScene):
    """Two races of four optimizers, step by step, with live losses and a log-loss plot.

    Sections: "ravine" (the race on an ill-conditioned quadratic), "ravine-lessons" (each
    runner in turn, with what it does), "rosenbrock", "rosenbrock-lessons".
    duration: about 109 s at speed 1 (17 + 38 + 19 + 35 s): each lesson stays for its
    reading time, 1 s + 0.3 s a word.
    """

    title = "Gradient descent, SGD, momentum and Adam"
    description = ("four optimizers racing on a ravine and on the Rosenbrock valley")
    runs = {"main": "race_ravine_gd", "ravine_sgd": "race_ravine_sgd",
            "ravine_momentum": "race_ravine_momentum", "ravine_adam": "race_ravine_adam",
            "rosen_gd": "race_rosenbrock_gd", "rosen_sgd": "race_rosenbrock_sgd",
            "rosen_momentum": "race_rosenbrock_momentum", "rosen_adam": "race_rosenbrock_adam"}
    trace_kind = "objective"
    duration = 109.0

    # layout (scene units): the map top-left, captions under it, legend and plot right
    MAP_LEFT, MAP_TOP, MAP_WIDTH = -6.55, 2.95, 8.1
    COL_LEFT, COL_RIGHT = 2.1, 6.85

    def check_trace(self, role: str, trace: Trace) -> None:
        self.require_objective(trace, 2, ("surface/x", "surface/y", "surface/z"), ("theta",),
                               coords_name="θ = (x, y)")

    # -- the scene ------------------------------------------------------------------------
    def construct(self) -> None:
        self.races: list[dict] = []  # for tests: every race's mobjects and runners
        self.next_section("ravine")
        race = self.build_race(RAVINE)
        self.play(fade_in(race["title"], shift=0.2 * DOWN), FadeIn(race["map"]),
                  run_time=self.t(1.2))
        self.play(*[fade_in(race[k]) for k in ("marks", "caption", "legend", "plot", "dynamic")],
                  run_time=self.t(1.0))
        self.wait(self.t(2.0))
        self.run_race(race)
        self.next_section("ravine-lessons")
        self.lessons(race)

        self.next_section("rosenbrock")
        old, race = race, self.build_race(ROSENBROCK)
        self.play(FadeOut(old["map"]), *[fade_out(old[k]) for k in (
            "title", "marks", "caption", "legend", "plot", "dynamic")], run_time=self.t(0.8))
        self.play(fade_in(race["title"], shift=0.2 * DOWN), FadeIn(race["map"]),
                  *[fade_in(race[k]) for k in ("marks", "caption", "legend", "plot", "dynamic")],
                  run_time=self.t(1.2))
        self.wait(self.t(1.5))
        self.run_race(race)
        self.next_section("rosenbrock-lessons")
        self.lessons(race, closing=CLOSING)
        self.wait(self.t(reading_time(CLOSING)))

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

        runners = [Runner(role, NAMES[i], th.series[i], t.series("objective", "theta"),
                          t.scalars("loss")) for i, (role, t) in enumerate(zip(info.roles, traces))]
        if len({len(r.loss) for r in runners}) != 1:
            raise TraceError("the runs of a race must have the same number of steps: "
                             + ", ".join(f"{r.role} {len(r.loss)}" for r in runners))
        sgd_is_gd = not traces[1].has(0, "batch", "indices")
        # SGD's line runs thin on top of GD's, so both show where they overlap; with no
        # data they overlap everywhere: a wide GD line with SGD as its core
        runners[0].width, runners[1].width = (8.0, 3.0) if sgd_is_gd else (4.0, 2.2)
        for i, r in enumerate(runners):
            r.pts = cmap.points_of(r.xy)
            r.path = VMobject(stroke_color=r.color, stroke_width=r.width)
            r.curve = VMobject(stroke_color=r.color, stroke_width=0.6 * r.width)
            r.dot = run_marker(th.runs[i], r.pts[0], 0.06 if r is runners[1] else 0.085,
                               outline=th.background)

        title = self.label(info.title, size=36).to_edge(UP, buff=0.3)
        title.align_to(np.array([self.MAP_LEFT, 0, 0]), LEFT)
        plot = self.loss_plot(runners)
        legend, step = self.legend(runners, sgd_is_gd)
        lessons = list(info.lessons)
        if lessons[1] is None:
            lessons[1] = NO_DATA_SGD if sgd_is_gd else RAVINE.lessons[1]
        # the slow runners' paths on top: on a shared valley floor they are the shorter
        # ones; SGD over GD so that, with no data, its thin line shows inside GD's
        order = [runners[i] for i in (2, 3, 0, 1)]
        dynamic = VGroup(*[r.path for r in order], *[r.curve for r in order],
                         *[r.dot for r in order], *[r.ticker for r in runners], step)
        race = {"info": info, "title": title, "map": cmap, "marks": self.map_marks(cmap,
                traces[0], runners[0]), "plot": plot, "legend": legend, "runners": runners,
                "step": step, "dynamic": dynamic, "lessons": lessons, "sgd_is_gd": sgd_is_gd}
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

    def caption(self, race: dict, lesson: tuple[str, str]) -> VGroup:
        """Text under the map; ``lesson[0]`` (a runner's name) in that runner's colour."""
        lead, text = lesson
        colors = {r.name.lower(): r.color for r in race["runners"]}
        color = colors.get(lead.lower().split()[-1] if lead else "", self.theme.text)
        cap = self.label(text, size=24, line_spacing=0.9, t2c={lead: color} if lead else {})
        if cap.width > self.MAP_WIDTH:
            cap.scale_to_fit_width(self.MAP_WIDTH)
        bottom = race["map"].frame.get_bottom()[1]
        cap.move_to(np.array([self.MAP_LEFT, (bottom - 3.9) / 2, 0]), aligned_edge=LEFT)
        return cap

    def legend(self, runners: list[Runner], sgd_is_gd: bool) -> tuple[VGroup, TickerText]:
        """Step counter, then one row per runner: swatch, name, η and the live loss."""
        th = self.theme
        x0, x1 = self.COL_LEFT, self.COL_RIGHT
        step_label = self.label("step", size=28, color=th.muted)
        step_label.move_to(np.array([x0, 2.9, 0]), aligned_edge=LEFT)
        step = TickerText("0", font_size=34, color=th.text, max_len=6, align=LEFT)
        step.anchor_at(np.array([step_label.get_right()[0] + 0.2, step_label.get_bottom()[1], 0]))
        head = self.label("loss f(θ)", size=22, color=th.muted)
        head.move_to(np.array([x1, 2.9, 0]), aligned_edge=RIGHT)
        legend = VGroup(step_label, head)
        for i, r in enumerate(runners):
            y = 2.3 - 0.72 * i
            swatch = Line(np.array([x0, y, 0]), np.array([x0 + 0.45, y, 0]), color=r.color,
                          stroke_width=5)
            dot = run_marker(self.theme.runs[i], swatch.get_center(), 0.08)
            name = self.label(r.name, size=26).move_to(np.array([x0 + 0.62, y, 0]),
                                                      aligned_edge=LEFT)
            _, lr = self.number(r.role, 0, "scalar", "lr")
            note = ("no data, so = GD · " if sgd_is_gd else "mini-batches · ") if i == 1 else ""
            sub = self.label(f"{note}η = {lr}", size=20, color=th.muted)
            sub.next_to(name, DOWN, buff=0.08, aligned_edge=LEFT)
            r.ticker = TickerText("", font_size=26, color=th.text, max_len=8)
            r.ticker.anchor_at(np.array([x1, name.get_bottom()[1], 0]))
            r.row = VGroup(swatch, dot, name, sub)
            legend.add(r.row)
        return legend, step

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
        marks.add(self.label("loss, log scale", size=22, color=th.muted)
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
                r.ticker.set_text(self.number(r.role, k, "scalar", "loss")[1])
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
        low = self.label("lowest", size=20, color=self.theme.active)
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
            new = self.caption(race, race["lessons"][i])
            # SGD that is GD is shown with GD: its thin line inside GD's
            front = (0, 1) if (i == 1 and race["sgd_is_gd"]) else (i,)
            anims = [*self.swap(caption, new), self.focus(race, front)]
            if i == 0:
                anims.append(fade_out(race["best"]))
            self.play(*anims, run_time=self.t(0.6))
            self.wait(self.t(reading_time(race["lessons"][i][1])))
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
