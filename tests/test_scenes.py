"""What every scene of the catalog satisfies: its last frame renders (and matches its
snapshot), its listed mid-animation frames match theirs, every number it recorded as shown is
the trace's, its layout has no violation beyond tests/layout_baseline.json (texts readable,
inside the frame, not overlapping; captions and section ends long enough to read), every
section has presenter notes with traced numbers, and a
trace of another kind is refused in one line with exit 2. Parametrized over
``scenes()``: a new scene class is covered without editing a list. What is particular to one
scene (its values, lessons, other configs, its own refusals) is in tests/test_scene_<name>.py.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from conftest import CONFIGS, small_xor
from scene_utils import (assert_layout_baseline, assert_notes_cover_sections,
                         assert_shown_match_trace, assert_snapshot, load_rgb, refusal, render,
                         shared_render)

from nnanim.scenes.catalog import scenes


@dataclass(frozen=True)
class Particular:
    """A scene's own part of the contract."""

    #: mid-animation frames: (animation number, snapshot name after "<scene>_")
    mid: tuple[tuple[int, str], ...] = ()
    #: the fewest numbers the last frame's render records as shown: a count, or one computed
    #: from the rendered scene
    min_shown: int | Callable = 1
    #: the last frame's snapshot name after "<scene>_"
    last: str = "last"


#: every scene of the catalog, with its snapshots and how many numbers it shows at least
TABLE = {
    # 5 probes (x, f, f' twice), 40 table rows, 3 worked steps, 3 learning rates and ends
    "GradientDescent1D": Particular(mid=((26, "walk"), (34, "first_step")), min_shown=150),
    # a, b, L, ∂L/∂a, ∂L/∂b at every step, the two worked updates, the fit and θ*
    "LinearRegressionGD": Particular(mid=((10, "reading"), (19, "first_steps")),
                                     min_shown=lambda s: 5 * len(s.trace("main").all_steps) + 12),
    # 8 learning rates, the losses of 8 runners and the step counter at every drawn step
    "OptimizerRace": Particular(mid=((15, "ravine_end"), (43, "rosenbrock_lessons")),
                                min_shown=120),
    "Backpropagation": Particular(mid=((30, "chain_rule"), (44, "update")), min_shown=100),
    # x, w (3 each), b, z, y; each logistic unit's w and b, y at x = 0; the bump's w, b, v,
    # its output b and peak; η, and the fit's loss and 4 output weights at each of its
    # recorded steps
    "Neuron": Particular(mid=((13, "several_w"), (40, "training")),
                         min_shown=lambda s: 5 * len(s.trace("fit").steps) + 30),
    # ε, PReLU's α, ELU's α, the logistic's peak (f′, x) and tails (2 × f′, x),
    # ReLU at ±2 (f′, x), the two factors of the closing products
    "ActivationFunctions": Particular(mid=((10, "rectifiers"), (20, "saturation")),
                                      min_shown=15),
    # a, b, L, ∂L/∂a, ∂L/∂b and the threshold at every step, two worked updates, η, the end,
    # θ* and x*
    "LogisticRegressionGD": Particular(mid=((11, "reading"), (22, "first_step")),
                                       min_shown=lambda s: 6 * len(s.trace("main").all_steps)
                                       + 12),
    # logits, probabilities and own loss of both watched samples at step 0 and the end,
    # their p − y at the end, the wrong answer's caption, p = 0.9 on both BCE curves;
    # frame 20: the confident wrong point on the curve, 24: p − y with the update arrows
    "SoftmaxCrossEntropy": Particular(mid=((20, "wrong"), (24, "gradient")), min_shown=80),
    # w, b and loss of 3 runs at every recorded step; the lines at the outlier's x and that
    # x; δ, the outlier's off-chart loss and 3 slopes; the probe's margin and 2 slopes
    "LossFunctions": Particular(mid=((8, "verdict"), (19, "why")),
                                min_shown=lambda s: 9 * len(s.trace("main").steps) + 12),
    # the data settings and epochs, the main run's end loss and accuracy (train, test), each
    # panel's train and test accuracy, the captions' accuracies; frame 8: the end of the
    # training sweep, 18: the last unit's line on its tile and on the map
    "DecisionBoundary": Particular(mid=((8, "training"), (18, "units")), min_shown=16),
    # config numbers (n, size twice, σ, epochs), each run's loss and validation accuracy every
    # 4 epochs and at the end, K (4), three 7×7 feature maps and their pooled values;
    # frame 38: both runs' curves and the verdict, 52: the maps max-pooled to 0 and 2
    "WhyConvolutions": Particular(mid=((38, "verdict"), (52, "pooled")), min_shown=190),
    # w and ∂L_B/∂w at 9 steps of the batch-8 and one-example runs, g and v at 20 momentum
    # steps, the worked update, batch sizes, η's, β, the clip numbers and the landings
    "StochasticGradientDescent": Particular(mid=((12, "first_step"), (60, "momentum_turn")),
                                            min_shown=100),
    # per run: 4 final metrics, 3 settings (+ the split), 100 confusion counts, 8 mistake
    # cards × 3 classes, the framed cells' counts, the parameter count; the MLP's steps and
    # final accuracy; frame 23: the curves with the final table and the overfitting
    # caption, 30: the mistakes
    "MNISTMLPvsCNN": Particular(mid=((23, "curves"), (30, "mistakes")), min_shown=270),
    # the plain run's end losses, best epoch and its loss, each remedy's λ or p, end loss =
    # MSE + penalty and validation loss, each net's largest |w|; frame 9: the early-stop
    # mark with the grey fit, 16: the L2 column with its end rows
    "Overfitting": Particular(mid=((9, "early_stop"), (16, "remedies")), min_shown=36),
    # a loss per run and the step at every recorded step, plus the last step's "/ N"
    "VanishingGradients": Particular(mid=((20, "vanishing"), (37, "first_step")),
                                     min_shown=lambda s: 3 * len(s.trace("main").steps) + 1),
    # I (25) + K (9) + 3 written sums × (9 products · 2 factors + the sum) + 6 results
    # written as results only; frame 17: the first sum has flown into (1,1)
    "Convolution": Particular(mid=((17, "first_position"),), min_shown=25 + 9 + 3 * 19 + 6),
    # I (25) + K (9) + x (25) + M's 81 placed weights + 9 rows × (9 · 2 factors + y) + b
    # + 9 folded outputs; frame 16: M's first two rows placed, 46: row 4 · x written out
    "ConvolutionAsMatrix": Particular(mid=((16, "building"), (46, "multiplying")),
                                      min_shown=25 + 9 + 25 + 81 + 9 * 19 + 1 + 9),
    # 30 pixels, K, 12 positions × (9 weights, 9 pixels, the sum) and the flown outputs,
    # the map's range, a pooled block and its max
    "EdgeDetection": Particular(mid=((13, "window"), (36, "full")), min_shown=270),
    "ConvolutionBackward": Particular(mid=((16, "dK"), (41, "dI")), min_shown=400,
                                      last="summary"),
    # x (16) and each window's four entries, y twice (formula, grid), ∂L/∂y (4), ∂L/∂x (16)
    "MaxPooling": Particular(mid=((8, "forward"), (26, "backward")), min_shown=60),
    # 10 logits, 10 + 1 probabilities, 2 other digits, label; 6 rows of P(7); 6 batch losses
    # (35), and 4 metrics per epoch (test_scene_cnn_mnist.py checks there are exactly that
    # many); frame 26: the end of section 1, 33: the first row of the table added
    "CNNOnMNIST": Particular(mid=((26, "forward"), (33, "epoch1")),
                             min_shown=lambda s: 35 + 4 * len(s.trace("main").epochs)),
}

#: a trace of each kind, to give the scenes that take another: (bundled config, or a function)
TRACE_OF_KIND = {
    "objective": "descent_1d",
    "layer": "maxpool_deck",   # a MaxPool2D probe
    "network": lambda: small_xor(epochs=2),
    "curves": "activations",
}

NAMES = list(scenes())
MID_FRAMES = [pytest.param(name, animation, snapshot, id=f"{name}-{snapshot}")
              for name in NAMES for animation, snapshot in TABLE.get(name, Particular()).mid]
OTHER_KINDS = [pytest.param(name, kind, id=f"{name}-{kind}")
               for name, info in scenes().items() for kind in TRACE_OF_KIND
               if info.kinds and kind not in info.kinds]  # no kinds: it takes any


@pytest.fixture(scope="module")
def last(scene, tmp_path_factory):
    """(last frame PNG, scene object) of the default render, shared with the scene's own
    test file when they run in one process (conftest puts them in one xdist group)."""
    return shared_render(scene, tmp_path_factory)


@pytest.fixture(scope="session")
def trace_of_kind(tmp_path_factory):
    """kind -> the path of a small trace of that kind, trained on first use."""
    from nnanim.engine import config
    from nnanim.engine.run import run
    from nnanim.engine.trace import Trace

    made = {}

    def make(kind: str):
        if kind not in made:
            source = TRACE_OF_KIND[kind]
            path = tmp_path_factory.mktemp(f"{kind}-trace") / f"{kind}.trace"
            run(source() if callable(source) else config.load(CONFIGS / f"{source}.toml"), path)
            assert Trace(path).kind == kind
            made[kind] = path
        return made[kind]

    return make


def test_every_scene_is_in_the_table():
    missing = [n for n in NAMES if n not in TABLE]
    assert not missing, (f"add {missing} to TABLE in {__file__}: the mid frames worth a "
                         "snapshot and the fewest numbers the scene shows")
    assert not set(TABLE) - set(NAMES), "TABLE names scenes the catalog does not have"
    unknown = {k for info in scenes().values() for k in info.kinds} - set(TRACE_OF_KIND)
    assert not unknown, f"add a trace of kind {unknown} to TRACE_OF_KIND"


@pytest.mark.parametrize("scene", NAMES, scope="module")
def test_last_frame_renders_and_matches_its_snapshot(scene, last):
    png, _ = last
    rgb = load_rgb(png)
    assert (rgb != rgb[0, 0]).any(axis=-1).mean() > 0.01, f"{scene}'s last frame is blank"
    if scene in TABLE:
        assert_snapshot(png, f"{scene}_{TABLE[scene].last}")


@pytest.mark.parametrize("scene", NAMES, scope="module")
def test_every_number_shown_is_the_traces(scene, last):
    _, obj = last
    min_shown = TABLE.get(scene, Particular()).min_shown
    assert_shown_match_trace(obj, min_count=min_shown(obj) if callable(min_shown) else min_shown)


@pytest.mark.parametrize("scene", NAMES, scope="module")
def test_layout_has_no_violation_beyond_the_baseline(scene, last):
    """Issue #10 (items 3 and 4): scenes.layout.LayoutCheck ran at every play and wait of
    the default render (``shared_render`` sets ``check_layout``), in the dark theme: sizes,
    frame, overlaps, reading time and text contrast. Times are of the low-quality render
    (manim rounds a run time up to a frame, 1/15 s at low quality)."""
    _, obj = last
    assert_layout_baseline(scene, obj.layout.strings())


@pytest.mark.parametrize("scene", NAMES, scope="module")
def test_every_section_has_presenter_notes(scene, last):
    """What to say, the question to ask and the answer the trace gives, for every section;
    the numbers in them are the trace's (issue #14)."""
    assert_notes_cover_sections(last[1])


@pytest.mark.parametrize("scene", NAMES)
def test_light_theme_text_has_contrast(scene, tmp_path):
    """A theme is colours only (scenes/theme.py: no size or position), so the dark render
    checks the layout; the colours of text need the light render too: no text is written
    in a highlight colour (the light theme's amber reaches 2.1:1 on white)."""
    _, obj = render(scene, tmp_path, theme="light", check_layout=True)
    faint = [v for v in obj.layout.strings() if " contrast " in v]
    assert not faint, f"{scene}, light theme: " + "; ".join(faint)


@pytest.mark.parametrize("scene, animation, snapshot", MID_FRAMES)
def test_mid_frames_match_their_snapshots(scene, animation, snapshot, tmp_path):
    png, _ = render(scene, tmp_path, upto_animation=animation, suffix=f"_{snapshot}")
    assert_snapshot(png, f"{scene}_{snapshot}")


@pytest.mark.parametrize("scene, kind", OTHER_KINDS)
def test_a_trace_of_another_kind_is_refused_in_one_line(scene, kind, trace_of_kind, tmp_path):
    path = trace_of_kind(kind)
    kinds = " or ".join(scenes()[scene].kinds)
    # an empty cache: the refusal comes before any default run is trained
    env = dict(os.environ, NNANIM_CACHE=str(tmp_path / "cache"))
    message = refusal(scene, tmp_path, "--trace", str(path), env=env)
    assert f"{scene} needs a trace of kind '{kinds}', but {path} is a '{kind}' trace" in message
