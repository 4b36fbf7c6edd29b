"""Check a trace's recorded gradients by central finite differences.

For a recorded step of a network run, rebuild the model from the trace's config, load the
parameters recorded before that step's update and the step's batch, and compare each
recorded ``P.grad`` with (L(θ + ε e_i) − L(θ − ε e_i)) / 2ε on a sample of entries, where L
is the batch loss plus regularization penalties, computed in float64.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import TraceError
from ..gradcheck import numerical_grad, relative_error
from ..trace import Trace


def tolerance(trace: Trace) -> float:
    """The largest relative error that still counts as a match: float32 gradients agree
    with float64 differences to ~1e-4 at best."""
    return 1e-2 if trace.config["run"].get("dtype") == "float32" else 1e-6


@dataclass
class GradcheckRow:
    layer: str
    param: str
    checked: int
    total: int
    max_rel_error: float


def gradcheck_step(trace: Trace, step: int, max_entries: int = 32, eps: float = 1e-6,
                   seed: int = 0) -> list[GradcheckRow]:
    """Largest relative error between recorded and finite-difference gradients, per
    parameter, at ``step``. Entries checked: all of a small parameter, else a seeded
    random sample of ``max_entries``."""
    if trace.config.get("clip"):
        raise TraceError("this run clips gradients: its recorded gradients are not ∂L/∂θ")
    if trace.kind == "objective":
        return _gradcheck_objective(trace, step, eps)
    if trace.kind != "network":
        raise TraceError(f"gradcheck needs a network or objective trace, not '{trace.kind}'")
    from ..build import build_loss, build_model, build_regularizers

    cfg = trace.config
    if any(l["type"] == "Dropout" for l in trace.layer_info):
        raise TraceError("this run uses dropout: its loss at a step depends on a random mask")
    if step not in trace.steps:
        raise TraceError(f"step {step} has no recorded arrays (recorded: "
                         f"{trace.steps[0]}..{trace.steps[-1]})" if trace.steps else
                         f"step {step} has no recorded arrays")
    if not (trace.has(step, "batch", "x") and trace.has(step, "batch", "y")):
        raise TraceError(f"step {step}: the batch was not recorded (record.quantities)")
    x = trace.get(step, "batch", "x").astype(np.float64)
    y = trace.get(step, "batch", "y")
    entry = next(e for e in trace.manifest["steps"] if e["step"] == step)
    n_train = len(trace.static("data/train_indices"))
    bs = cfg["training"].get("batch_size") or n_train
    expected = min(bs, n_train - entry.get("batch", 0) * bs)
    if len(x) != expected:
        raise TraceError(f"step {step}: only {len(x)} of the batch's {expected} samples were "
                         f"recorded (record.samples); gradcheck needs the whole batch")
    model = build_model(cfg, np.random.default_rng(0), np.float64)
    loss, _ = build_loss(cfg)
    regs = build_regularizers(cfg, model)
    params = model.named_params()
    for key, p in params.items():
        layer, name = key.rsplit(".", 1)
        if not trace.has(step, layer, name):
            raise TraceError(f"step {step}: parameter {key} was not recorded")
        p[...] = trace.get(step, layer, name)
    y = y.astype(np.float64) if np.issubdtype(y.dtype, np.floating) else y
    model.train()

    def f() -> float:
        value = float(loss.forward(model.forward(x), y))
        return value + sum(float(r.penalty(params)) for r in regs)

    rng = np.random.default_rng(seed)
    rows = []
    for key, p in params.items():
        layer, name = key.rsplit(".", 1)
        if not trace.has(step, layer, f"{name}.grad"):
            continue
        recorded = trace.get(step, layer, f"{name}.grad").astype(np.float64).reshape(-1)
        flat = p.reshape(-1)
        idx = (np.arange(flat.size) if flat.size <= max_entries
               else np.sort(rng.choice(flat.size, max_entries, replace=False)))
        fd = numerical_grad(f, p, eps, indices=idx)
        rows.append(GradcheckRow(layer, name, len(idx), flat.size,
                                 relative_error(fd, recorded[idx])))
    return rows


def _gradcheck_objective(trace: Trace, step: int, eps: float) -> list[GradcheckRow]:
    from ..objectives import get_objective

    cfg = trace.config
    body = {k: v for k, v in cfg["objective"].items() if k not in ("name", "start", "probe")}
    if "data" in cfg:
        body["x"], body["y"] = trace.static("data/x"), trace.static("data/y")
    objective = get_objective(cfg["objective"]["name"], **body)
    theta = trace.get(step, "objective", "theta").astype(np.float64)
    batch = trace.get(step, "batch", "indices") if trace.has(step, "batch", "indices") else None
    recorded = trace.get(step, "objective", "theta.grad").astype(np.float64)
    fd = np.empty_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = eps
        fd[i] = (objective.value(theta + e, batch) - objective.value(theta - e, batch)) / (2 * eps)
    return [GradcheckRow("objective", "theta", theta.size, theta.size,
                         relative_error(fd, recorded))]
