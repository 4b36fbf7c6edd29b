"""Trainer: epochs of shuffled mini-batches, validation, early stopping, tracing."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .clipping import clip_by_norm, clip_by_value
from .sequential import Sequential
from .trace import TraceWriter


@dataclass
class TrainResult:
    steps: int = 0
    epochs: int = 0
    history: list[dict] = field(default_factory=list)
    stopped_early: bool = False
    interrupted: bool = False

    @property
    def final(self) -> dict:
        return self.history[-1] if self.history else {}


class Trainer:
    """Trains a ``Sequential`` by mini-batch gradient descent, one traced step at a time.

    One step on a batch (X_b, y_b):
        ŷ = model(X_b);  L = loss(ŷ, y_b) + Σ_r r(θ)
        dL/dθ by backprop (+ regularizer gradients), clipped by value or norm
        θ ← optimizer(θ, dL/dθ)   with lr from the schedule
    ``step`` counts batches from 0 across epochs. The writer (if any) records, per the
    policy, the batch, each layer's values and gradients, each parameter before, its
    gradient, its value after, and the optimizer state.
    """

    def __init__(self, model: Sequential, loss, optimizer, *, regularizers=(),
                 schedule=None, schedule_per: str = "epoch", clip_value: float | None = None,
                 clip_norm: float | None = None, classification: bool | None = None,
                 rng: np.random.Generator | None = None) -> None:
        self.model = model
        self.loss = loss
        self.optimizer = optimizer
        self.regularizers = list(regularizers)
        self.schedule = schedule
        self.schedule_per = schedule_per
        self.clip_value = clip_value
        self.clip_norm = clip_norm
        self.classification = (getattr(loss, "classification", False)
                               if classification is None else classification)
        self.rng = rng or np.random.default_rng(0)
        self.base_lr = optimizer.lr
        self.eval_inputs: np.ndarray | None = None  # recorded as eval/pred at recorded steps
        self.eval_layers = False  # also every layer's output on eval_inputs
        self.watch_inputs: np.ndarray | None = None  # followed layer by layer (watch/<layer>)
        self.watch_probabilities = False  # also record softmax of the output (logit losses)
        self.watch_targets: np.ndarray | None = None  # their targets: per-sample loss, ∂L/∂out
        self.grad_norms = False  # per-step scalars grad_norm/<layer>.<param>
        self.last_grad_norms: dict[str, float] = {}
        self.last_penalty: dict[str, float] = {}  # {"penalty": λ‖θ‖} with regularizers

    def _lr(self, epoch: int, step: int) -> float:
        if self.schedule is None:
            return self.base_lr
        t = epoch if self.schedule_per == "epoch" else step
        return float(self.schedule.lr_at(t, self.base_lr))

    def train_step(self, x: np.ndarray, y: np.ndarray, step: int,
                   writer: TraceWriter | None = None, record: bool = False,
                   indices: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        model = self.model
        model.record = (writer, step) if (writer is not None and record) else None
        try:
            if model.record is not None:
                if indices is not None:
                    writer.record(step, "batch", "indices", indices, group="batch", batch_axis=True)
                writer.record(step, "batch", "x", x, group="batch", batch_axis=True)
                writer.record(step, "batch", "y", y, group="batch", batch_axis=True)
                if self.eval_inputs is not None:
                    # θ before this step's update, like the other recorded values
                    writer.record(step, "eval", "pred", model.predict(self.eval_inputs),
                                  group="output")
                    if self.eval_layers:
                        # a neuron's weighted inputs on a line of x (1-D): its share of a sum
                        self._record_layers(writer, step, "eval", self.eval_inputs,
                                            terms=self.eval_inputs.shape[1] == 1)
                if self.watch_inputs is not None:
                    self._record_watch(writer, step)
            pred = model.forward(x)
            loss = float(self.loss.forward(pred, y))
            params = model.named_params()
            # the penalty λ‖θ‖ is part of the loss; kept apart too, so it can be shown
            self.last_penalty = {"penalty": sum(float(r.penalty(params))
                                                for r in self.regularizers)} \
                if self.regularizers else {}
            loss += self.last_penalty.get("penalty", 0.0)
            model.backward(self.loss.backward())
            grads = model.named_grads()
            for r in self.regularizers:
                r.add_grad(params, grads)
            if self.clip_value is not None:
                clip_by_value(grads, self.clip_value)
            if self.clip_norm is not None:
                clip_by_norm(grads, self.clip_norm)
            if self.grad_norms:
                self.last_grad_norms = {f"grad_norm/{k}": float(np.linalg.norm(g))
                                        for k, g in grads.items()}
            if model.record is not None:
                for key, p in params.items():
                    layer, name = key.rsplit(".", 1)
                    writer.record(step, layer, name, p, group="param")
                    writer.record(step, layer, f"{name}.grad", grads[key], group="grad")
            if writer is not None:
                writer.before_update(step)  # copies what P.after of an earlier step needs
            self.optimizer.step(params, grads)
            if model.record is not None:
                for key, p in params.items():
                    layer, name = key.rsplit(".", 1)
                    # the live array, stored once: as this P.after or the next step's P
                    writer.record_after(step, layer, name, p)
                    for sname, s in self.optimizer.state_buffers(key).items():
                        writer.record(step, layer, f"{name}.{sname}", s, group="state")
        finally:
            model.record = None
        return loss, pred

    def _record_watch(self, writer: TraceWriter, step: int) -> None:
        """Each layer's output on the watched samples, eval mode, θ before the update."""
        from .activations import Softmax

        h = self._record_layers(writer, step, "watch", self.watch_inputs)
        if self.watch_probabilities:
            writer.record(step, "watch", "probabilities", Softmax().forward(h), group="output")
        if self.watch_targets is not None:
            loss, grad = self._per_sample(h, self.watch_targets)
            writer.record(step, "watch", "loss", loss, group="output")
            writer.record(step, "watch", "grad", grad, group="output")

    def _per_sample(self, out: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each sample's own loss L_n and ∂L_n/∂out (its loss alone, a mean over one sample:
        for softmax cross-entropy the gradient is p − y). The loss object's cache is
        restored by the next training forward."""
        losses, grads = np.empty(len(out)), np.empty_like(out)
        for n in range(len(out)):
            losses[n] = self.loss.forward(out[n:n + 1], targets[n:n + 1])
            grads[n] = self.loss.backward()[0]
        return losses, grads

    def _record_layers(self, writer: TraceWriter, step: int, under: str, x: np.ndarray,
                       terms: bool = False) -> np.ndarray:
        """Each layer's output on ``x`` as ``<under>/<layer>``, eval mode, θ before the
        update; with ``terms`` also the last Dense layer's products x_i · W[o, i]
        (N, out, in) as ``<under>/<layer>.terms``: each hidden unit's share of the output
        (only the last: a wide hidden layer's would be N · width² numbers a step).
        Returns the last output."""
        model = self.model
        model.eval()
        dense = [layer for layer in model.layers
                 if "W" in layer.params and layer.params["W"].ndim == 2]
        h = x
        for layer in model.layers:
            if terms and dense and layer is dense[-1]:
                writer.record(step, under, f"{layer.name}.terms",
                              h[:, None, :] * layer.params["W"][None], group="output")
            h = layer.forward(h)
            writer.record(step, under, layer.name, h, group="output")
        model.train()
        return h

    def evaluate(self, x: np.ndarray, y: np.ndarray) -> dict:
        pred = self.model.predict(x)
        out = {"loss": float(self.loss.forward(pred, y))}
        if self.classification:
            out["accuracy"] = float(self.loss.accuracy(pred, y))
        return out

    def fit(self, x: np.ndarray, y: np.ndarray, *, epochs: int, batch_size: int | None = None,
            shuffle: bool = True, validation: tuple[np.ndarray, np.ndarray] | None = None,
            patience: int | None = None, min_delta: float = 0.0,
            writer: TraceWriter | None = None,
            on_step: Callable[[int, float], None] | None = None,
            on_epoch: Callable[[dict], None] | None = None) -> TrainResult:
        """Train for ``epochs`` (fewer with early stopping on validation loss).

        x (N, ...), y (N, ...) ; batch_size None or 0 means the full batch.
        Ctrl-C stops after the current step; the result is marked ``interrupted`` and
        the caller closes the writer (so the trace keeps every step done).
        """
        n = len(x)
        bs = n if not batch_size else min(int(batch_size), n)
        n_batches = -(-n // bs)
        total_steps = epochs * n_batches
        result = TrainResult()
        best, bad_epochs = np.inf, 0
        step = 0
        self.model.train()
        try:
            for epoch in range(epochs):
                lr = self._lr(epoch, step)
                order = self.rng.permutation(n) if shuffle else np.arange(n)
                loss_sum = correct = 0.0
                for b in range(n_batches):
                    if self.schedule_per == "step":
                        lr = self._lr(epoch, step)
                    self.optimizer.lr = lr
                    if writer is not None and writer.stop:  # a signal: stop between steps
                        raise KeyboardInterrupt
                    idx = order[b * bs:(b + 1) * bs]
                    xb, yb = x[idx], y[idx]
                    last = step == total_steps - 1
                    rec = writer is not None and writer.wants(step, last)
                    loss, pred = self.train_step(xb, yb, step, writer, rec, idx)
                    loss_sum += loss * len(idx)
                    if self.classification:
                        correct += self.loss.accuracy(pred, yb) * len(idx)
                    if writer is not None:
                        writer.end_step(step, epoch=epoch, batch=b, loss=loss, lr=lr,
                                        **self.last_penalty, **self.last_grad_norms)
                    if on_step is not None:
                        on_step(step, loss)
                    step += 1
                metrics = {"epoch": epoch, "loss": loss_sum / n, "lr": lr, "steps": step}
                if self.classification:
                    metrics["accuracy"] = correct / n
                if validation is not None and len(validation[0]):
                    v = self.evaluate(*validation)
                    metrics.update({f"val_{k}": val for k, val in v.items()})
                    self.model.train()
                result.history.append(metrics)
                result.epochs = epoch + 1
                if writer is not None:
                    writer.end_epoch(epoch, {k: v for k, v in metrics.items() if k != "epoch"})
                if on_epoch is not None:
                    on_epoch(metrics)
                if patience is not None and validation is not None:
                    if metrics["val_loss"] < best - min_delta:
                        best, bad_epochs = metrics["val_loss"], 0
                    else:
                        bad_epochs += 1
                        if bad_epochs >= patience:
                            result.stopped_early = True
                            break
        except KeyboardInterrupt:
            result.interrupted = True
        result.steps = step
        return result
