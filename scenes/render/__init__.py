"""The render pipeline: from a scene name and ``SceneOptions`` to a file.

    scene.py    one scene (mp4, png of the last frame, manim's gif) or a title card
    gif.py      slide GIFs (one palette that keeps the theme's colours, no dithering)
    lecture.py  many scenes in parallel processes, joined with chapters
    slides.py   the HTML slide player that pauses at section ends
    ffmpeg.py   the one place that runs ffmpeg and ffprobe

The CLI and ``nnanim.render`` call this; nothing here imports the CLI.
"""
from __future__ import annotations

from nnanim.scenes.render.gif import render_gif
from nnanim.scenes.render.lecture import build_lecture
from nnanim.scenes.render.scene import QUALITIES, render_scene
from nnanim.scenes.render.slides import write_slides

__all__ = ["QUALITIES", "build_lecture", "render_gif", "render_scene", "write_slides"]
