"""The scenes nnanim can render, with one line each and their default runs (no manim here,
so ``nnanim list`` is fast). Each scene class's ``runs`` must equal its entry's ``runs``."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SceneInfo:
    name: str
    module: str
    description: str
    kind: str                          # trace kind the "main" run must have
    runs: dict[str, str] = field(default_factory=dict)


_ENTRIES = [
    SceneInfo("GradientDescent1D", "scenes.gradient_descent",
              "f(x) = e^-x + x^2: read the slope's sign, step against the gradient, "
              "then three learning rates", "objective",
              {"main": "descent_1d", "small": "descent_1d_lr_small",
               "large": "descent_1d_lr_large"}),
    SceneInfo("LinearRegressionGD", "scenes.linear_regression",
              "fit a*x + b by gradient descent: data, residuals, loss contours, dL/da, dL/db",
              "objective", {"main": "linear_regression"}),
    SceneInfo("OptimizerRace", "scenes.optimizer_race",
              "GD, mini-batch SGD, momentum and Adam racing on a ravine and on Rosenbrock",
              "objective",
              {"main": "race_ravine_gd", "ravine_sgd": "race_ravine_sgd",
               "ravine_momentum": "race_ravine_momentum", "ravine_adam": "race_ravine_adam",
               "rosen_gd": "race_rosenbrock_gd", "rosen_sgd": "race_rosenbrock_sgd",
               "rosen_momentum": "race_rosenbrock_momentum", "rosen_adam": "race_rosenbrock_adam"}),
    SceneInfo("Backpropagation", "scenes.backpropagation",
              "a 2-3-1 sigmoid MLP on XOR: forward, chain rule with real numbers, update, "
              "then training fast-forward", "network", {"main": "xor_mlp"}),
    SceneInfo("VanishingGradients", "scenes.vanishing_gradients",
              "per-layer gradient norms of a deep sigmoid net against the same net with ReLU",
              "network", {"main": "deep_sigmoid", "relu": "deep_relu"}),
]

SCENES: dict[str, SceneInfo] = {s.name: s for s in _ENTRIES}

#: the order a course teaches them (the default lecture)
LECTURE_ORDER = [s.name for s in _ENTRIES]
