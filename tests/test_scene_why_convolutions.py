"""WhyConvolutions: renders, shows the traced numbers, and its lessons hold on the traces:
the MLP learns the shuffled pixels as well as the original ones (and would match them number
for number if its starting weights were shuffled the same way), the vertical-edge filter and
max-pool give 0 for the horizontal line and the same positive value for the vertical line
and for that line moved one pixel; traces it cannot show are refused in one line."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import CONFIGS
from scene_utils import assert_shown_match_trace, refusal, rendered, shown_texts

from nnanim.engine import config
from nnanim.engine.run import run
from nnanim.engine.trace import Trace
from nnanim.scenes.format import fmt, fmt_minus

SCENE = "WhyConvolutions"
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once
RUNS = ("main", "shuffled")


def percent(p: float) -> str:
    return f"{100 * p:.1f} %"


def recovered_permutation(main: Trace, shuffled: Trace) -> np.ndarray:
    """p with shuffled_x[:, k] == main_x[:, p[k]] for every watched image (the noise makes
    every pixel column of the watched images distinct), or an AssertionError."""
    a, b = main.static("watch/x"), shuffled.static("watch/x")
    p = np.array([int(np.flatnonzero((a == b[:, [k]]).all(axis=0))[0]) for k in range(a.shape[1])])
    assert sorted(p) == list(range(a.shape[1]))
    np.testing.assert_array_equal(a[:, p], b)
    return p


def test_every_number_shown_is_the_traces(last):
    _, scene = last
    assert_shown_match_trace(scene, min_count=190)
    shown = shown_texts(scene)
    f = scene.trace("filter")
    maps = f.get(0, "conv2d_0", "output")
    for k in range(3):  # every entry of the three feature maps, and each pooled value
        for i in range(maps.shape[2]):
            for j in range(maps.shape[3]):
                assert shown[("filter", 0, "conv2d_0", "output", (k, 0, i, j))] == \
                    fmt_minus(maps[k, 0, i, j])
        assert shown[("filter", 0, "maxpool2d_1", "output", (k, 0, 0, 0))] == \
            fmt_minus(f.get(0, "maxpool2d_1", "output")[k, 0, 0, 0])
    w = f.get(0, "conv2d_0", "W")[0, 0]
    assert [shown[("filter", 0, "conv2d_0", "W", (0, 0, i, j))] for i in range(2)
            for j in range(2)] == [fmt_minus(v) for v in w.ravel()]
    for role in RUNS:  # the readouts reach the last epoch of both runs
        t = scene.trace(role)
        end = len(t.epochs) - 1
        assert shown[(role, None, "epoch", "loss", (end,))] == fmt(t.epochs[end]["loss"])
        assert shown[(role, None, "epoch", "val_accuracy", (end,))] == \
            percent(t.epochs[end]["val_accuracy"])


def test_the_two_runs_differ_only_in_where_the_pixels_sit(last):
    _, scene = last
    main, shuffled = (scene.trace(r) for r in RUNS)
    recovered_permutation(main, shuffled)  # one fixed permutation for every watched image
    assert not np.array_equal(main.static("watch/x"), shuffled.static("watch/x"))
    np.testing.assert_array_equal(main.static("watch/labels"), shuffled.static("watch/labels"))
    for key in ("data/train_indices", "data/val_indices"):
        np.testing.assert_array_equal(main.static(key), shuffled.static(key))
    for q in ("W", "b"):  # the same starting weights, not permuted
        np.testing.assert_array_equal(main.get(0, "dense_0", q), shuffled.get(0, "dense_0", q))
    np.testing.assert_array_equal(main.get(0, "batch", "indices"),
                                  shuffled.get(0, "batch", "indices"))


def test_the_shuffled_pixels_are_learnt_as_well(last):
    """The claim on screen, on the traces: both runs end with the same validation accuracy
    (within one image of the validation set) and close training losses; the curves differ
    along the way, which the scene says and explains."""
    _, scene = last
    main, shuffled = (scene.trace(r) for r in RUNS)
    end = [t.epochs[-1] for t in (main, shuffled)]
    n_val = len(main.static("data/val_indices"))
    assert abs(end[0]["val_accuracy"] - end[1]["val_accuracy"]) <= 1 / n_val + 1e-12
    assert min(e["val_accuracy"] for e in end) >= 0.95
    assert min(e["val_accuracy"] for e in end) > main.static("baseline/accuracy")[0] + 0.4
    assert abs(end[0]["loss"] - end[1]["loss"]) < 0.25 * max(e["loss"] for e in end)
    # not identical: the initial weights were not permuted with the pixels
    assert main.epochs[0]["loss"] != shuffled.epochs[0]["loss"]
    assert any("learns them just as well" in c for c in scene.captions)
    assert any("random start was not shuffled" in c for c in scene.captions)
    assert any("ignores where pixels are" in c for c in scene.captions)


def test_shuffling_the_starting_weights_too_makes_the_runs_match(last, monkeypatch, tmp_path):
    """Why the curves differ: permute the first layer's initial weight columns the way the
    pixels were permuted, and the shuffled run repeats the original number for number (up
    to the rounding of sums taken in another order)."""
    import nnanim.engine.run as engine_run

    _, scene = last
    main, shuffled = (scene.trace(r) for r in RUNS)
    p = recovered_permutation(main, shuffled)
    build = engine_run.build_model

    def permuted_start(cfg, rng, dtype):
        model = build(cfg, rng, dtype)
        W = model.layers[0].params["W"]
        W[...] = W[:, p]
        return model

    monkeypatch.setattr(engine_run, "build_model", permuted_start)
    cfg = config.load(CONFIGS / "lines_mlp_permuted.toml")
    cfg["record"] = {"enabled": False}
    run(cfg, tmp_path / "matched.trace")
    matched = Trace(tmp_path / "matched.trace")
    for metric in ("loss", "val_loss", "accuracy", "val_accuracy"):
        np.testing.assert_allclose([e[metric] for e in matched.epochs],
                                   [e[metric] for e in main.epochs], rtol=1e-9, atol=1e-12)


def test_the_filter_separates_the_lines_and_ignores_a_one_pixel_shift(last):
    _, scene = last
    f = scene.trace("filter")
    x = f.get(0, "conv2d_0", "input")[:, 0]
    maps = f.get(0, "conv2d_0", "output")[:, 0]
    pooled = f.get(0, "maxpool2d_1", "output").reshape(-1)
    argmax = f.get(0, "maxpool2d_1", "argmax").reshape(-1)
    assert list(f.static("input/labels")) == [0, 1, 1]
    # the shifted image is the vertical one moved one pixel right
    np.testing.assert_array_equal(x[2][:, 1:], x[1][:, :-1])
    # horizontal: no response anywhere; vertical: a large one, the same after the shift
    assert pooled[0] == 0 and not maps[0].any()
    assert pooled[1] > 1 and pooled[2] == pooled[1]
    # the map moved with the line, and so did the place the pool took its max from
    np.testing.assert_array_equal(maps[2][:, 1:], maps[1][:, :-1])
    w = maps.shape[2]
    assert argmax[2] % w == argmax[1] % w + 1 and argmax[2] // w == argmax[1] // w
    text = [fmt_minus(v) for v in pooled]
    assert f"Max-pool the whole map: {text[0]} for horizontal, {text[1]} for vertical. " \
        "Apart at once." in scene.captions
    assert f"The feature map moves with it; the pooled value stays {text[2]}." in scene.captions


@pytest.fixture(scope="module")
def traces(tmp_path_factory):
    """The default runs, a shuffled run without its permutation, and a probe whose third
    image is not the second one shifted."""
    d = tmp_path_factory.mktemp("why-conv-traces")
    for name in ("lines_mlp", "lines_filter"):
        run(config.load(CONFIGS / f"{name}.toml"), d / f"{name}.trace")
    cfg = config.load(CONFIGS / "lines_filter.toml")
    cfg["input"]["index"] = [1, 4, 6]  # 6: a vertical line three pixels further
    run(cfg, d / "not_shifted.trace")
    return d


def test_refuses_traces_it_cannot_show(traces, tmp_path):
    assert "run 'main' must be a network run" in refusal(
        SCENE, tmp_path, "--trace", str(traces / "lines_filter.trace"))
    assert "run 'shuffled' must shuffle the pixels (data.permute)" in refusal(
        SCENE, tmp_path, "--run", f"shuffled={traces / 'lines_mlp.trace'}")
    assert "run 'filter' must be a Conv2D + MaxPool2D probe" in refusal(
        SCENE, tmp_path, "--run", f"filter={traces / 'lines_mlp.trace'}")
    assert "the same vertical line one pixel to the right" in refusal(
        SCENE, tmp_path, "--run", f"filter={traces / 'not_shifted.trace'}")
