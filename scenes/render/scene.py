"""Render one scene (or a lecture's title card) to a file with manim, in this process.

    render_scene("MaxPooling", SceneOptions(theme="light"), quality="l", fmt="png",
                 output=Path("out/pool.png"))

Manim writes into a temporary media folder; the result is copied to ``output`` atomically,
so an interrupted or failed render leaves whatever stood there before. An mp4 gets its
captions beside it, ``<output stem>.srt`` and ``.vtt`` (``scenes/captions.py``), and its
presenter notes, ``<output stem>.notes.json`` (``scenes/notes.py``). Manim draws
with ``CachedCamera`` (paths and image patches built once while unchanged) and writes
with ``StreamingFileWriter`` (one video stream per scene, not one file per animation), the
pipeline "nnanim" of ``PIPELINES``;
``reuse.py`` keeps finished renders so an unchanged one is copied, not redone.
"""
from __future__ import annotations

import fcntl
import itertools
import os
import tempfile
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from nnanim.engine.atomic import check_output
from nnanim.engine.errors import TraceError
from nnanim.scenes.options import SceneOptions

#: Pango SVGs kept per frame size and TeX slot (a few kB each; the lecture has ~2,300 texts)
MAX_TEXT_FILES = 10_000
#: nnanim's quality letters, as manim's: l = 854×480@15, m = 1280×720@30, h = 1080p60,
#: k = 2160p60
QUALITIES = {"l": "low_quality", "m": "medium_quality", "h": "high_quality", "k": "fourk_quality"}
FORMATS = {"mp4": ".mp4", "png": ".png", "gif": ".gif"}


@dataclass(frozen=True)
class Pipeline:
    """How manim draws and writes: its camera class, file writer class (imported by name
    when a render starts: no manim at import), libx264 options, whether parsed SVGs
    (text, formulas) and Pango's text SVGs are kept on disk (``svg_cache.py``,
    ``text_folder``), whether finished texts are (``text_cache.py``) and whether families
    are walked and shapes split into sub-paths by ``fast_family.py`` and
    ``fast_subpaths.py``."""

    camera: str
    writer: str
    encoder: dict
    keep_svgs: bool
    fast_walks: bool
    keep_texts: bool


PIPELINES = {
    # cached paths, one stream per scene, libx264 veryfast, parsed SVGs and finished texts
    # kept: on nnanim's flat-coloured frames in one stream, veryfast writes files no larger
    # than manim's medium preset does per animation, in about half the encoder's time
    # (benchmarks/render_speed.py measures it); sub-pixel motion search at its first level
    # (subme=1, veryfast's is 2): about a tenth less encoder time, sizes within ±3 %
    "nnanim": Pipeline("nnanim.scenes.render.cached_camera:CachedCamera",
                       "nnanim.scenes.render.stream_writer:StreamingFileWriter",
                       {"preset": "veryfast", "x264-params": "subme=1"}, keep_svgs=True,
                       fast_walks=True, keep_texts=True),
    # manim's own: a file per animation at libx264's default (medium), SVGs parsed every
    # time; the benchmark's reference for what nnanim's pipeline gains
    "manim": Pipeline("manim.camera.camera:Camera",
                      "manim.scene.scene_file_writer:SceneFileWriter", {}, keep_svgs=False,
                      fast_walks=False, keep_texts=False),
}


def _load(name: str):
    from importlib import import_module

    module, _, attr = name.partition(":")
    return getattr(import_module(module), attr)


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


@contextmanager
def text_folder(tex: Path) -> Iterator[Path]:
    """Keep Pango's SVGs of texts in the cache, so a text is laid out once per machine, not
    once per render. Call inside the render's manim config. Pango writes a file in place,
    so the folder sits beside the TeX slot ``tex`` under that slot's lock; and there is
    one folder per frame size, as manim names the files by text and style while the SVG
    holds the frame's size. Past ``MAX_TEXT_FILES`` the oldest files are removed."""
    from manim import config

    from nnanim.scenes.render.reuse import remove_oldest

    size = f"{config.pixel_width}x{config.pixel_height}"
    folder = tex.parent.parent / "text" / tex.name / size
    config.text_dir = str(folder)
    try:
        yield folder
    finally:
        remove_oldest(folder.glob("*.svg"), MAX_TEXT_FILES)


def manim_config(quality: str, media_dir: str, tex_dir: Path, fmt: str = "mp4",
                 size: tuple[int, int] | None = None, fps: int | None = None,
                 upto_animation: int | None = None, encoder: dict | None = None) -> dict:
    """The manim config of one render: quiet, uncached, into ``media_dir``, TeX files in
    ``tex_dir`` (a folder of nnanim's cache), libx264 ``encoder`` options."""
    if quality not in QUALITIES:
        raise ValueError(f"quality must be one of {', '.join(QUALITIES)}, got {quality!r}")
    opts = {"quality": QUALITIES[quality], "media_dir": media_dir, "disable_caching": True,
            "verbosity": "WARNING", "progress_bar": "none",
            "tex_dir": str(tex_dir),
            "save_last_frame": fmt == "png", "write_to_movie": fmt != "png",
            "format": "gif" if fmt == "gif" else "mp4"}
    if upto_animation is not None:
        opts["upto_animation_number"] = upto_animation
    if encoder:
        opts["video_encoder_options"] = dict(encoder)
    if size is not None:
        opts["pixel_width"], opts["pixel_height"] = size
    if fps is not None:
        opts["frame_rate"] = fps
    return opts


def render_scene(name: str, options: SceneOptions | None = None, *, quality: str = "m",
                 fmt: str = "mp4", output: Path | None = None,
                 size: tuple[int, int] | None = None, fps: int | None = None,
                 upto_animation: int | None = None, reuse: bool = False,
                 pipeline: str = "nnanim", jobs: int = 1):
    """Render scene ``name`` to ``output`` (default ``out/<name>.<fmt>``); returns
    (output path, the scene object, whose ``shown`` lists every number it drew).

    ``reuse``: when an earlier render had the same scene code, traces and options (see
    ``reuse.py``), copy it instead of rendering; the scene object is then None.
    ``pipeline``: a name of ``PIPELINES`` (how manim draws and writes).
    ``jobs``: processes drawing the scene, each a stretch of it (``stretches.py``; a video
    without stills, sections or a layout check; otherwise one)."""
    from nnanim.scenes.catalog import scene_info
    from nnanim.scenes.runs import trace_path

    options = options or SceneOptions()
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    info = scene_info(name)
    output = check_output(output or default_output(name, fmt))
    check_traces(name, options)
    runs = {role: trace_path(role, config, options.traces, options.cache)
            for role, config in info.runs.items()}
    if pipeline not in PIPELINES:
        raise ValueError(f"pipeline must be one of {', '.join(PIPELINES)}, got {pipeline!r}")
    job = RenderJob(name, options, quality, fmt,
                    dict(size=size, fps=fps, upto_animation=upto_animation), pipeline, jobs)
    return _render(info.cls, job, runs, output, reuse)


def render_title_card(options: SceneOptions, quality: str, output: Path,
                      reuse: bool = False) -> Path:
    """The card before a lecture part: ``options.part``, ``title`` and ``subtitle``."""
    from nnanim.scenes.title_card import TitleCard

    job = RenderJob("TitleCard", options, quality, "mp4", {})
    produced, _ = _render(TitleCard, job, {},
                          check_output(output), reuse)
    return produced


@dataclass(frozen=True)
class RenderJob:
    """What one render is: the scene, its options, quality, format and manim extras."""

    scene: str
    options: SceneOptions
    quality: str
    fmt: str
    extra: dict  # size, fps, upto_animation
    pipeline: str = "nnanim"
    jobs: int = 1  # processes drawing it (not part of what it is: the frames are the same)


def _render(scene_class, job: RenderJob, runs: dict, output: Path, reuse: bool):
    """Render (or, with ``reuse``, find a kept render of) ``job`` and deliver it to
    ``output`` and the stills and sections ``job.options`` asks for."""
    from nnanim.scenes.render.reuse import RenderStore, deliver, render_key
    from nnanim.scenes.runs import cache_dir

    options = job.options
    reuse = reuse and not options.check_layout  # a layout check needs the scene itself
    store = RenderStore(cache_dir(options.cache))
    key = render_key(job.scene, options, runs, quality=job.quality, fmt=job.fmt,
                     pipeline=job.pipeline, **job.extra) if reuse else None
    entry = store.find(key) if reuse else None
    if entry is not None:
        return deliver(entry, output, options), None
    with tempfile.TemporaryDirectory(prefix="nnanim-render-") as tmp:
        tmp = Path(tmp)
        # the scene writes its stills and section times here first, so a kept render
        # holds them too and both ways deliver them the same way
        inner = options.with_(stills=tmp / "stills" if options.stills else None,
                              sections=tmp / "sections.jsonl" if options.sections else None)
        produced, scene = _draw(scene_class, job, inner, tmp)
        captions, notes = _captions_file(scene, tmp), _notes_file(scene, tmp)
        entry = (store.keep(key, produced, inner.stills, inner.sections, captions, notes)
                 if reuse else None)
        if entry is None:
            entry = _loose_entry(tmp, produced, inner, captions, notes)
        deliver(entry, output, options)
    return output, scene


def _captions_file(scene, tmp: Path) -> Path | None:
    """The scene's caption cues as ``tmp/captions.json`` (None: a scene that keeps none,
    like a title card)."""
    from nnanim.scenes.captions import to_json

    return _side_file(getattr(scene, "caption_cues", None), to_json, tmp / "captions.json")


def _notes_file(scene, tmp: Path) -> Path | None:
    """The scene's presenter notes as ``tmp/notes.json`` (``scenes/notes.py``; None: a scene
    that keeps none, like a title card)."""
    from nnanim.scenes.notes import to_json

    return _side_file(getattr(scene, "presenter_notes", None), to_json, tmp / "notes.json")


def _side_file(items, to_json, path: Path) -> Path | None:
    """``to_json(items)`` written to ``path`` (None when there are no ``items`` to keep)."""
    if items is None:
        return None
    path.write_text(to_json(items), encoding="utf-8")
    return path


def _loose_entry(tmp: Path, produced: Path, inner: SceneOptions,
                 captions: Path | None = None, notes: Path | None = None) -> Path:
    """The render in ``tmp`` laid out as a store entry (for ``deliver``), not kept."""
    entry = tmp / "entry"
    entry.mkdir()
    os.replace(produced, entry / f"output{produced.suffix}")
    if inner.stills is not None and Path(inner.stills).is_dir():
        os.replace(inner.stills, entry / "stills")
    if inner.sections is not None and Path(inner.sections).is_file():
        os.replace(inner.sections, entry / "sections.jsonl")
    if captions is not None:
        os.replace(captions, entry / "captions.json")
    if notes is not None:
        os.replace(notes, entry / "notes.json")
    return entry


def _draw(scene_class, job: RenderJob, options: SceneOptions, tmp: Path):
    """Render the scene in ``tmp``, in up to ``job.jobs`` processes when it can be cut into
    stretches (``stretches.py``): (the file made, the scene object)."""
    import time

    import nnanim.scenes.render.stretches as stretches
    from nnanim.scenes.runs import cache_dir

    length = _stretchable(scene_class, job, options)
    if not length:
        return _render_with_manim(scene_class, job, options, tmp)
    path = stretches.profile_path(cache_dir(options.cache), job.scene, job.quality,
                                  options.speed, job.extra.get("size"), job.extra.get("fps"))
    kept = stretches.read_profile(path)
    jobs = stretches.processes(job.jobs, kept["walls"])
    start = time.perf_counter()
    videos, scene, plays = stretches.render_stretches(
        lambda stretch, folder: _render_with_manim(scene_class, job, options, folder, stretch),
        stretches.cut_times(jobs, length, kept["plays"]), tmp)
    produced = stretches.join_videos(videos, tmp / f"{job.scene}.mp4")
    walls = stretches.walls_after(kept["walls"], jobs, time.perf_counter() - start,
                                  balanced=bool(kept["plays"]))
    stretches.keep_profile(path, plays, walls, jobs, kept["plays"])
    return produced, scene


def _stretchable(scene_class, job: RenderJob, options: SceneOptions) -> float:
    """The scene's planned length if it may be drawn in stretches, else 0: more than one
    process asked, nnanim's one-stream video, and nothing that needs every frame in one
    process (stills, sections, a layout check) or stops early."""
    length = getattr(scene_class, "duration", 0.0) / options.speed
    wanted = (job.jobs > 1 and job.fmt == "mp4" and job.pipeline == "nnanim"
              and job.extra.get("upto_animation") is None)
    alone = options.stills or options.sections or options.check_layout
    return length if wanted and not alone else 0.0


def _render_with_manim(scene_class, job: RenderJob, options: SceneOptions, tmp: Path,
                       stretch=None):
    """Run manim on the scene in the media folder ``tmp``: (the file it made, the scene).
    ``stretch``: draw only that stretch of it (``stretches.StretchRenderer``)."""
    from manim import tempconfig
    from manim.renderer.cairo_renderer import CairoRenderer

    from nnanim.scenes.render.fast_family import fast_family
    from nnanim.scenes.render.fast_subpaths import fast_subpaths
    from nnanim.scenes.render.svg_cache import svg_cache
    from nnanim.scenes.render.text_cache import text_cache
    from nnanim.scenes.runs import cache_dir

    pipeline = PIPELINES[job.pipeline]
    cache = cache_dir(options.cache)
    svgs = svg_cache(cache / "svg") if pipeline.keep_svgs else nullcontext()
    walks = fast_family() if pipeline.fast_walks else nullcontext()
    splits = fast_subpaths() if pipeline.fast_walks else nullcontext()
    with tex_folder(cache) as tex, svgs, walks, splits, \
            tempconfig(manim_config(job.quality, str(tmp / "media"), tex, job.fmt,
                                    encoder=pipeline.encoder, **job.extra)):
        classes = dict(camera_class=_load(pipeline.camera),
                       file_writer_class=_load(pipeline.writer))
        if stretch is None:
            renderer = CairoRenderer(**classes)
        else:
            from nnanim.scenes.render.stretches import StretchRenderer

            renderer = StretchRenderer(stretch, **classes)
        texts = text_cache(cache / "texts") if pipeline.keep_texts else nullcontext()
        with text_folder(tex) if pipeline.keep_svgs else nullcontext(), texts:
            scene = scene_class(options, renderer=renderer)
            scene.render()
        writer = scene.renderer.file_writer
        produced = Path(writer.image_file_path if job.fmt == "png" else writer.movie_file_path)
    if job.fmt == "gif":
        produced = produced.with_suffix(".gif")
    return produced, scene
