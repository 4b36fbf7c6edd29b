"""Render one scene (or a lecture's title card) to a file with manim, in this process.

    render_scene("MaxPooling", SceneOptions(theme="light"), quality="l", fmt="png",
                 output=Path("out/pool.png"))

Manim writes into a temporary media folder; the result is copied to ``output`` atomically,
so an interrupted or failed render leaves whatever stood there before.
"""
from __future__ import annotations

import fcntl
import itertools
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from nnanim.engine.atomic import check_output, copy_file
from nnanim.engine.errors import TraceError
from nnanim.scenes.options import SceneOptions

#: nnanim's quality letters, as manim's: l = 854×480@15, m = 1280×720@30, h = 1080p60,
#: k = 2160p60
QUALITIES = {"l": "low_quality", "m": "medium_quality", "h": "high_quality", "k": "fourk_quality"}
FORMATS = {"mp4": ".mp4", "png": ".png", "gif": ".gif"}


def default_output(name: str, fmt: str) -> Path:
    return Path("out") / f"{name}{FORMATS[fmt]}"


def check_traces(name: str, options: SceneOptions) -> None:
    """Open every trace ``options`` gives (a corrupt one raises TraceError) and check that the
    main one is of a kind the scene takes, before any rendering starts."""
    from nnanim.engine.trace import Trace
    from nnanim.scenes.catalog import scene_info

    info = scene_info(name)
    for role, path in options.traces.items():
        if role not in info.runs:
            raise TraceError(f"{name} follows no run '{role}' (its runs: {', '.join(info.runs)})")
        kind = Trace(path).kind
        if role == "main" and info.kinds and kind not in info.kinds:
            raise TraceError(f"{name} needs a trace of kind '{' or '.join(info.kinds)}', "
                             f"but {path} is a '{kind}' trace")


@contextmanager
def tex_folder(cache: Path) -> Iterator[Path]:
    """A TeX folder in the cache that no other process uses meanwhile. Manim compiles a
    formula in place (.tex, .dvi, .svg under one name), so two renders sharing a folder
    (a lecture's parallel parts, test workers) could read each other's half-written files.
    Each process locks one of the folders ``tex/slot-N`` for the render; the folders stay,
    so a formula is compiled once per folder, not once per render."""
    root = Path(cache) / "tex"
    for i in itertools.count():
        slot = root / f"slot-{i}"
        slot.mkdir(parents=True, exist_ok=True)
        # the lock file sits beside the folder: manim deletes every non-SVG file in it
        fd = os.open(root / f"slot-{i}.lock", os.O_CREAT | os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another render holds it: try the next one
            os.close(fd)
            continue
        try:
            yield slot
        finally:
            os.close(fd)  # closing releases the lock
        return


def manim_config(quality: str, media_dir: str, tex_dir: Path, fmt: str = "mp4",
                 size: tuple[int, int] | None = None, fps: int | None = None,
                 upto_animation: int | None = None) -> dict:
    """The manim config of one render: quiet, uncached, into ``media_dir``, TeX files in
    ``tex_dir`` (a folder of nnanim's cache)."""
    if quality not in QUALITIES:
        raise ValueError(f"quality must be one of {', '.join(QUALITIES)}, got {quality!r}")
    opts = {"quality": QUALITIES[quality], "media_dir": media_dir, "disable_caching": True,
            "verbosity": "WARNING", "progress_bar": "none",
            "tex_dir": str(tex_dir),
            "save_last_frame": fmt == "png", "write_to_movie": fmt != "png",
            "format": "gif" if fmt == "gif" else "mp4"}
    if upto_animation is not None:
        opts["upto_animation_number"] = upto_animation
    if size is not None:
        opts["pixel_width"], opts["pixel_height"] = size
    if fps is not None:
        opts["frame_rate"] = fps
    return opts


def render_scene(name: str, options: SceneOptions | None = None, *, quality: str = "m",
                 fmt: str = "mp4", output: Path | None = None,
                 size: tuple[int, int] | None = None, fps: int | None = None,
                 upto_animation: int | None = None):
    """Render scene ``name`` to ``output`` (default ``out/<name>.<fmt>``); returns
    (output path, the scene object, whose ``shown`` lists every number it drew)."""
    from nnanim.scenes.catalog import scene_info

    options = options or SceneOptions()
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    cls = scene_info(name).cls
    output = check_output(output or default_output(name, fmt))
    check_traces(name, options)
    return _render(lambda: cls(options), quality, fmt, options, output, size=size, fps=fps,
                   upto_animation=upto_animation)


def render_title_card(options: SceneOptions, quality: str, output: Path) -> Path:
    """The card before a lecture part: ``options.part``, ``title`` and ``subtitle``."""
    from nnanim.scenes.title_card import TitleCard

    produced, _ = _render(lambda: TitleCard(options), quality, "mp4", options,
                          check_output(output))
    return produced


def _render(make_scene, quality: str, fmt: str, options: SceneOptions, output: Path, **kw):
    from manim import tempconfig

    from nnanim.scenes.runs import cache_dir

    with tempfile.TemporaryDirectory(prefix="nnanim-render-") as tmp, \
            tex_folder(cache_dir(options.cache)) as tex:
        with tempconfig(manim_config(quality, tmp, tex, fmt, **kw)):
            scene = make_scene()
            scene.render()
            writer = scene.renderer.file_writer
            produced = Path(writer.image_file_path if fmt == "png" else writer.movie_file_path)
            if fmt == "gif":
                produced = produced.with_suffix(".gif")
            copy_file(produced, output)
    return output, scene
