"""The trainer's options do what configs say: early stopping, schedules, clipping,
regularization, dropout, float32, and training on user-given MNIST IDX files."""
import numpy as np
import pytest
from conftest import CONFIGS
from test_data import write_idx

from nnanim.engine import config
from nnanim.engine.run import run
from nnanim.engine.trace import Trace

SPIRAL = (CONFIGS / "spiral_mlp.toml").read_text()


def _run(text, tmp_path, name="t"):
    s = run(config.loads(text), tmp_path / name)
    return s, Trace(tmp_path / name)


def test_early_stopping_on_validation_loss(tmp_path):
    # a huge learning rate makes validation loss stop improving quickly
    text = SPIRAL.replace("lr = 0.02", "lr = 5.0").replace("batch_size = 32",
                                                           "batch_size = 32\npatience = 2")
    s, t = _run(text, tmp_path)
    assert s.final["stopped_early"] is True
    val = t.epoch_metric("val_loss")
    assert len(val) < 150
    best = int(np.argmin(val))
    assert len(val) - 1 - best == 2  # stopped exactly `patience` epochs after the best


def test_step_schedule_changes_lr(tmp_path):
    text = SPIRAL.replace("[training]", "[schedule]\nname = \"step\"\nstep_size = 2\n"
                          "gamma = 0.5\n\n[training]").replace("epochs = 150", "epochs = 5")
    _, t = _run(text, tmp_path)
    lr_per_epoch = [e["lr"] for e in t.epochs]
    assert lr_per_epoch == pytest.approx([0.02, 0.02, 0.01, 0.01, 0.005])


def test_clip_by_norm_bounds_recorded_gradients(tmp_path):
    text = SPIRAL.replace("[training]", "[clip]\nnorm = 0.01\n\n[training]").replace(
        "epochs = 150", "epochs = 2").replace("every = 5", "every = 1")
    _, t = _run(text, tmp_path)
    for s in t.steps:
        total = np.sqrt(sum(np.sum(t.get(s, l, q) ** 2) for l in ("dense_0", "dense_2", "dense_4")
                            for q in ("W.grad", "b.grad")))
        assert total <= 0.01 + 1e-6


def test_l2_adds_penalty_and_gradient(tmp_path):
    base = SPIRAL.replace("epochs = 150", "epochs = 1").replace("every = 5", "every = 1")
    _, t0 = _run(base, tmp_path, "plain")
    text = base.replace("[training]", "[regularization]\nl2 = 0.1\non = [\"W\"]\n\n[training]")
    _, t1 = _run(text, tmp_path, "l2")
    W = t1.get(0, "dense_0", "W")
    penalty = sum(0.1 * np.sum(t1.get(0, l, "W") ** 2) for l in ("dense_0", "dense_2", "dense_4"))
    assert t1.scalars("loss")[0] == pytest.approx(t0.scalars("loss")[0] + penalty, rel=1e-12)
    np.testing.assert_allclose(t1.get(0, "dense_0", "W.grad") - t0.get(0, "dense_0", "W.grad"),
                               2 * 0.1 * W, rtol=1e-9, atol=1e-15)


def test_dropout_is_seeded_and_off_in_evaluation(tmp_path):
    text = SPIRAL.replace('{ type = "Tanh" },\n  { type = "Dense", in_features = 16, '
                          'out_features = 16 },',
                          '{ type = "Tanh" },\n  { type = "Dropout", p = 0.5 },\n'
                          '  { type = "Dense", in_features = 16, out_features = 16 },', 1)
    text = text.replace("epochs = 150", "epochs = 3").replace("every = 5", "every = 1")
    assert "Dropout" in text
    _, a = _run(text, tmp_path, "a")
    _, b = _run(text, tmp_path, "b")
    out = a.get(0, "dropout_2", "output")
    inp = a.get(0, "dropout_2", "input")
    kept = out != 0
    np.testing.assert_allclose(out[kept], 2 * inp[kept])  # inverted dropout: ×1/(1-p)
    assert 0.2 < kept.mean() < 0.8
    np.testing.assert_array_equal(out, b.get(0, "dropout_2", "output"))


def test_float32_runs_in_float32(tmp_path):
    text = SPIRAL.replace("seed = 0", "seed = 0\ndtype = \"float32\"").replace(
        "epochs = 150", "epochs = 2")
    _, t = _run(text, tmp_path)
    assert t.get(0, "dense_0", "W").dtype == np.float32
    assert t.get(0, "dense_0", "output").dtype == np.float32


def test_train_on_user_mnist_idx_files(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(64, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=64, dtype=np.uint8)
    write_idx(tmp_path / "img.idx.gz", images, gz=True)
    write_idx(tmp_path / "lab.idx", labels)
    text = (CONFIGS / "mnist_mlp.toml").read_text().replace(
        'name = "mnist_subset"', f'name = "mnist_idx"\nimages = "{tmp_path / "img.idx.gz"}"\n'
        f'labels = "{tmp_path / "lab.idx"}"').replace("epochs = 5", "epochs = 1")
    s, t = _run(text, tmp_path)
    assert s.status == "complete"
    assert len(t.static("data/train_indices")) + len(t.static("data/val_indices")) == 64
