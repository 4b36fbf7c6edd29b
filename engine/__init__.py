"""nnanim's engine: a small vectorized NumPy engine that trains networks and traces them.

    from nnanim.engine import Dense, Conv2D, ReLU, Sequential, Trace

Names load on first use (PEP 562), so importing ``engine.errors`` alone stays cheap and
``nnanim --help`` does not pay for numpy.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "activations": ["ArcTan", "BinaryStep", "ELU", "Identity", "LeakyReLU", "PReLU", "ReLU",
                    "Sigmoid", "Softmax", "Softplus", "Tanh"],
    "conv2d": ["Conv2D"],
    "dense": ["Dense"],
    "dropout": ["Dropout"],
    "errors": ["ConfigError", "NnanimError", "ShapeError", "TraceError"],
    "flatten": ["Flatten"],
    "layer": ["Layer"],
    "losses": ["BinaryCrossEntropy", "CategoricalCrossEntropy", "Hinge", "Huber",
               "KLDivergence", "MAE", "MSE", "SparseCategoricalCrossEntropy"],
    "objectives": ["ExpQuadratic", "LinearRegressionLoss", "LogisticRegressionLoss",
                   "QuadraticBowl", "Rosenbrock"],
    "optimizers": ["Adam", "RMSprop", "SGD"],
    "pooling": ["AvgPool2D", "MaxPool2D"],
    "recording": ["RecordPolicy"],
    "regularizers": ["L1", "L2"],
    "schedules": ["ExponentialDecay", "StepDecay"],
    "sequential": ["Sequential"],
    "trace": ["Trace", "TraceWriter"],
    "trainer": ["Trainer"],
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
