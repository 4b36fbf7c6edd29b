"""A trace as a TensorBoard run, so ``tensorboard --logdir DIR`` shows it beside other runs.

    write_tensorboard(trace, "logs")      # -> logs/<run name>/events.out.tfevents.*

The run goes into DIR/<name> (default: the trace folder's name without ``.trace``): DIR is
the logdir, so traces exported into one DIR compare as runs. An earlier export under the
same name is replaced; a folder there that holds anything but event files is refused. The
run is written into a hidden folder beside it and renamed into place, so a failed export
leaves no half-written run. Step numbers are the trace's; what goes to which tab:

    Scalars     step/<name>                every per-step scalar (loss, lr, epoch, batch,
                                           penalty; objective runs: grad_norm) at each step
                grad_norm/<layer>.<param>  ‖∂L/∂P‖ at each step (record.grad_norms)
                epoch/<metric>             each epoch's metrics (loss, accuracy, val_loss,
                                           val_accuracy, lr) at the step that ended it
                theta/<coord>, theta.grad/<coord>, objective/gap   objective runs, at
                                           recorded steps (the coordinates' names: x, a, b)
    Histograms  <layer>/<P>, <layer>/<P>.grad   every parameter and its gradient at every
                                           recorded step (non-finite entries left out)
    Images      <layer>/filters            Conv2D W (out, in, kh, kw): one column per filter,
                                           one row per input channel
                watch/<layer>              the watched samples' (record.watch) feature maps:
                                           one row per sample, one column per channel of
                                           each 4-D output
                watch/input                the watched samples, one column each (first step)
                <layer>/input, <layer>/output   layer probes' feature maps, the same way
    Text        config                     the run's config as TOML

Images are red for positive, blue for negative, white for 0, on one scale per tag across
steps (the step slider then shows values grow or shrink). Curves runs have no training:
their config (and their step scalars) is what they export. The writer is tensorboardX,
the optional extra ``nnanim[tensorboard]``, imported only when an export runs.
"""
from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

import numpy as np

from ..atomic import OutputError, check_output, output_error
from ..config import SCHEMA
from ..errors import NnanimError
from ..trace import Trace

EXTRA = "pip install 'nnanim[tensorboard]'"
CELL = 32                                  # an image cell's longest side, in pixels at least
GAP = 2                                    # pixels between cells
GAP_RGB = (128, 128, 128)
ZERO_RGB = np.array([255.0, 255.0, 255.0])
POSITIVE_RGB = np.array([178.0, 24.0, 43.0])   # the ends of ColorBrewer's RdBu
NEGATIVE_RGB = np.array([33.0, 102.0, 172.0])


# -- the run folder ----------------------------------------------------------------------
def run_name(trace: Trace) -> str:
    """The default run name: the trace folder's name without ``.trace``."""
    name = trace.path.resolve().name
    return name[:-len(".trace")] if name.endswith(".trace") and len(name) > 6 else name


def _check_name(name: str) -> str:
    if not name or name in (".", "..") or "/" in name or os.sep in name or name[0] == ".":
        raise NnanimError(f"run name {name!r} must be one folder name (no '/', no leading '.')")
    return name


def _check_replaceable(target: Path) -> None:
    """Only an earlier export (event files only) may be replaced."""
    if not target.exists():
        return
    if not target.is_dir():
        raise OutputError(f"cannot write {target}: it is a file, not a folder")
    other = [p.name for p in target.iterdir() if not p.name.startswith("events.out.tfevents.")]
    if other:
        raise OutputError(f"cannot write {target}: it holds {other[0]}, not a TensorBoard run "
                          "(choose another --name)")


def _move_into_place(tmp: Path, target: Path) -> None:
    """Rename ``tmp`` to ``target``; an earlier run there is moved aside first, then removed."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    try:
        os.replace(tmp, target)
    except OSError:
        if old.exists():
            os.replace(old, target)  # put the earlier run back
        raise
    shutil.rmtree(old, ignore_errors=True)


def _summary_writer():
    """tensorboardX's SummaryWriter, or the one line naming the extra."""
    try:
        from tensorboardX import SummaryWriter
    except ImportError:
        raise NnanimError(f"trace export --tensorboard needs tensorboardX: {EXTRA}") from None
    return SummaryWriter


def write_tensorboard(trace: Trace, logdir: str | os.PathLike, name: str | None = None) -> Path:
    """Write ``trace`` as the TensorBoard run ``logdir/<name>`` (see the module docstring)
    and return that folder. Bad outputs raise the one-line OutputError."""
    summary_writer = _summary_writer()
    logdir = check_output(logdir, folder=True)
    target = check_output(logdir / _check_name(name or run_name(trace)), folder=True)
    _check_replaceable(target)
    tmp = target.with_name(f".{target.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)  # a killed export's leftovers
    try:
        writer = summary_writer(logdir=str(tmp), flush_secs=3600)
        try:
            write_run(writer, trace)
        finally:
            writer.close()
        _move_into_place(tmp, target)
    except OSError as e:
        raise output_error(target, e) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def write_run(writer, trace: Trace) -> None:
    """Everything a trace has, through ``writer`` (a tensorboardX SummaryWriter)."""
    _step_scalars(writer, trace)
    _epoch_scalars(writer, trace)
    if trace.kind == "objective":
        _objective_scalars(writer, trace)
    _histograms(writer, trace)
    _filter_images(writer, trace)
    _watch_images(writer, trace)
    if trace.kind == "layer":
        _probe_images(writer, trace)
    writer.add_text("config", config_markdown(trace), 0)


# -- scalars -----------------------------------------------------------------------------
def scalar_tag(name: str) -> str:
    """``loss`` -> ``step/loss``; a name with a group of its own (``grad_norm/dense_0.W``)
    keeps it."""
    return name if "/" in name else f"step/{name}"


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def step_series(trace: Trace) -> dict[str, list[tuple[int, float]]]:
    """{tag: [(step, value)]} of every numeric per-step scalar with at least one finite
    value (a layer probe's loss is NaN: nothing to plot)."""
    series: dict[str, list[tuple[int, float]]] = {}
    for entry in trace.manifest["steps"]:
        for k, v in entry.items():
            if k != "step" and _is_number(v):
                series.setdefault(scalar_tag(k), []).append((entry["step"], float(v)))
    return {t: s for t, s in series.items() if any(math.isfinite(v) for _, v in s)}


def _step_scalars(writer, trace: Trace) -> None:
    for tag, points in step_series(trace).items():
        for step, value in points:
            writer.add_scalar(tag, value, step)


def epoch_end_steps(trace: Trace) -> dict[int, int]:
    """{epoch: the last step run in it}: where the epoch's metrics go on the step axis."""
    ends: dict[int, int] = {}
    for entry in trace.manifest["steps"]:
        if "epoch" in entry:
            ends[entry["epoch"]] = max(entry["step"], ends.get(entry["epoch"], entry["step"]))
    return ends


def _epoch_scalars(writer, trace: Trace) -> None:
    ends = epoch_end_steps(trace)
    for metrics in trace.epochs:
        step = ends.get(metrics.get("epoch"))
        if step is None:
            continue
        for k, v in metrics.items():
            if k not in ("epoch", "steps") and _is_number(v):
                writer.add_scalar(f"epoch/{k}", float(v), step)


def _objective_scalars(writer, trace: Trace) -> None:
    """θ and its gradient per coordinate, and f(θ) − f(θ*), at the recorded steps (the loss
    already is f(θ))."""
    info = trace.layer_info[0]
    for step in trace.steps:
        for p in info.get("params") or {}:
            for q in (p, f"{p}.grad"):
                if trace.has(step, "objective", q):
                    values = trace.get(step, "objective", q).ravel()
                    coords = info.get("coords") or [str(i) for i in range(values.size)]
                    for coord, v in zip(coords, values):
                        writer.add_scalar(f"{q}/{coord}", float(v), step)
        if trace.has(step, "objective", "gap"):
            writer.add_scalar("objective/gap", float(trace.get(step, "objective", "gap")[0]),
                              step)


# -- histograms --------------------------------------------------------------------------
def histogram_tags(trace: Trace) -> list[tuple[str, str]]:
    """(layer, quantity) of every parameter and its gradient."""
    return [(info["name"], q) for info in trace.layer_info
            for p in info.get("params") or {} for q in (p, f"{p}.grad")]


def _histograms(writer, trace: Trace) -> None:
    for step in trace.steps:
        for layer, q in histogram_tags(trace):
            if trace.has(step, layer, q):
                values = np.asarray(trace.get(step, layer, q), dtype=np.float64).ravel()
                values = values[np.isfinite(values)]  # tensorboardX bins NaN into nonsense
                if values.size:
                    writer.add_histogram(f"{layer}/{q}", values, step)


# -- images ------------------------------------------------------------------------------
def colours(values: np.ndarray, vmax: float) -> np.ndarray:
    """RGB (..., 3) floats: white at 0, red at +vmax, blue at −vmax."""
    t = np.clip(np.nan_to_num(values / vmax), -1.0, 1.0)[..., None]
    end = np.where(t >= 0, POSITIVE_RGB, NEGATIVE_RGB)
    return ZERO_RGB + np.abs(t) * (end - ZERO_RGB)


def grid_image(cells: np.ndarray, vmax: float) -> np.ndarray:
    """(rows, cols, h, w) values -> one uint8 image (H, W, 3): each cell magnified by a
    whole factor to at least CELL pixels a side (3×3 kernels stay visible), GAP pixels
    between cells."""
    rows, cols, h, w = cells.shape
    s = max(1, math.ceil(CELL / max(h, w)))
    big = colours(cells, vmax or 1.0).repeat(s, axis=2).repeat(s, axis=3)
    image = np.empty((rows * (h * s + GAP) + GAP, cols * (w * s + GAP) + GAP, 3))
    image[:] = GAP_RGB
    for r in range(rows):
        for c in range(cols):
            y, x = GAP + r * (h * s + GAP), GAP + c * (w * s + GAP)
            image[y:y + h * s, x:x + w * s] = big[r, c]
    return np.round(image).astype(np.uint8)


def _add_images(writer, tag: str, frames: dict[int, np.ndarray]) -> None:
    """Each step's (rows, cols, h, w) cells as one image, on one colour scale for the tag."""
    vmax = max((float(np.nanmax(np.abs(a), initial=0.0)) for a in frames.values()), default=0.0)
    for step, cells in frames.items():
        writer.add_image(tag, grid_image(cells, vmax), step, dataformats="HWC")


def _recorded(trace: Trace, layer: str, quantity: str) -> dict[int, np.ndarray]:
    """{step: array} at every recorded step that has (layer, quantity)."""
    return {s: trace.get(s, layer, quantity) for s in trace.steps
            if trace.has(s, layer, quantity)}


def conv_layers(trace: Trace) -> list[str]:
    return [info["name"] for info in trace.layer_info if info.get("type") == "Conv2D"]


def _filter_images(writer, trace: Trace) -> None:
    for layer in conv_layers(trace):
        frames = {s: W.transpose(1, 0, 2, 3) for s, W in _recorded(trace, layer, "W").items()}
        _add_images(writer, f"{layer}/filters", frames)


def _maps(frames: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
    """Only 4-D (samples, channels, h, w) arrays are feature maps."""
    return {s: a for s, a in frames.items() if a.ndim == 4}


def _watch_images(writer, trace: Trace) -> None:
    if "watch/x" not in trace.manifest.get("static", []) or not trace.steps:
        return
    x = trace.static("watch/x")  # side by side: a tall column would fill the card
    _add_images(writer, "watch/input", _maps({trace.steps[0]: x.swapaxes(0, 1)}))
    for layer in trace.layers:
        _add_images(writer, f"watch/{layer}", _maps(_recorded(trace, "watch", layer)))


def _probe_images(writer, trace: Trace) -> None:
    for layer in trace.layers:
        for q in ("input", "output"):
            _add_images(writer, f"{layer}/{q}", _maps(_recorded(trace, layer, q)))


# -- the config as text ------------------------------------------------------------------
def config_markdown(trace: Trace) -> str:
    """The run's name, description and config (TOML in a code block) for the Text tab."""
    run = trace.config.get("run", {})
    head = f"**{run.get('name', run_name(trace))}**"
    if run.get("description"):
        head += f": {run['description']}"
    return f"{head}\n\n```toml\n{config_toml(trace.config)}```\n"


def _toml_key(key: str) -> str:
    bare = key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key)
    return key if bare else _toml_value(key)


def _toml_value(v) -> str:
    """One TOML value on one line: tables inline."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):  # JSON's escapes are TOML's, but for DEL
        return json.dumps(v, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else ("nan" if math.isnan(v) else
                                                 ("inf" if v > 0 else "-inf"))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dict):
        items = ", ".join(f"{_toml_key(k)} = {_toml_value(x)}" for k, x in v.items()
                          if x is not None)
        return f"{{ {items} }}" if items else "{}"
    return "[" + ", ".join(_toml_value(x) for x in v) + "]"


def _toml_entry(key: str, v) -> str:
    """``key = value``; a list of tables one table per line (model.layers)."""
    if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
        rows = "".join(f"  {_toml_value(x)},\n" for x in v)
        return f"{_toml_key(key)} = [\n{rows}]\n"
    return f"{_toml_key(key)} = {_toml_value(v)}\n"


def _toml_table(header: str, table: dict) -> str:
    return header + "".join(_toml_entry(k, v) for k, v in table.items() if v is not None)


def config_toml(config: dict) -> str:
    """A config dict as TOML text that reads back equal (tomllib), sections in the order
    of a config file ([run], [data], [model], ...); a list of tables is ``[[name]]``."""
    order = list(SCHEMA)
    keys = sorted(config, key=lambda k: order.index(k) if k in order else len(order))
    tables = [k for k in keys if isinstance(config[k], (dict, list))
              and (isinstance(config[k], dict) or all(isinstance(x, dict) for x in config[k]))
              and config[k]]
    parts = [_toml_table("", {k: config[k] for k in keys if k not in tables})]
    for k in tables:
        if isinstance(config[k], dict):
            parts.append(_toml_table(f"[{_toml_key(k)}]\n", config[k]))
        else:
            parts += [_toml_table(f"[[{_toml_key(k)}]]\n", t) for t in config[k]]
    return "\n".join(p for p in parts if p)
