"""Where a scene's traces come from, and the cache of trained default runs (no manim here).

A scene names its runs by role: ``{"main": "descent_1d", "small": "descent_1d_lr_small"}``,
each a bundled config. For each role, ``SceneOptions.traces[role]`` when given (``nnanim
render --trace``); otherwise the bundled config is trained once (seconds) into the cache,
keyed by the config's hash, the nnanim version and the engine's source, and reused next time.

The cache folder is, first found: the ``--cache-dir`` option (``SceneOptions.cache``), the
environment variable ``NNANIM_CACHE``, ``$XDG_CACHE_HOME/nnanim``, ``~/.cache/nnanim``.
Trained runs go to ``<cache>/runs``, manim's TeX files to ``<cache>/tex``.
"""
from __future__ import annotations

import functools
import hashlib
import os
import shutil
from pathlib import Path

from nnanim.engine.assets import bundled_config


def cache_dir(override: str | os.PathLike | None = None) -> Path:
    """The cache folder (see the module docstring for the order)."""
    if override:
        return Path(override)
    if os.environ.get("NNANIM_CACHE"):
        return Path(os.environ["NNANIM_CACHE"])
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "nnanim"


@functools.cache
def engine_digest() -> bytes:
    """SHA-256 of the engine's source files: what a run's recorded numbers depend on."""
    import nnanim.engine

    root = Path(nnanim.engine.__file__).parent
    h = hashlib.sha256()
    for f in sorted(root.rglob("*.py")):
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
    return h.digest()


def cached_trace(config_path: Path, cache: Path | None = None) -> Path:
    """Train ``config_path`` into the cache unless an identical run is already there."""
    from importlib.metadata import version

    from nnanim.engine import config as cfgmod
    from nnanim.engine.run import run
    from nnanim.engine.trace import VERSION

    config_path = Path(config_path)
    # the user's cache outlives a checkout: a run trained by another nnanim, into another
    # trace format or by other engine code (a development checkout keeps its version) is
    # not this one's, so all three are part of the key
    key = (config_path.read_bytes() + f"\n{version('nnanim')} trace v{VERSION}".encode()
           + engine_digest())
    digest = hashlib.sha256(key).hexdigest()[:10]
    out = cache_dir(cache) / "runs" / f"{config_path.stem}-{digest}.trace"
    if (out / "manifest.json").is_file():
        return out
    # trained under a name of this process's own, then renamed: two processes (a lecture's
    # renders, test workers) may train the same run at once, and the first rename wins
    mine = out.with_name(f".{out.name}.{os.getpid()}")
    run(cfgmod.load(config_path), mine)
    try:
        os.rename(mine, out)
    except OSError:  # another process was first: its trace is the same run
        shutil.rmtree(mine, ignore_errors=True)
    return out


def trace_path(role: str, config_name: str, traces: dict, cache: Path | None = None) -> Path:
    """The trace of run ``role``: the one given in ``traces``, or the bundled config
    ``config_name`` trained into the cache."""
    if role in traces:
        return Path(traces[role])
    return cached_trace(bundled_config(config_name), cache)
