"""Render speed against the encoder's own floor, per scene and for the whole lecture.

For every scene (default: the lecture, in order) and quality, it renders the scene afresh
(its runs trained and cached first, kept renders not used), in ``--jobs`` processes as
``nnanim render`` does (default: the number of cores), and then times the **encode
floor**: ffmpeg decoding that video and encoding it again with libx264 at preset medium,
same frame size and rate. A render cannot be cheaper than writing its frames, and the floor
moves with the machine as the render does, so their ratio means the same on a slow or a
fast machine. Printed per scene:

    wall s     the render
    floor s    the encode floor
    ratio      render / floor                                   target <= 1.5
    video/wall video seconds per wall second (for reference only)
    size       the render's bytes / the floor encode's bytes    target <= 1.25

and the totals of all scenes as the lecture's figure. ``--repeat N`` times every scene N
times and prints the fastest render beside the fastest floor (a busy machine only slows a
run down, as ``timeit`` reasons). ``--reference`` also renders each
scene with manim's own pipeline (a file per animation, libx264 medium, its own camera) and
prints its ratio and size beside nnanim's: the before and after of the same run.
``--lecture`` also times ``build_lecture`` (title cards, two processes, the join) against
the floor of the whole lecture video.

    .venv/bin/python benchmarks/render_speed.py [SCENE ...] [--quality m l] [--reference]
                                                [--lecture] [--jobs N] [--repeat N]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

QUALITY_NAMES = {"l": "480p15", "m": "720p30", "h": "1080p60", "k": "2160p60"}


def encode_floor(video: Path, out: Path) -> float:
    """Seconds ffmpeg takes to decode ``video`` and encode every frame of it at its frame
    rate (a held picture is one frame of nnanim's video, but the floor writes it at every
    frame time, as a constant-rate render must) with libx264 medium."""
    from nnanim.scenes.render.ffmpeg import frame_rate

    fps = f"{frame_rate(video):g}"
    t0 = time.perf_counter()
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(video), "-an", "-fps_mode", "cfr",
                    "-r", fps, "-c:v", "libx264", "-preset", "medium", "-pix_fmt", "yuv420p",
                    str(out)], check=True)
    return time.perf_counter() - t0


def measure(render, video: Path, floor_out: Path) -> dict:
    """Time ``render()`` (which writes ``video``), then its floor."""
    from nnanim.scenes.render.ffmpeg import duration

    t0 = time.perf_counter()
    render()
    wall = time.perf_counter() - t0
    floor = encode_floor(video, floor_out)
    return {"wall": wall, "floor": floor, "video": duration(video),
            "size": video.stat().st_size / floor_out.stat().st_size}


def row(name: str, m: dict, ref: dict | None) -> str:
    text = (f"{name:<24}{m['video']:>8.1f}{m['wall']:>8.1f}{m['floor']:>8.1f}"
            f"{m['wall'] / m['floor']:>7.2f}{m['video'] / m['wall']:>8.2f}{m['size']:>7.2f}"
            f"{m.get('processes', ''):>6}")
    if ref is not None:
        text += f"{ref['wall'] / ref['floor']:>9.2f}{ref['size']:>8.2f}"
    return text


def header(reference: bool) -> str:
    text = (f"{'scene':<24}{'video s':>8}{'wall s':>8}{'floor s':>8}{'ratio':>7}"
            f"{'vid/wall':>8}{'size':>7}{'procs':>6}")
    return text + (f"{'manim ratio':>12}{'size':>5}" if reference else "")


def total(ms: list[dict]) -> dict:
    t = {k: sum(m[k] for m in ms) for k in ("wall", "floor", "video")}
    t["size"] = sum(m["size"] * m["floor"] for m in ms) / t["floor"]  # floor-weighted
    return t


def used_processes(name: str, quality: str, jobs: int) -> int:
    """How many processes the render just timed drew in (``stretches.processes`` chose;
    the render's profile says)."""
    import nnanim.scenes.render.stretches as stretches
    from nnanim.scenes.runs import cache_dir

    kept = stretches.read_profile(stretches.profile_path(cache_dir(), name, quality, 1.0))
    return kept["last"] if jobs > 1 else 1


def best(runs: list[dict]) -> dict:
    """The fastest of repeated measures, with the fastest floor of them (as ``timeit``
    takes the minimum: what is slower was slowed by something else on the machine)."""
    fastest = dict(min(runs, key=lambda m: m["wall"]))
    fastest["floor"] = min(m["floor"] for m in runs)
    return fastest


def bench_quality(names: list[str], quality: str, reference: bool, tmp: Path,
                  jobs: int, repeat: int = 1) -> list[dict]:
    from nnanim.scenes.render import render_scene

    print(f"\n{QUALITY_NAMES[quality]} (quality {quality}), {jobs} process(es) a scene, "
          f"best of {repeat}; target: ratio <= 1.5, size <= 1.25")
    print(header(reference))
    ours, refs = [], []
    for name in names:
        video, floor = tmp / f"{name}.mp4", tmp / f"{name}.floor.mp4"
        runs = []
        for _ in range(repeat):
            runs.append(measure(lambda: render_scene(name, quality=quality, output=video,
                                                     jobs=jobs), video, floor))
            runs[-1]["processes"] = used_processes(name, quality, jobs)
        m = best(runs)
        ref = None
        if reference:
            ref = measure(lambda: render_scene(name, quality=quality, output=video,
                                               pipeline="manim"), video, floor)
            refs.append(ref)
        ours.append(m)
        print(row(name, m, ref), flush=True)
    ratios = [m["wall"] / m["floor"] for m in ours]
    print(row("all scenes", total(ours), total(refs) if reference else None))
    worst = names[ratios.index(max(ratios))]
    print(f"worst ratio {max(ratios):.2f} ({worst}); largest size "
          f"{max(m['size'] for m in ours):.2f}")
    return ours


def bench_lecture(names: list[str], quality: str, tmp: Path) -> None:
    from nnanim.scenes.options import SceneOptions
    from nnanim.scenes.render import build_lecture

    out = tmp / "lecture.mp4"
    m = measure(lambda: build_lecture(names, out, SceneOptions(), quality=quality, jobs=2,
                                      reuse=False, echo=lambda _: None),
                out, tmp / "lecture.floor.mp4")
    print(f"\nnnanim lecture at {QUALITY_NAMES[quality]}, 2 processes, {len(names)} parts")
    print(header(False))
    print(row("lecture", m, None))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenes", nargs="*", help="default: the lecture's scenes, in order")
    ap.add_argument("--quality", nargs="+", default=["m", "l"], choices=list(QUALITY_NAMES))
    ap.add_argument("--reference", action="store_true",
                    help="also render with manim's own pipeline (before/after)")
    ap.add_argument("--lecture", action="store_true", help="also time nnanim lecture")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="processes drawing each scene (default: the cores, as nnanim render)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="render and time each scene this many times; print the fastest "
                         "render with the fastest floor")
    args = ap.parse_args()
    from nnanim.engine.assets import bundled_config
    from nnanim.scenes.catalog import LECTURE_ORDER, scene_info
    from nnanim.scenes.runs import cached_trace

    import manim  # noqa: F401  (imported once here, not inside the first scene's time)

    names = args.scenes or list(LECTURE_ORDER)
    for name in names:  # train first: only rendering is timed
        for config in scene_info(name).runs.values():
            cached_trace(bundled_config(config))
    with tempfile.TemporaryDirectory(prefix="nnanim-bench-") as tmp:
        for quality in args.quality:
            bench_quality(names, quality, args.reference, Path(tmp), args.jobs, args.repeat)
            if args.lecture:
                bench_lecture(names, quality, Path(tmp))


if __name__ == "__main__":
    main()
