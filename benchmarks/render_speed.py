"""Render speed: video seconds rendered per wall-clock second, per scene, at 720p30.

Each scene's default runs are trained (cached) first, so only rendering is timed; manim's
caching is off. Target: >= 1.5 for every scene on 2 cores.

    .venv/bin/python benchmarks/render_speed.py [SCENE ...] [--quality m]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path



def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenes", nargs="*")
    ap.add_argument("--quality", default="m", help="l, m (720p30, the target), h or k")
    args = ap.parse_args()
    from nnanim.engine.assets import bundled_config
    from nnanim.scenes.catalog import scene_info, scenes
    from nnanim.scenes.render import render_scene
    from nnanim.scenes.render.ffmpeg import duration
    from nnanim.scenes.runs import cached_trace

    names = args.scenes or list(scenes())
    for name in names:
        for config in scene_info(name).runs.values():
            cached_trace(bundled_config(config))
    print(f"quality {args.quality} (m = 1280x720 @ 30 fps), caching off")
    print(f"{'scene':<22}{'video s':>9}{'wall s':>9}{'video s / wall s':>18}")
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            out = Path(tmp) / f"{name}.mp4"
            t0 = time.perf_counter()
            render_scene(name, quality=args.quality, fmt="mp4", output=out)  # default options
            wall = time.perf_counter() - t0
            secs = duration(out)
            ratios.append(secs / wall)
            print(f"{name:<22}{secs:>9.1f}{wall:>9.1f}{secs / wall:>18.2f}", flush=True)
    print(f"slowest: {min(ratios):.2f}  (target >= 1.5)")


if __name__ == "__main__":
    main()
