"""ConvolutionBackward scene: renders, shows only traced numbers, and every sum it writes is
the traced ∂L/∂K, ∂L/∂I or ∂L/∂b; the row of maps states only true equations; it names input
and kernel as the other convolution scenes do; a network trace plays as heatmaps and says
what it sums."""
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from conftest import CONFIGS, small_xor
from numpy.lib.stride_tricks import sliding_window_view
from scene_utils import (assert_shown_match_trace, assert_snapshot, render, rendered,
                         shown_text_sets)

import nnanim.scenes
from nnanim.engine import config
from nnanim.engine.errors import TraceError
from nnanim.engine.run import run
from nnanim.scenes.catalog import scene_info
from nnanim.scenes.format import fmt_auto
from nnanim.scenes.layout import MIN_OPACITY, opacity, raw_text, texts_in

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

#: what the row of maps may say while it shows a ∗ or an =: the forward pass and the two
#: gradients (∗ is the deck's cross-correlation)
TRUE_ROWS = {"I ∗ K = Y", "I ∗ ∂L/∂Y = ∂L/∂K", "pad(∂L/∂Y) ∗ rot180(K) = ∂L/∂I"}
SCENES = Path(nnanim.scenes.__file__).parent


@dataclass
class Play:
    """One play (or wait) of the scene: what the row said before and after it, the maps it
    turned into others ("Y → ∂L/∂Y"), the operators it animated, the texts left on screen."""

    before: str
    after: str
    changes: list[str]
    ops: set[str]
    texts: list[str]


def tagged(scene) -> list:
    """The visible maps and operators of the row (tagged ``says`` by the scene), each once."""
    found = {}
    for m in scene.mobjects:
        for sub in m.get_family():
            if vars(sub).get("says") and opacity(sub) > MIN_OPACITY:
                found[id(sub)] = sub
    return list(found.values())


def row_reading(scene) -> str:
    """The row left to right, e.g. "I ∗ K = Y"; ∂L/∂Y inside its dashed padding reads
    "pad(∂L/∂Y)"."""
    items = tagged(scene)
    padded = any(m.says == "pad" for m in items)
    words: list[str] = []
    for m in sorted(items, key=lambda m: m.get_x()):
        word = "pad(∂L/∂Y)" if padded and m.says == "∂L/∂Y" else m.says
        if m.says != "pad" and (not words or words[-1] != word):
            words.append(word)
    return " ".join(words)


def flat(animations) -> list:
    out = []
    for a in animations:
        out += flat(getattr(a, "animations", [])) + [a]
    return out


def says(m) -> str | None:
    return vars(m).get("says") if m is not None else None


@pytest.fixture(scope="module")
def plays(tmp_path_factory) -> list[Play]:
    """The deck probe rendered (last frame only) with every play recorded."""
    cls, log = scene_info(SCENE).cls, []
    real = cls.play

    def play(self, *animations, **kwargs):
        before, anims = row_reading(self), flat(animations)
        changes = [f"{says(a.mobject)} → {says(a.target_mobject)}" for a in anims
                   if says(a.mobject) and says(getattr(a, "target_mobject", None))
                   and says(a.mobject) != says(a.target_mobject)]
        ops = {says(sub) for a in anims for sub in a.mobject.get_family()
               if says(sub) in ("∗", "=")}
        real(self, *animations, **kwargs)
        texts = [raw_text(t) for t in texts_in(self.mobjects) if opacity(t) > MIN_OPACITY]
        log.append(Play(before, row_reading(self), changes, ops, texts))

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cls, "play", play)
        render(SCENE, tmp_path_factory.mktemp("watched"))
    return log


def test_the_row_of_maps_states_only_true_equations(plays):
    """Issue #10: the output grid turned into ∂L/∂Y with "X ∗ K =" still beside it. While a
    ∗ or = shows, the row reads one of the true equations; a map turns into another only
    while no operator shows or moves."""
    for i, p in enumerate(plays):
        for reading in (p.before, p.after):
            if "∗" in reading.split() or "=" in reading.split():
                assert reading in TRUE_ROWS, (i, reading)
        if p.changes:
            assert not p.ops and not {"∗", "="} & set(p.before.split() + p.after.split()), \
                (i, p.changes, p.before, p.after)
    assert {p.after for p in plays} >= TRUE_ROWS  # each equation is stated
    turns = [(i, c) for i, p in enumerate(plays) for c in p.changes]
    assert [c for _, c in turns] == ["Y → ∂L/∂Y"], turns
    i = turns[0][0]  # the operators left in the play before the output turns
    assert plays[i - 1].before == "I ∗ K = Y" and plays[i - 1].after == "I K Y"


def test_input_and_kernel_are_named_as_in_the_other_convolution_scenes(plays):
    """One name for input and kernel across the convolution scenes and the deck's I∗K:
    whatever Convolution calls them, this scene says the same, and never X or ⋆."""
    conv = (SCENES / "convolution.py").read_text()
    matrix = (SCENES / "convolution_matrix.py").read_text()
    edges = (SCENES / "edge_detection.py").read_text()
    (i_name,) = set(re.findall(r"input (\w) \(", conv))
    (k_name,) = set(re.findall(r"kernel (\w) \(", conv)) | set(
        re.findall(r"filter (\w) \(", edges))
    assert {(i_name, k_name)} == set(re.findall(r"vec\((\w) ∗ (\w)\)", matrix))
    shown = {t for p in plays for t in p.texts}
    assert f"input {i_name}" in shown and f"kernel {k_name}" in shown
    assert any(f"∂L/∂{i_name}(" in t for t in shown)  # the worked sums of ∂L/∂I
    for t in shown:
        assert not re.search(r"(?<![A-Za-z\\])X(?![A-Za-z])", t), t
        assert "⋆" not in t and "\\star" not in t, t


def test_every_gradient_entry_is_written_from_the_trace(last):
    _, scene = last
    t, shown = scene.trace(), shown_text_sets(scene)
    dk, dx = t.get(0, LAYER, "W.grad")[0, 0], t.get(0, LAYER, "grad_input")[0, 0]
    for (a, b), v in np.ndenumerate(dk):
        assert fmt_auto(v) in shown[(0, LAYER, "W.grad", (0, 0, a, b))]
    for (i, j), v in np.ndenumerate(dx):
        assert fmt_auto(v) in shown[(0, LAYER, "grad_input", (0, 0, i, j))]
    assert fmt_auto(t.get(0, LAYER, "b.grad")[0]) in shown[(0, LAYER, "b.grad", (0,))]
    # every factor of the worked sums: all of I, ∂L/∂Y and K
    for q, shape in (("input", (5, 5)), ("grad_output", (3, 3)), ("W", (3, 3))):
        for i, j in np.ndindex(shape):
            assert (0, LAYER, q, (0, 0, i, j)) in shown, (q, i, j)
    assert fmt_auto(dk[0, 0]) == "14"  # ∂L/∂K(1,1) = 1·1 + 2·2 + 9·1 of the chosen ∂L/∂Y


def test_the_written_products_add_up_to_the_traced_sums(last):
    """What the screen claims: ∂L/∂K(a,b) = Σ I·∂L/∂Y over the window at (a,b), and
    ∂L/∂I(i,j) = Σ ∂L/∂Y·rot180(K) over the window on the zero-padded ∂L/∂Y."""
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
