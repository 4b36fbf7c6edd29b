"""EdgeDetection: renders, shows only traced numbers (a 7's pixels, the filter, each
window position's products and output, the feature map's range, a pooled block), checks
that the pooled run pools the full run's feature map, refuses traces it cannot show."""

import numpy as np
import pytest
from conftest import CONFIGS
from scene_utils import assert_shown_match_trace, refusal, render, rendered, shown_texts

from nnanim.engine import config
from nnanim.engine.run import run
from nnanim.scenes.format import fmt_auto

SCENE = "EdgeDetection"
CONV, POOL = "conv2d_0", "maxpool2d_1"  # POOL: the chained probe's second layer
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once


def test_the_window_is_a_real_seven_with_a_vertical_edge(last):
    _, scene = last
    t, full = scene.trace("main"), scene.trace("full")
    assert t.config["input"]["mnist_index"] == full.config["input"]["mnist_index"]
    from nnanim.engine.mnist import load_mnist_subset

    _, labels = load_mnist_subset()
    assert labels[t.config["input"]["mnist_index"]] == 7
    x, y = t.get(0, CONV, "input")[0, 0], t.get(0, CONV, "output")[0, 0]
    assert x.shape == (5, 6) and y.shape == (3, 4)
    r0, _, c0, _ = t.config["input"]["crop"]
    fmap = full.get(0, CONV, "output")[0, 0]  # padding 1: the window's outputs sit in it
    np.testing.assert_array_equal(fmap[r0 + 1:r0 + 4, c0 + 1:c0 + 5], y)
    assert y[:, 0].max() == 0 and y[:, 2:].min() > 400  # dark left, the edge on the right


def test_the_outputs_the_maps_range_and_a_pooled_block_are_shown(last):
    _, scene = last
    shown = shown_texts(scene)
    t = scene.trace("main")
    y = t.get(0, CONV, "output")
    for (p, q), v in np.ndenumerate(y[0, 0]):
        assert shown[("main", 0, CONV, "output", (0, 0, p, q))] == fmt_auto(v)
    fmap = scene.trace("full").get(0, CONV, "output")  # the colour scale's two ends
    ends = {v for k, v in shown.items() if k[0] == "full"}
    assert ends == {fmt_auto(fmap.min()), fmt_auto(fmap.max())}
    pooled = scene.trace("pooled")
    out = pooled.get(0, POOL, "output")
    (idx,) = [k[4] for k in shown if k[0] == "pooled" and k[3] == "output"]
    block = [pooled.get(0, POOL, "input")[k[4]] for k in shown
             if k[0] == "pooled" and k[3] == "input"]
    assert len(block) == 4 and out[idx] == max(block) == out.max()


@pytest.fixture(scope="module")
def other_traces(tmp_path_factory):
    d = tmp_path_factory.mktemp("other")
    run(config.load(CONFIGS / "maxpool_deck.toml"), d / "pool.trace")
    return d


@pytest.mark.parametrize("args, message", [
    (["--trace", "pool.trace"], "needs a Conv2D probe"),
    (["--run", "pooled=pool.trace"], "not the full run's feature map"),
])
def test_refuses_a_trace_it_cannot_show(other_traces, tmp_path, args, message):
    args = [a.replace("pool.trace", str(other_traces / "pool.trace")) for a in args]
    assert message in refusal(SCENE, tmp_path, *args)


def test_a_window_that_is_not_a_digit_crop(tmp_path):
    """Another conv probe as the window (the deck's I and K): no digit to zoom from."""
    png, scene = render(SCENE, tmp_path, config="conv_deck", upto_animation=6)
    assert scene.thumb is not None and len(scene.thumb) == 0
    assert_shown_match_trace(scene, min_count=25 + 9)
