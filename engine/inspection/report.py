"""The text of the ``nnanim trace`` commands, as lists of lines: the CLI parses its
arguments, calls one of these and prints the lines."""
from __future__ import annotations

import numpy as np

from ..trace import Trace
from .compare import config_diff, loss_parting_step, param_distance
from .events import dead_relu_fraction, find_events
from .gradcheck import gradcheck_step, tolerance

#: the final metrics ``info`` shows; accuracies as percentages
FINAL_METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")


def info_lines(trace: Trace) -> list[str]:
    """``trace info``: config, layers, steps, quantities, size, first and last loss,
    final metrics."""
    t, cfg = trace, trace.config
    lines = [f"trace:   {t.path}  ({t.size_bytes() / 1e6:.2f} MB, status {t.status})",
             f"run:     {cfg['run']['name']}  kind={t.kind}  seed={t.seed}  "
             f"dtype={cfg['run']['dtype']}"]
    if t.kind == "network":
        data = cfg["data"]
        lines.append(f"data:    {data['name']}  " + _pairs(
            {k: v for k, v in data.items() if k != "name"}))
        lines.append(f"loss:    {cfg['loss']['name']}")
    elif t.kind == "objective":
        lines.append(f"objective: {cfg['objective']['name']}")
    else:
        summary = t.summary
        lines.append(f"probe:   input {tuple(summary.get('input_shape', ()))} -> "
                     f"output {tuple(summary.get('output_shape', ()))}")
    if "optimizer" in cfg:
        lines.append("optim:   " + _pairs(cfg["optimizer"]))
    lines.append(f"steps:   {len(t.all_steps)} run, {len(t.steps)} recorded, "
                 f"{len(t.epochs)} epochs")
    lines.append("layers:")
    first = t.steps[0] if t.steps else None
    for info in t.layer_info:
        shapes = ", ".join(f"{k}{tuple(v)}" for k, v in info["params"].items())
        lines.append(f"  {info['name']:<14} {info['describe']:<36} {shapes}")
        lines += _quantities_line(t, info["name"], first)
    lines += _quantities_line(t, "batch", first, name="batch")
    loss = t.scalars("loss")
    if len(loss) and loss[0] == loss[0]:  # probes have no loss (nan)
        lines.append(f"loss:    first {loss[0]:.6g}  last {loss[-1]:.6g}")
    final = {k: v for k, v in t.summary.items() if k in FINAL_METRICS}
    if final:
        lines.append("final:   " + "  ".join(
            f"{k} {100 * v:.2f}%" if "accuracy" in k else f"{k} {v:.6g}" for k, v in final.items()))
    return lines


def _pairs(d: dict) -> str:
    return "  ".join(f"{k}={v}" for k, v in d.items())


def _quantities_line(t: Trace, layer: str, step: int | None, name: str = "") -> list[str]:
    """The line listing ``layer``'s quantities at ``step`` (none when it has none);
    ``name`` goes in the first column."""
    qs = t.quantities(layer, step) if step is not None else []
    return [f"  {name:<14} quantities: {', '.join(qs)}"] if qs else []


def show_lines(trace: Trace, step: int, layer: str, quantity: str) -> list[str]:
    """``trace show``: one recorded array, its shape and dtype, the values (long arrays
    abridged) and, for numbers, min, max, mean, std, norm and the share of zeros."""
    a = trace.get(step, layer, quantity)
    lines = [f"{layer}/{quantity} at step {step}: shape {a.shape}, dtype {a.dtype}"]
    with np.printoptions(precision=6, suppress=True, linewidth=100, threshold=400, edgeitems=4):
        lines += str(a).split("\n")
    if a.size and np.issubdtype(a.dtype, np.number):
        f = a.astype(np.float64)
        lines.append(f"min {f.min():.6g}  max {f.max():.6g}  mean {f.mean():.6g}  "
                     f"std {f.std():.6g}  norm {np.linalg.norm(f):.6g}  "
                     f"zeros {np.mean(f == 0) * 100:.1f}%")
    return lines


def diff_lines(a: Trace, b: Trace) -> list[str]:
    """``trace diff``: config differences, the step where the losses part, final losses,
    and each parameter's distance at the first and last common recorded step."""
    diffs = config_diff(a.config, b.config)
    lines = [f"A: {a.path}", f"B: {b.path}",
             "config differences:" if diffs else "config: identical"]
    lines += [f"  {key:<28} A={va!r:<16} B={vb!r}" for key, va, vb in diffs]
    part = loss_parting_step(a, b)
    la, lb = a.scalars("loss"), b.scalars("loss")
    lines.append(f"losses: identical over {min(len(la), len(lb))} common steps" if part is None
                 else f"losses part at step {part}: A {la[a.step_position(part)]:.6g}  "
                      f"B {lb[b.step_position(part)]:.6g}")
    lines.append(f"final loss: A {la[-1]:.6g}  B {lb[-1]:.6g}")
    dist = param_distance(a, b)
    if dist:
        lines.append("parameter distance ‖θ_A − θ_B‖ (first / last common recorded step):")
        lines += [f"  {key:<20} step {s[0]}: {d[0]:.4g}   step {s[-1]}: {d[-1]:.4g}"
                  for key, (s, d) in dist.items()]
    return lines


def gradcheck_report(trace: Trace, step: int, entries: int = 32) -> tuple[list[str], bool]:
    """``trace gradcheck``: (a line per parameter with its largest relative error, then a
    verdict line; True when every layer is within ``tolerance(trace)``)."""
    tol = tolerance(trace)
    lines, worst = [], {}
    for r in gradcheck_step(trace, step, max_entries=entries):
        lines.append(f"{r.layer:<14} {r.param:<6} {r.checked:>5}/{r.total:<7} entries  "
                     f"max rel error {r.max_rel_error:.2e}")
        worst[r.layer] = max(worst.get(r.layer, 0.0), r.max_rel_error)
    bad = [layer for layer, e in worst.items() if not e <= tol]  # NaN is a mismatch
    lines.append(f"step {step}: " + (f"MISMATCH in {', '.join(bad)} (tolerance {tol:g})" if bad
                                     else f"all gradients match (tolerance {tol:g})"))
    return lines, not bad


def events_lines(trace: Trace) -> list[str]:
    """``trace events``: each event (or a line saying there are none), then each ReLU
    layer's dead-unit fraction at the first and last recorded step and its peak."""
    lines = [str(e) for e in find_events(trace)]
    if not lines:
        lines.append("no events: finite values, no exploding or vanishing gradients, "
                     "no dying ReLU layer")
    lines += [f"dead-ReLU fraction {layer}: first {100 * f[0]:.0f}%  "
              f"last {100 * f[-1]:.0f}%  max {100 * f.max():.0f}%"
              for layer, (s, f) in dead_relu_fraction(trace).items() if len(s)]
    return lines
