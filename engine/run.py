"""run(config, out): build data, model, loss and optimizer from a config; train; trace."""
from __future__ import annotations

import inspect
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from . import activations, conv2d, dense, dropout, flatten, pooling
from .errors import ConfigError, ShapeError
from .recording import RecordPolicy
from .trace import TraceWriter

LAYER_TYPES: dict[str, type] = {}
for _module in (dense, conv2d, pooling, flatten, dropout, activations):
    for _name, _cls in vars(_module).items():
        if inspect.isclass(_cls) and _cls.__module__ == _module.__name__ and _name[0] != "_":
            from .layer import Layer
            if issubclass(_cls, Layer) and _cls is not Layer:
                LAYER_TYPES[_name.lower()] = _cls

#: losses whose targets are a float column (N, 1) for single-output networks
_COLUMN_TARGET_LOSSES = {"mse", "mae", "huber", "bce", "binarycrossentropy", "hinge",
                         "meansquarederror"}
_ONEHOT_LOSSES = {"cce", "categoricalcrossentropy", "kl", "kldivergence"}


@dataclass
class RunSummary:
    kind: str
    trace: Path
    steps: int
    epochs: int
    final: dict
    status: str
    size_bytes: int


def _kwargs(where: str, fn: Callable, body: dict, skip: tuple[str, ...] = ()) -> dict:
    """Check a config table against a callable's keyword arguments."""
    sig = inspect.signature(fn)
    allowed = {k for k, p in sig.parameters.items()
               if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)} - {"self", "rng", "dtype"}
    out = {}
    for k, v in body.items():
        if k in skip:
            continue
        if k not in allowed:
            raise ConfigError(f"{where}: unknown field '{k}' "
                              f"(valid: {', '.join(sorted(allowed)) or 'none'})")
        out[k] = tuple(v) if isinstance(v, list) else v
    return out


def build_model(cfg: dict, rng: np.random.Generator, dtype):
    from .sequential import Sequential

    layers = []
    for i, spec in enumerate(cfg["model"]["layers"]):
        where = f"model.layers[{i}]"
        cls = LAYER_TYPES.get(spec["type"].lower())
        if cls is None:
            raise ConfigError(f"{where}: unknown layer type '{spec['type']}' "
                              f"(valid: {', '.join(sorted(c.__name__ for c in LAYER_TYPES.values()))})")
        kw = _kwargs(f"{where} ({cls.__name__})", cls.__init__, spec, skip=("type", "name"))
        params = inspect.signature(cls.__init__).parameters
        if "rng" in params:
            kw["rng"] = rng
        if "dtype" in params:
            kw["dtype"] = dtype
        try:
            layer = cls(**kw)
        except ConfigError:
            raise
        except (TypeError, ValueError, ShapeError) as e:
            raise ConfigError(f"{where} ({cls.__name__}): {e}") from None
        if "name" in spec:
            layer.name = str(spec["name"])
        layers.append(layer)
    try:
        return Sequential(layers)
    except ValueError as e:
        raise ConfigError(f"model.layers: {e}") from None


def _targets(labels: np.ndarray, loss_name: str, n_classes: int, dtype) -> np.ndarray:
    from .datasets import one_hot

    key = loss_name.lower().replace("_", "")
    if key in _ONEHOT_LOSSES:
        return one_hot(labels, n_classes).astype(dtype)
    if key in _COLUMN_TARGET_LOSSES:
        y = labels.astype(dtype).reshape(-1, 1)
        return 2 * y - 1 if key == "hinge" else y
    return labels.astype(np.int64)


def build_loss(cfg: dict):
    """(loss object, its config name) from the [loss] table."""
    from .losses import get_loss

    body = dict(cfg["loss"])
    name = body.pop("name")
    return get_loss(name, **body), name


def targets_for(cfg: dict, labels: np.ndarray, dtype) -> np.ndarray:
    """Targets in the form the configured loss takes (column, one-hot or labels)."""
    n_classes = int(labels.max()) + 1 if np.issubdtype(labels.dtype, np.integer) else 1
    return _targets(labels, cfg["loss"]["name"], n_classes, dtype)


def build_regularizers(cfg: dict, model) -> list:
    from .regularizers import L1, L2

    reg_cfg = cfg.get("regularization", {})
    on = tuple(reg_cfg.get("on", ["W"]))
    regs = [r(reg_cfg[k], on=on) for k, r in (("l1", L1), ("l2", L2)) if reg_cfg.get(k)]
    for r in regs:
        r.validate(list(model.named_params()))
    return regs


def build_data(cfg: dict, rng: np.random.Generator, dtype) -> tuple[np.ndarray, np.ndarray]:
    """(X, labels) from the [data] table. X float (N, ...), labels (N,) ints or floats."""
    from . import datasets, mnist

    body = dict(cfg["data"])
    name = body.pop("name")
    body.pop("validation", None)
    if name in ("mnist_subset", "mnist_idx"):
        layout = body.pop("layout", "flat")
        limit = body.pop("limit", None)
        standardize = body.pop("standardize", False)
        if name == "mnist_subset":
            _kwargs("data (mnist_subset)", lambda path=None: None, body)
            images, labels = mnist.load_mnist_subset(body.get("path"))
        else:
            for k in ("images", "labels"):
                if k not in body:
                    raise ConfigError(f"missing field data.{k} (path of an IDX file)")
            _kwargs("data (mnist_idx)", lambda images, labels: None, body)
            images, labels = mnist.load_mnist_idx(body["images"], body["labels"])
        if layout not in ("flat", "nchw"):
            raise ConfigError(f"data.layout must be 'flat' or 'nchw', got {layout!r}")
        if limit is not None:  # a random subset: the bundled file is sorted by label
            keep = np.sort(rng.permutation(len(images))[:int(limit)])
            images, labels = images[keep], labels[keep]
        x, labels = mnist.prepare(images, labels, layout=layout)
        if standardize:  # MNIST's usual constants: pixel mean 0.1307, std 0.3081
            x = (x - 0.1307) / 0.3081
        return x.astype(dtype), labels
    if name not in datasets.DATASETS:
        raise ConfigError(f"data.name: unknown data set {name!r} (valid: "
                          f"{', '.join([*datasets.DATASETS, 'mnist_subset', 'mnist_idx'])})")
    body.setdefault("rng", rng)
    try:
        x, labels = datasets.get_dataset(name, **body)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"data ({name}): {e}") from None
    return np.asarray(x, dtype=dtype), np.asarray(labels)


def _optimizer(cfg: dict):
    from .optimizers import get_optimizer

    body = dict(cfg["optimizer"])
    name = body.pop("name")
    try:
        return get_optimizer(name, **{k: tuple(v) if isinstance(v, list) else v
                                      for k, v in body.items()})
    except TypeError as e:
        raise ConfigError(f"optimizer ({name}): {e}") from None


def _schedule(cfg: dict):
    if "schedule" not in cfg:
        return None, "epoch"
    from .schedules import get_schedule

    body = dict(cfg["schedule"])
    name, per = body.pop("name"), body.pop("per", "epoch")
    try:
        return get_schedule(name, **body), per
    except TypeError as e:
        raise ConfigError(f"schedule ({name}): {e}") from None


def _policy(cfg: dict) -> RecordPolicy:
    return RecordPolicy.from_config(cfg.get("record", {}))


class _Interrupt:
    """Turns SIGTERM into KeyboardInterrupt so `kill` saves the trace like Ctrl-C."""

    def __enter__(self):
        try:
            self.old = signal.signal(signal.SIGTERM, self._raise)
        except ValueError:  # not the main thread
            self.old = None
        return self

    @staticmethod
    def _raise(signum, frame):
        raise KeyboardInterrupt

    def __exit__(self, *exc):
        if self.old is not None:
            signal.signal(signal.SIGTERM, self.old)


def run(cfg: dict, out: str | Path, *, policy: RecordPolicy | None = None,
        on_step: Callable[[int, float], None] | None = None,
        on_epoch: Callable[[dict], None] | None = None,
        on_checkpoint: Callable[[int], None] | None = None,
        total_steps: Callable[[int], None] | None = None) -> RunSummary:
    """Train (or minimize) what ``cfg`` describes, tracing into ``out``.

    Everything is built and checked before the trace folder is created, so a bad
    config writes nothing. ``total_steps`` is called once with the planned number
    of steps (for a progress bar).
    """
    dtype = np.float32 if cfg["run"]["dtype"] == "float32" else np.float64
    seed = cfg["run"]["seed"]
    # separate streams so e.g. changing the data noise does not change the init
    data_rng, init_rng, train_rng = (np.random.default_rng(s)
                                     for s in np.random.SeedSequence(seed).spawn(3))
    if cfg["run"]["kind"] == "layer":
        from .probe import run_probe
        from .trace import Trace

        t = Trace(run_probe(cfg, out, dtype))
        return RunSummary("layer", t.path, 1, 0, t.summary, t.status, t.size_bytes())
    policy = policy or _policy(cfg)
    if cfg["run"]["kind"] == "objective":
        return _run_objective(cfg, out, dtype, data_rng, train_rng, policy,
                              on_step, on_checkpoint, total_steps)

    from .trainer import Trainer

    x, labels = build_data(cfg, data_rng, dtype)
    model = build_model(cfg, init_rng, dtype)
    loss, loss_name = build_loss(cfg)
    y = targets_for(cfg, labels, dtype)
    # check the model accepts the data before anything is written
    try:
        probe = model.predict(x[:2])
        loss.forward(probe, y[:2])
    except Exception as e:  # noqa: BLE001 - any shape mismatch becomes a config error
        raise ConfigError(f"model does not fit the data: {e}") from None
    opt = _optimizer(cfg)
    schedule, per = _schedule(cfg)
    regs = build_regularizers(cfg, model)
    training = cfg["training"]
    val_frac = cfg["data"].get("validation", 0.0)
    n = len(x)
    perm = data_rng.permutation(n)
    n_val = int(round(n * val_frac))
    val_idx, tr_idx = np.sort(perm[:n_val]), np.sort(perm[n_val:])
    x_tr, y_tr = x[tr_idx], y[tr_idx]
    validation = (x[val_idx], y[val_idx]) if n_val else None
    trainer = Trainer(model, loss, opt, regularizers=regs, schedule=schedule, schedule_per=per,
                      clip_value=cfg.get("clip", {}).get("value"),
                      clip_norm=cfg.get("clip", {}).get("norm"), rng=train_rng,
                      classification=bool(np.issubdtype(labels.dtype, np.integer)))
    trainer.grad_norms = policy.grad_norms
    grid = None
    if policy.grid and policy.enabled:
        if x.ndim != 2 or x.shape[1] != 2:
            raise ConfigError("record.grid needs 2-D inputs (N, 2)")
        lo, hi = x.min(axis=0), x.max(axis=0)
        pad = 0.15 * (hi - lo) + 1e-9
        gx = np.linspace(lo[0] - pad[0], hi[0] + pad[0], policy.grid)
        gy = np.linspace(lo[1] - pad[1], hi[1] + pad[1], policy.grid)
        xx, yy = np.meshgrid(gx, gy)  # row i = y[i], column j = x[j]
        grid = np.stack([xx.ravel(), yy.ravel()], axis=1).astype(dtype)
        trainer.eval_inputs = grid
    if policy.watch:
        bad = [i for i in policy.watch if i >= n]
        if bad:
            raise ConfigError(f"record.watch: sample {bad[0]} is out of range (0..{n - 1})")
        trainer.watch_inputs = x[policy.watch]
        trainer.watch_probabilities = loss_name.lower().replace("_", "") in (
            "cce", "sparsecce", "categoricalcrossentropy", "sparsecategoricalcrossentropy")
    bs = training.get("batch_size", 0) or len(x_tr)
    if total_steps is not None:
        total_steps(training["epochs"] * -(-len(x_tr) // min(bs, len(x_tr))))

    writer = TraceWriter(out, kind="network", config=cfg, seed=seed, policy=policy)
    writer.on_checkpoint = on_checkpoint
    writer.set_layers(model.describe_layers())
    writer.add_static("data/train_indices", tr_idx)
    writer.add_static("data/val_indices", val_idx)
    if policy.watch:
        writer.add_static("watch/indices", np.asarray(policy.watch))
        writer.add_static("watch/x", x[policy.watch])
        writer.add_static("watch/labels", labels[policy.watch])
    if grid is not None:
        writer.add_static("eval/grid", grid)
        writer.add_static("eval/grid_x", gx)
        writer.add_static("eval/grid_y", gy)
    if x[0].size <= 16:  # small inputs (2-D playground sets): keep the data for scenes
        writer.add_static("data/x", x)
        writer.add_static("data/labels", labels)
    status = "complete"
    with _Interrupt():
        try:
            res = trainer.fit(x_tr, y_tr, epochs=training["epochs"],
                              batch_size=training.get("batch_size"),
                              shuffle=training.get("shuffle", True), validation=validation,
                              patience=training.get("patience"),
                              min_delta=training.get("min_delta", 0.0),
                              writer=writer, on_step=on_step, on_epoch=on_epoch)
            if res.interrupted:
                status = "interrupted"
            summary = dict(res.final)
            summary.update(steps=res.steps, epochs=res.epochs, stopped_early=res.stopped_early)
            writer.set_summary(**summary)
        except KeyboardInterrupt:
            status, res = "interrupted", None
        except BaseException:
            writer.fail()
            raise
        path = writer.close(status=status)
    from .trace import Trace

    t = Trace(path)
    return RunSummary("network", path, len(t.all_steps), len(t.epochs), t.summary, t.status,
                      t.size_bytes())


def _run_objective(cfg, out, dtype, data_rng, train_rng, policy, on_step, on_checkpoint,
                   total_steps) -> RunSummary:
    from .descent import minimize
    from .objectives import get_objective

    body = dict(cfg["objective"])
    name = body.pop("name")
    start = body.pop("start", None)
    probe = body.pop("probe", None)
    if "data" in cfg:
        x, labels = build_data(cfg, data_rng, dtype)
        body["x"], body["y"] = np.asarray(x).reshape(-1), np.asarray(labels, dtype=dtype)
    try:
        objective = get_objective(name, **body)
    except TypeError as e:
        raise ConfigError(f"objective ({name}): {e}") from None
    if start is not None and len(start) != len(objective.default_start):
        raise ConfigError(f"objective.start must have {len(objective.default_start)} "
                          f"value(s), got {len(start)}")
    opt = _optimizer(cfg)
    schedule, _ = _schedule(cfg)
    steps = cfg["training"]["steps"]
    if total_steps is not None:
        total_steps(steps)
    writer = TraceWriter(out, kind="objective", config=cfg, seed=cfg["run"]["seed"],
                         policy=policy)
    writer.on_checkpoint = on_checkpoint
    writer.set_layers([{"name": "objective", "type": type(objective).__name__,
                        "describe": getattr(objective, "describe", lambda: name)()
                        if callable(getattr(objective, "describe", None)) else name,
                        "params": {"theta": [len(objective.default_start)]},
                        "coords": list(objective.coords)}])
    if "data" in cfg:
        writer.add_static("data/x", body["x"])
        writer.add_static("data/y", body["y"])
    if len(objective.default_start) == 1 and hasattr(objective, "curve"):
        xs, fx = objective.curve(201)
        writer.add_static("curve/x", xs)
        writer.add_static("curve/f", fx)
    if getattr(objective, "minimizer", None) is not None:
        writer.add_static("objective/minimizer", np.asarray(objective.minimizer))
    if probe is not None:  # f and ∇f at chosen points, e.g. the deck's walk along x
        pts = np.asarray(probe, dtype=dtype).reshape(len(probe), -1)
        if pts.shape[1] != len(objective.default_start):
            raise ConfigError(f"objective.probe points must have "
                              f"{len(objective.default_start)} coordinate(s)")
        writer.add_static("probe/theta", pts)
        writer.add_static("probe/value", np.array([objective.value(p) for p in pts]))
        writer.add_static("probe/grad", np.stack([objective.grad(p) for p in pts]))
    if len(objective.default_start) == 2 and hasattr(objective, "surface"):
        xs, ys, z = objective.surface(121, 121)
        writer.add_static("surface/x", xs)
        writer.add_static("surface/y", ys)
        writer.add_static("surface/z", z)
    status = "complete"
    with _Interrupt(), np.errstate(over="ignore", invalid="ignore"):
        try:
            res = minimize(objective, opt, steps=steps, start=start,
                           batch_size=cfg["training"].get("batch_size"), schedule=schedule,
                           clip_value=cfg.get("clip", {}).get("value"),
                           clip_norm=cfg.get("clip", {}).get("norm"),
                           rng=train_rng, writer=writer, dtype=dtype, on_step=on_step)
            if res.interrupted:
                status = "interrupted"
            writer.set_summary(steps=res.steps, loss=res.value, theta=res.theta,
                               diverged=res.diverged)
        except KeyboardInterrupt:
            status = "interrupted"
        except BaseException:
            writer.fail()
            raise
        path = writer.close(status=status)
    from .trace import Trace

    t = Trace(path)
    return RunSummary("objective", path, len(t.all_steps), 0, t.summary, t.status,
                      t.size_bytes())
