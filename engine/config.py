"""Run configs: TOML files describing a run, validated with errors that name the field.

A network run::

    [run]       name = "xor-mlp"; kind = "network"; seed = 0; dtype = "float64"
    [data]      name = "xor"; n = 4; noise = 0.0; validation = 0.0
    [model]     layers = [{type = "Dense", in_features = 2, out_features = 3}, {type = "Sigmoid"}, ...]
    [loss]      name = "mse"
    [optimizer] name = "sgd"; lr = 0.5; momentum = 0.0
    [schedule]  name = "step"; step_size = 10; gamma = 0.5; per = "epoch"
    [regularization] l1 = 0.0; l2 = 1e-4; on = ["W"]
    [clip]      value = 1.0   # or norm = 5.0
    [training]  epochs = 100; batch_size = 4; shuffle = true; patience = 5
    [record]    every = 1; samples = 8; layers = ["dense_0"]; quantities = [...]; checkpoint_every = 50

An objective run (kind = "objective") has ``[objective]`` (name, start, and the
objective's own options) instead of ``[model]``/``[loss]``, and ``training.steps``.
"""
from __future__ import annotations

import copy
import math
import tomllib
from pathlib import Path
from typing import Any

from .errors import ConfigError

# field -> (types, required). Sections map names to allowed fields; "*" allows any
# extra keys, which the component they configure (data set, objective) validates.
_NUM = (int, float)
SCHEMA: dict[str, dict[str, tuple[tuple[type, ...], bool]]] = {
    "run": {"name": ((str,), False), "kind": ((str,), False), "seed": ((int,), False),
            "dtype": ((str,), False), "description": ((str,), False)},
    "data": {"name": ((str,), True), "validation": (_NUM, False), "*": ((object,), False)},
    "model": {"layers": ((list,), True)},
    "loss": {"name": ((str,), True), "*": ((object,), False)},
    "objective": {"name": ((str,), True), "start": ((list,), False),
                  "probe": ((list,), False), "*": ((object,), False)},
    "optimizer": {"name": ((str,), True), "*": ((object,), False)},
    "schedule": {"name": ((str,), True), "per": ((str,), False), "*": ((object,), False)},
    "layer": {"*": ((object,), False)},  # a table, or an array of tables (a chain)
    "input": {"*": ((object,), False)},
    "params": {"*": ((object,), False)},
    "upstream": {"values": ((list,), False), "seed": ((int,), False)},
    "grid": {"*": ((object,), False)},   # run.kind = "curves": from, to, n
    "curve": {"*": ((object,), False)},  # an array of tables, [[curve]]
    "regularization": {"l1": (_NUM, False), "l2": (_NUM, False), "on": ((list,), False)},
    "clip": {"value": (_NUM, False), "norm": (_NUM, False)},
    "training": {"epochs": ((int,), False), "steps": ((int,), False),
                 "batch_size": ((int,), False), "shuffle": ((bool,), False),
                 "patience": ((int,), False), "min_delta": (_NUM, False)},
    "record": {"every": ((int,), False), "first": ((int,), False), "samples": ((int,), False),
               "layers": ((list, str), False), "quantities": ((list, str), False),
               "checkpoint_every": ((int,), False), "compress": ((bool,), False),
               "enabled": ((bool,), False), "grad_norms": ((bool,), False),
               "grid": ((int,), False), "grid_layers": ((bool,), False),
               "watch": ((list,), False)},
}

KINDS = ("network", "objective", "layer", "curves")
#: the sections each single-purpose kind uses (all of them required but params, upstream)
_ONLY = {"layer": ("layer", "input", "params", "upstream"), "curves": ("grid", "curve")}


def _type_name(types: tuple[type, ...]) -> str:
    names = {int: "an integer", float: "a number", str: "a string", list: "a list",
             bool: "true or false", object: "a value"}
    return " or ".join(dict.fromkeys(names[t] for t in types))


def _check_type(field: str, value: Any, types: tuple[type, ...]) -> None:
    if isinstance(value, bool) and bool not in types:
        raise ConfigError(f"{field} must be {_type_name(types)}, got {value!r}")
    if not isinstance(value, types):
        raise ConfigError(f"{field} must be {_type_name(types)}, got {value!r}")


def _check_lr(optimizer: dict) -> None:
    lr = optimizer.get("lr", 1.0)  # absent: the optimizer's default (or its own error)
    if isinstance(lr, bool) or not isinstance(lr, _NUM) or not math.isfinite(lr) or lr <= 0:
        raise ConfigError(f"optimizer.lr must be a finite number > 0, got {lr!r}")


def validate(cfg: dict) -> dict:
    """Check sections, field names and types; fill defaults. Returns a new dict."""
    if not isinstance(cfg, dict):
        raise ConfigError("config must be a table")
    cfg = copy.deepcopy(cfg)
    for section, body in cfg.items():
        if section not in SCHEMA:
            raise ConfigError(f"unknown section [{section}] "
                              f"(valid: {', '.join(SCHEMA)})")
        if section in ("layer", "curve") and isinstance(body, list) and body:
            continue  # [[layer]] chain, [[curve]]: each table is checked when it is built
        if not isinstance(body, dict):
            raise ConfigError(f"[{section}] must be a table")
        fields = SCHEMA[section]
        for key, value in body.items():
            if key in fields:
                _check_type(f"{section}.{key}", value, fields[key][0])
            elif "*" not in fields:
                raise ConfigError(f"unknown field {section}.{key} "
                                  f"(valid: {', '.join(k for k in fields if k != '*')})")
        for key, (_, required) in fields.items():
            if required and key not in body:
                raise ConfigError(f"missing field {section}.{key}")

    run = cfg.setdefault("run", {})
    run.setdefault("name", "run")
    run.setdefault("seed", 0)
    run.setdefault("dtype", "float64")
    if run["dtype"] not in ("float64", "float32"):
        raise ConfigError(f"run.dtype must be 'float64' or 'float32', got {run['dtype']!r}")
    kind = run.setdefault("kind", "objective" if "objective" in cfg else
                          "layer" if "layer" in cfg else
                          "curves" if "curve" in cfg else "network")
    if kind not in KINDS:
        raise ConfigError(f"run.kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if kind in _ONLY:
        for section in _ONLY[kind][:2]:
            if section not in cfg:
                raise ConfigError(f"missing section [{section}]")
        for section in cfg:
            if section not in ("run", *_ONLY[kind]):
                raise ConfigError(f"[{section}] is not used by run.kind = '{kind}'")
        return cfg
    for only, sections in _ONLY.items():
        for section in sections:
            if section in cfg:
                raise ConfigError(f"[{section}] is only for run.kind = '{only}'")
    if "optimizer" not in cfg:
        raise ConfigError("missing section [optimizer]")
    training = cfg.setdefault("training", {})
    if kind == "network":
        for section in ("data", "model", "loss"):
            if section not in cfg:
                raise ConfigError(f"missing section [{section}]")
        if "objective" in cfg:
            raise ConfigError("[objective] is only for run.kind = 'objective'")
        if not cfg["model"]["layers"]:
            raise ConfigError("model.layers must not be empty")
        for i, layer in enumerate(cfg["model"]["layers"]):
            if not isinstance(layer, dict) or not isinstance(layer.get("type"), str):
                raise ConfigError(f"model.layers[{i}] must be a table with a 'type'")
        training.setdefault("epochs", 10)
        if "steps" in training:
            raise ConfigError("training.steps is for objective runs; use training.epochs")
    else:
        if "objective" not in cfg:
            raise ConfigError("missing section [objective]")
        for section in ("model", "loss"):
            if section in cfg:
                raise ConfigError(f"[{section}] is only for run.kind = 'network'")
        training.setdefault("steps", 50)
        if "epochs" in training:
            raise ConfigError("training.epochs is for network runs; use training.steps")
    for key in ("epochs", "steps"):
        if key in training and training[key] < 1:
            raise ConfigError(f"training.{key} must be >= 1, got {training[key]}")
    if training.get("batch_size", 1) < 1:  # 0 would be a silent "full batch"
        raise ConfigError(f"training.batch_size must be >= 1 (omit it for the full batch), "
                          f"got {training['batch_size']}")
    if "patience" in training and training["patience"] < 1:
        raise ConfigError(f"training.patience must be >= 1, got {training['patience']}")
    _check_lr(cfg["optimizer"])
    if "validation" in cfg.get("data", {}):
        v = cfg["data"]["validation"]
        if not 0 <= v < 1:
            raise ConfigError(f"data.validation must be in [0, 1), got {v}")
    if "per" in cfg.get("schedule", {}) and cfg["schedule"]["per"] not in ("epoch", "step"):
        raise ConfigError("schedule.per must be 'epoch' or 'step'")
    for key in ("value", "norm"):
        if key in cfg.get("clip", {}) and cfg["clip"][key] <= 0:
            raise ConfigError(f"clip.{key} must be > 0, got {cfg['clip'][key]}")
    for key in ("l1", "l2"):
        if key in cfg.get("regularization", {}) and cfg["regularization"][key] < 0:
            raise ConfigError(f"regularization.{key} must be >= 0")
    from .recording import RecordPolicy

    RecordPolicy.from_config(cfg.get("record", {}))
    return cfg


def read_toml(path: Path, error: type[Exception] = ConfigError, what: str = "config",
              label: str | None = None) -> dict:
    """The TOML table of the ``what`` file ``path``; a missing file, invalid TOML or a
    binary file raises ``error`` in one line naming ``label`` (default: the path)."""
    label = str(path) if label is None else label
    if not path.is_file():
        raise error(f"no {what} file at {path}")
    try:
        return tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise error(f"{label}: invalid TOML: {e}") from None
    except UnicodeDecodeError:
        raise error(f"{label}: not a text file") from None


def load(path: str | Path) -> dict:
    """Read and validate a TOML config; errors name the file and the field."""
    p = Path(path)
    raw = read_toml(p)
    try:
        return validate(raw)
    except ConfigError as e:
        raise ConfigError(f"{p.name}: {e}") from None


def loads(text: str) -> dict:
    try:
        return validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"invalid TOML: {e}") from None
