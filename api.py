"""nnanim's Python API, for notebooks and scripts: train a run, render a scene.

    import nnanim
    trace = nnanim.train("xor_mlp")                       # -> Trace (runs/xor_mlp.trace)
    nnanim.render("Backpropagation", trace=trace, quality="l", theme="light")
    nnanim.render("MaxPooling", fmt="png", output="pool.png")

Both raise ``nnanim.engine.errors.NnanimError`` with one line on bad input (a wrong config,
a corrupt trace, an unknown scene, an unwritable output), as the command line does.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from nnanim.engine.errors import NnanimError


def default_trace_path(config: Path) -> Path:
    """Where ``train`` writes a config's trace unless told: ``runs/<config name>.trace``."""
    return Path("runs") / f"{Path(config).stem}.trace"


def train(config: str | os.PathLike | dict, out: str | os.PathLike | None = None, *,
          progress: bool = False):
    """Train the run ``config`` describes (a bundled name like ``"xor_mlp"``, a TOML path,
    or a config dict) and record it into the trace folder ``out`` (default
    ``runs/<config>.trace``). ``progress`` reports to stderr. Returns the ``Trace``; an
    interrupted run (Ctrl-C) still returns the trace of every step done."""
    from nnanim.engine.trace import Trace

    return Trace(run_config(config, out, progress=progress).trace)


def run_config(config: str | os.PathLike | dict, out: str | os.PathLike | None = None, *,
               progress: bool = False):
    """``train``'s work, returning the engine's ``RunSummary`` (status, steps, final
    metrics, trace path and size) for callers that report it, like ``nnanim train``."""
    from nnanim.engine import config as configs
    from nnanim.engine.assets import resolve_config
    from nnanim.engine.atomic import check_output
    from nnanim.engine.progress import Progress
    from nnanim.engine.run import run

    if isinstance(config, dict):
        cfg = configs.validate(config)
        out = out or Path("runs") / f"{cfg['run']['name']}.trace"
    else:
        path = resolve_config(config)
        cfg = configs.load(path)
        out = out or default_trace_path(path)
    out = check_output(out, folder=True)
    reporter = Progress(sys.stderr, cfg["run"]["name"], epochs=cfg["run"]["kind"] == "network")
    try:
        return run(cfg, out, **(reporter.callbacks() if progress else {}))
    except OSError as e:
        raise NnanimError(f"cannot write {out}: {e.strerror or e}") from None
    finally:
        reporter.close()


def render(scene: str, trace: Any = None, quality: str = "l", fmt: str = "mp4", *,
           output: str | os.PathLike | None = None, config: str | None = None,
           reuse: bool = True, jobs: int = 1, **options) -> Path:
    """Render ``scene`` (see ``nnanim list``) and return the output path (default
    ``out/<scene>.<fmt>``). ``trace``: a ``Trace`` or a trace path for the scene's main run
    (default: its bundled run, trained once into the cache); ``config``: a config to train
    (cached) instead. ``quality`` "l", "m", "h" or "k"; ``fmt`` "mp4", "png" (the last
    frame) or "gif" (a slide GIF). ``options``: the fields of ``SceneOptions``: theme,
    speed, events, stills, cache, traces ({role: path} for scenes that follow several runs).
    ``reuse``: copy an identical earlier render kept in the cache instead of rendering again.
    ``jobs``: processes drawing an mp4, each a stretch of the scene (the CLI uses every core).
    """
    from nnanim.scenes.options import SceneOptions
    from nnanim.scenes.render import render_gif, render_scene

    from dataclasses import fields

    unknown = sorted(set(options) - {f.name for f in fields(SceneOptions)})
    if unknown:
        raise NnanimError(f"render: unknown option '{unknown[0]}' (valid: "
                          f"{', '.join(f.name for f in fields(SceneOptions))})")
    opts = SceneOptions(**scene_options(trace, config, options))
    out = Path(output) if output is not None else None
    if fmt == "gif":
        return render_gif(scene, opts, output=out, reuse=reuse)
    return render_scene(scene, opts, quality=_quality(quality), fmt=fmt, output=out,
                        reuse=reuse, jobs=jobs)[0]


def scene_options(trace: Any, config: str | None, options: dict) -> dict:
    """SceneOptions fields from render's arguments: ``trace`` or ``config`` as the main run
    (a config is trained into the cache once)."""
    traces = dict(options.pop("traces", {}) or {})
    if trace is not None and config is not None:
        raise NnanimError("give a trace or a config, not both")
    if trace is not None:
        traces["main"] = Path(getattr(trace, "path", trace))
    if config is not None:
        from nnanim.engine import config as configs
        from nnanim.engine.assets import resolve_config
        from nnanim.scenes.runs import cached_trace

        path = resolve_config(config)
        configs.load(path)  # a bad config fails here, before training
        traces["main"] = cached_trace(path, options.get("cache"))
    return {**options, "traces": traces}


def _quality(quality: str) -> str:
    from nnanim.scenes.render import QUALITIES

    if quality not in QUALITIES:
        raise NnanimError(f"quality must be one of {', '.join(QUALITIES)}, got {quality!r}")
    return quality
