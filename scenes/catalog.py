"""The scenes nnanim can render, with one line each and their default runs (no manim here,
so ``nnanim list`` is fast). Each scene class's ``runs`` must equal its entry's ``runs``."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SceneInfo:
    name: str
    module: str
    description: str
    kind: str | tuple[str, ...]        # trace kind(s) the "main" run may have
    runs: dict[str, str] = field(default_factory=dict)


_ENTRIES = [
    SceneInfo("GradientDescent1D", "nnanim.scenes.gradient_descent",
              "f(x) = e^-x + x^2: read the slope's sign, step against the gradient, "
              "then three learning rates", "objective",
              {"main": "descent_1d", "small": "descent_1d_lr_small",
               "large": "descent_1d_lr_large"}),
    SceneInfo("LinearRegressionGD", "nnanim.scenes.linear_regression",
              "fit a*x + b by gradient descent: data, residuals, loss contours, dL/da, dL/db",
              "objective", {"main": "linear_regression"}),
    SceneInfo("OptimizerRace", "nnanim.scenes.optimizer_race",
              "GD, mini-batch SGD, momentum and Adam racing on a ravine and on Rosenbrock",
              "objective",
              {"main": "race_ravine_gd", "ravine_sgd": "race_ravine_sgd",
               "ravine_momentum": "race_ravine_momentum", "ravine_adam": "race_ravine_adam",
               "rosen_gd": "race_rosenbrock_gd", "rosen_sgd": "race_rosenbrock_sgd",
               "rosen_momentum": "race_rosenbrock_momentum", "rosen_adam": "race_rosenbrock_adam"}),
    SceneInfo("Backpropagation", "nnanim.scenes.backpropagation",
              "a 2-3-1 sigmoid MLP on XOR: forward, chain rule with real numbers, update, "
              "then training fast-forward", "network", {"main": "xor_mlp"}),
    SceneInfo("VanishingGradients", "nnanim.scenes.vanishing_gradients",
              "per-layer gradient norms of a deep sigmoid net against the same net with ReLU",
              "network", {"main": "deep_sigmoid", "relu": "deep_relu"}),
    SceneInfo("Convolution", "nnanim.scenes.convolution",
              "the deck's I (5x5) * K (3x3): the window slides, products and sums written "
              "out; stride, padding and 3-channel variants", "layer", {"main": "conv_deck"}),
    SceneInfo("ConvolutionAsMatrix", "nnanim.scenes.convolution_matrix",
              "the same convolution as one sparse (Toeplitz) matrix times the flattened image",
              "layer", {"main": "conv_deck"}),
    SceneInfo("EdgeDetection", "nnanim.scenes.edge_detection",
              "a vertical-edge filter over a handwritten 7: a pixel window with numbers, the "
              "whole feature map, then max-pooled", "layer",
              {"main": "edge_digit_window", "full": "edge_digit_full",
               "pooled": "edge_digit_pooled"}),
    SceneInfo("ConvolutionBackward", "nnanim.scenes.convolution_backward",
              "dL/dK as the input correlated with the upstream gradient, dL/dX as a full "
              "convolution with the flipped kernel", ("layer", "network"),
              {"main": "conv_backward_deck"}),
    SceneInfo("MaxPooling", "nnanim.scenes.max_pooling",
              "the deck's 4x4 map, 2x2 windows, stride 2: maxima forward, gradients routed "
              "back to them", "layer", {"main": "maxpool_deck"}),
    SceneInfo("CNNOnMNIST", "nnanim.scenes.cnn_mnist",
              "a real digit through the trained CNN, then filters, feature maps and curves "
              "over training", "network", {"main": "mnist_cnn"}),
]

SCENES: dict[str, SceneInfo] = {s.name: s for s in _ENTRIES}

#: the order a course teaches them (the default lecture)
LECTURE_ORDER = [s.name for s in _ENTRIES]
