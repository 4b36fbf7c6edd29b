"""ConvolutionBackward scene: renders, shows only traced numbers, and every sum it writes is
the traced ∂L/∂K, ∂L/∂X or ∂L/∂b; a network trace plays as heatmaps and says what it sums."""
import numpy as np
import pytest
from conftest import CONFIGS, small_xor
from numpy.lib.stride_tricks import sliding_window_view
from scene_utils import (assert_shown_match_trace, assert_snapshot, render, rendered,
                         shown_text_sets)

from nnanim.engine import config
from nnanim.engine.errors import TraceError
from nnanim.engine.run import run
from nnanim.scenes.format import fmt_auto

SCENE = "ConvolutionBackward"
LAYER = "conv2d_0"

# a CNN small enough to train in a second: one 3×3 conv with 2 filters on MNIST
TINY_CNN = """
[run]
name = "tiny-cnn"
seed = 0
dtype = "float32"
[data]
name = "mnist_subset"
layout = "nchw"
[model]
layers = [
  { type = "Conv2D", in_channels = 1, out_channels = 2, kernel_size = 3 },
  { type = "ReLU" },
  { type = "MaxPool2D", kernel_size = 2 },
  { type = "Flatten" },
  { type = "Dense", in_features = 338, out_features = 10 },
]
[loss]
name = "sparse_cce"
[optimizer]
name = "sgd"
lr = 0.1
[training]
epochs = 1
batch_size = 1000
[record]
every = 2
samples = 2
"""

last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once


def test_every_gradient_entry_is_written_from_the_trace(last):
    _, scene = last
    t, shown = scene.trace(), shown_text_sets(scene)
    dk, dx = t.get(0, LAYER, "W.grad")[0, 0], t.get(0, LAYER, "grad_input")[0, 0]
    for (a, b), v in np.ndenumerate(dk):
        assert fmt_auto(v) in shown[(0, LAYER, "W.grad", (0, 0, a, b))]
    for (i, j), v in np.ndenumerate(dx):
        assert fmt_auto(v) in shown[(0, LAYER, "grad_input", (0, 0, i, j))]
    assert fmt_auto(t.get(0, LAYER, "b.grad")[0]) in shown[(0, LAYER, "b.grad", (0,))]
    # every factor of the worked sums: all of X, ∂L/∂Y and K
    for q, shape in (("input", (5, 5)), ("grad_output", (3, 3)), ("W", (3, 3))):
        for i, j in np.ndindex(shape):
            assert (0, LAYER, q, (0, 0, i, j)) in shown, (q, i, j)
    assert fmt_auto(dk[0, 0]) == "14"  # ∂L/∂K(1,1) = 1·1 + 2·2 + 9·1 of the chosen ∂L/∂Y


def test_the_written_products_add_up_to_the_traced_sums(last):
    """What the screen claims: ∂L/∂K(a,b) = Σ X·∂L/∂Y over the window at (a,b), and
    ∂L/∂X(i,j) = Σ ∂L/∂Y·rot180(K) over the window on the zero-padded ∂L/∂Y."""
    _, scene = last
    t = scene.trace()
    x, k = t.get(0, LAYER, "input")[0, 0], t.get(0, LAYER, "W")[0, 0]
    g = t.get(0, LAYER, "grad_output")[0, 0]
    windows = sliding_window_view(x, g.shape)
    np.testing.assert_array_equal(np.einsum("abpq,pq->ab", windows, g),
                                  t.get(0, LAYER, "W.grad")[0, 0])
    padded = sliding_window_view(np.pad(g, 2), k.shape)
    np.testing.assert_array_equal(np.einsum("ijab,ab->ij", padded, k[::-1, ::-1]),
                                  t.get(0, LAYER, "grad_input")[0, 0])


def test_a_network_trace_plays_as_heatmaps_and_says_what_it_sums(tmp_path):
    run(config.loads(TINY_CNN), tmp_path / "cnn")
    png, scene = render(SCENE, tmp_path, trace=tmp_path / "cnn")
    assert_snapshot(png, f"{SCENE}_network")
    assert_shown_match_trace(scene, min_count=30)
    cv, shown = scene.conv, shown_text_sets(scene)
    assert (cv.step, cv.batch, cv.filters, cv.in_shape) == (0, 1000, 2, (28, 28))
    for a, b in np.ndindex(3, 3):
        assert (0, LAYER, "W.grad", (0, 0, a, b)) in shown
        assert (0, LAYER, "W", (0, 0, a, b)) in shown


@pytest.mark.parametrize("make, message", [
    (lambda: config.validate(small_xor(epochs=1)), "needs a Conv2D layer"),
    (lambda: config.load(CONFIGS / "conv_deck_stride2.toml"), "stride-1 convolutions"),
    (lambda: config.load(CONFIGS / "conv_deck_same.toml"), "without padding"),
])
def test_a_convolution_the_scene_cannot_show_is_refused(tmp_path, make, message):
    run(make(), tmp_path / "t")
    with pytest.raises(TraceError, match=message):
        render(SCENE, tmp_path, trace=tmp_path / "t")
