"""Render one scene in stretches of its video time, one process per stretch, on all cores.

Manim draws a scene on one core. To use the others, the video is cut at frame times:
stretch j draws the frames whose time lies in ``[start_j, stop_j)``. Every process runs the
scene's ``construct`` from the beginning. A play that ends before its stretch is *skipped*
(manim's own skipping: the animations jump to their end, nothing is drawn); a play cut by
the stretch's start runs frame by frame, drawn from the start on; the first frame at the
stop ends that process's scene. The last stretch runs in the calling process, so its scene
object has seen the whole ``construct`` (captions, notes); the others run in forked
children, and give back the numbers they showed (``StretchRenderer.own_numbers``). Their
videos are joined without re-encoding.

Skipping keeps the clock as drawing would. Manim adds a skipped play's run time to
``renderer.time``, but a drawn play lasts whole frames (``len(arange(0, run_time, 1/fps))``
of them, a still wait ``int(run_time * fps)``), and scenes time their captions by
``renderer.time``: ``StretchRenderer`` adds exactly what drawing adds, frame by frame, so
every process sees the same times, makes the same choices and cuts at the same frame.

Where to cut: a kept *profile* of the scene (each play's start, end and the seconds it cost
drawn and skipped, written after every stretched render into ``<cache>/render-profiles``)
lets ``balanced_cuts`` even out the processes' work; with none, the scene's planned length
is cut evenly (``FIRST_CUTS``). The cut only moves work between processes: the frames are
the same wherever it falls.
"""
from __future__ import annotations

import json
import os
import pickle
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from manim import config
from manim.renderer.cairo_renderer import CairoRenderer
from manim.utils.exceptions import EndSceneEarlyException

from nnanim.engine.atomic import write_text
from nnanim.engine.errors import NnanimError

#: with no profile, stretch j of n starts at this fraction of (j / n) of the planned length:
#: the later stretches also skip through everything before them, so they get less to draw
FIRST_CUTS = 1.1
#: a skipped play's cost / its drawn cost, where the profile has no skipped cost for it
SKIP_SHARE = 0.2
#: running a play's frames without drawing them / drawing them
DRY_SHARE = 0.5
#: one process is kept only while its wall is below this share of the stretches' wall
ONE_FASTER = 0.9
#: how the kept walls were measured: 2, stretches cut by a profile only (``walls_after``)
WALLS = 2


@dataclass(frozen=True)
class Stretch:
    """The frames whose time lies in ``[start, stop)`` seconds of video (``stop`` None: to
    the end)."""

    start: float = 0.0
    stop: float | None = None


class StretchRenderer(CairoRenderer):
    """Manim's renderer drawing only the frames of one ``Stretch``: the frames whose time
    lies in it (a still wait, written as one held frame, goes with its first frame).

    A play that ends before the stretch is skipped as manim skips (its animations jump to
    their end; nothing is drawn), and the clock advances by the frames drawing it would
    have made. A play that starts before the stretch but ends in it runs frame by frame,
    drawn only from the stretch's start. The first frame at or after the stop ends the
    scene (the plays its ``tear_down`` adds are skipped). ``plays`` keeps, per play, its
    start and end time, whether it was skipped, the seconds it took (with the scene code
    that ran before it) and how many numbers the scene had shown by its end."""

    def __init__(self, stretch: Stretch, **kwargs) -> None:
        super().__init__(**kwargs)
        self.stretch = stretch
        self.ended = False
        self.plays: list[dict] = []
        self._since = time.perf_counter()
        # scene.shown's length at the last frame or play end, and where this stretch's
        # numbers begin and end in it (``own_numbers``)
        self._mark, self._numbers = 0, [None, None]

    def play(self, scene, *args, **kwargs) -> None:
        """Manim's ``CairoRenderer.play`` with caching off (as nnanim renders), deciding
        whether to skip once the animations are compiled and the play's length known."""
        self.skip_animations = self._original_skipping_status
        self.update_skipping_status()
        self._stop_at(self.time)
        scene.compile_animation_data(*args, **kwargs)
        start, end = self.time, self._time_after(scene)
        self.skip_animations |= self.ended or end - self._dt() < self.stretch.start
        self._numbers_begin()
        hash_ = None if self.skip_animations else f"uncached_{self.num_plays:05}"
        self.file_writer.add_partial_movie_file(hash_)
        self.animations_hashes.append(hash_)
        self.file_writer.begin_animation(not self.skip_animations, animation_index=self.num_plays)
        scene.begin_animations()
        self.save_static_frame_data(scene, scene.static_mobjects)
        if scene.is_current_animation_frozen_frame():
            self.update_frame(scene, mobjects=scene.moving_mobjects)
            self.freeze_current_frame(scene.duration)
        else:
            scene.play_internal()
        self.file_writer.end_animation(not self.skip_animations)
        self.num_plays += 1
        self.time = end  # what drawing adds, drawn or not
        self._mark = _shown(scene)
        self._keep(scene, start, end)

    def _time_after(self, scene) -> float:
        """``self.time`` after the compiled play, added as ``add_frame`` adds it (one dt a
        frame, or frames × dt for a still wait), so the float is a drawn render's."""
        t, dt = self.time, self._dt()
        if scene.is_current_animation_frozen_frame():
            return t + int(scene.duration / dt) * dt
        for _ in range(len(np.arange(0, scene.duration, 1 / config["frame_rate"]))):
            t += dt
        return t

    def _dt(self) -> float:
        return 1 / self.camera.frame_rate

    def _stop_at(self, now: float) -> None:
        """End the scene at the first frame at or after the stretch's stop."""
        if not self.ended and self.stretch.stop is not None and now >= self.stretch.stop:
            self.ended = self.skip_animations = True
            self._numbers[1] = self._mark
            raise EndSceneEarlyException()

    def _numbers_begin(self) -> None:
        if self._numbers[0] is None and self.time >= self.stretch.start:
            self._numbers[0] = self._mark

    def render(self, scene, at, moving_mobjects=None) -> None:
        self._stop_at(self.time)
        if self.time < self.stretch.start:  # before the stretch: advance, draw nothing
            self.time += self._dt()
        else:
            self._numbers_begin()
            super().render(scene, at, moving_mobjects)
        self._mark = _shown(scene)

    def add_frame(self, frame, num_frames: int = 1) -> None:
        if self.time < self.stretch.start and not self.skip_animations:
            self.time += num_frames * self._dt()  # a still wait that began before the stretch
            return
        super().add_frame(frame, num_frames)

    def update_frame(self, scene, *args, **kwargs) -> None:
        if not self.skip_animations:  # a skipped play's picture is never used
            super().update_frame(scene, *args, **kwargs)

    def _keep(self, scene, start: float, end: float) -> None:
        if self.ended:
            return  # the scene's closing plays after the stop: not this stretch's work
        now = time.perf_counter()
        self.plays.append({"start": start, "end": end, "skipped": self.skip_animations,
                           "seconds": now - self._since, "shown": _shown(scene)})
        self._since = now

    def own_numbers(self, scene) -> list:
        """The numbers this stretch showed (``scene.shown``). A drawn frame can record a
        number its skipped self does not (an updater's), so each process gives those
        recorded from the end of the frame before its stretch to the end of its last
        frame: together, the list a render in one process makes."""
        items = getattr(getattr(scene, "shown", None), "items", [])
        lo, hi = self._numbers
        return items[len(items) if lo is None else lo:len(items) if hi is None else hi]


def _shown(scene) -> int:
    return len(getattr(getattr(scene, "shown", None), "items", []))


# -- where to cut ----------------------------------------------------------------------------
def cut_times(jobs: int, length: float, profile: list[dict] | None) -> list[Stretch]:
    """``jobs`` stretches of a scene about ``length`` seconds long: balanced by the
    ``profile`` of an earlier render (``profile_of``) when there is one, else cut evenly
    (``FIRST_CUTS``)."""
    if jobs <= 1:
        return [Stretch()]
    if profile:
        cuts = balanced_cuts(Work(profile), jobs)
    else:
        cuts = [min(FIRST_CUTS * j / jobs, 0.95) * length for j in range(1, jobs)]
    cuts = sorted(set(cuts))
    return [Stretch(a, b) for a, b in zip([0.0, *cuts], [*cuts, None])]


class Work:
    """A scene's work along its video time, from a profile: ``drawn(t)`` the seconds to
    draw it up to time t, ``skipped(t)`` to skip to t (a play cut at t is run frame by
    frame up to it, at ``DRY_SHARE`` of drawing), uniform within each play."""

    def __init__(self, profile: list[dict]) -> None:
        self.times = np.array([p["start"] for p in profile] + [profile[-1]["end"]])
        drawn = np.array([p["drawn"] for p in profile], dtype=float)
        skipped = np.array([p["skipped"] if p.get("skipped") is not None
                            else SKIP_SHARE * p["drawn"] for p in profile], dtype=float)
        self.drawn_sum = np.concatenate([[0.0], np.cumsum(drawn)])
        self.skipped_sum = np.concatenate([[0.0], np.cumsum(skipped)])
        self.length = float(self.times[-1])

    def drawn(self, t: float) -> float:
        return float(np.interp(t, self.times, self.drawn_sum))

    def skipped(self, t: float) -> float:
        play = max(int(np.searchsorted(self.times, t, side="right")) - 1, 0)  # the one at t
        dry = self.drawn(t) - self.drawn(self.times[play])
        return float(self.skipped_sum[play] + DRY_SHARE * dry)

    def stretch(self, start: float, stop: float) -> float:
        """Seconds a process takes for the stretch [start, stop)."""
        return self.skipped(start) + self.drawn(stop) - self.drawn(start)

    def reach(self, start: float, budget: float) -> float:
        """The furthest stop a process starting at ``start`` reaches in ``budget`` seconds."""
        lo, hi = start, self.length
        for _ in range(50):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if self.stretch(start, mid) <= budget else (lo, mid)
        return lo


def balanced_cuts(work: Work, jobs: int) -> list[float]:
    """Cut times splitting ``work`` into ``jobs`` stretches, the longest as short as it can
    be (each stretch as long as a budget allows; the budget bisected)."""
    def cuts(budget: float) -> list[float]:
        out, start = [], 0.0
        for _ in range(jobs - 1):
            start = work.reach(start, budget)
            out.append(start)
        return out

    lo, hi = 0.0, work.stretch(0.0, work.length)
    for _ in range(40):
        mid = (lo + hi) / 2
        last = work.stretch(cuts(mid)[-1], work.length)
        lo, hi = (lo, mid) if last <= mid else (mid, hi)
    return cuts(hi)


def profile_of(records: list[list[dict]]) -> list[dict]:
    """One profile from the ``plays`` of every stretch's renderer: per play, its start and
    end, and the seconds it cost drawn and skipped (None where every process drew it)."""
    plays: dict[int, dict] = {}
    for stretch in records:
        for i, p in enumerate(stretch):
            entry = plays.setdefault(i, {"start": p["start"], "end": p["end"],
                                         "drawn": None, "skipped": None})
            key = "skipped" if p["skipped"] else "drawn"
            entry[key] = max(entry[key] or 0.0, p["seconds"])
    if not plays or any(plays[i]["drawn"] is None for i in plays):
        return []  # a play no process drew (a render that failed): keep nothing
    return [plays[i] for i in sorted(plays)]


def profile_path(cache: Path, scene: str, quality: str, speed: float,
                 size: tuple[int, int] | None = None, fps: int | None = None) -> Path:
    """Where the profile of ``scene`` at that quality and speed (and frame size and rate,
    where they are not the quality's own) is kept."""
    name = f"{scene}-{quality}-{speed:g}"
    name += f"-{size[0]}x{size[1]}" if size else ""
    name += f"-{fps}fps" if fps else ""
    return Path(cache) / "render-profiles" / f"{name}.json"


def read_profile(path: Path) -> dict:
    """A kept profile: {"plays": [per play: start, end, drawn, skipped], "walls": {jobs:
    seconds the last render in that many processes took}, "last": the processes of the
    last render}; empty parts where none was kept or it cannot be read (a hint only)."""
    try:
        kept = json.loads(path.read_text())
        plays = kept.get("plays") or []
        # walls kept before WALLS (stretches cut with no profile among them) are not kept
        walls = (kept.get("walls") or {}) if kept.get("walls_kept") == WALLS else {}
        if not all({"start", "end", "drawn"} <= set(p) for p in plays):
            plays = []
        return {"plays": plays, "walls": {int(j): float(w) for j, w in walls.items()},
                "last": int(kept.get("last") or 0)}
    except (OSError, ValueError, TypeError, AttributeError):
        return {"plays": [], "walls": {}, "last": 0}


def processes(asked: int, walls: dict[int, float]) -> int:
    """How many processes to draw in: ``asked``, unless one process was clearly faster last
    time. Stretches pay where drawing outweighs the encoder (which already has the other
    core while one process draws) and the skipping; that is measured, not guessed: with no
    wall for ``asked`` kept, ``asked``; then one process once; then one process only while
    its wall is below ``ONE_FASTER`` of the stretches' (on two cores they draw twice as
    much at once: a draw within a machine's noise keeps them), each kept wall renewed by
    every render so a slower turn is noticed."""
    if asked <= 1 or asked not in walls:
        return max(asked, 1)
    if 1 not in walls:
        return 1
    return 1 if walls[1] < ONE_FASTER * walls[asked] else asked


def walls_after(walls: dict[int, float], jobs: int, seconds: float,
                balanced: bool) -> dict[int, float]:
    """The kept walls with this render's: drawn in ``jobs`` processes in ``seconds``. A
    render in stretches cut with no profile to balance them (``FIRST_CUTS``) is not a fair
    measure of stretches, and is not kept (the next render, cut by its profile, is)."""
    if jobs > 1 and not balanced:
        return dict(walls)
    return {**walls, jobs: seconds}


# -- rendering in processes ------------------------------------------------------------------
Render = Callable[[Stretch, Path], tuple]  # (stretch, folder) -> (produced file, scene)


def render_stretches(render: Render, stretches: list[Stretch], tmp: Path):
    """Run ``render`` for every stretch, the last in this process and the others in forked
    children, each in its own folder under ``tmp``. Returns (the videos made, in order,
    leaving out stretches with no frames; the last stretch's scene; every renderer's
    ``plays``)."""
    children = [(_fork(render, s, _folder(tmp, i)), _folder(tmp, i))
                for i, s in enumerate(stretches[:-1])]
    done = []
    try:
        produced, scene = render(stretches[-1], _folder(tmp, len(stretches) - 1))
        while children:
            done.append(_wait(*children[0]))
            children.pop(0)
    finally:
        for pid, _ in children:  # still running only if something failed
            _kill(pid)
    videos = [v for v, _, _ in done] + [Path(produced)]
    records = [r for _, r, _ in done] + [scene.renderer.plays]
    if getattr(scene, "shown", None) is not None:
        scene.shown.items = [*(n for _, _, numbers in done for n in numbers),
                             *scene.renderer.own_numbers(scene)]
    return [v for v in videos if v.is_file()], scene, records


def _folder(tmp: Path, i: int) -> Path:
    folder = Path(tmp) / f"stretch-{i}"
    folder.mkdir(exist_ok=True)
    return folder


def _fork(render: Render, stretch: Stretch, folder: Path) -> int:
    """Render ``stretch`` in a forked child; it leaves ``video.mp4`` (if it drew a frame),
    ``plays.json`` and ``numbers.pickle`` (the numbers it showed), or ``error`` (one
    line) in ``folder``, and exits."""
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:
        from manim import logger

        logger.setLevel("ERROR")  # the last stretch's process warns once for every play
        produced, scene = render(stretch, folder)
        if Path(produced).is_file():
            os.replace(produced, folder / "video.mp4")
        (folder / "plays.json").write_text(json.dumps(scene.renderer.plays))
        (folder / "numbers.pickle").write_bytes(pickle.dumps(scene.renderer.own_numbers(scene)))
        status = 0
    except BaseException as e:  # noqa: BLE001 (the parent says it in one line)
        (folder / "error").write_text(str(e) or type(e).__name__)
    finally:
        os._exit(status)  # never back into the parent's code (its cleanups are the parent's)


def _wait(pid: int, folder: Path) -> tuple[Path, list[dict], list]:
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        error = folder / "error"
        why = error.read_text().strip() if error.is_file() else f"exit status {status}"
        raise NnanimError(f"rendering a stretch of the scene failed: {why}")
    return (folder / "video.mp4", json.loads((folder / "plays.json").read_text()),
            pickle.loads((folder / "numbers.pickle").read_bytes()))


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass  # already reaped


def join_videos(videos: list[Path], out: Path) -> Path:
    """The videos one after the other in ``out``, without re-encoding."""
    from nnanim.scenes.render.ffmpeg import concat_input, ffmpeg_to

    if not videos:
        raise NnanimError("the scene drew no frame")
    if len(videos) == 1:
        os.replace(videos[0], out)
        return out
    return ffmpeg_to(out, [*concat_input(videos, out.with_suffix(".txt")), "-c", "copy"],
                     "join the stretches of the scene")


def keep_profile(path: Path, records: list[list[dict]], walls: dict[int, float],
                 last: int, kept: list[dict] | None = None) -> None:
    """Write the profile of this render, drawn in ``last`` processes (a hint for the next
    one's cuts and processes), averaged with the ``kept`` one of the same plays
    (``averaged``)."""
    profile = averaged(profile_of(records), kept or [])
    if profile:
        try:
            write_text(path, json.dumps({"plays": profile, "walls": walls, "last": last,
                                         "walls_kept": WALLS}))
        except NnanimError:
            pass  # an unwritable cache costs balance, not the render


def averaged(new: list[dict], kept: list[dict]) -> list[dict]:
    """``new`` with each play's seconds the mean of its own and the ``kept`` profile's, when
    both have the same plays at the same times: a play's cost moves by tens of percent from
    one render to the next on a busy machine, and a cut set by one render's noise leaves one
    process idle at the end. A cost only one of them measured (a play skipped this time and
    not last time) is taken as it is; other plays (the scene changed) start over."""
    same = len(new) == len(kept) and all(
        (a["start"], a["end"]) == (b["start"], b["end"]) for a, b in zip(new, kept))
    if not same:
        return new
    out = []
    for a, b in zip(new, kept):
        both = {k: [v for v in (a.get(k), b.get(k)) if v is not None]
                for k in ("drawn", "skipped")}
        out.append({**a, **{k: sum(v) / len(v) if v else None for k, v in both.items()}})
    return out
