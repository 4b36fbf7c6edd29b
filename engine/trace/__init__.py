"""Traces on disk: ``TraceWriter`` records a run, ``Trace`` reads one back.

A trace is a folder (format in docs/trace-format.md)::

    run.trace/
      manifest.json     config, seed, layers, step index, epoch metrics, status
      static.npz        arrays recorded once (data set, objective surface, ...)
      chunk-00000.npz   arrays of recorded steps, key "<step>/<layer>/<quantity>"
      chunk-00001.npz   ...

Modules: ``manifest`` (format, version, keys, manifest.json), ``npz`` (deterministic
.npz files), ``writer`` (TraceWriter), ``reader`` (Trace). Zip entries carry a fixed
timestamp and the manifest has no clock time, so the same config and seed give
byte-identical files.
"""
from .manifest import FORMAT, READABLE_VERSIONS, VERSION, step_key
from .reader import Trace
from .writer import TraceWriter

__all__ = ["FORMAT", "READABLE_VERSIONS", "VERSION", "Trace", "TraceWriter", "step_key"]
