"""``TraceWriter``: records a run into a trace folder while it trains.

The run writes into ``<path>.partial/``; each checkpoint adds a chunk and rewrites the
manifest (each file atomically), so the folder is a readable trace after any checkpoint,
even after a hard kill. ``close`` renames the folder to ``<path>``.

Each value is stored once: a layer's ``input`` / ``grad_output`` are its neighbours'
``output`` / ``grad_input``, and a parameter's ``P.after`` at step s is ``P`` at step s+1
when that step is recorded in the same chunk (the manifest's ``after_next``).
"""
from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from ..recording import RecordPolicy
from .manifest import FORMAT, VERSION, jsonable, step_key, write_manifest
from .npz import write_npz


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
            "seed": int(seed), "config": jsonable(config), "policy": self.policy.to_dict(),
            "layers": [], "steps": [], "epochs": [], "chunks": [], "static": [], "summary": {},
            "after_next": [],
        }
        self.stop = False  # a signal asked the run to stop: the loop ends before its next step
        self._static: dict[str, np.ndarray] = {}          # added since the last checkpoint
        self._static_written: dict[str, np.ndarray] = {}  # in static.npz already
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
        """Describe the model, in order: [{"name", "type", "describe", "params": {name:
        shape}, "settings": {hyper-parameter: resolved value}}]."""
        self.manifest["layers"] = jsonable(layers)

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
        entry = {"step": int(step), **jsonable(scalars)}
        entry["recorded"] = step in self._recorded_steps
        self._pending_steps.append(entry)
        if entry["recorded"]:
            self._steps_in_chunk += 1
            if self._steps_in_chunk >= self.policy.checkpoint_every:
                self.checkpoint()

    def end_epoch(self, epoch: int, metrics: dict) -> None:
        self.manifest["epochs"].append({"epoch": int(epoch), **jsonable(metrics)})

    def set_summary(self, **summary: Any) -> None:
        self.manifest["summary"].update(jsonable(summary))

    # -- writing ----------------------------------------------------------------------
    def checkpoint(self, wait: bool = False) -> None:
        """Write pending arrays as a new chunk, then the manifest (both atomic), in the
        background thread; ``wait`` blocks until everything queued is on disk."""
        self._raise_write_error()
        static = None
        if self._static:  # new static arrays: static.npz is written again with all of them
            static = self._static_written = {**self._static_written, **self._static}
            self.manifest["static"] = sorted(static)
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
            write_npz(self.partial / "static.npz", static, self.policy.compress)
        if chunk is not None:
            write_npz(self.partial / chunk, arrays, self.policy.compress)
        write_manifest(self.partial / "manifest.json", manifest)
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
        _move_folder(self.partial, self.path)
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


def _move_folder(src: Path, dst: Path) -> None:
    """Rename the folder ``src`` to ``dst``, replacing what is there (a folder cannot be
    renamed onto a folder: the old one steps aside to ``<dst>.old`` first, and is removed
    only once ``dst`` is the new one)."""
    if not dst.exists():
        os.replace(src, dst)
        return
    old = dst.with_name(dst.name + ".old")
    _remove(old)
    os.replace(dst, old)
    os.replace(src, dst)
    _remove(old)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()
