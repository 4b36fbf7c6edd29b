"""Two runs side by side: where their configs differ, the step where their losses part,
and how far apart their parameters are."""
from __future__ import annotations

import numpy as np

from ..trace import Trace


def flatten(d: dict, prefix: str = "") -> dict:
    """Nested dicts as one level, keys joined by dots: {"optimizer.lr": 0.1, ...}."""
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
