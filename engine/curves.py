"""Curves: functions of one variable, evaluated by the engine on a grid of x and traced.

The lessons on the neuron, activations and losses plot f(x) and f′(x): an activation
layer, a small chain (Dense(1,1) + Sigmoid with chosen w and b), or a loss as a function
of its prediction (the residual, the margin). Each is computed by the same forward and
backward code that trains networks, so the plotted f′ is the engine's own gradient::

    [run]    kind = "curves"
    [grid]   from = -6.0, to = 6.0, n = 241           # x, one sample per point
    [[curve]]  name = "sigmoid", layers = [{ type = "Sigmoid" }]
    [[curve]]  name = "w2", layers = [{ type = "Dense", in_features = 1, out_features = 1 },
                                      { type = "Sigmoid" }],
               params = { dense_0 = { W = [2.0], b = [0.0] } }
    [[curve]]  name = "huber", loss = { name = "huber", delta = 1.0 }, target = 0.0

Recorded at step 0 under the curve's name (its "layer"): ``y`` (n, outputs) and ``dy``
(n, 1) = ∂(Σ outputs)/∂x per point; for a chain also every layer's output ``<layer>.output``
(n, units), its parameters ``<layer>.<param>`` and, for Dense layers, ``<layer>.terms``
(n, out, in) = x_i · W[o, i], the products its output sums (a neuron's weighted inputs).
A loss curve takes x as the prediction against a fixed ``target`` (0 for a residual, ±1 or
1 for a margin): ``y`` the loss of that one prediction, ``dy`` its derivative, and for a
classification loss ``correct`` (1 or 0), the accuracy the loss replaces. Static: ``grid/x``.
"""
from __future__ import annotations

import numbers

import numpy as np

from .build import _stack, build_layer
from .errors import ConfigError, ShapeError
from .registry import LOSSES
from .trace import TraceWriter

CURVE_FIELDS = {"name", "layers", "params", "loss", "target"}


def grid_x(body: dict, dtype) -> np.ndarray:
    """The grid [grid] describes: n evenly spaced x from ``from`` to ``to``, shape (n, 1)."""
    extra = set(body) - {"from", "to", "n"}
    if extra:
        raise ConfigError(f"unknown field grid.{sorted(extra)[0]} (valid: from, to, n)")
    lo, hi, n = body.get("from"), body.get("to"), body.get("n", 201)
    real = all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in (lo, hi))
    if not real or not lo < hi:
        raise ConfigError(f"grid needs numbers from < to, got from = {lo!r}, to = {hi!r}")
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= 100_000:
        raise ConfigError(f"grid.n must be an integer in 2..100000, got {n!r}")
    return np.linspace(lo, hi, n, dtype=dtype)[:, None]


def _params(layers, values: dict, where: str, dtype) -> None:
    by_name = {layer.name: layer for layer in layers}
    for lname, table in values.items():
        if lname not in by_name or not isinstance(table, dict):
            raise ConfigError(f"{where}.{lname}: name a layer of the curve as a table "
                              f"(layers: {', '.join(by_name)})")
        layer = by_name[lname]
        for pname, v in table.items():
            if pname not in layer.params:
                raise ConfigError(f"{where}.{lname}.{pname}: {type(layer).__name__} has no "
                                  f"parameter '{pname}'")
            v = np.asarray(v, dtype=dtype)
            if v.size != layer.params[pname].size:
                raise ConfigError(f"{where}.{lname}.{pname} has {v.size} values, needs "
                                  f"{layer.params[pname].size}")
            layer.params[pname][...] = v.reshape(layer.params[pname].shape)


def layer_curve(spec: dict, where: str, x: np.ndarray, dtype) -> dict[str, np.ndarray]:
    """The arrays of a chain of layers applied to every x (one sample each)."""
    specs = spec["layers"]
    if not isinstance(specs, list) or not specs:
        raise ConfigError(f"{where}.layers must be a non-empty array of layer tables")
    layers = _stack([build_layer(s, f"{where}.layers[{i}]", dtype=dtype)
                     for i, s in enumerate(specs)], where).layers
    for layer in layers:
        layer.training = False
        if hasattr(layer, "needs_input_grad"):
            layer.needs_input_grad = True
    _params(layers, spec.get("params", {}), f"{where}.params", dtype)
    out, h = {}, x
    try:
        for layer in layers:
            if type(layer).__name__ == "Dense":
                out[f"{layer.name}.terms"] = h[:, None, :] * layer.params["W"][None]
            h = layer.forward(h)
            out[f"{layer.name}.output"] = h
            for pname, p in layer.params.items():
                out[f"{layer.name}.{pname}"] = p.copy()
        g = np.ones_like(h)  # ∂(Σ outputs)/∂x: each point is its own sample
        for layer in reversed(layers):
            g = layer.backward(g)
    except ShapeError as e:
        raise ConfigError(f"{where}: {e}") from None
    out["y"], out["dy"] = h, g
    return out


def loss_curve(spec: dict, where: str, x: np.ndarray, dtype) -> dict[str, np.ndarray]:
    """A loss of one prediction x against ``target``, its derivative, and (classification)
    whether the prediction is right, at every x."""
    body = spec["loss"]
    if isinstance(body, str):
        body = {"name": body}
    if not isinstance(body, dict) or not isinstance(body.get("name"), str):
        raise ConfigError(f"{where}.loss must be a loss name or a table with a name")
    loss = LOSSES.build(body["name"], f"{where}.loss",
                        {k: v for k, v in body.items() if k != "name"})
    if loss.targets not in ("column", "signed"):
        raise ConfigError(f"{where}: a loss curve needs a loss of one output "
                          f"(mse, mae, huber, bce, hinge), not {body['name']}")
    target = spec.get("target", 0.0)
    if isinstance(target, bool) or not isinstance(target, numbers.Real):
        raise ConfigError(f"{where}.target must be a number, got {target!r}")
    t = np.array([[target]], dtype=dtype)
    y, dy, correct = (np.empty(len(x), dtype=dtype) for _ in range(3))
    for i in range(len(x)):  # the loss of each point alone: a mean over one sample
        p = x[i:i + 1]
        y[i] = loss.forward(p, t)
        dy[i] = loss.backward()[0, 0]
        correct[i] = loss.accuracy(p, t)
    out = {"y": y[:, None], "dy": dy[:, None]}
    if loss.classification:
        out["correct"] = correct[:, None]
    return out


def run_curves(cfg: dict, out, dtype=np.float64):
    """Evaluate every [[curve]] on the [grid] and trace them; returns the trace path.
    Everything is checked before the trace folder is created."""
    x = grid_x(cfg["grid"], dtype)
    specs = cfg["curve"]
    if not isinstance(specs, list) or not specs:
        raise ConfigError("curves need one or more [[curve]] tables")
    arrays, seen = {}, set()
    for i, spec in enumerate(specs):
        where = f"curve[{i}]"
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise ConfigError(f"{where} must be a table with a name")
        extra = set(spec) - CURVE_FIELDS
        if extra:
            raise ConfigError(f"unknown field {where}.{sorted(extra)[0]}")
        if spec["name"] in seen or "/" in spec["name"]:
            raise ConfigError(f"{where}.name {spec['name']!r} is used twice or has a '/'")
        seen.add(spec["name"])
        if ("layers" in spec) == ("loss" in spec):
            raise ConfigError(f"{where} needs layers or a loss (one of them)")
        make = layer_curve if "layers" in spec else loss_curve
        arrays[spec["name"]] = make(spec, where, x, dtype)

    writer = TraceWriter(out, kind="curves", config=cfg, seed=cfg["run"]["seed"])
    writer.set_layers([{"name": name, "type": "Curve", "describe": name, "params": {},
                        "settings": {}}
                       for name in arrays])
    writer.add_static("grid/x", x[:, 0])
    for name, qs in arrays.items():
        for q, a in qs.items():
            writer.record(0, name, q, a, group="output")
    writer.end_step(0, loss=float("nan"), lr=0.0)
    writer.set_summary(points=len(x), curves=len(arrays))
    return writer.close()
