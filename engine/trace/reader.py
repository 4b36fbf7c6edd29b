"""``Trace``: reads a trace folder back (format in docs/trace-format.md).

Values the writer stored once under another name (a layer's ``input`` is the previous
layer's ``output``; ``P.after`` of a step in ``after_next`` is the next step's ``P``) are
served as if they were stored.
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from ..errors import NnanimError, TraceError
from .manifest import read_manifest, step_key

#: pseudo-layers that hold arrays but are not in the model's layer list
PSEUDO_LAYERS = ("batch", "objective", "eval", "watch")


class Trace:
    """Reads a trace folder.

    >>> t = Trace("runs/xor.trace")
    >>> t.steps                       # recorded step numbers
    >>> t.layers                      # layer names, in model order
    >>> t.quantities("dense_0")       # e.g. ['W', 'W.after', 'W.grad', 'b', ..., 'input', 'output']
    >>> t.get(0, "dense_0", "W")      # an ndarray
    >>> t.scalars("loss")             # per-step series over every step, recorded or not
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.manifest = m = read_manifest(self.path)
        self._files: dict[str, Any] = {}
        self._static_cache: dict[str, np.ndarray] = {}
        self._step_chunk = {e["step"]: e.get("chunk") for e in m["steps"]}
        self._index: dict[int, dict[str, list[str]]] | None = None
        self._params_cache: dict[str, tuple[str, ...]] = {}
        self._scalar_cache: dict[str, np.ndarray] = {}
        self._step_position = {e["step"]: i for i, e in enumerate(m["steps"])}
        # steps whose P.after are stored as the next step's P (version 2)
        self._after_next = set(m.get("after_next", ()))

    # -- metadata -------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return self.manifest["kind"]

    @property
    def config(self) -> dict:
        return self.manifest["config"]

    @property
    def seed(self) -> int:
        return self.manifest["seed"]

    @property
    def status(self) -> str:
        return self.manifest["status"]

    @property
    def layers(self) -> list[str]:
        return [layer["name"] for layer in self.manifest["layers"]]

    @property
    def layer_info(self) -> list[dict]:
        return self.manifest["layers"]

    def _layer_entry(self, name: str) -> dict | None:
        """The manifest's entry of layer ``name`` (None if there is none)."""
        return next((l for l in self.manifest["layers"] if l.get("name") == name), None)

    def _no_layer(self, name: str) -> TraceError:
        return TraceError(f"no layer '{name}' (layers: {', '.join(self.layers)})")

    def layer_settings(self, name: str) -> dict:
        """Layer ``name``'s hyper-parameters as resolved numbers (e.g. a Conv2D's
        ``kernel_size``, ``stride``, ``padding`` as pairs): the manifest's "settings";
        traces written before it was stored rebuild them from the config."""
        entry = self._layer_entry(name)
        if entry is None:
            raise self._no_layer(name)
        if "settings" in entry:
            return entry["settings"]
        from nnanim.engine.build import settings_from_config  # older traces only

        return settings_from_config(self.config, name)

    @property
    def steps(self) -> list[int]:
        """Step numbers with recorded arrays."""
        return [s for s, c in self._step_chunk.items() if c is not None]

    @property
    def all_steps(self) -> list[int]:
        return [e["step"] for e in self.manifest["steps"]]

    @property
    def epochs(self) -> list[dict]:
        return self.manifest["epochs"]

    @property
    def summary(self) -> dict:
        return self.manifest.get("summary", {})

    def scalars(self, name: str) -> np.ndarray:
        """A per-step scalar (``loss``, ``lr``, ``epoch``, ...) over every step (read-only:
        built once, since scenes read one entry at a time)."""
        series = self._scalar_cache.get(name)
        if series is None:
            series = np.array([e.get(name, np.nan) for e in self.manifest["steps"]], dtype=float)
            series.setflags(write=False)
            self._scalar_cache[name] = series
        return series

    def step_position(self, step: int) -> int:
        """Where ``step`` is in ``all_steps`` (and in every ``scalars`` series)."""
        try:
            return self._step_position[step]
        except KeyError:
            raise TraceError(f"{self.path}: no step {step}") from None

    def epoch_metric(self, name: str) -> np.ndarray:
        return np.array([e.get(name, np.nan) for e in self.manifest["epochs"]], dtype=float)

    # -- arrays ---------------------------------------------------------------------------
    def _open(self, name: str):
        f = self._files.get(name)
        if f is None:
            p = self.path / name
            if not p.is_file():
                raise TraceError(f"{self.path}: missing data file {name}")
            try:
                f = np.load(p, allow_pickle=False)
                f.files  # noqa: B018  forces reading the zip directory
            except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
                raise TraceError(f"{p} is corrupt: {e}") from None
            self._files[name] = f
        return f

    def _build_index(self) -> dict[int, dict[str, list[str]]]:
        if self._index is None:
            index: dict[int, dict[str, list[str]]] = {}
            for chunk in self.manifest["chunks"]:
                for key in self._open(chunk).files:
                    s, layer, q = key.split("/", 2)
                    index.setdefault(int(s), {}).setdefault(layer, []).append(q)
            self._index = index
        return self._index

    def _neighbour(self, layer: str, quantity: str) -> tuple[str, str] | None:
        """Where an unstored ``input`` / ``grad_output`` lives: the previous layer's
        ``output`` / the next layer's ``grad_input`` (each value is stored once)."""
        names = self.layers
        if layer not in names:
            return None
        i = names.index(layer)
        if quantity == "input" and i > 0:
            return names[i - 1], "output"
        if quantity == "grad_output" and i + 1 < len(names):
            return names[i + 1], "grad_input"
        return None

    def _stored(self, step: int, layer: str) -> list[str]:
        return self._build_index().get(step, {}).get(layer, [])

    def _params(self, layer: str) -> tuple[str, ...]:
        cached = self._params_cache.get(layer)
        if cached is None:
            info = self._layer_entry(layer) or {}
            cached = self._params_cache[layer] = tuple(info.get("params") or ())
        return cached

    def _resolve(self, step: int, layer: str, quantity: str) -> tuple[int, str, str]:
        """Where (step, layer, quantity) is stored: itself, a neighbour layer's value at
        the same step, or, for ``P.after`` of a step listed in ``after_next``, the next
        step's ``P``."""
        if quantity not in self._stored(step, layer):
            alias = self._neighbour(layer, quantity)
            if alias is not None and alias[1] in self._stored(step, alias[0]):
                return (step, *alias)
            if step in self._after_next and quantity.endswith(".after"):
                p = quantity[:-len(".after")]
                if p in self._params(layer) and p in self._stored(step + 1, layer):
                    return step + 1, layer, p
        return step, layer, quantity

    def quantities(self, layer: str, step: int | None = None) -> list[str]:
        idx = self._build_index()
        if step is None:
            step = next((s for s in self.steps if layer in idx.get(s, {})), None)
            if step is None:
                return []
        qs = set(idx.get(step, {}).get(layer, []))
        served = ["input", "grad_output"]
        if step in self._after_next:
            served += [f"{p}.after" for p in self._params(layer)]
        qs |= {q for q in served
               if q not in qs and self._resolve(step, layer, q) != (step, layer, q)}
        return sorted(qs)

    def has(self, step: int, layer: str, quantity: str) -> bool:
        step, layer, quantity = self._resolve(step, layer, quantity)
        return quantity in self._stored(step, layer)

    def get(self, step: int, layer: str, quantity: str) -> np.ndarray:
        """The array recorded at (step, layer, quantity); a clear TraceError if absent."""
        chunk = self._step_chunk.get(step)
        if chunk is None:
            if step not in self._step_chunk:
                raise TraceError(f"step {step} is not in the trace "
                                 f"(steps {self.all_steps[0] if self.all_steps else '-'}"
                                 f"..{self.all_steps[-1] if self.all_steps else '-'})")
            raise TraceError(f"step {step} has no recorded arrays (recording policy)")
        asked = step, layer, quantity
        if self.manifest["chunks"]:
            step, layer, quantity = self._resolve(step, layer, quantity)
            chunk = self._step_chunk.get(step, chunk)
        key = step_key(step, layer, quantity)
        f = self._open(chunk)
        if key not in f.files:
            step, layer, quantity = asked
            if layer not in self.layers and layer not in PSEUDO_LAYERS:
                raise self._no_layer(layer)
            raise TraceError(f"no quantity '{quantity}' for layer '{layer}' at step {step}")
        try:
            return f[key]
        except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
            raise TraceError(f"{self.path / chunk} is corrupt at {key}: {e}") from None

    def series(self, layer: str, quantity: str, steps: Iterable[int] | None = None) -> np.ndarray:
        """Stack one quantity over steps (default: every recorded step)."""
        steps = self.steps if steps is None else list(steps)
        return np.stack([self.get(s, layer, quantity) for s in steps])

    def labelled(self, layer: str, quantity: str) -> tuple[np.ndarray, np.ndarray]:
        """(steps (T,), values (T, ...)): one quantity at every step that recorded it, with
        the step numbers a notebook plots it against."""
        steps = [s for s in self.steps if self.has(s, layer, quantity)]
        if not steps:
            raise TraceError(f"no step records {layer}/{quantity}")
        return np.array(steps), self.series(layer, quantity, steps)

    def to_pandas(self) -> dict:
        """{"steps": the per-step scalars, indexed by step; "epochs": the per-epoch metrics,
        indexed by epoch} as pandas DataFrames (the optional extra ``nnanim[pandas]``)."""
        try:
            import pandas as pd
        except ImportError:
            raise NnanimError("Trace.to_pandas needs pandas: pip install 'nnanim[pandas]'") \
                from None
        steps = pd.DataFrame([{k: v for k, v in e.items() if k not in ("chunk", "recorded")}
                              for e in self.manifest["steps"]]).set_index("step")
        epochs = pd.DataFrame(self.epochs)
        if "epoch" in epochs:
            epochs = epochs.set_index("epoch")
        return {"steps": steps, "epochs": epochs}

    def static(self, key: str) -> np.ndarray:
        if key not in self.manifest.get("static", []):
            raise TraceError(f"no static array '{key}' in the trace")
        cached = self._static_cache.get(key)
        if cached is None:  # NpzFile decompresses on every access: keep each array once
            cached = self._static_cache[key] = self._open("static.npz")[key]
        return cached

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.iterdir() if p.is_file())

    def close(self) -> None:
        for f in self._files.values():
            f.close()
        self._files.clear()

    def __enter__(self) -> "Trace":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
