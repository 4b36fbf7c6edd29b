"""Slide-GIF size: nnanim's encoder against manim's own ``--format gif``, same clip.

For each scene, renders the clip once with manim's GIF writer and once as a video that
nnanim's encoder (one global palette, no dithering) turns into a GIF, both at the same
size and frame rate and theme, and prints both sizes, their ratio (target <= 0.5) and
nnanim's MB per 10 s of animation (aim <= 2 MB at 640 px).

    .venv/bin/python benchmarks/gif_size.py [--scenes GradientDescent1D MaxPooling] [--width 640]
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path



def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenes", nargs="+", default=["GradientDescent1D", "MaxPooling"])
    ap.add_argument("--width", type=int, default=640)
    ap.add_argument("--fps", type=int, default=12)
    ap.add_argument("--theme", default="light")
    args = ap.parse_args()
    from nnanim.scenes.options import SceneOptions
    from nnanim.scenes.render import render_scene
    from nnanim.scenes.render.ffmpeg import duration
    from nnanim.scenes.render.gif import encode_gif
    from nnanim.scenes.theme import THEMES

    height = int(round(args.width * 9 / 16 / 2)) * 2
    print(f"{args.width}x{height} @ {args.fps} fps, theme {args.theme}")
    print(f"{'scene':<22}{'seconds':>9}{'manim gif':>12}{'nnanim gif':>12}{'ratio':>8}"
          f"{'MB/10 s':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for scene in args.scenes:
            common = dict(size=(args.width, height), fps=args.fps)
            options = SceneOptions(theme=args.theme)
            ref, _ = render_scene(scene, options, fmt="gif", output=tmp / f"{scene}-manim.gif", **common)
            video, _ = render_scene(scene, options, fmt="mp4", output=tmp / f"{scene}.mp4", **common)
            ours = encode_gif(video, tmp / f"{scene}-nnanim.gif", fps=args.fps, width=args.width,
                              keep=THEMES[args.theme].colors())  # as 'nnanim gif' does
            secs = duration(video)
            a, b = ref.stat().st_size, ours.stat().st_size
            print(f"{scene:<22}{secs:>9.1f}{a / 1e6:>10.2f}MB{b / 1e6:>10.2f}MB{b / a:>8.2f}"
                  f"{b / 1e6 / secs * 10:>9.2f}")
    print("targets: ratio <= 0.5 (no visible loss), <= 2 MB per 10 s at 640 px")


if __name__ == "__main__":
    main()
