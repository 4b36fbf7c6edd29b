"""Config -> objects: the layers, model, input, data, loss, optimizer, schedule, objective
and regularizers a validated run config describes. Errors name the config field.

Names resolve through the registries (``engine.registry``), so this file lists no
component. ``run.py`` (training) and ``probe.py`` (layer probes) build with it, and the
trace reader rebuilds an old run's layers with ``settings_from_config``.
"""
from __future__ import annotations

import numpy as np

from .errors import ConfigError, TraceError
from .registry import LAYERS, LOSSES, OBJECTIVES, OPTIMIZERS, SCHEDULES


def _body(table: dict, *skip: str) -> tuple[str, dict]:
    """(name, the other fields) of a config table such as [loss] or [optimizer]."""
    body = {k: v for k, v in table.items() if k not in ("name", *skip)}
    return table["name"], body


# -- layers -----------------------------------------------------------------------------------
def build_layer(spec: dict, where: str, *, rng: np.random.Generator | None = None,
                dtype=np.float64):
    """One layer from its table ({type = "Dense", in_features = 2, ...}); ``where`` names
    the table in errors (``model.layers[0]``)."""
    if not isinstance(spec, dict) or not isinstance(spec.get("type"), str):
        raise ConfigError(f"{where} must be a table with a 'type'")
    options = {k: v for k, v in spec.items() if k not in ("type", "name")}
    layer = LAYERS.build(spec["type"], where, options, rng=rng, dtype=dtype)
    if "name" in spec:
        layer.name = str(spec["name"])
    return layer


def _stack(layers: list, where: str):
    """A Sequential of ``layers``, which names them ``<type>_<index>`` unless named."""
    from .sequential import Sequential

    try:
        return Sequential(layers)
    except ValueError as e:  # duplicate names
        raise ConfigError(f"{where}: {e}") from None


def build_model(cfg: dict, rng: np.random.Generator, dtype):
    """The Sequential of [model] layers, initialized from ``rng``."""
    layers = [build_layer(spec, f"model.layers[{i}]", rng=rng, dtype=dtype)
              for i, spec in enumerate(cfg["model"]["layers"])]
    return _stack(layers, "model.layers")


def build_probe_layers(cfg: dict, dtype) -> list:
    """The probed layer ([layer]) or chain ([[layer]] ...), in eval mode, computing dL/dx.

    No rng: initial parameters are the layers' seeded defaults until [params] sets them.
    """
    chain = isinstance(cfg["layer"], list)
    specs = cfg["layer"] if chain else [cfg["layer"]]
    layers = [build_layer(s, f"layer[{i}]" if chain else "layer", dtype=dtype)
              for i, s in enumerate(specs)]
    for layer in layers:
        if hasattr(layer, "needs_input_grad"):
            layer.needs_input_grad = True
        layer.training = False
    return _stack(layers, "layer").layers


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


def _unknown(body: dict, allowed: set[str]) -> None:
    extra = set(body) - allowed
    if extra:
        raise ConfigError(f"unknown field input.{sorted(extra)[0]}")


def build_input(body: dict, dtype) -> np.ndarray:
    """A probe's input (N, C, H, W) from [input]: ``values``, a bundled digit, or samples of
    a generated data set (``data = { name = "lines", layout = "nchw", seed = 0 }``,
    ``index = [0, 3]``)."""
    if sum(k in body for k in ("values", "mnist_index", "data")) > 1:
        raise ConfigError("input: give one of values, mnist_index or data")
    if "data" in body:
        return data_samples(body, dtype)[0]
    if "values" in body:
        _unknown(body, {"values"})
        return _as_nchw(body["values"], "input.values", dtype)
    if "mnist_index" not in body:
        raise ConfigError("input needs values or mnist_index")
    from .mnist import load_mnist_subset

    _unknown(body, {"mnist_index", "crop", "scale"})
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


def data_samples(body: dict, dtype) -> tuple[np.ndarray, np.ndarray]:
    """Samples ``index`` of the data set ``data`` describes: (N, C, H, W) images and their
    labels (N,)."""
    from .datasets import get_dataset

    _unknown(body, {"data", "index"})
    spec = body["data"]
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
        raise ConfigError("input.data must be a table with the data set's name")
    options = {k: v for k, v in spec.items() if k != "name"}
    options.setdefault("seed", 0)
    x, labels = get_dataset(spec["name"], **options)
    index = body.get("index", [0])
    index = [index] if isinstance(index, int) else index
    if (not isinstance(index, list) or not index
            or not all(isinstance(i, int) and 0 <= i < len(x) for i in index)):
        raise ConfigError(f"input.index must be sample indices in 0..{len(x) - 1}, got {index!r}")
    x = np.asarray(x, dtype=dtype)[index]
    if x.ndim != 4:
        raise ConfigError(f"input.data must give images (N, C, H, W) (layout = \"nchw\"), "
                          f"got samples of shape {x.shape[1:]}")
    return x, np.asarray(labels)[index]


# -- data, loss, optimization -----------------------------------------------------------------
def build_data(cfg: dict, rng: np.random.Generator, dtype) -> tuple[np.ndarray, np.ndarray]:
    """(X, labels) from the [data] table. X float (N, ...), labels (N,) ints or floats."""
    from .datasets import get_dataset

    name, body = _body(cfg["data"], "validation")
    # data.seed, when given, replaces the run's data stream
    x, labels = get_dataset(name, rng=None if "seed" in body else rng, **body)
    x = np.asarray(x, dtype=dtype)
    return (x[:, None] if x.ndim == 1 else x), np.asarray(labels)  # samples are rows


def build_loss(cfg: dict):
    """(loss object, its config name) from the [loss] table."""
    name, body = _body(cfg["loss"])
    return LOSSES.build(name, "loss", body), name


def targets_for(cfg: dict, labels: np.ndarray, dtype) -> np.ndarray:
    """Targets in the form the configured loss takes (its ``targets``)."""
    from .datasets import one_hot

    form = LOSSES.get(cfg["loss"]["name"], "loss").targets
    if form == "onehot":
        return one_hot(labels).astype(dtype)
    if form in ("column", "signed"):
        y = labels.astype(dtype).reshape(-1, 1)
        return 2 * y - 1 if form == "signed" else y  # 0/1 labels -> ±1
    return labels.astype(np.int64)


def build_regularizers(cfg: dict, model) -> list:
    from .regularizers import L1, L2

    reg_cfg = cfg.get("regularization", {})
    on = tuple(reg_cfg.get("on", ["W"]))
    regs = [r(reg_cfg[k], on=on) for k, r in (("l1", L1), ("l2", L2)) if reg_cfg.get(k)]
    for r in regs:
        r.validate(list(model.named_params()))
    return regs


def build_optimizer(cfg: dict):
    name, body = _body(cfg["optimizer"])
    return OPTIMIZERS.build(name, "optimizer", body)


def build_schedule(cfg: dict):
    """(schedule, "epoch" or "step"), or (None, "epoch") without a [schedule]."""
    if "schedule" not in cfg:
        return None, "epoch"
    name, body = _body(cfg["schedule"])
    schedule = SCHEDULES.build(name, "schedule", body)
    return schedule, schedule.per


def build_objective(cfg: dict, rng: np.random.Generator, dtype):
    """(objective, (x, y) or None): [objective] (without start and probe, which the run
    uses), fitted to the [data] set when there is one."""
    name, body = _body(cfg["objective"], "start", "probe")
    data = None
    if "data" in cfg:
        x, labels = build_data(cfg, rng, dtype)
        data = np.asarray(x).reshape(-1), np.asarray(labels, dtype=dtype)
        body["x"], body["y"] = data
    return OBJECTIVES.build(name, "objective", body), data


# -- settings of a recorded run -----------------------------------------------------------------
def settings_from_config(config: dict, layer_name: str) -> dict:
    """``settings()`` of layer ``layer_name`` of the run ``config`` describes, rebuilt
    without training: for traces whose manifest predates layer settings.

    Only shapes matter, so any seed does; the data (or probe input) is read only when a
    setting depends on the input ("same" padding at stride > 1).
    """
    rng, kind = np.random.default_rng(0), config.get("run", {}).get("kind")
    if kind == "objective":
        if layer_name != "objective":
            raise TraceError(f"no layer {layer_name!r} (layers: objective)")
        return build_objective(config, rng, np.float64)[0].settings()
    if kind == "curves":  # a curve is a function of x, with no settings of its own
        names = [c.get("name") for c in config.get("curve", [])]
        if layer_name not in names:
            raise TraceError(f"no layer {layer_name!r} (curves: {', '.join(map(str, names))})")
        return {}
    layers = (build_probe_layers(config, np.float64) if kind == "layer" else
              build_model(config, rng, np.float64).layers)
    by_name = {layer.name: layer for layer in layers}
    if layer_name not in by_name:
        raise TraceError(f"no layer {layer_name!r} (layers: {', '.join(by_name)})")
    settings = by_name[layer_name].settings()
    if None in settings.values():  # resolved by a forward pass
        x = (build_input(config["input"], np.float64) if kind == "layer" else
             build_data(config, rng, np.float64)[0][:1])
        for layer in layers:
            x = layer.forward(x)
        settings = by_name[layer_name].settings()
    return settings
