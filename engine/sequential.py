"""Sequential: a stack of layers that names them and hands their values to a trace."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .layer import Layer

if TYPE_CHECKING:
    from .trace import TraceWriter


class Sequential(Layer):
    """y = f_L(... f_2(f_1(x)))

    Layers are named ``<type>_<index>`` (``dense_0``, ``sigmoid_1``, ...) unless a name
    was set. Parameters are addressed as ``"<layer>.<param>"`` (``"dense_0.W"``).

    When ``record`` is a (TraceWriter, step) pair, forward stores each layer's
    ``output`` (and the first layer's ``input``) and backward each ``grad_input`` (and
    the last layer's ``grad_output``); the trace reader serves a layer's ``input`` and
    ``grad_output`` from its neighbours, so every value is stored once.
    Activations are layers of their own, so a neuron's pre-activation z is the output
    of the Dense/Conv2D layer before it and a = f(z) is the activation layer's output.
    """

    def __init__(self, layers: list[Layer]) -> None:
        super().__init__()
        self.layers = list(layers)
        seen: set[str] = set()
        for i, layer in enumerate(self.layers):
            if layer.name == type(layer).__name__.lower():
                layer.name = f"{type(layer).__name__.lower()}_{i}"
            if layer.name in seen:
                raise ValueError(f"duplicate layer name {layer.name!r}")
            seen.add(layer.name)
        self.record: tuple[TraceWriter, int] | None = None
        self.input_grad = False  # True: always compute ∂L/∂x of the model's input

    # -- parameters ------------------------------------------------------------------------
    def named_params(self) -> dict[str, np.ndarray]:
        return {f"{l.name}.{k}": v for l in self.layers for k, v in l.params.items()}

    def named_grads(self) -> dict[str, np.ndarray]:
        return {f"{l.name}.{k}": v for l in self.layers for k, v in l.grads.items()}

    def train(self, mode: bool = True) -> "Sequential":
        self.training = mode
        for layer in self.layers:
            layer.training = mode
        return self

    def eval(self) -> "Sequential":
        return self.train(False)

    # -- passes ----------------------------------------------------------------------------
    def forward(self, x: np.ndarray) -> np.ndarray:
        rec = self.record
        prev = None
        for layer in self.layers:
            y = layer.forward(x)
            if rec is not None:
                w, step = rec
                # a layer's input is the previous layer's output: stored once, and
                # Trace.get("input") reads it from there
                if prev is None or not w.policy.records(prev.name, "output"):
                    w.record(step, layer.name, "input", x, batch_axis=True)
                w.record(step, layer.name, "output", y, batch_axis=True)
            prev = layer
            x = y
        return x

    def backward(self, grad_out: np.ndarray) -> np.ndarray | None:
        """Backprop ∂L/∂y through every layer; returns ∂L/∂x (None unless recorded).

        Like PyTorch with an input that does not require grad, the first layer skips
        ∂L/∂x (nobody updates the data) unless the trace records it at this step, and
        then computes it for the ``samples`` the trace keeps (so the result may have
        fewer rows than the batch) unless ``input_grad`` is set.
        """
        rec = self.record
        first = self.layers[0]
        if hasattr(first, "needs_input_grad"):
            recorded = rec is not None and rec[0].policy.records(first.name, "grad_input")
            first.needs_input_grad = self.input_grad or recorded
            # for the trace alone, ∂L/∂x of the samples it keeps is enough
            first.input_grad_rows = None if self.input_grad else (
                rec[0].policy.samples if recorded else None)
        above = None
        for layer in reversed(self.layers):
            g = layer.backward(grad_out)
            if rec is not None:
                w, step = rec
                # ∂L/∂y of a layer is ∂L/∂x of the layer above: stored once (there)
                if above is None or not w.policy.records(above.name, "grad_input"):
                    w.record(step, layer.name, "grad_output", grad_out, batch_axis=True)
                if g is not None:
                    w.record(step, layer.name, "grad_input", g, batch_axis=True)
            above = layer
            grad_out = g
        return grad_out

    def predict(self, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
        """Forward in eval mode, in batches, without recording."""
        was, rec = self.training, self.record
        self.eval()
        self.record = None
        try:
            outs = [self.forward(x[i:i + batch_size]) for i in range(0, len(x), batch_size)]
        finally:
            self.train(was)
            self.record = rec
        return np.concatenate(outs) if outs else np.empty((0,))

    def describe_layers(self) -> list[dict]:
        """Layer descriptions for a trace manifest."""
        return [layer.manifest_entry() for layer in self.layers]

    def describe(self) -> str:
        return " -> ".join(l.describe() for l in self.layers)
