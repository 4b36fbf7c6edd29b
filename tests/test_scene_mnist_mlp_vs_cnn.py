"""MNISTMLPvsCNN: the numbers on screen are the traces' (final metrics, settings, confusion
counts, the mistakes' classes, the summaries' parameter counts), both runs learned the same
digits with the same split, the lessons hold on the traces (the CNN reads new digits better
with far fewer parameters; the MLP fits its training digits better and its validation loss
stops falling; the subset gives less than the decks' 97-98 %), and traces it cannot show are
refused in one line."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import CONFIGS, small_xor
from scene_utils import assert_shown_match_trace, refusal, rendered, shown_texts

from nnanim.engine import config
from nnanim.engine.run import run
from nnanim.scenes.format import fmt, fmt_int
from nnanim.scenes.mnist_mlp_vs_cnn import (ROLES, best_epoch, digit_image, layer_rows,
                                            percent, thousands, top_mistakes)

SCENE = "MNISTMLPvsCNN"
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once


def test_every_number_is_the_traces(last):
    _, scene = last
    # 4 final metrics × 2 runs, 3 settings × 2 + the split, 200 confusion counts, 3 numbers
    # per mistake card, the framed cells, the steps
    assert_shown_match_trace(scene, min_count=8 + 7 + 200 + 3 * 16)
    shown = shown_texts(scene)
    for role in ROLES:
        t = scene.trace(role)
        end = (len(t.epochs) - 1,)
        for metric in ("accuracy", "val_accuracy"):
            assert shown[(role, None, "epoch", metric, end)] == percent(t.epochs[-1][metric])
        for metric in ("loss", "val_loss"):
            assert shown[(role, None, "epoch", metric, end)] == fmt(t.epochs[-1][metric])
        c = t.static("val/confusion")
        for i in range(10):
            for j in range(10):
                assert shown[(role, None, "static", "val/confusion", (i, j))] == str(c[i, j])
    assert shown[("main", None, "config", "optimizer.lr", ())] == "0.01"
    assert shown[("main", None, "config", "data.validation", ())] == "20 %"


def test_parameter_counts_are_the_summaries(last):
    """The summary's param_count is shown and equals the parameters the trace recorded,
    whose shapes the columns list."""
    _, scene = last
    shown = [(s.text, s.value, s.role) for s in scene.shown.items if s.layer == "summary"]
    assert shown == [(thousands(scene.trace(r).summary["param_count"]),
                      float(scene.trace(r).summary["param_count"]), r) for r in ROLES]
    for role in ROLES:
        t = scene.trace(role)
        recorded = sum(t.get(0, layer["name"], p).size
                       for layer in t.layer_info for p in layer["params"])
        assert t.summary["param_count"] == recorded
    assert ("Dense 784 → 128", "W 128×784, b 128") in layer_rows(scene.trace("main"))
    assert ("Conv 3×3, 8 → 16", "W 16×8×3×3, b 16") in layer_rows(scene.trace("cnn"))
    mlp, cnn = (scene.trace(r).summary["param_count"] for r in ROLES)
    assert cnn * 10 < mlp  # the lesson: far fewer parameters, shared filters
    assert any(c.startswith(f"Parameters: {thousands(mlp)} against {thousands(cnn)}. A filter")
               for c in scene.captions)


def test_both_runs_learned_the_same_digits_alike(last):
    _, scene = last
    mlp, cnn = (scene.trace(r) for r in ROLES)
    for key in ("data/train_indices", "data/val_indices", "val/labels"):
        np.testing.assert_array_equal(mlp.static(key), cnn.static(key))
    for section, key in (("training", "epochs"), ("training", "batch_size"),
                         ("optimizer", "lr"), ("optimizer", "name"), ("data", "validation")):
        assert mlp.config[section][key] == cnn.config[section][key]
    assert mlp.config["training"]["batch_size"] == 128 and mlp.config["training"]["epochs"] == 5
    assert any(c.startswith("Both: 5 epochs, batch 128, Adam η = 0.01.") for c in scene.captions)


def test_the_lessons_hold_on_the_traces(last):
    _, scene = last
    mlp, cnn = (scene.trace(r).epochs for r in ROLES)
    # the CNN reads new digits better, the MLP fits its training digits better
    assert cnn[-1]["val_accuracy"] > mlp[-1]["val_accuracy"] + 0.02
    assert mlp[-1]["accuracy"] > cnn[-1]["accuracy"]
    assert "The MLP fits its training digits better, the CNN reads new digits better." \
        in scene.captions
    # the MLP's validation loss is lowest before the end while its train loss still falls
    best = best_epoch(scene.trace("main"))
    assert best < len(mlp) - 1 and mlp[-1]["val_loss"] > mlp[best]["val_loss"]
    assert mlp[-1]["loss"] < mlp[best]["loss"]
    assert any(c.startswith(f"The MLP's validation loss is lowest after epoch {best + 1}")
               for c in scene.captions)
    # the honest note: the subset gives the MLP less than the decks' 97-98 %
    assert mlp[-1]["val_accuracy"] < 0.97
    steps = mlp[-1]["steps"]
    assert any("97–98 %" in c and f"{steps} steps" in c
               and c.endswith(f"give {percent(mlp[-1]['val_accuracy'])}.")
               for c in scene.captions)


def test_the_matrices_and_mistakes_are_the_traced_ones(last):
    _, scene = last
    shown = shown_texts(scene)
    for role in ROLES:
        t = scene.trace(role)
        c = t.static("val/confusion")
        labels, predicted = t.static("val/labels"), t.static("val/predicted")
        # the counts agree with the per-digit answers: row = true, column = predicted
        np.testing.assert_array_equal(
            c, np.histogram2d(labels, predicted, bins=10, range=((0, 10), (0, 10)))[0])
        # framed: the largest off-diagonal cells
        cells = top_mistakes(c)
        assert len(scene.matrices[role].highlights) == len(cells) == 3
        for frame, (i, j) in zip(scene.matrices[role].highlights, cells):
            np.testing.assert_allclose(frame.get_center(),
                                       scene.matrices[role].cells[10 * i + j].get_center())
            assert all(c[i, j] >= c[a, b] for a in range(10) for b in range(10) if a != b
                       and (a, b) not in cells)
        # the cards: the first misclassified digits with their classes and the other answer
        row = scene.rows[ROLES.index(role)]
        wrong = t.static("val/wrong")
        assert len(row.cards) == 8
        other = scene.trace("cnn" if role == "main" else "main")
        for k, card in enumerate(row.cards):
            i = int(wrong[k])
            assert labels[i] != predicted[i]
            np.testing.assert_array_equal(card[0][0].values,
                                          digit_image(t.static("val/wrong_x")[k]))
            assert shown[(role, None, "static", "val/labels", (i,))] == fmt_int(labels[i])
            assert shown[(role, None, "static", "val/predicted", (i,))] == fmt_int(predicted[i])
            assert card[1].original_text == f"{labels[i]} → {predicted[i]}"
            mark = "✓" if other.static("val/predicted")[i] == labels[i] else "✗"
            assert card[2].original_text.endswith(f": {other.static('val/predicted')[i]} {mark}")
    # the MLP's top cell, 3 read as 5, is in both captions with its traced counts
    mlp_c, cnn_c = (scene.trace(r).static("val/confusion") for r in ROLES)
    (i, j), = top_mistakes(mlp_c, 1)
    assert cnn_c[i, j] < mlp_c[i, j]
    assert any(f"{i} as {j} ({mlp_c[i, j]}×)" in c and c.startswith("The MLP's")
               for c in scene.captions)
    assert any(f"{i} as {j} ({cnn_c[i, j]}×)" in c and c.startswith("The CNN's")
               for c in scene.captions)


@pytest.fixture(scope="module")
def other_traces(tmp_path_factory):
    d = tmp_path_factory.mktemp("mlp-cnn-others")
    run(small_xor(epochs=2), d / "xor.trace")  # ends in a sigmoid
    cnn = config.load(CONFIGS / "mnist_cnn.toml")
    cnn["training"]["epochs"] = 1
    run(config.validate(cnn), d / "cnn.trace")
    cnn["run"]["seed"] = 1  # another shuffle of the digits: another split
    run(config.validate(cnn), d / "cnn_seed1.trace")
    mlp = config.load(CONFIGS / "mnist_mlp.toml")
    mlp["training"]["epochs"] = 1
    run(config.validate(mlp), d / "mlp.trace")
    mlp["data"]["validation"] = 0.0
    run(config.validate(mlp), d / "mlp_no_val.trace")
    return d


@pytest.mark.parametrize("args, message", [
    (["--trace", "xor.trace"], "needs a classifier ending in a Dense layer"),
    (["--trace", "cnn.trace"], "MNISTMLPvsCNN (MLP run) needs an MLP (Dense layers"),
    (["--trace", "mlp_no_val.trace"], "lacks val/labels, val/predicted, val/confusion"),
    (["--run", "cnn=mlp.trace"], "MNISTMLPvsCNN (CNN run) needs a CNN (a Conv2D layer)"),
    (["--run", "cnn=cnn_seed1.trace"], "its data/train_indices differs from the MLP's"),
])
def test_refuses_traces_it_cannot_show(other_traces, tmp_path, args, message):
    flag, value = args
    name = value.split("=")[-1]
    args = [flag, value.replace(name, str(other_traces / name))]
    assert message in refusal(SCENE, tmp_path, *args)
