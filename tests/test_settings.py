"""Layers carry their settings: resolved numbers in the trace manifest, and rebuilt from
the config for traces written before manifests kept them."""
import json

import numpy as np
import pytest
from conftest import CONFIGS

from nnanim.engine import config
from nnanim.engine.activations import ELU, LeakyReLU, PReLU, ReLU, Sigmoid, Softmax
from nnanim.engine.assets import bundled_config
from nnanim.engine.build import build_model, build_probe_layers, settings_from_config
from nnanim.engine.conv2d import Conv2D
from nnanim.engine.dense import Dense
from nnanim.engine.dropout import Dropout
from nnanim.engine.errors import TraceError
from nnanim.engine.flatten import Flatten
from nnanim.engine.pooling import AvgPool2D, MaxPool2D
from nnanim.engine.run import run
from nnanim.engine.trace import Trace


def conv(**kw):
    return Conv2D(2, 4, **{"kernel_size": 3, **kw})


@pytest.mark.parametrize("layer, settings", [
    (Dense(3, 5), {"in_features": 3, "out_features": 5}),
    (conv(), {"in_channels": 2, "out_channels": 4, "kernel_size": [3, 3], "stride": [1, 1],
              "padding": [0, 0, 0, 0], "padding_rule": "explicit"}),
    (conv(kernel_size=(3, 5), stride=(2, 1), padding=(1, 2)),
     {"in_channels": 2, "out_channels": 4, "kernel_size": [3, 5], "stride": [2, 1],
      "padding": [1, 1, 2, 2], "padding_rule": "explicit"}),
    (conv(padding=[0, 1, 2, 3]), {"in_channels": 2, "out_channels": 4, "kernel_size": [3, 3],
                                  "stride": [1, 1], "padding": [0, 1, 2, 3],
                                  "padding_rule": "explicit"}),
    (conv(padding="valid"), {"in_channels": 2, "out_channels": 4, "kernel_size": [3, 3],
                             "stride": [1, 1], "padding": [0, 0, 0, 0], "padding_rule": "valid"}),
    (conv(padding="SAME"), {"in_channels": 2, "out_channels": 4, "kernel_size": [3, 3],
                            "stride": [1, 1], "padding": [1, 1, 1, 1], "padding_rule": "same"}),
    (Conv2D(1, 1, kernel_size=2, padding="same"),  # even kernel: the extra zero goes after
     {"in_channels": 1, "out_channels": 1, "kernel_size": [2, 2], "stride": [1, 1],
      "padding": [0, 1, 0, 1], "padding_rule": "same"}),
    (MaxPool2D(2), {"kernel_size": [2, 2], "stride": [2, 2]}),
    (MaxPool2D((3, 2), stride=1), {"kernel_size": [3, 2], "stride": [1, 1]}),
    (AvgPool2D(3, stride=(2, 1)), {"kernel_size": [3, 3], "stride": [2, 1]}),
    (Dropout(0.25), {"p": 0.25}),
    (LeakyReLU(0.2), {"alpha": 0.2}),
    (ELU(), {"alpha": 1.0}),
    (PReLU(init=0.1), {"init": 0.1}),
    (ReLU(), {}), (Sigmoid(), {}), (Softmax(), {}), (Flatten(), {}),
])
def test_settings_of_every_layer_type(layer, settings):
    assert layer.settings() == settings
    assert json.loads(json.dumps(layer.settings())) == settings  # plain JSON
    entry = layer.manifest_entry()
    assert entry["settings"] == settings and entry["describe"] == layer.describe()


def test_same_padding_at_stride_2_is_resolved_by_the_input():
    layer = conv(stride=2, padding="same")
    assert layer.settings()["padding"] is None  # depends on the input's size
    layer.forward(np.zeros((1, 2, 6, 6)))
    assert layer.settings()["padding"] == [0, 1, 0, 1]  # o = 3: (3 - 1)·2 + 3 - 6 = 1 zero
    layer.forward(np.zeros((1, 2, 7, 7)))
    assert layer.settings()["padding"] == [1, 1, 1, 1]


def test_settings_rebuild_the_layer():
    """Settings are the constructor's arguments, resolved: they build the same layer."""
    for layer in (conv(kernel_size=(3, 5), stride=(2, 1), padding="same"),
                  MaxPool2D((3, 2), stride=1), Dense(3, 5), Dropout(0.3)):
        layer.forward(np.zeros((1, 2, 9, 9)) if isinstance(layer, Conv2D) else
                      np.zeros((1, 3, 9, 9)) if isinstance(layer, MaxPool2D) else
                      np.zeros((2, 3)))
        kw = {k: v for k, v in layer.settings().items() if k != "padding_rule"}
        again = type(layer)(**kw)
        assert {k: v for k, v in again.settings().items() if k != "padding_rule"} == kw


def test_manifests_carry_settings(tmp_path):
    run(config.load(CONFIGS / "conv_deck_stride2.toml"), tmp_path / "probe")
    (info,) = Trace(tmp_path / "probe").layer_info
    assert info["settings"] == {"in_channels": 1, "out_channels": 1, "kernel_size": [3, 3],
                                "stride": [2, 2], "padding": [0, 0, 0, 0],
                                "padding_rule": "explicit"}
    text = (CONFIGS / "xor_mlp.toml").read_text().replace("epochs = 1500", "epochs = 1")
    run(config.loads(text), tmp_path / "net")
    infos = Trace(tmp_path / "net").layer_info
    assert [i["settings"] for i in infos] == [{"in_features": 2, "out_features": 3}, {},
                                              {"in_features": 3, "out_features": 1}, {}]
    run(config.load(CONFIGS / "descent_1d.toml"), tmp_path / "objective")
    (info,) = Trace(tmp_path / "objective").layer_info
    assert info["name"] == "objective" and info["settings"] == {}


@pytest.mark.parametrize("name", [p.stem for p in sorted(CONFIGS.glob("*.toml"))])
def test_settings_from_config_of_every_bundled_config(name):
    cfg = config.load(bundled_config(name))
    kind = cfg["run"]["kind"]
    if kind == "objective":
        settings = settings_from_config(cfg, "objective")
        assert isinstance(settings, dict) and json.loads(json.dumps(settings)) == settings
        return
    if kind == "curves":
        assert all(settings_from_config(cfg, c["name"]) == {} for c in cfg["curve"])
        with pytest.raises(TraceError, match="no layer 'nope'"):
            settings_from_config(cfg, "nope")
        return
    layers = (build_probe_layers(cfg, np.float64) if kind == "layer" else
              build_model(cfg, np.random.default_rng(0), np.float64).layers)
    for layer in layers:
        settings = settings_from_config(cfg, layer.name)
        assert settings == layer.settings() and None not in settings.values()
    with pytest.raises(TraceError, match="no layer 'nope'"):
        settings_from_config(cfg, "nope")


def test_settings_from_config_matches_the_manifest(tmp_path):
    for name in ("conv_deck_same", "edge_digit_pooled", "maxpool_stride1"):
        cfg = config.load(bundled_config(name))
        t = Trace(run(cfg, tmp_path / name).trace)
        for info in t.layer_info:
            assert settings_from_config(t.config, info["name"]) == info["settings"]
    cnn = config.load(bundled_config("mnist_cnn"))
    assert settings_from_config(cnn, "conv2d_0") == {
        "in_channels": 1, "out_channels": 8, "kernel_size": [3, 3], "stride": [1, 1],
        "padding": [0, 0, 0, 0], "padding_rule": "explicit"}
    assert settings_from_config(cnn, "maxpool2d_2") == {"kernel_size": [2, 2], "stride": [2, 2]}


def test_settings_from_config_resolves_strided_same_padding_from_the_input():
    text = (CONFIGS / "conv_deck.toml").read_text().replace("stride = 1", "stride = 2")
    cfg = config.loads(text.replace("padding = 0", 'padding = "same"'))
    assert settings_from_config(cfg, "conv2d_0")["padding"] == [1, 1, 1, 1]  # 5×5 input
