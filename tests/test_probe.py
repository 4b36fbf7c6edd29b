"""Layer probes: the decks' convolution and pooling examples, traced by the engine."""
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from conftest import CONFIGS

from nnanim.engine import config
from nnanim.engine.errors import ConfigError
from nnanim.engine.run import run
from nnanim.engine.trace import Trace


def test_conv_deck_matches_torch(tmp_path):
    cfg = config.load(CONFIGS / "conv_deck.toml")
    assert cfg["run"]["kind"] == "layer"
    run(cfg, tmp_path / "t")
    t = Trace(tmp_path / "t")
    assert t.kind == "layer" and t.layers == ["conv2d_0"]
    x = torch.tensor(t.get(0, "conv2d_0", "input"), requires_grad=True)
    w = torch.tensor(t.get(0, "conv2d_0", "W"), requires_grad=True)
    y = torch.nn.functional.conv2d(x, w)
    g = torch.tensor(t.get(0, "conv2d_0", "grad_output"))
    y.backward(g)
    out = t.get(0, "conv2d_0", "output")
    np.testing.assert_allclose(out, y.detach().numpy(), atol=1e-12)
    assert out[0, 0, 0, 0] == 21  # the deck's (I*K)(1,1): 1·1 + 2·1 + 9·2
    assert out.shape == (1, 1, 3, 3)  # the deck's size question: (5 - 3)/1 + 1 = 3
    np.testing.assert_allclose(t.get(0, "conv2d_0", "W.grad"), w.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(t.get(0, "conv2d_0", "grad_input"), x.grad.numpy(), atol=1e-12)
    np.testing.assert_array_equal(t.get(0, "conv2d_0", "input_padded"), x.detach().numpy())


def test_maxpool_deck_routes_gradient_to_the_max(tmp_path):
    run(config.load(CONFIGS / "maxpool_deck.toml"), tmp_path / "t")
    t = Trace(tmp_path / "t")
    np.testing.assert_array_equal(t.get(0, "maxpool2d_0", "output")[0, 0], [[20, 30], [112, 37]])
    np.testing.assert_array_equal(t.get(0, "maxpool2d_0", "argmax")[0, 0], [[1, 2], [12, 10]])
    gi = t.get(0, "maxpool2d_0", "grad_input")[0, 0]
    assert gi[0, 1] == 1 and gi[0, 2] == 2 and gi[3, 0] == 3 and gi[2, 2] == 4
    assert np.count_nonzero(gi) == 4


@pytest.mark.parametrize("edit, message", [
    (("stride = 1", "stride = 0"), "stride"),
    (("kernel_size = 3", "kernel_size = 7"), "larger than the padded input"),
    (("padding = 0", "padding = \"full\""), "padding"),
    (("b = [0]", "b = [0, 1]"), "params.b has 2 values"),
    (("[upstream]\nseed = 0", "[upstream]\nvalues = [1, 2]"), "upstream.values has 2 values"),
    (("[params]", "[optimizer]\nname = \"sgd\"\n[params]"), "[optimizer] is not used"),
])
def test_probe_errors(edit, message, tmp_path):
    text = (CONFIGS / "conv_deck.toml").read_text().replace(*edit)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        run(config.loads(text), tmp_path / "t")
    assert not (tmp_path / "t").exists()


def test_mnist_digit_input(tmp_path):
    text = (CONFIGS / "conv_deck.toml").read_text()
    head, _, tail = text.partition("[input]")
    tail = tail[tail.index("[params]"):]
    text = head + "[input]\nmnist_index = 3\ncrop = [4, 9, 10, 16]\n" + tail
    run(config.loads(text), tmp_path / "t")
    x = Trace(tmp_path / "t").get(0, "conv2d_0", "input")
    assert x.shape == (1, 1, 5, 6) and 0 <= x.min() and x.max() <= 1


def test_chain_probe_conv_then_pool(tmp_path):
    text = """
[run]
kind = "layer"
[[layer]]
type = "Conv2D"
in_channels = 1
out_channels = 1
kernel_size = 3
[[layer]]
type = "MaxPool2D"
kernel_size = 2
[input]
mnist_index = 3500
[params.conv2d_0]
W = [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]]
b = [0]
"""
    run(config.loads(text), tmp_path / "t")
    t = Trace(tmp_path / "t")
    assert t.layers == ["conv2d_0", "maxpool2d_1"]
    fmap = t.get(0, "conv2d_0", "output")
    np.testing.assert_array_equal(t.get(0, "maxpool2d_1", "input"), fmap)
    pooled = torch.nn.functional.max_pool2d(torch.tensor(fmap), 2).numpy()
    np.testing.assert_array_equal(t.get(0, "maxpool2d_1", "output"), pooled)
    # the chain rule across the two probed layers
    np.testing.assert_array_equal(t.get(0, "conv2d_0", "grad_output"),
                                  t.get(0, "maxpool2d_1", "grad_input"))
    with pytest.raises(ConfigError, match="params.conv2d_9"):
        run(config.loads(text.replace("params.conv2d_0", "params.conv2d_9")), tmp_path / "u")


@pytest.mark.parametrize("edit, message", [
    (("stride = 1", "stride = 0"), "stride"),
    (("kernel_size = 3", "kernel_size = 7"), "larger than the padded input"),
    (("padding = 0", "padding = \"full\""), "padding"),
])
def test_render_with_impossible_conv_config_is_one_line_exit_2(edit, message, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text((CONFIGS / "conv_deck.toml").read_text().replace(*edit))
    p = subprocess.run([sys.executable, "-m", "nnanim.cli", "render", "Convolution",
                        "--config", str(bad), "--format", "png", "-q", "l",
                        "-o", str(tmp_path / "x.png")], capture_output=True, text=True,
                       env={**os.environ, "NNANIM_CACHE": str(tmp_path / "c")})
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], p.stderr
    assert not (tmp_path / "x.png").exists()


def test_probe_input_from_a_generated_data_set(tmp_path):
    """A vertical-edge filter and a max-pool over the whole map tell the deck's lines apart:
    vertical lines give a large pooled response, horizontal ones none."""
    from nnanim.engine.config import validate
    from nnanim.engine.datasets import get_dataset
    from nnanim.engine.run import run
    from nnanim.engine.trace import Trace

    data = {"name": "lines", "n": 10, "size": 8, "layout": "nchw", "seed": 0}
    cfg = validate({"run": {"name": "p", "kind": "layer"},
                    "layer": [{"type": "Conv2D", "in_channels": 1, "out_channels": 1,
                               "kernel_size": 2}, {"type": "MaxPool2D", "kernel_size": 7}],
                    "input": {"data": data, "index": list(range(10))},
                    "params": {"conv2d_0": {"W": [[1, -1], [1, -1]], "b": [0]}}})
    run(cfg, tmp_path / "t")
    t = Trace(tmp_path / "t")
    x, labels = get_dataset("lines", **{k: v for k, v in data.items() if k != "name"})
    np.testing.assert_array_equal(t.get(0, "conv2d_0", "input"), x)
    np.testing.assert_array_equal(t.static("input/labels"), labels)
    pooled = t.get(0, "maxpool2d_1", "output").reshape(-1)
    assert np.all(pooled[labels == 1] == 2) and np.all(pooled[labels == 0] == 0)
