"""Probe: chosen layers applied to a chosen input, forward and backward, traced.

The convolution and pooling lessons work on the decks' own small matrices (a 5×5 image
and a 3×3 kernel, a 4×4 feature map) or a real MNIST digit. A probe run builds the layer
(or a short chain of layers), sets its parameters, runs forward on the input and backward
on an upstream gradient, and records everything as step 0 of a trace of kind ``"layer"``::

    [run]      kind = "layer"
    [layer]    type = "Conv2D"; in_channels = 1; out_channels = 1; kernel_size = 3
    [input]    values = [[1, 2, 0, 1, 3], ...]       # (H, W), (C, H, W) or (N, C, H, W)
               # or: mnist_index = 17 (a bundled digit, scaled to [0, 1] unless scale = false),
               #     crop = [row0, row1, col0, col1]
               # or: data = { name = "lines", layout = "nchw", seed = 0 }, index = [0, 3]
               #     (samples of a generated data set; their labels: static input/labels)
    [params]   W = [[1, 1, 0], [0, 0, 0], [0, 0, 2]]   # reshaped to the layer's W shape
               b = [0]
    [upstream] values = [...]  # ∂L/∂y of the last layer, or seed = 0 for small random
                               # integers in -2..2, or omitted: ones

A chain is an array of tables, ``[[layer]] … [[layer]] …``, with parameters per layer name
(``[params.conv2d_0] W = …``); the first layer's output is the second's input, and so on.

Quantities at step 0, per layer ``<type>_<index>``: ``input``, ``output``, ``grad_output``,
``grad_input``, each parameter and its ``.grad``; Conv2D adds ``input_padded`` (the
zero-padded input the kernel slides over); MaxPool2D adds ``argmax`` (flat index into H·W
of each window's maximum).
"""
from __future__ import annotations

import numpy as np

from .build import build_input, build_probe_layers, data_samples
from .errors import ConfigError, ShapeError
from .trace import TraceWriter


def _set_params(layer, values_by_name: dict, where: str, dtype) -> None:
    for pname, values in values_by_name.items():
        if pname not in layer.params:
            raise ConfigError(f"{where}.{pname}: {type(layer).__name__} has no parameter "
                              f"'{pname}' (has: {', '.join(layer.params) or 'none'})")
        target = layer.params[pname]
        v = np.asarray(values, dtype=dtype)
        if v.size != target.size:
            raise ConfigError(f"{where}.{pname} has {v.size} values, {type(layer).__name__} "
                              f"needs {target.size} (shape {target.shape})")
        target[...] = v.reshape(target.shape)


def _forward(layers, x):
    try:
        for layer in layers:
            x = layer.forward(x)
    except ShapeError as e:
        raise ConfigError(str(e)) from None
    return x


def run_probe(cfg: dict, out, dtype=np.float64):
    """Build, run and trace a probe; returns the trace path."""
    chain = isinstance(cfg["layer"], list)
    layers = build_probe_layers(cfg, dtype)
    x = build_input(cfg["input"], dtype)
    _forward(layers, x)  # shape errors (kernel larger than the input, ...) first

    params = cfg.get("params", {})
    by_name = {layer.name: layer for layer in layers}
    if chain:
        for lname, values in params.items():
            if lname not in by_name or not isinstance(values, dict):
                raise ConfigError(f"params.{lname}: name a layer of the chain as a table "
                                  f"([params.{layers[0].name}]; layers: {', '.join(by_name)})")
            _set_params(by_name[lname], values, f"params.{lname}", dtype)
    else:
        _set_params(layers[0], params, "params", dtype)

    inputs = []
    h = x
    for layer in layers:
        inputs.append(h)
        h = layer.forward(h)
    y = h
    up = cfg.get("upstream", {})
    if "values" in up:
        g = np.asarray(up["values"], dtype=dtype)
        if g.size != y.size:
            raise ConfigError(f"upstream.values has {g.size} values, the output has {y.size} "
                              f"(shape {y.shape})")
        g = g.reshape(y.shape)
    elif "seed" in up:
        g = np.random.default_rng(up["seed"]).integers(-2, 3, size=y.shape).astype(dtype)
    else:
        g = np.ones_like(y)

    writer = TraceWriter(out, kind="layer", config=cfg, seed=cfg["run"]["seed"])
    writer.set_layers([layer.manifest_entry() for layer in layers])
    if "data" in cfg["input"]:  # samples of a data set: keep what they are
        writer.add_static("input/labels", data_samples(cfg["input"], dtype)[1])
    outputs = inputs[1:] + [y]
    for layer, inp, outp in reversed(list(zip(layers, inputs, outputs))):
        gin = layer.backward(g)
        rec = lambda q, a, n=layer.name: writer.record(0, n, q, a, group="output")  # noqa: E731
        rec("input", inp)
        rec("output", outp)
        rec("grad_output", g)
        rec("grad_input", gin)
        for k, v in layer.params.items():
            rec(k, v)
            rec(f"{k}.grad", layer.grads[k])
        if hasattr(layer, "pad_input"):
            rec("input_padded", layer.pad_input(inp))
        if hasattr(layer, "argmax"):
            layer.forward(inp)  # argmax belongs to this layer's own last forward
            rec("argmax", layer.argmax)
        g = gin
    writer.end_step(0, loss=float("nan"), lr=0.0)
    writer.set_summary(input_shape=list(x.shape), output_shape=list(y.shape))
    return writer.close()
