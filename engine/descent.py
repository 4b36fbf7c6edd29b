"""Descent: an optimizer minimizing an objective f(θ), traced like a network."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .clipping import clip_by_norm, clip_by_value
from .trace import TraceWriter

#: The pseudo-layer name under which objective runs record θ and its gradient.
LAYER = "objective"


@dataclass
class DescentResult:
    steps: int = 0
    theta: np.ndarray | None = None
    value: float = float("nan")
    interrupted: bool = False
    diverged: bool = False
    path: list[np.ndarray] = field(default_factory=list)


def minimize(objective, optimizer, *, steps: int, start=None, batch_size: int | None = None,
             schedule=None, clip_value: float | None = None, clip_norm: float | None = None,
             rng: np.random.Generator | None = None, writer: TraceWriter | None = None,
             dtype=np.float64, on_step: Callable[[int, float], None] | None = None,
             model_x: np.ndarray | None = None,
             curve_x: np.ndarray | None = None) -> DescentResult:
    """Run ``steps`` updates θ ← optimizer(θ, ∇f(θ)) from ``start``.

    With data (``objective.n_samples > 0``) and a ``batch_size``, each step draws a
    mini-batch of sample indices (shuffled epochs, as SGD does) and uses that batch's
    gradient; otherwise the full gradient. Per recorded step the trace holds, under
    layer ``"objective"``: ``theta`` (before), ``theta.grad``, ``theta.after``,
    ``value`` (f at θ before the step, on all data), ``gap`` (f(θ) − f(θ*), when θ* is
    known), optimizer state ``theta.<state>``,
    and ``batch`` indices when batched; with ``model_x`` (a grid of inputs, for objectives
    that fit a model) also ``prediction``, the model at θ on that grid, ``data_prediction``
    at the data's inputs, and ``boundary``, a classifier's threshold input; with ``curve_x``
    (a 1-D objective's θ grid) and mini-batches, ``batch_curve``, the batch's own loss over
    that grid; with clipping, ``theta.grad_raw``, the gradient before it was clipped. A run
    stops early (``diverged``) when θ or f(θ) stops being finite, keeping the steps so far.
    """
    rng = rng or np.random.default_rng(0)
    theta = np.array(objective.default_start if start is None else start, dtype=dtype).reshape(-1)
    params, key = {"theta": theta}, "theta"
    n = int(getattr(objective, "n_samples", 0) or 0)
    bs = min(int(batch_size), n) if (n and batch_size) else 0
    order, pos = np.arange(0), 0
    base_lr = optimizer.lr
    theta_star = getattr(objective, "minimizer", None)
    f_min = None if theta_star is None else objective.value(np.asarray(theta_star, dtype=dtype))
    result = DescentResult()
    step = 0
    try:
        for step in range(steps):
            if writer is not None and writer.stop:  # a signal: stop between steps
                raise KeyboardInterrupt
            if schedule is not None:
                optimizer.lr = float(schedule.lr_at(step, base_lr))
            batch = None
            if bs:
                if pos + bs > len(order):
                    order, pos = rng.permutation(n), 0
                batch, pos = order[pos:pos + bs], pos + bs
            value = float(objective.value(theta))
            grad = np.asarray(objective.grad(theta, batch), dtype=dtype).reshape(theta.shape)
            grads = {key: grad}
            raw = grad.copy() if (clip_value is not None or clip_norm is not None) else None
            if clip_value is not None:
                clip_by_value(grads, clip_value)
            if clip_norm is not None:
                clip_by_norm(grads, clip_norm)
            rec = writer is not None and writer.wants(step, step == steps - 1)
            if rec:
                writer.record(step, LAYER, "theta", theta, group="param")
                writer.record(step, LAYER, "theta.grad", grads[key], group="grad")
                writer.record(step, LAYER, "value", np.array(value), group="output")
                if f_min is not None:  # the gap to the minimum, f(θ) − f(θ*) ≥ 0
                    writer.record(step, LAYER, "gap", np.array(value - f_min), group="output")
                if raw is not None:  # what the step would have been without clipping
                    writer.record(step, LAYER, "theta.grad_raw", raw, group="grad")
                if batch is not None:
                    writer.record(step, "batch", "indices", batch, group="batch")
                    if curve_x is not None:  # the loss this mini-batch sees, over θ
                        writer.record(step, LAYER, "batch_curve",
                                      objective.batch_curve(curve_x, batch), group="output")
                if model_x is not None:
                    _record_model(writer, step, objective, theta, model_x)
            result.path.append(theta.copy())
            if writer is not None:
                writer.before_update(step)
            optimizer.step(params, grads)
            if rec:
                writer.record_after(step, LAYER, "theta", theta)
                for sname, s in optimizer.state_buffers(key).items():
                    writer.record(step, LAYER, f"theta.{sname}", s, group="state")
            if writer is not None:
                writer.end_step(step, loss=value, lr=optimizer.lr,
                                grad_norm=float(np.linalg.norm(grads[key])))
            if on_step is not None:
                on_step(step, value)
            result.steps = step + 1
            if not (np.all(np.isfinite(theta)) and np.isfinite(value)):
                result.diverged = True
                break
    except KeyboardInterrupt:
        result.interrupted = True
    result.theta = theta.copy()
    result.value = float(objective.value(theta)) if np.all(np.isfinite(theta)) else float("nan")
    result.path.append(theta.copy())
    return result


def _record_model(writer: TraceWriter, step: int, objective, theta, x: np.ndarray) -> None:
    """The fitted model at θ: its output on the grid ``x`` and at the data's inputs, and,
    for a classifier, the input where it crosses its threshold (what the scene draws,
    not computes)."""
    writer.record(step, LAYER, "prediction", objective.predict(theta, x), group="output")
    writer.record(step, LAYER, "data_prediction", objective.predict(theta, objective.x),
                  group="output")
    edge = objective.boundary(theta)
    if edge is not None:
        writer.record(step, LAYER, "boundary", np.array([edge]), group="output")
