"""Reading a run's story out of its trace: gradient norms, events, and run differences."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .trace import Trace

#: a gradient norm below this is "vanished", above EXPLODE is "exploded"
VANISH = 1e-7
EXPLODE = 1e3
#: a ReLU layer whose fraction of always-zero units (over the recorded samples) exceeds
#: this is reported as dying
DEAD_FRACTION = 0.5


def grad_norm_series(trace: Trace) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{"<layer>.<param>": (steps, ‖grad‖)}: from the per-step ``grad_norm/`` scalars when
    the run kept them (every step), else from the recorded ``P.grad`` arrays."""
    steps_meta = trace.manifest["steps"]
    keys = sorted({k for e in steps_meta for k in e if k.startswith("grad_norm/")})
    if keys:
        steps = np.array(trace.all_steps)
        return {k.split("/", 1)[1]: (steps, trace.scalars(k)) for k in keys}
    out: dict[str, tuple[list, list]] = {}
    for info in trace.layer_info:
        for p in info["params"]:
            s_list, n_list = [], []
            for s in trace.steps:
                if trace.has(s, info["name"], f"{p}.grad"):
                    s_list.append(s)
                    n_list.append(float(np.linalg.norm(
                        trace.get(s, info["name"], f"{p}.grad").astype(np.float64))))
            if s_list:
                out[f"{info['name']}.{p}"] = (np.array(s_list), np.array(n_list))
    return {k: (np.asarray(a), np.asarray(b)) for k, (a, b) in out.items()}


@dataclass
class Event:
    step: int
    kind: str       # "non-finite", "exploding", "vanishing", "dead-relu"
    where: str      # layer / parameter / "loss"
    detail: str

    def __str__(self) -> str:
        return f"step {self.step:>6}  {self.kind:<11} {self.where:<18} {self.detail}"


def _dead_fraction(out: np.ndarray) -> float:
    """Fraction of units that are 0 for every sample: a unit is a neuron of a dense
    layer, a channel (whole feature map) of a convolutional one."""
    o = out.reshape(out.shape[0], out.shape[1], -1) if out.ndim > 2 else out[..., None]
    return float(np.mean(np.all(o <= 0, axis=(0, 2))))


def find_events(trace: Trace) -> list[Event]:
    """First NaN/inf, first exploding or vanishing gradient norm per parameter, and
    ReLU layers whose dead-unit fraction passes DEAD_FRACTION (first step and peak).
    Layer probes (kind "layer") only report NaN/inf: they are not training, and their
    gradient's size is that of the upstream gradient the config chose."""
    events: list[Event] = []
    loss = trace.scalars("loss")
    steps = trace.all_steps
    bad = np.flatnonzero(~np.isfinite(loss))
    if trace.kind != "layer" and len(bad):
        events.append(Event(steps[bad[0]], "non-finite", "loss", f"loss = {loss[bad[0]]}"))
    for key, (s, norms) in grad_norm_series(trace).items():
        nonfinite = np.flatnonzero(~np.isfinite(norms))
        if len(nonfinite):
            events.append(Event(int(s[nonfinite[0]]), "non-finite", key, "gradient is NaN/inf"))
        if trace.kind == "layer":
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
    for info in trace.layer_info:
        if info["type"] != "ReLU":
            continue
        first, peak, peak_step = None, 0.0, None
        for s in trace.steps:
            if not trace.has(s, info["name"], "output"):
                continue
            dead = _dead_fraction(trace.get(s, info["name"], "output"))
            if dead > peak:
                peak, peak_step = dead, s
            if first is None and dead > DEAD_FRACTION:
                first = s
        if first is not None:
            events.append(Event(first, "dead-relu", info["name"],
                                f"{100 * peak:.0f}% of units output 0 on every recorded "
                                f"sample (peak at step {peak_step})"))
    return sorted(events, key=lambda e: (e.step, e.kind))


def dead_relu_fraction(trace: Trace) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{relu layer: (steps, fraction of units that are 0 for all recorded samples)}."""
    out = {}
    for info in trace.layer_info:
        if info["type"] != "ReLU":
            continue
        s_list, f_list = [], []
        for s in trace.steps:
            if trace.has(s, info["name"], "output"):
                s_list.append(s)
                f_list.append(_dead_fraction(trace.get(s, info["name"], "output")))
        out[info["name"]] = (np.array(s_list), np.array(f_list))
    return out


def flatten(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, key + "."))
        else:
            out[key] = v
    return out


def config_diff(a: dict, b: dict) -> list[tuple[str, object, object]]:
    """[(field, value in a, value in b)] for every field that differs (None: absent)."""
    fa, fb = flatten(a), flatten(b)
    return [(k, fa.get(k), fb.get(k)) for k in sorted(set(fa) | set(fb)) if fa.get(k) != fb.get(k)]


def loss_parting_step(a: Trace, b: Trace, rtol: float = 1e-9) -> int | None:
    """The first step whose losses differ (relatively) by more than rtol; None if never."""
    la, lb = a.scalars("loss"), b.scalars("loss")
    n = min(len(la), len(lb))
    diff = np.abs(la[:n] - lb[:n]) > rtol * np.maximum(np.abs(la[:n]), np.abs(lb[:n]))
    diff |= np.isnan(la[:n]) != np.isnan(lb[:n])
    idx = np.flatnonzero(diff)
    return int(a.all_steps[idx[0]]) if len(idx) else None


def param_distance(a: Trace, b: Trace) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{"<layer>.<param>": (steps, ‖θ_a − θ_b‖ after the update)} on steps both recorded."""
    common = sorted(set(a.steps) & set(b.steps))
    out = {}
    for info in a.layer_info:
        for p in info["params"]:
            s_list, d_list = [], []
            for s in common:
                q = f"{p}.after"
                if a.has(s, info["name"], q) and b.has(s, info["name"], q):
                    pa, pb = a.get(s, info["name"], q), b.get(s, info["name"], q)
                    if pa.shape == pb.shape:
                        s_list.append(s)
                        d_list.append(float(np.linalg.norm(pa.astype(np.float64) - pb)))
            if s_list:
                out[f"{info['name']}.{p}"] = (np.array(s_list), np.array(d_list))
    return out
