"""A trace's ``manifest.json``: the format's name and version, the key of an array in a
chunk, and reading and writing the manifest (layout in docs/trace-format.md)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import write_text
from ..errors import TraceError

FORMAT = "nnanim-trace"
VERSION = 2
#: versions ``Trace`` reads; version 1 stored every ``P.after``
READABLE_VERSIONS = (1, 2)
#: what every readable manifest holds (others, like "after_next", came later)
REQUIRED_KEYS = ("kind", "config", "layers", "steps", "epochs", "chunks")


def step_key(step: int, layer: str, quantity: str) -> str:
    """The key of an array in a chunk, e.g. ``"000042/dense_0/W.grad"`` (sorts by step)."""
    return f"{step:06d}/{layer}/{quantity}"


def jsonable(x: Any) -> Any:
    """``x`` with NumPy scalars and arrays made plain Python, keys made strings."""
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    return x


def write_manifest(path: Path, manifest: dict) -> None:
    """Write ``manifest`` as JSON, atomically, keys sorted (the same bytes every time)."""
    write_text(path, json.dumps(manifest, indent=1, sort_keys=True, allow_nan=True) + "\n")


def read_manifest(folder: Path) -> dict:
    """The manifest of the trace ``folder``, checked; a one-line TraceError if there is no
    trace, it is corrupt, or its format or version is not one nnanim reads."""
    mpath = folder / "manifest.json"
    if not folder.exists():
        raise TraceError(f"no trace at {folder}")
    if not mpath.is_file():
        raise TraceError(f"{folder} is not a trace (no manifest.json)")
    try:
        m = json.loads(mpath.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise TraceError(f"{mpath} is corrupt: {e.msg if hasattr(e, 'msg') else e}") from None
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        raise TraceError(f"{folder} is not an nnanim trace (bad manifest format)")
    if m.get("version") not in READABLE_VERSIONS:
        raise TraceError(f"{folder}: trace version {m.get('version')} is not "
                         f"supported (expected {' or '.join(map(str, READABLE_VERSIONS))})")
    for key in REQUIRED_KEYS:
        if key not in m:
            raise TraceError(f"{mpath} is corrupt: missing '{key}'")
    return m
