"""Where a scene's traces come from (no manim here).

A scene names its runs by role: ``{"main": "descent_1d", "small": "descent_1d_lr_small"}``,
each a bundled config in assets/configs/. For each role, in order:
  1. ``NNANIM_TRACE_<ROLE>`` (``NNANIM_TRACE`` for "main"): a trace path, set by
     ``nnanim render --trace``;
  2. otherwise the bundled config is trained once (seconds) into the cache folder
     ``NNANIM_CACHE`` (default ``<repo>/runs/cache``), keyed by the config's hash, and
     reused next time.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "assets" / "configs"


def cache_dir() -> Path:
    return Path(os.environ.get("NNANIM_CACHE", ROOT / "runs" / "cache"))


def env_var(role: str) -> str:
    return "NNANIM_TRACE" if role == "main" else f"NNANIM_TRACE_{role.upper()}"


def cached_trace(config_path: Path) -> Path:
    """Train ``config_path`` into the cache unless an identical run is already there."""
    from nnanim.engine import config as cfgmod
    from nnanim.engine.run import run

    digest = hashlib.sha256(config_path.read_bytes()).hexdigest()[:10]
    out = cache_dir() / f"{config_path.stem}-{digest}.trace"
    if not (out / "manifest.json").is_file():
        cfg = cfgmod.load(config_path)
        out.parent.mkdir(parents=True, exist_ok=True)
        run(cfg, out)
    return out


def trace_path(role: str, config_name: str) -> Path:
    override = os.environ.get(env_var(role))
    if override:
        return Path(override)
    return cached_trace(CONFIGS / f"{config_name}.toml")


def load_trace(role: str, config_name: str):
    from nnanim.engine.trace import Trace

    return Trace(trace_path(role, config_name))
