"""Traces on disk: ``TraceWriter`` records a run, ``Trace`` reads one back.

A trace is a folder (format in docs/trace-format.md)::

    run.trace/
      manifest.json     config, seed, layers, step index, epoch metrics, status
      static.npz        arrays recorded once (data set, objective surface, ...)
      chunk-00000.npz   arrays of recorded steps, key "<step>/<layer>/<quantity>"
      chunk-00001.npz   ...

Every file is written to a temporary name and renamed, so at any moment the folder
holds a valid trace of everything up to the last checkpoint. A run writes into
``<path>.partial`` and renames it to ``<path>`` when it finishes or is interrupted
(Ctrl-C, SIGTERM); after a hard kill the ``.partial`` folder is still a readable trace.
Zip entries carry a fixed timestamp and the manifest has no clock time, so the same
config and seed give byte-identical files.

Each value is stored once: a layer's ``input`` / ``grad_output`` are its neighbours'
``output`` / ``grad_input``, and (version 2) a parameter's ``P.after`` at step s is ``P`` at
step s+1 when that step is recorded in the same chunk; ``Trace`` serves both transparently.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import struct
import zipfile
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from .errors import TraceError
from .recording import RecordPolicy

FORMAT = "nnanim-trace"
VERSION = 2
#: versions ``Trace`` reads; version 1 stored every ``P.after``
READABLE_VERSIONS = (1, 2)
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def step_key(step: int, layer: str, quantity: str) -> str:
    return f"{step:06d}/{layer}/{quantity}"


def _write_npz(path: Path, arrays: dict[str, np.ndarray], compress: bool) -> None:
    """np.savez with fixed zip timestamps (deterministic bytes), written atomically."""
    tmp = path.with_name(path.name + ".tmp")
    if compress:
        _write_npz_zipfile(tmp, arrays, compress=True)
    else:
        _write_npz_stored(tmp, arrays)
    os.replace(tmp, path)


def _write_npz_zipfile(path: Path, arrays: dict[str, np.ndarray], compress: bool) -> None:
    """The .npz through ``zipfile``, streaming each array into its entry."""
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression=method, allowZip64=True) as zf:
        for key, arr in arrays.items():
            info = zipfile.ZipInfo(key + ".npy", date_time=_ZIP_EPOCH)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            if compress:
                info._compresslevel = 1  # fast deflate: traces are mostly float noise
            arr = np.ascontiguousarray(arr)
            size = len(_npy_header(arr)) + arr.nbytes
            with zf.open(info, "w", force_zip64=size > zipfile.ZIP64_LIMIT) as f:
                np.lib.format.write_array(f, arr, allow_pickle=False)


_NPY_HEADERS: dict[tuple, bytes] = {}


def _npy_header(arr: np.ndarray) -> bytes:
    """The header ``np.lib.format.write_array`` puts before a C-contiguous ``arr``."""
    k = (arr.dtype, arr.shape)
    h = _NPY_HEADERS.get(k)
    if h is None:
        fmt = np.lib.format
        buf = io.BytesIO()
        d = fmt.header_data_from_array_1_0(arr)
        try:
            fmt.write_array_header_1_0(buf, d)
        except ValueError:  # too long for version 1.0 (as write_array then does)
            buf = io.BytesIO()
            fmt.write_array_header_2_0(buf, d)
        h = buf.getvalue()
        if len(_NPY_HEADERS) < 10_000:
            _NPY_HEADERS[k] = h
    return h


_ZIP_DOSDATE = (_ZIP_EPOCH[0] - 1980) << 9 | _ZIP_EPOCH[1] << 5 | _ZIP_EPOCH[2]
_ZIP_DOSTIME = _ZIP_EPOCH[3] << 11 | _ZIP_EPOCH[4] << 5 | _ZIP_EPOCH[5] // 2
_ZIP_UNIX, _ZIP_VERSION, _ZIP64_VERSION = 3, 20, 45


def _write_npz_stored(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """The same bytes as ``_write_npz_zipfile(path, arrays, compress=False)``, without
    zipfile's per-entry cost (an entry's header is written once, its CRC computed
    first, small entries share buffered writes): uncompressed chunks hold thousands of
    small arrays. Zip64 records where zipfile writes them."""
    limit = zipfile.ZIP64_LIMIT
    central = []
    with open(path, "wb", buffering=1 << 20) as f:
        offset = 0
        for key, arr in arrays.items():
            arr = np.ascontiguousarray(arr)
            if arr.dtype.hasobject:
                raise ValueError("object arrays cannot be saved in a trace")
            header = _npy_header(arr)
            data = arr.reshape(-1).view(np.uint8)
            crc = zlib.crc32(data, zlib.crc32(header))
            size = len(header) + arr.nbytes
            try:
                name, flags = (key + ".npy").encode("ascii"), 0
            except UnicodeEncodeError:
                name, flags = (key + ".npy").encode("utf-8"), 0x800
            zip64 = size > limit
            version = _ZIP64_VERSION if zip64 else _ZIP_VERSION
            extra = struct.pack("<HHQQ", 1, 16, size, size) if zip64 else b""
            fixed = 0xFFFFFFFF if zip64 else size
            f.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", version, 0, flags, 0,
                                _ZIP_DOSTIME, _ZIP_DOSDATE, crc, fixed, fixed, len(name),
                                len(extra)) + name + extra)
            f.write(header)
            f.write(data)
            central.append((name, flags, crc, size, offset, version))
            offset += 30 + len(name) + len(extra) + size
        start = offset
        for name, flags, crc, size, at, version in central:
            fields = ([size, size] if size > limit else []) + ([at] if at > limit else [])
            extra = struct.pack("<HH" + "Q" * len(fields), 1, 8 * len(fields), *fields) \
                if fields else b""
            if fields:
                version = _ZIP64_VERSION
            fixed = 0xFFFFFFFF if size > limit else size
            f.write(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", version, _ZIP_UNIX, version,
                                0, flags, 0, _ZIP_DOSTIME, _ZIP_DOSDATE, crc, fixed, fixed,
                                len(name), len(extra), 0, 0, 0, 0o644 << 16,
                                0xFFFFFFFF if at > limit else at) + name + extra)
            offset += 46 + len(name) + len(extra)
        count, cd_size = len(central), offset - start
        if count > zipfile.ZIP_FILECOUNT_LIMIT or start > limit or cd_size > limit:
            f.write(struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, _ZIP64_VERSION,
                                _ZIP64_VERSION, 0, 0, count, count, cd_size, start))
            f.write(struct.pack("<4sLQL", b"PK\x06\x07", 0, offset, 1))
            count, cd_size, start = min(count, 0xFFFF), min(cd_size, 0xFFFFFFFF), \
                min(start, 0xFFFFFFFF)
        f.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, cd_size, start, 0))


def _write_json(path: Path, obj: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj, indent=1, sort_keys=True, allow_nan=True) + "\n")
    os.replace(tmp, path)


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    return x


class TraceWriter:
    """Records a run into a trace folder, checkpointing every few recorded steps.

    Usage (the trainers do this)::

        w = TraceWriter(path, kind="network", config=cfg, seed=0, policy=policy)
        w.set_layers([...]); w.add_static("data/X", X)
        for each step:  if w.wants(step): w.record(step, layer, quantity, array)
                        w.end_step(step, epoch=e, loss=..., lr=...)
        w.end_epoch(epoch, {"loss": ..., "accuracy": ...})
        w.close()            # or w.close(status="interrupted")
    """

    def __init__(self, path: str | os.PathLike, *, kind: str, config: dict, seed: int,
                 policy: RecordPolicy | None = None) -> None:
        self.path = Path(path)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.policy = policy or RecordPolicy()
        if self.partial.exists():
            shutil.rmtree(self.partial)
        self.partial.mkdir(parents=True)
        self.manifest: dict[str, Any] = {
            "format": FORMAT, "version": VERSION, "kind": kind, "status": "running",
            "seed": int(seed), "config": _jsonable(config), "policy": self.policy.to_dict(),
            "layers": [], "steps": [], "epochs": [], "chunks": [], "static": [], "summary": {},
            "after_next": [],
        }
        self._static: dict[str, np.ndarray] = {}
        self._pending: dict[str, np.ndarray] = {}
        self._recorded_steps: set[int] = set()  # steps with arrays in _pending
        # "P.after" of a recorded step is the next step's "P": kept as the live parameter
        # (no copy) in _live until the next step records P (then _next_of maps the after
        # key to that P's key) or is about to update without recording it (then copied)
        self._live: dict[tuple[str, str], tuple[int, str, np.ndarray]] = {}
        self._next_of: dict[str, str] = {}
        self._pending_steps: list[dict] = []
        self._steps_in_chunk = 0
        self._chunk_index = 0
        self._closed = False
        self.on_checkpoint = None  # optional callback(n_steps_saved), e.g. for progress output
        # chunks are written by one background thread, in order, so training goes on
        # while a checkpoint is written (zlib and file I/O release the GIL)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trace-writer")
        self._last_write: Future | None = None

    # -- what to record ---------------------------------------------------------------
    def set_layers(self, layers: list[dict]) -> None:
        """Describe the model: [{"name", "type", "describe", "params": {name: shape}}]."""
        self.manifest["layers"] = _jsonable(layers)

    def add_static(self, key: str, array: np.ndarray) -> None:
        self._static[key] = np.asarray(array)

    def wants(self, step: int, last: bool = False) -> bool:
        return self.policy.records_step(step, last)

    def record(self, step: int, layer: str, quantity: str, array: np.ndarray,
               group: str | None = None, batch_axis: bool = False) -> None:
        """Keep a copy of ``array`` as (step, layer, quantity) if the policy wants it.

        ``group`` is the policy's quantity group (defaults to ``quantity``);
        ``batch_axis`` marks arrays whose first axis is the batch (sliced to ``samples``).
        """
        if not self.policy.records(layer, group or quantity):
            return
        a = np.asarray(array)
        if batch_axis and self.policy.samples is not None:
            a = a[: self.policy.samples]
        key = step_key(step, layer, quantity)
        self._pending[key] = np.array(a, copy=True)
        self._recorded_steps.add(step)
        if self._live:
            live = self._live.get((layer, quantity))
            if live is not None and live[0] == step - 1 and live[2] is array:
                # the previous step's "P.after" is this very value: stored once (here)
                del self._live[(layer, quantity)]
                self._next_of[live[1]] = key

    def record_after(self, step: int, layer: str, param: str, array: np.ndarray,
                     group: str = "param_after") -> None:
        """Record ``<param>.after`` at ``step``: ``array`` is the live parameter, the very
        array the optimizer updates in place and the next step records as ``param``.

        Nothing is copied here. If step+1 records ``param`` (before its update) and lands
        in the same chunk, that copy is the only one stored and ``Trace`` serves
        ``<param>.after`` of ``step`` from it; otherwise the value is copied by
        ``before_update`` or at the next checkpoint. The caller must call
        ``before_update`` before anything changes ``array`` again.
        """
        if not self.policy.records(layer, group):
            return
        self._live[(layer, param)] = (step, step_key(step, layer, f"{param}.after"),
                                      np.asarray(array))
        self._recorded_steps.add(step)

    def before_update(self, step: int) -> None:
        """``step`` is about to update the parameters: copy each ``P.after`` of an earlier
        step that this step did not record as ``P``."""
        if self._live:
            self._copy_live()

    def _copy_live(self) -> None:
        """Copy every live ``P.after`` (the parameters have not changed since)."""
        for _, key, a in self._live.values():
            self._pending[key] = np.array(a, copy=True)
        self._live = {}

    def end_step(self, step: int, **scalars: Any) -> None:
        """Close step ``step`` with its scalars (loss, lr, epoch, ...)."""
        if any(s < step for s, _, _ in self._live.values()):
            raise RuntimeError("TraceWriter: parameters recorded with record_after were "
                               "updated without before_update()")
        entry = {"step": int(step), **_jsonable(scalars)}
        entry["recorded"] = step in self._recorded_steps
        self._pending_steps.append(entry)
        if entry["recorded"]:
            self._steps_in_chunk += 1
            if self._steps_in_chunk >= self.policy.checkpoint_every:
                self.checkpoint()

    def end_epoch(self, epoch: int, metrics: dict) -> None:
        self.manifest["epochs"].append({"epoch": int(epoch), **_jsonable(metrics)})

    def set_summary(self, **summary: Any) -> None:
        self.manifest["summary"].update(_jsonable(summary))

    # -- writing ----------------------------------------------------------------------
    def checkpoint(self, wait: bool = False) -> None:
        """Write pending arrays as a new chunk, then the manifest (both atomic), in the
        background thread; ``wait`` blocks until everything queued is on disk."""
        self._raise_write_error()
        static = None
        if self._static:
            static = self._static
            self.manifest["static"] = sorted(self._static)
            self._static = {}
        ended = {f"{e['step']:06d}" for e in self._pending_steps}
        # P.after of a step is stored unless the next step's P is in this chunk: a chunk
        # never needs a later one, so a kill after any checkpoint leaves a whole trace
        self._copy_live()
        after_next = set()
        for after_key, next_key in self._next_of.items():
            if next_key[:6] in ended:
                after_next.add(int(after_key[:6]))
            else:
                self._pending[after_key] = self._pending[next_key]
        self._next_of = {}
        # a step cut off mid-way (Ctrl-C) has arrays but no entry: drop them
        arrays = {k: v for k, v in self._pending.items() if k[:6] in ended}
        chunk = None
        if arrays:
            chunk = f"chunk-{self._chunk_index:05d}.npz"
            self.manifest["chunks"].append(chunk)
            self._chunk_index += 1
        for entry in self._pending_steps:
            entry["chunk"] = chunk if entry.pop("recorded") else None
        self.manifest["after_next"].extend(sorted(after_next))
        self.manifest["steps"].extend(self._pending_steps)
        self._pending, self._pending_steps, self._steps_in_chunk = {}, [], 0
        self._recorded_steps = set()
        manifest = json.loads(json.dumps(self.manifest))  # a snapshot for the thread
        self._last_write = self._writer.submit(self._write, static, chunk, arrays, manifest)
        if wait:
            self._last_write.result()

    def _write(self, static, chunk, arrays, manifest) -> None:
        if static is not None:
            _write_npz(self.partial / "static.npz", static, self.policy.compress)
        if chunk is not None:
            _write_npz(self.partial / chunk, arrays, self.policy.compress)
        _write_json(self.partial / "manifest.json", manifest)
        if self.on_checkpoint is not None:
            self.on_checkpoint(len(manifest["steps"]))

    def _raise_write_error(self) -> None:
        if self._last_write is not None and self._last_write.done():
            self._last_write.result()  # re-raises an error of the background write

    def close(self, status: str = "complete") -> Path:
        """Flush, mark the status and move the trace to its final path."""
        if self._closed:
            return self.path
        self.manifest["status"] = status
        self.checkpoint(wait=True)
        self._writer.shutdown()
        if self.path.exists():
            old = self.path.with_name(self.path.name + ".old")
            if old.exists():
                shutil.rmtree(old) if old.is_dir() else old.unlink()
            os.replace(self.path, old)
            os.replace(self.partial, self.path)
            shutil.rmtree(old) if old.is_dir() else old.unlink()
        else:
            os.replace(self.partial, self.path)
        self._closed = True
        return self.path

    def fail(self) -> None:
        """Mark the run failed and leave it in ``<path>.partial``; ``<path>`` is untouched."""
        self.manifest["status"] = "failed"
        self.checkpoint(wait=True)
        self._writer.shutdown()
        self._closed = True

    def abort(self) -> None:
        """Drop everything written (used when a run fails before it starts)."""
        self._writer.shutdown(wait=True)
        shutil.rmtree(self.partial, ignore_errors=True)
        self._closed = True


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
        mpath = self.path / "manifest.json"
        if not self.path.exists():
            raise TraceError(f"no trace at {self.path}")
        if not mpath.is_file():
            raise TraceError(f"{self.path} is not a trace (no manifest.json)")
        try:
            m = json.loads(mpath.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise TraceError(f"{mpath} is corrupt: {e.msg if hasattr(e, 'msg') else e}") from None
        if not isinstance(m, dict) or m.get("format") != FORMAT:
            raise TraceError(f"{self.path} is not an nnanim trace (bad manifest format)")
        if m.get("version") not in READABLE_VERSIONS:
            raise TraceError(f"{self.path}: trace version {m.get('version')} is not "
                             f"supported (expected {' or '.join(map(str, READABLE_VERSIONS))})")
        for key in ("kind", "config", "layers", "steps", "epochs", "chunks"):
            if key not in m:
                raise TraceError(f"{mpath} is corrupt: missing '{key}'")
        self.manifest = m
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
            info = next((l for l in self.manifest["layers"] if l.get("name") == layer), {})
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
            if layer not in self.layers and layer not in ("batch", "objective", "eval", "watch"):
                raise TraceError(f"no layer '{layer}' (layers: {', '.join(self.layers)})")
            raise TraceError(f"no quantity '{quantity}' for layer '{layer}' at step {step}")
        try:
            return f[key]
        except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
            raise TraceError(f"{self.path / chunk} is corrupt at {key}: {e}") from None

    def series(self, layer: str, quantity: str, steps: Iterable[int] | None = None) -> np.ndarray:
        """Stack one quantity over steps (default: every recorded step)."""
        steps = self.steps if steps is None else list(steps)
        return np.stack([self.get(s, layer, quantity) for s in steps])

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
