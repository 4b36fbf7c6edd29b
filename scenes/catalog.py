"""The scenes nnanim can render, derived from the scene classes themselves.

Every ``TraceScene`` subclass with a ``title`` defined in a module of ``nnanim.scenes`` is
a scene; its title, description, runs and trace kinds come from the class. The one thing
the classes cannot say is the order a course teaches them in: ``LECTURE_ORDER``.
Importing the catalog imports manim (about a second).
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache

from nnanim.engine.errors import NnanimError

#: the order a course teaches the scenes (the default lecture): what a neuron is and its
#: activations, then descent on the line, the losses (regression, then logistic, then
#: softmax cross-entropy), optimizers, backprop. Pooling comes before the edge-detection
#: part, which max-pools its feature map, and both lead into the CNN.
LECTURE_ORDER = ["Neuron", "ActivationFunctions", "GradientDescent1D", "LinearRegressionGD",
                 "LossFunctions", "LogisticRegressionGD", "SoftmaxCrossEntropy",
                 "StochasticGradientDescent", "OptimizerRace", "Backpropagation",
                 "DecisionBoundary", "Overfitting",
                 "VanishingGradients", "WhyConvolutions", "Convolution", "ConvolutionAsMatrix",
                 "ConvolutionBackward", "MaxPooling", "EdgeDetection", "CNNOnMNIST",
                 "MNISTMLPvsCNN"]


@dataclass(frozen=True)
class SceneInfo:
    """One scene, as its class describes it."""

    cls: type

    @property
    def name(self) -> str:
        return self.cls.__name__

    @property
    def title(self) -> str:
        return self.cls.title

    @property
    def description(self) -> str:
        return self.cls.description

    @property
    def runs(self) -> dict[str, str]:
        return dict(self.cls.runs)

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.cls.trace_kinds()


@cache
def scenes() -> dict[str, SceneInfo]:
    """{name: SceneInfo} of every scene, in lecture order (scenes not in LECTURE_ORDER last)."""
    import nnanim.scenes as package
    from nnanim.scenes.base import TraceScene

    found = {}
    for module in pkgutil.iter_modules(package.__path__):
        if module.ispkg:
            continue
        mod = importlib.import_module(f"{package.__name__}.{module.name}")
        for obj in vars(mod).values():
            if (isinstance(obj, type) and issubclass(obj, TraceScene) and obj.title
                    and obj.__module__ == mod.__name__):
                found[obj.__name__] = SceneInfo(obj)
    order = [n for n in LECTURE_ORDER if n in found] + sorted(set(found) - set(LECTURE_ORDER))
    return {name: found[name] for name in order}


def scene_info(name: str) -> SceneInfo:
    """The scene ``name``; an unknown name raises one line with a suggestion."""
    known = scenes()
    info = known.get(name)
    if info is None:
        close = [s for s in known if s.lower() == name.lower()]
        hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(known)}"
        raise NnanimError(f"unknown scene '{name}' ({hint})")
    return info
