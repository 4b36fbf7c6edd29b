"""Registries: every name and alias builds its class; a new layer is one file."""
import importlib
import sys
import textwrap

import numpy as np
import pytest

from nnanim import engine
from nnanim.engine import config, registry
from nnanim.engine.build import build_model
from nnanim.engine.errors import ConfigError
from nnanim.engine.pooling import AvgPool2D, MaxPool2D
from nnanim.engine.registry import LAYERS, OBJECTIVES, Registry


@pytest.mark.parametrize("name, cls", [
    ("MaxPool2D", MaxPool2D), ("MaxPooling2D", MaxPool2D), ("max_pooling_2d", MaxPool2D),
    ("maxpool2d", MaxPool2D), ("AvgPool2D", AvgPool2D), ("AveragePooling2D", AvgPool2D),
    ("average-pooling-2d", AvgPool2D)])
def test_keras_layer_names(name, cls):
    assert LAYERS.get(name, "model.layers[0]") is cls
    model = build_model({"model": {"layers": [{"type": name, "kernel_size": 2}]}},
                        np.random.default_rng(0), np.float64)
    assert type(model.layers[0]) is cls and model.layers[0].name == f"{cls.__name__.lower()}_0"


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ConfigError) as e:
        LAYERS.get("Conv3D", "model.layers[2]")
    assert str(e.value).startswith("model.layers[2].type: unknown layer type 'Conv3D' (valid: "
                                   "ArcTan, AvgPool2D, BinaryStep, Conv2D, Dense,")
    with pytest.raises(ConfigError, match=r"^objective.name: unknown objective 'himmelblau' "
                                          r"\(valid: exp_quadratic, linear_regression,"):
        OBJECTIVES.build("himmelblau", "objective")


def test_build_checks_fields_and_passes_context_only_where_taken():
    reg = Registry("thing")
    seen = {}

    @reg.register("plain")
    def plain(size: int, scale: float = 1.0):
        return size * scale

    @reg.register("seeded")
    def seeded(size: int, rng=None):
        seen["rng"] = rng
        return size

    assert reg.build("plain", "thing", {"size": 2}, rng="ignored") == 2.0
    assert reg.build("seeded", "thing", {"size": 2}, rng="stream") == 2 and seen["rng"] == "stream"
    with pytest.raises(ConfigError, match=r"^thing \(plain\): unknown field 'rng' "
                                          r"\(valid: scale, size\)$"):
        reg.build("plain", "thing", {"size": 2, "rng": 1})
    with pytest.raises(ConfigError, match=r"^thing \(plain\): missing field 'size'$"):
        reg.build("plain", "thing", {})
    with pytest.raises(ValueError, match="taken by plain"):
        reg.register("Plain")(seeded)


LAYER_FILE = '''
"""A test layer in a module of its own: y = 2x."""
from nnanim.engine.layer import Layer
from nnanim.engine.registry import LAYERS


@LAYERS.register("Twice", "times_two")
class Doubler(Layer):
    def __init__(self, factor_check: int = 2):
        super().__init__()
        self.factor_check = factor_check

    def forward(self, x):
        return 2 * x

    def backward(self, grad_out):
        return 2 * grad_out

    def settings(self):
        return {"factor_check": self.factor_check}
'''


def test_a_new_layer_is_one_file(tmp_path, monkeypatch):
    """A module dropped into the engine package registers its layer on discovery: a config
    can use it with no list edited anywhere."""
    (tmp_path / "zz_test_doubler.py").write_text(textwrap.dedent(LAYER_FILE))
    monkeypatch.setattr(engine, "__path__", [*engine.__path__, str(tmp_path)])
    monkeypatch.setattr(registry, "_discovered", False)
    monkeypatch.setattr(LAYERS, "_entries", dict(LAYERS._entries))
    monkeypatch.setattr(LAYERS, "_primary", dict(LAYERS._primary))
    try:
        text = """
[data]
name = "xor"
[model]
layers = [{type = "times-two"}, {type = "Dense", in_features = 2, out_features = 1}]
[loss]
name = "mse"
[optimizer]
name = "sgd"
lr = 0.1
"""
        model = build_model(config.loads(text), np.random.default_rng(0), np.float64)
        assert "Twice" in LAYERS.names()
        first = model.layers[0]
        assert type(first).__name__ == "Doubler" and first.name == "doubler_0"
        assert first.manifest_entry()["settings"] == {"factor_check": 2}
        np.testing.assert_array_equal(first.forward(np.ones((1, 2))), [[2.0, 2.0]])
    finally:
        sys.modules.pop("nnanim.engine.zz_test_doubler", None)
    importlib.invalidate_caches()
