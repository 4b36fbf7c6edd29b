"""CNNOnMNIST: renders, shows only traced numbers (the prediction, the logits, the curves'
values), follows a digit the network never trained on, refuses traces it cannot show."""
import numpy as np
from conftest import small_xor
from scene_utils import refusal, rendered

from nnanim.engine.run import run
from nnanim.scenes.cnn_mnist import percent, time_points
from nnanim.scenes.format import fmt

SCENE = "CNNOnMNIST"
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once


def test_four_epoch_metrics_are_shown_per_epoch(last):
    """Each equals the manifest's (test_scenes.py); with its count there, at least 35 other
    numbers are shown."""
    _, scene = last
    epoch_items = [s for s in scene.shown.items if s.layer == "epoch"]
    assert len(epoch_items) == 4 * len(scene.trace("main").epochs)  # one legend update each


def test_the_forward_pass_shows_the_trained_networks_prediction(last):
    _, scene = last
    t = scene.trace("main")
    end = t.steps[-1]
    shown = {(s.step, s.layer, s.quantity, s.index): s.text for s in scene.shown.items}
    probs = t.get(end, "watch", "probabilities")[0]
    logits = t.get(end, "watch", "dense_7")[0]
    for k in range(10):
        assert shown[(end, "watch", "probabilities", (0, k))] == percent(probs[k])
        assert shown[(end, "watch", "dense_7", (0, k))] == fmt(logits[k], 2)
    pred = int(np.argmax(probs))
    assert pred == int(t.static("watch/labels")[0]) == 7  # the trained network reads the 7
    assert probs[pred] > 0.95
    # the final validation accuracy is on screen, as the trace has it
    val = t.epochs[-1]["val_accuracy"]
    assert any(s.layer == "epoch" and s.quantity == "val_accuracy" and s.text == percent(val)
               for s in scene.shown.items)
    assert val >= 0.95


def test_watched_digits_are_held_out_and_time_points_are_epoch_ends(last):
    _, scene = last
    t = scene.trace("main")
    val = set(t.static("data/val_indices").tolist())
    assert all(int(i) in val for i in t.static("watch/indices"))  # "a 7 it never saw"
    assert list(t.static("watch/labels")) == [7, 2, 5]
    points = time_points(t)
    assert [step for _, step in points] == [0, 32, 64, 96, 128, t.steps[-1]]
    assert [step for _, step in points[1:-1]] == [e["steps"] for e in t.epochs[:-1]]
    # before training the network gets the 7 wrong, at the end right
    assert np.argmax(t.get(0, "watch", "probabilities")[0]) != 7
    assert np.argmax(t.get(t.steps[-1], "watch", "probabilities")[0]) == 7


def test_refuses_a_network_that_is_not_the_cnn(tmp_path):
    trace = tmp_path / "xor.trace"
    run(small_xor(epochs=2), trace)
    assert "CNNOnMNIST needs Conv2D-ReLU-MaxPool2D" in refusal(SCENE, tmp_path, "--trace",
                                                               str(trace))
