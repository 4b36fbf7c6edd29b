"""run(config, out): build what a config describes (``build.py``), train it, trace it."""
from __future__ import annotations

import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .baseline import input_blind_baseline
from .build import (build_data, build_loss, build_model, build_objective, build_optimizer,
                    build_regularizers, build_schedule, targets_for)
from .errors import ConfigError
from .recording import RecordPolicy
from .trace import TraceWriter


@dataclass
class RunSummary:
    kind: str
    trace: Path
    steps: int
    epochs: int
    final: dict
    status: str
    size_bytes: int


def _policy(cfg: dict) -> RecordPolicy:
    return RecordPolicy.from_config(cfg.get("record", {}))


class _Interrupt:
    """Ctrl-C and SIGTERM (`kill`) stop a run at the end of a step, so the trace keeps every
    step done. A KeyboardInterrupt raised wherever the signal lands could cut a step's
    recording in half; instead the handler asks the writer to stop (``writer.stop``), and
    the training loop raises KeyboardInterrupt before its next step. A second signal while
    the first waits raises at once."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, writer) -> None:
        self.writer, self.old = writer, {}

    def __enter__(self):
        try:
            self.old = {s: signal.signal(s, self._request) for s in self.SIGNALS}
        except ValueError:  # not the main thread
            self.old = {}
        return self

    def _request(self, signum, frame):
        if self.writer.stop:  # asked before and still running: stop now
            raise KeyboardInterrupt
        self.writer.stop = True

    def __exit__(self, *exc):
        for s, old in self.old.items():
            signal.signal(s, old)


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
    if cfg["run"]["kind"] == "curves":
        from .curves import run_curves
        from .trace import Trace

        t = Trace(run_curves(cfg, out, dtype))
        return RunSummary("curves", t.path, 1, 0, t.summary, t.status, t.size_bytes())
    policy = policy or _policy(cfg)
    if cfg["run"]["kind"] == "objective":
        return _run_objective(cfg, out, dtype, data_rng, train_rng, policy,
                              on_step, on_checkpoint, total_steps)

    from .trainer import Trainer

    x, labels = build_data(cfg, data_rng, dtype)
    model = build_model(cfg, init_rng, dtype)
    loss, _ = build_loss(cfg)
    y = targets_for(cfg, labels, dtype)
    # check the model accepts the data before anything is written
    try:
        probe = model.predict(x[:2])
        loss.forward(probe, y[:2])
    except Exception as e:  # noqa: BLE001 - any shape mismatch becomes a config error
        raise ConfigError(f"model does not fit the data: {e}") from None
    opt = build_optimizer(cfg)
    schedule, per = build_schedule(cfg)
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
    grid = gy = None
    if policy.grid and policy.enabled:
        if x.ndim != 2 or x.shape[1] not in (1, 2):
            raise ConfigError("record.grid needs 1-D or 2-D inputs (N, 1) or (N, 2)")
        lo, hi = x.min(axis=0), x.max(axis=0)
        pad = 0.15 * (hi - lo) + 1e-9
        gx = np.linspace(lo[0] - pad[0], hi[0] + pad[0], policy.grid)
        if x.shape[1] == 1:  # a line of points; each layer's output on it is recorded too
            grid = gx[:, None].astype(dtype)
            trainer.eval_layers = True
        else:
            gy = np.linspace(lo[1] - pad[1], hi[1] + pad[1], policy.grid)
            xx, yy = np.meshgrid(gx, gy)  # row i = y[i], column j = x[j]
            grid = np.stack([xx.ravel(), yy.ravel()], axis=1).astype(dtype)
            trainer.eval_layers = policy.grid_layers
        trainer.eval_inputs = grid
    if policy.watch:
        bad = [i for i in policy.watch if i >= n]
        if bad:
            raise ConfigError(f"record.watch: sample {bad[0]} is out of range (0..{n - 1})")
        trainer.watch_inputs = x[policy.watch]
        trainer.watch_probabilities = loss.softmax
        trainer.watch_targets = y[policy.watch]
    bs = training.get("batch_size", 0) or len(x_tr)
    if total_steps is not None:
        total_steps(training["epochs"] * -(-len(x_tr) // min(bs, len(x_tr))))

    writer = TraceWriter(out, kind="network", config=cfg, seed=seed, policy=policy)
    writer.on_checkpoint = on_checkpoint
    writer.set_layers(model.describe_layers())
    writer.add_static("data/train_indices", tr_idx)
    classes = probe.shape[1] if probe.ndim == 2 else 0
    for key, value in input_blind_baseline(loss, y_tr, trainer.classification, classes).items():
        writer.add_static(f"baseline/{key}", np.array([value]))
    writer.add_static("data/val_indices", val_idx)
    if policy.watch:
        writer.add_static("watch/indices", np.asarray(policy.watch))
        writer.add_static("watch/x", x[policy.watch])
        writer.add_static("watch/labels", labels[policy.watch])
    if grid is not None:
        writer.add_static("eval/grid", grid)
        writer.add_static("eval/grid_x", gx)
        if gy is not None:
            writer.add_static("eval/grid_y", gy)
    if x[0].size <= 16:  # small inputs (2-D playground sets): keep the data for scenes
        writer.add_static("data/x", x)
        writer.add_static("data/labels", labels)
    status = "complete"
    with _Interrupt(writer):
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
            summary.update(steps=res.steps, epochs=res.epochs, stopped_early=res.stopped_early,
                           param_count=int(sum(p.size for p in model.named_params().values())))
            writer.set_summary(**summary)
            if validation is not None and trainer.classification:
                _record_validation(writer, model, loss, *validation)
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


#: how many misclassified validation samples a trace keeps (their inputs: digits to show)
WRONG_KEPT = 16


def _record_validation(writer, model, loss, x_val, y_val) -> None:
    """The trained model's verdict on every validation sample, as statics: ``val/predicted``
    and ``val/labels`` (N_val,) and ``val/confusion`` (C, C), row = true class, column =
    predicted), and the first WRONG_KEPT misclassified ones: ``val/wrong`` (indices into
    the validation set) and ``val/wrong_x`` (their inputs: the digits a model gets wrong)."""
    from .losses import predicted_class

    pred = model.predict(x_val)
    guess = predicted_class(pred, y_val, loss.threshold)
    truth = predicted_class(y_val, y_val)
    classes = max(int(guess.max()), int(truth.max()), pred.shape[1] - 1 if pred.ndim == 2 else 1) + 1
    confusion = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(confusion, (truth, guess), 1)
    writer.add_static("val/predicted", guess)
    writer.add_static("val/labels", truth)
    writer.add_static("val/confusion", confusion)
    wrong = np.flatnonzero(guess != truth)[:WRONG_KEPT]  # the first few mistakes, to show
    writer.add_static("val/wrong", wrong)
    writer.add_static("val/wrong_x", x_val[wrong])


def _run_objective(cfg, out, dtype, data_rng, train_rng, policy, on_step, on_checkpoint,
                   total_steps) -> RunSummary:
    from .descent import minimize

    start, probe = cfg["objective"].get("start"), cfg["objective"].get("probe")
    objective, data = build_objective(cfg, data_rng, dtype)
    if start is not None and len(start) != len(objective.default_start):
        raise ConfigError(f"objective.start must have {len(objective.default_start)} "
                          f"value(s), got {len(start)}")
    opt = build_optimizer(cfg)
    schedule, _ = build_schedule(cfg)
    steps = cfg["training"]["steps"]
    if total_steps is not None:
        total_steps(steps)
    writer = TraceWriter(out, kind="objective", config=cfg, seed=cfg["run"]["seed"],
                         policy=policy)
    writer.on_checkpoint = on_checkpoint
    writer.set_layers([{"name": "objective", "type": type(objective).__name__,
                        "describe": objective.describe(),
                        "params": {"theta": [len(objective.default_start)]},
                        "settings": objective.settings(), "coords": list(objective.coords)}])
    model_x = None
    if data is not None:
        writer.add_static("data/x", data[0])
        writer.add_static("data/y", data[1])
        lo, hi = float(np.min(data[0])), float(np.max(data[0]))
        pad = 0.1 * (hi - lo) + 1e-9
        grid = np.linspace(lo - pad, hi + pad, 121).astype(dtype)
        if objective.predict(objective.default_start, grid) is not None:  # a fitted model
            model_x = grid
            writer.add_static("model/x", model_x)
            if objective.minimizer is not None:  # the model the descent is heading for
                writer.add_static("model/prediction_star",
                                  objective.predict(objective.minimizer, grid))
                edge = objective.boundary(objective.minimizer)
                if edge is not None:
                    writer.add_static("model/boundary_star", np.array([edge]))
    curve_x = None
    if len(objective.default_start) == 1 and hasattr(objective, "curve"):
        xs, fx = objective.curve(201)
        writer.add_static("curve/x", xs)
        writer.add_static("curve/f", fx)
        if hasattr(objective, "batch_curve"):
            curve_x = xs
    minimum = objective.at_minimum()
    if minimum is not None:
        writer.add_static("objective/minimizer", np.asarray(objective.minimizer))
        writer.add_static("objective/min_value", np.array([minimum["value"]]))
        writer.add_static("objective/hessian", minimum["hessian"])
        writer.add_static("objective/max_stable_lr", np.array([minimum["max_stable_lr"]]))
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
    with _Interrupt(writer), np.errstate(over="ignore", invalid="ignore"):
        try:
            res = minimize(objective, opt, steps=steps, start=start, model_x=model_x,
                           curve_x=curve_x,
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
