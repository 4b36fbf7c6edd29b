"""Probe: one layer applied to a chosen input, forward and backward, traced.

The convolution and pooling lessons work on the decks' own small matrices (a 5×5 image
and a 3×3 kernel, a 4×4 feature map) or a real MNIST digit. A probe run builds the layer,
sets its parameters, runs forward on the input and backward on an upstream gradient, and
records everything as step 0 of a trace of kind ``"layer"``::

    [run]      kind = "layer"
    [layer]    type = "Conv2D"; in_channels = 1; out_channels = 1; kernel_size = 3
    [input]    values = [[1, 2, 0, 1, 3], ...]       # (H, W), (C, H, W) or (N, C, H, W)
               # or: mnist_index = 17 (a bundled digit, scaled to [0, 1] unless scale = false),
               #     crop = [row0, row1, col0, col1]
    [params]   W = [[1, 1, 0], [0, 0, 0], [0, 0, 2]]   # reshaped to the layer's W shape
               b = [0]
    [upstream] values = [...]  # ∂L/∂y, or seed = 0 for small random integers, or omitted: ones

Quantities at step 0, layer ``<type>_0``: ``input``, ``output``, ``grad_output``,
``grad_input``, each parameter and its ``.grad``; Conv2D adds ``input_padded``
(the zero-padded input the kernel slides over); MaxPool2D adds ``argmax`` (flat index
into H·W of each window's maximum).
"""
from __future__ import annotations

import numpy as np

from .errors import ConfigError, ShapeError
from .trace import TraceWriter

LAYER_NAME_INDEX = 0


def _as_nchw(values, where: str, dtype) -> np.ndarray:
    try:
        a = np.asarray(values, dtype=dtype)
    except (ValueError, TypeError):
        raise ConfigError(f"{where} must be a rectangular array of numbers") from None
    if a.ndim == 2:
        a = a[None, None]
    elif a.ndim == 3:
        a = a[None]
    elif a.ndim != 4:
        raise ConfigError(f"{where} must be 2-D (H, W), 3-D (C, H, W) or 4-D (N, C, H, W), "
                          f"got {a.ndim}-D")
    return a


def build_input(body: dict, dtype) -> np.ndarray:
    body = dict(body)
    if "values" in body and "mnist_index" in body:
        raise ConfigError("input: give values or mnist_index, not both")
    if "values" in body:
        extra = set(body) - {"values"}
        if extra:
            raise ConfigError(f"unknown field input.{sorted(extra)[0]}")
        return _as_nchw(body["values"], "input.values", dtype)
    if "mnist_index" in body:
        from .mnist import load_mnist_subset

        extra = set(body) - {"mnist_index", "crop", "scale"}
        if extra:
            raise ConfigError(f"unknown field input.{sorted(extra)[0]}")
        images, _ = load_mnist_subset()
        i = body["mnist_index"]
        if not isinstance(i, int) or not 0 <= i < len(images):
            raise ConfigError(f"input.mnist_index must be in 0..{len(images) - 1}, got {i!r}")
        img = images[i].astype(dtype)
        if body.get("scale", True):
            img = img / 255.0
        if "crop" in body:
            c = body["crop"]
            if (not isinstance(c, list) or len(c) != 4 or
                    not (0 <= c[0] < c[1] <= img.shape[0] and 0 <= c[2] < c[3] <= img.shape[1])):
                raise ConfigError("input.crop must be [row0, row1, col0, col1] inside 28×28")
            img = img[c[0]:c[1], c[2]:c[3]]
        return img[None, None]
    raise ConfigError("input needs values or mnist_index")


def run_probe(cfg: dict, out, dtype=np.float64):
    """Build, run and trace a probe; returns the trace path."""
    from .run import LAYER_TYPES, _kwargs

    spec = dict(cfg["layer"])
    cls = LAYER_TYPES.get(spec["type"].lower())
    if cls is None:
        raise ConfigError(f"layer: unknown layer type '{spec['type']}'")
    kw = _kwargs(f"layer ({cls.__name__})", cls.__init__, spec, skip=("type", "name"))
    import inspect

    if "dtype" in inspect.signature(cls.__init__).parameters:
        kw["dtype"] = dtype
    try:
        layer = cls(**kw)
    except (TypeError, ValueError, ShapeError) as e:
        raise ConfigError(f"layer ({cls.__name__}): {e}") from None
    layer.name = spec.get("name", f"{cls.__name__.lower()}_{LAYER_NAME_INDEX}")
    x = build_input(cfg["input"], dtype)
    try:  # shape errors (kernel larger than the input, ...) before parameter sizes
        layer.forward(x)
    except ShapeError as e:
        raise ConfigError(str(e)) from None

    for pname, values in cfg.get("params", {}).items():
        if pname not in layer.params:
            raise ConfigError(f"params.{pname}: {cls.__name__} has no parameter '{pname}' "
                              f"(has: {', '.join(layer.params) or 'none'})")
        target = layer.params[pname]
        v = np.asarray(values, dtype=dtype)
        if v.size != target.size:
            raise ConfigError(f"params.{pname} has {v.size} values, {cls.__name__} needs "
                              f"{target.size} (shape {target.shape})")
        target[...] = v.reshape(target.shape)
    if hasattr(layer, "needs_input_grad"):
        layer.needs_input_grad = True
    layer.training = False
    try:
        y = layer.forward(x)
    except ShapeError as e:
        raise ConfigError(str(e)) from None
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
    gx = layer.backward(g)

    policy = None
    writer = TraceWriter(out, kind="layer", config=cfg, seed=cfg["run"]["seed"], policy=policy)
    writer.set_layers([{"name": layer.name, "type": cls.__name__, "describe": layer.describe(),
                        "params": {k: list(v.shape) for k, v in layer.params.items()}}])
    rec = lambda q, a: writer.record(0, layer.name, q, a, group="output")  # noqa: E731
    rec("input", x)
    rec("output", y)
    rec("grad_output", g)
    rec("grad_input", gx)
    for k, v in layer.params.items():
        rec(k, v)
        rec(f"{k}.grad", layer.grads[k])
    if hasattr(layer, "pad_input"):
        rec("input_padded", layer.pad_input(x))
    if hasattr(layer, "argmax"):
        rec("argmax", layer.argmax)
    writer.end_step(0, loss=float("nan"), lr=0.0)
    writer.set_summary(input_shape=list(x.shape), output_shape=list(y.shape))
    return writer.close()
