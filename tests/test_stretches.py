"""A scene drawn in stretches (scenes/render/stretches.py): every stretch sees the clock a
render in one process sees; the stretches' frames, one after the other, are that render's
frames, wherever the cuts fall (at a play, inside one, inside a still wait, before the first
frame, after the last); cuts balance a kept profile; a real scene rendered in two processes
gives the same video, captions, notes and numbers as in one."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from nnanim.scenes.render.stretches import (Stretch, Work, balanced_cuts, cut_times,
                                            processes, profile_of, read_profile,
                                            render_stretches)

FPS = 10


def frame_log_scene():
    """A manim scene that notes the clock at every play, and a file writer that logs each
    frame written (its bytes' digest, how many times it is held) instead of encoding."""
    from manim import (DOWN, RIGHT, Circle, Create, Dot, FadeOut, Rotate, Scene, Square,
                       Transform)
    from manim.scene.scene_file_writer import SceneFileWriter

    class FrameLog(SceneFileWriter):
        frames: list = []

        def write_frame(self, frame, repeat: int = 1, **kwargs) -> None:
            FrameLog.frames.append((hashlib.sha1(frame.tobytes()).hexdigest(), repeat))

        def begin_animation(self, *args, **kwargs) -> None:
            pass  # no encoder

        def end_animation(self, *args, **kwargs) -> None:
            pass

        def finish(self) -> None:
            pass  # no video to join

    class Clocked(Scene):
        def construct(self):
            self.starts = []
            square, dot = Square(), Dot()
            dot.add_updater(lambda d: d.next_to(square, DOWN))  # runs at every frame
            self.add(dot)
            for play in (
                    lambda: self.play(Create(square), run_time=0.5),
                    lambda: self.wait(0.35),  # a still wait? no: the dot's updater moves
                    lambda: self.play(square.animate.shift(RIGHT), run_time=0.73),
                    lambda: self.wait(0.05),  # shorter than a frame: manim draws one
                    lambda: self.play(Rotate(square, 1.0), run_time=1.0),
                    lambda: self.play(Transform(square, Circle()), run_time=0.45),
                    lambda: (dot.clear_updaters(), self.wait(0.6)),  # a still wait
                    lambda: self.play(FadeOut(square), run_time=0.3)):
                self.starts.append(self.renderer.time)
                play()

    return Clocked, FrameLog


def run(stretch: Stretch | None):
    """Render the scene (all of it, or ``stretch`` of it): (the clock at every play, the
    frames written)."""
    from manim import tempconfig
    from manim.renderer.cairo_renderer import CairoRenderer

    from nnanim.scenes.render.stretches import StretchRenderer

    scene_class, log = frame_log_scene()
    log.frames = []
    with tempconfig({"pixel_width": 96, "pixel_height": 54, "frame_rate": FPS,
                     "write_to_movie": False, "save_last_frame": False,
                     "disable_caching": True, "verbosity": "ERROR", "progress_bar": "none"}):
        renderer = (CairoRenderer(file_writer_class=log) if stretch is None else
                    StretchRenderer(stretch, file_writer_class=log))
        scene = scene_class(renderer=renderer)
        scene.render()
    return scene.starts, list(log.frames), renderer


@pytest.fixture(scope="module")
def whole():
    return run(None)


def test_the_scene_has_animated_frames_held_frames_and_a_short_wait(whole):
    starts, frames, _ = whole
    assert len(starts) == 8 and len(set(starts)) == 8
    assert sum(r for _, r in frames) > 30 and any(r > 1 for _, r in frames)  # a held frame
    assert len({h for h, _ in frames}) > 20


CUTS = [[0.5],          # where a play starts
        [0.95],         # inside the animated wait
        [1.3],          # inside a play
        [2.95, 3.5],    # inside a play and inside the still wait
        [1e-6],         # before the second frame
        [0.2, 1.7, 3.05],
        [100.0]]        # after the end: the last stretch draws nothing


@pytest.mark.parametrize("cuts", CUTS, ids=lambda c: ",".join(map(str, c)))
def test_stretches_together_are_the_whole_render(whole, cuts):
    starts, frames, _ = whole
    bounds = [0.0, *cuts]
    joined = []
    for a, b in zip(bounds, [*cuts, None]):
        s_starts, s_frames, renderer = run(Stretch(a, b))
        # every process sees the clock of the whole render, up to where it stops
        assert s_starts == starts[:len(s_starts)]
        assert renderer.ended == (b is not None and b < starts[-1] + 1)
        joined += s_frames
    assert joined == frames


def test_a_stretch_starting_mid_play_draws_from_its_first_frame_on(whole):
    starts, frames, _ = whole
    _, s_frames, renderer = run(Stretch(1.3, None))
    assert 0 < len(s_frames) < len(frames) and s_frames == frames[-len(s_frames):]
    drawn = [p for p in renderer.plays if not p["skipped"]]
    assert drawn[0]["start"] < 1.3 <= drawn[0]["end"]  # the cut play ran, drawn in part
    assert all(p["end"] <= 1.3 for p in renderer.plays if p["skipped"])


# -- where to cut ----------------------------------------------------------------------------
def profile(costs, skip=0.1, length=1.0):
    """Plays of ``length`` seconds each costing ``costs`` drawn and ``skip`` × that skipped."""
    return [{"start": i * length, "end": (i + 1) * length, "drawn": c, "skipped": skip * c}
            for i, c in enumerate(costs)]


def loads(work: Work, cuts) -> list[float]:
    return [work.stretch(a, b) for a, b in zip([0.0, *cuts], [*cuts, work.length])]


@pytest.mark.parametrize("jobs", [2, 3])
def test_balanced_cuts_are_as_good_as_the_best_on_a_fine_grid(jobs):
    import itertools

    work = Work(profile([1, 1, 1, 8, 1, 1, 1, 1, 1, 4]))
    cuts = balanced_cuts(work, jobs)
    assert len(cuts) == jobs - 1 and cuts == sorted(cuts)
    grid = np.arange(0.0, work.length, 0.05)
    best = min(max(loads(work, c)) for c in itertools.combinations(grid, jobs - 1))
    assert max(loads(work, cuts)) <= best * 1.01
    assert max(loads(work, cuts)) < work.stretch(0, work.length) * 0.7


def test_a_long_play_is_cut_inside_when_that_pays():
    work = Work(profile([1, 10, 1]))  # skipping costs 0.1 of drawing, running dry 0.5
    (cut,) = balanced_cuts(work, 2)
    assert 1 < cut < 2
    head, tail = loads(work, [cut])
    assert abs(head - tail) < 0.01 and head < 8  # cut at a play: 11 at best


def test_cuts_without_a_profile_follow_the_planned_length():
    assert cut_times(1, 80.0, None) == [Stretch()]
    (a, b) = cut_times(2, 80.0, None)
    assert a == Stretch(0.0, b.start) and b.stop is None and 40 < b.start < 60


def test_profile_of_merges_the_stretches_and_refuses_an_incomplete_one():
    head = [{"start": 0, "end": 1, "skipped": False, "seconds": 2.0},
            {"start": 1, "end": 2, "skipped": False, "seconds": 3.0}]
    tail = [{"start": 0, "end": 1, "skipped": True, "seconds": 0.2},
            {"start": 1, "end": 2, "skipped": False, "seconds": 1.0},
            {"start": 2, "end": 3, "skipped": False, "seconds": 4.0}]
    merged = profile_of([head, tail])
    assert [(p["drawn"], p["skipped"]) for p in merged] == [(2.0, 0.2), (3.0, None),
                                                            (4.0, None)]
    assert profile_of([tail]) == []  # play 0 was drawn by no process


def test_a_kept_profile_is_averaged_with_the_next_render_of_the_same_plays(tmp_path):
    from nnanim.scenes.render.stretches import averaged, keep_profile

    kept = profile([2, 4, 6])
    kept[2]["skipped"] = None  # no process skipped play 2 last time
    new = profile([4, 4, 2])
    new[0]["skipped"] = None
    assert [(p["drawn"], p["skipped"]) for p in averaged(new, kept)] == [
        (3.0, 0.2), (4.0, 0.4), (4.0, 0.2)]
    assert averaged(new, profile([2, 4])) == new  # other plays: the scene changed
    moved = profile([2, 4, 6], length=1.5)
    assert averaged(new, moved) == new
    path = tmp_path / "p.json"
    head = [{"start": 0, "end": 1, "skipped": False, "seconds": 4.0}]
    keep_profile(path, [head], {1: 4.0}, 1, kept=profile([2]))
    assert read_profile(path)["plays"][0]["drawn"] == 3.0


def test_a_bad_profile_is_no_profile(tmp_path):
    path = tmp_path / "p.json"
    empty = {"plays": [], "walls": {}, "last": 0}
    for text in ("", "{", "[1, 2]", '{"plays": [{"start": 0}]}', '{"walls": {"x": 1}}'):
        path.write_text(text)
        assert read_profile(path) == empty
    assert read_profile(tmp_path / "missing.json") == empty
    path.write_text(json.dumps({"plays": profile([1, 2]), "walls": {"2": 3.5}, "last": 2,
                                "walls_kept": 2}))
    assert read_profile(path) == {"plays": profile([1, 2]), "walls": {2: 3.5}, "last": 2}
    # walls kept by an older nnanim (an unbalanced first render among them): plays only
    path.write_text(json.dumps({"plays": profile([1, 2]), "walls": {"2": 3.5}, "last": 2}))
    assert read_profile(path) == {"plays": profile([1, 2]), "walls": {}, "last": 2}


def test_processes_tries_stretches_then_one_then_keeps_the_faster():
    assert processes(1, {}) == 1
    assert processes(2, {}) == 2                   # nothing measured: as asked
    assert processes(2, {2: 5.0}) == 1             # then one process, once
    assert processes(2, {1: 6.0, 2: 5.0}) == 2     # stretches were faster
    assert processes(2, {1: 4.0, 2: 5.0}) == 1     # one process was, clearly
    assert processes(2, {1: 4.6, 2: 5.0}) == 2     # within the machine's noise: stretches
    assert processes(3, {1: 4.0, 2: 3.0}) == 3     # never measured with three


def test_a_render_in_stretches_cut_with_no_profile_keeps_no_wall():
    """Cut evenly (no profile yet), stretches are unbalanced: their wall would set one
    process for good. Only a render cut by a profile, or in one process, is kept."""
    from nnanim.scenes.render.stretches import walls_after

    assert walls_after({}, 2, 5.9, balanced=False) == {}
    assert walls_after({1: 5.0}, 2, 5.9, balanced=False) == {1: 5.0}
    assert walls_after({1: 5.0}, 2, 3.8, balanced=True) == {1: 5.0, 2: 3.8}
    assert walls_after({2: 3.8}, 1, 5.0, balanced=False) == {1: 5.0, 2: 3.8}
    walls = {}
    for render in range(3):  # the first render of a scene, the second, the third
        jobs = processes(2, walls)
        walls = walls_after(walls, jobs, {1: 5.0, 2: 3.8}[jobs], balanced=render > 0)
    assert walls == {1: 5.0, 2: 3.8} and processes(2, walls) == 2


# -- processes -------------------------------------------------------------------------------
def test_a_failing_stretch_fails_the_render_in_one_line(tmp_path):
    from nnanim.engine.errors import NnanimError

    def render(stretch, folder):
        if stretch.start == 0:  # the forked child's stretch
            raise ValueError("no trace here")
        video = folder / "v.mp4"
        video.write_bytes(b"")

        class Scene:
            renderer = type("R", (), {"plays": []})()
        return video, Scene()

    with pytest.raises(NnanimError, match="rendering a stretch of the scene failed: "
                                          "no trace here"):
        render_stretches(render, [Stretch(0, 1), Stretch(1, None)], tmp_path)


@pytest.fixture(scope="module")
def two_ways(tmp_path_factory):
    """Overfitting (a scene that notes numbers from updaters, at every frame) rendered small
    and fast in one process, then asked for two: cut with no profile, cut by the profile
    of the render before, and in one process again because that was faster (walls set by
    hand). Returns [(video, scene, processes forked)], the cache."""
    import nnanim.scenes.render.stretches as stretches
    from nnanim.scenes.options import SceneOptions
    from nnanim.scenes.render import render_scene

    tmp = tmp_path_factory.mktemp("stretches")
    options = SceneOptions(speed=4, cache=tmp / "cache")
    kept = tmp / "cache" / "render-profiles" / "Overfitting-l-4-256x144-8fps.json"
    out, forks = [], []
    real_fork = stretches._fork
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(stretches, "_fork", lambda *a: forks.append(a[1]) or real_fork(*a))
        for jobs, walls in ((1, None), (2, None), (2, {1: 99.0, 2: 1.0}), (2, {1: 1.0, 2: 99.0})):
            if walls is not None:
                profile = json.loads(kept.read_text())
                kept.write_text(json.dumps({**profile, "walls": walls}))
            forks.clear()
            path = tmp / f"render{len(out)}.mp4"
            _, scene = render_scene("Overfitting", options, output=path, jobs=jobs,
                                    quality="l", size=(256, 144), fps=8)
            out.append((path, scene, list(forks)))
    return out, kept


def frames_of(path: Path) -> np.ndarray:
    import av

    with av.open(str(path)) as video:
        return np.stack([f.to_ndarray(format="rgb24") for f in video.decode(video=0)])


def test_stretched_renders_make_the_same_video_captions_notes_and_numbers(two_ways):
    renders, kept = two_ways
    (one, scene1, _), *others = renders
    assert [len(forks) for _, _, forks in renders] == [0, 1, 1, 0]
    assert renders[1][2] != renders[2][2]  # the profile moved the cut
    ref = frames_of(one)
    for path, scene, _ in others:
        frames = frames_of(path)
        assert frames.shape == ref.shape
        # separate encodes of the same frames: equal up to the encoder's rounding
        assert np.abs(frames.astype(int) - ref).mean() < 1.0
        for suffix in (".srt", ".vtt", ".notes.json"):
            assert path.with_suffix(suffix).read_text() == one.with_suffix(suffix).read_text()
        assert scene.shown.to_json() == scene1.shown.to_json()
    assert len(scene1.shown) > 0
    profile = read_profile(kept)
    assert profile["plays"] and set(profile["walls"]) == {1, 2} and profile["last"] == 1


def test_a_scene_wait_shorter_than_a_frame_lasts_a_frame_without_a_warning(monkeypatch):
    """What is left of a caption's reading time after a play can be under a frame: manim
    renders such a wait as one frame, with a warning printed at every render; a scene's
    wait asks for the frame itself (the same video, the clock the stretches keep)."""
    from manim import Scene, tempconfig

    from nnanim.scenes.base import TraceScene

    asked = []
    monkeypatch.setattr(Scene, "wait", lambda self, duration=1.0, *a, **k: asked.append(duration))
    scene = object.__new__(TraceScene)
    with tempconfig({"frame_rate": 15}):
        for duration in (1 / 60, 1 / 15, 0.5):
            TraceScene.wait(scene, duration)
        assert asked == [1 / 15, 1 / 15, 0.5]
        assert Scene.validate_run_time(asked[0], Scene.wait) == asked[0]  # no rounding up
