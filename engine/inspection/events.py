"""A run's story out of its trace: gradient norms over steps, dying ReLU layers, and the
events worth a look (first NaN/inf, first exploding or vanishing gradient, dying ReLUs)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..trace import Trace

#: a gradient norm below this is "vanished", above EXPLODE is "exploded"
VANISH = 1e-7
EXPLODE = 1e3
#: a ReLU layer whose fraction of always-zero units (over the recorded samples) exceeds
#: this is reported as dying
DEAD_FRACTION = 0.5


def _over_steps(trace: Trace, layer: str, quantity: str,
                value: Callable[[np.ndarray], float]) -> tuple[np.ndarray, np.ndarray]:
    """(steps, value of the array) over the recorded steps that hold (layer, quantity)."""
    steps = [s for s in trace.steps if trace.has(s, layer, quantity)]
    return np.array(steps), np.array([value(trace.get(s, layer, quantity)) for s in steps])


def _norm(a: np.ndarray) -> float:
    return float(np.linalg.norm(a.astype(np.float64)))


def grad_norm_series(trace: Trace) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{"<layer>.<param>": (steps, ‖grad‖)}: from the per-step ``grad_norm/`` scalars when
    the run kept them (every step), else from the recorded ``P.grad`` arrays."""
    keys = sorted({k for e in trace.manifest["steps"] for k in e if k.startswith("grad_norm/")})
    if keys:
        steps = np.array(trace.all_steps)
        return {k.split("/", 1)[1]: (steps, trace.scalars(k)) for k in keys}
    out = {}
    for info in trace.layer_info:
        for p in info["params"]:
            s, norms = _over_steps(trace, info["name"], f"{p}.grad", _norm)
            if len(s):
                out[f"{info['name']}.{p}"] = (s, norms)
    return out


def _dead_fraction(out: np.ndarray) -> float:
    """Fraction of units that are 0 for every sample: a unit is a neuron of a dense
    layer, a channel (whole feature map) of a convolutional one."""
    o = out.reshape(out.shape[0], out.shape[1], -1) if out.ndim > 2 else out[..., None]
    return float(np.mean(np.all(o <= 0, axis=(0, 2))))


def dead_relu_fraction(trace: Trace) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{relu layer: (steps, fraction of units that are 0 for all recorded samples)}."""
    return {info["name"]: _over_steps(trace, info["name"], "output", _dead_fraction)
            for info in trace.layer_info if info["type"] == "ReLU"}


@dataclass
class Event:
    step: int
    kind: str       # "non-finite", "exploding", "vanishing", "dead-relu"
    where: str      # layer / parameter / "loss"
    detail: str

    def __str__(self) -> str:
        return f"step {self.step:>6}  {self.kind:<11} {self.where:<18} {self.detail}"


def find_events(trace: Trace) -> list[Event]:
    """First NaN/inf, first exploding or vanishing gradient norm per parameter, and
    ReLU layers whose dead-unit fraction passes DEAD_FRACTION (first step and peak).
    Layer probes and curves (kinds "layer", "curves") only report NaN/inf: they are not
    training, and their gradient's size is that of the upstream gradient the config chose."""
    events: list[Event] = []
    loss = trace.scalars("loss")
    steps = trace.all_steps
    bad = np.flatnonzero(~np.isfinite(loss))
    probe = trace.kind in ("layer", "curves")
    if not probe and len(bad):
        events.append(Event(steps[bad[0]], "non-finite", "loss", f"loss = {loss[bad[0]]}"))
    for key, (s, norms) in grad_norm_series(trace).items():
        nonfinite = np.flatnonzero(~np.isfinite(norms))
        if len(nonfinite):
            events.append(Event(int(s[nonfinite[0]]), "non-finite", key, "gradient is NaN/inf"))
        if probe:
            continue  # a probe's gradient scale is the upstream gradient it was given
        finite = np.isfinite(norms)
        big = np.flatnonzero(finite & (norms > EXPLODE))
        if len(big):
            events.append(Event(int(s[big[0]]), "exploding", key,
                                f"‖grad‖ = {norms[big[0]]:.3g} > {EXPLODE:g}"))
        small = np.flatnonzero(finite & (norms < VANISH))
        if len(small):
            events.append(Event(int(s[small[0]]), "vanishing", key,
                                f"‖grad‖ = {norms[small[0]]:.3g} < {VANISH:g}"))
    for layer, (s, dead) in dead_relu_fraction(trace).items():
        dying = np.flatnonzero(dead > DEAD_FRACTION)
        if len(dying):
            peak = int(np.argmax(dead))  # the first step at the peak
            events.append(Event(int(s[dying[0]]), "dead-relu", layer,
                                f"{100 * dead[peak]:.0f}% of units output 0 on every recorded "
                                f"sample (peak at step {int(s[peak])})"))
    return sorted(events, key=lambda e: (e.step, e.kind))
