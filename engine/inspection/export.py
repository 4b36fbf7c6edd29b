"""The scalar series of a trace (per-step loss, lr, gradient norms, ...; per-epoch
metrics) as CSV or JSON text, for spreadsheets and other tools."""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from ..atomic import write_text
from ..trace import Trace


def _step_rows(trace: Trace) -> list[dict]:
    """The manifest's step entries without the chunk file each step's arrays are in."""
    return [{k: v for k, v in e.items() if k != "chunk"} for e in trace.manifest["steps"]]


def _with_epochs(trace: Trace, rows: list[dict]) -> list[dict]:
    """``rows`` with each epoch's metrics as ``epoch_<metric>`` columns on the row of the
    epoch's last step (the metrics hold at the epoch's end)."""
    metrics = {e["epoch"]: e for e in trace.epochs}
    for i, row in enumerate(rows):
        epoch = row.get("epoch")
        last = i + 1 == len(rows) or rows[i + 1].get("epoch") != epoch
        if last and epoch in metrics:
            row.update({f"epoch_{k}": v for k, v in metrics[epoch].items() if k != "epoch"})
    return rows


def export_csv(trace: Trace) -> str:
    """One row per step, one column per scalar any step has (empty where a step has not);
    network runs add each epoch's metrics (``epoch_loss``, ``epoch_val_accuracy``, ...) on
    the row of the epoch's last step."""
    rows = _with_epochs(trace, _step_rows(trace))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(dict.fromkeys(k for e in rows for k in e)),
                       lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def export_json(trace: Trace) -> str:
    """{"run": name, "steps": [per-step scalars], "epochs": [per-epoch metrics]}."""
    return json.dumps({"run": trace.config["run"]["name"], "steps": _step_rows(trace),
                       "epochs": trace.epochs}, indent=1) + "\n"


EXPORTS = {"csv": export_csv, "json": export_json}


def write_export(trace: Trace, path: str | os.PathLike, fmt: str) -> Path:
    """Write ``trace``'s series as ``fmt`` ("csv" or "json") to ``path``, atomically; a
    folder or an unwritable ``path`` raises the one-line OutputError."""
    if fmt not in EXPORTS:
        raise ValueError(f"unknown export format {fmt!r} (choose: {', '.join(EXPORTS)})")
    return write_text(path, EXPORTS[fmt](trace))
