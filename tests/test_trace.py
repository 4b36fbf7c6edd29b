"""Trace round trip, determinism, interruption and corruption."""
import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT, small_xor

from engine.errors import TraceError
from engine.recording import RecordPolicy
from engine.run import run
from engine.trace import Trace, TraceWriter


def test_writer_reader_round_trip(tmp_path):
    rng = np.random.default_rng(1)
    arrays = {(s, "dense_0", q): rng.normal(size=(3, 4)) for s in range(5) for q in ("W", "W.grad")}
    w = TraceWriter(tmp_path / "t", kind="network", config={"run": {"name": "x"}}, seed=3,
                    policy=RecordPolicy(checkpoint_every=2))
    w.set_layers([{"name": "dense_0", "type": "Dense", "describe": "Dense(4 -> 3)",
                   "params": {"W": [3, 4]}}])
    w.add_static("data/x", np.arange(6.0))
    for s in range(5):
        for (st, layer, q), a in arrays.items():
            if st == s:
                w.record(s, layer, q, a)
        w.end_step(s, loss=float(s) / 10, lr=0.1, epoch=0)
    w.end_epoch(0, {"loss": 0.2})
    w.close()
    t = Trace(tmp_path / "t")
    assert t.steps == [0, 1, 2, 3, 4] and t.layers == ["dense_0"] and t.seed == 3
    assert t.quantities("dense_0") == ["W", "W.grad"]
    for (s, layer, q), a in arrays.items():
        np.testing.assert_array_equal(t.get(s, layer, q), a)
    np.testing.assert_array_equal(t.scalars("loss"), np.arange(5) / 10)
    np.testing.assert_array_equal(t.static("data/x"), np.arange(6.0))
    assert t.status == "complete" and t.epochs[0]["loss"] == 0.2
    assert len(t.manifest["chunks"]) == 3  # checkpoints of 2 + 2 + 1 steps
    # plain numpy reads it too
    step = json.loads((tmp_path / "t" / "manifest.json").read_text())["steps"][4]
    with np.load(tmp_path / "t" / step["chunk"]) as z:
        np.testing.assert_array_equal(z["000004/dense_0/W"], arrays[(4, "dense_0", "W")])


def test_policy_every_samples_layers(tmp_path):
    cfg = small_xor(epochs=10, every=3, samples=2, layers=["dense_2"],
                    quantities=["input", "param", "batch"])
    run(cfg, tmp_path / "t")
    t = Trace(tmp_path / "t")
    assert t.steps == [0, 3, 6, 9]  # every 3rd, and the last step
    assert len(t.all_steps) == 10
    assert t.quantities("dense_2") == ["W", "b", "input"]
    assert t.quantities("dense_0") == []
    assert t.get(3, "dense_2", "input").shape == (2, 3)
    assert t.get(3, "batch", "x").shape == (2, 2)


def test_network_trace_is_consistent(tmp_path):
    """The recorded values are the ones the computation used."""
    run(small_xor(epochs=5), tmp_path / "t")
    t = Trace(tmp_path / "t")
    for s in t.steps:
        x = t.get(s, "batch", "x")
        np.testing.assert_array_equal(t.get(s, "dense_0", "input"), x)
        # y = x Wᵀ + b, with W, b before the update
        z = x @ t.get(s, "dense_0", "W").T + t.get(s, "dense_0", "b")
        np.testing.assert_allclose(t.get(s, "dense_0", "output"), z, rtol=1e-12)
        np.testing.assert_array_equal(t.get(s, "sigmoid_1", "input"), t.get(s, "dense_0", "output"))
        # plain SGD: after = before - lr * grad
        lr = t.manifest["steps"][s]["lr"]
        np.testing.assert_allclose(t.get(s, "dense_2", "W.after"),
                                   t.get(s, "dense_2", "W") - lr * t.get(s, "dense_2", "W.grad"),
                                   rtol=1e-12)
        if s + 1 in t.steps:
            np.testing.assert_array_equal(t.get(s, "dense_2", "W.after"),
                                          t.get(s + 1, "dense_2", "W"))
        # the chain rule between layers
        np.testing.assert_array_equal(t.get(s, "sigmoid_1", "grad_input"),
                                      t.get(s, "dense_0", "grad_output"))


def test_same_seed_same_bytes(tmp_path):
    for name in ("a", "b"):
        run(small_xor(epochs=25), tmp_path / name)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "b").iterdir())
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    cfg = small_xor(epochs=25)
    cfg["run"]["seed"] = 1
    run(cfg, tmp_path / "c")
    assert (tmp_path / "c" / "chunk-00000.npz").read_bytes() != \
        (tmp_path / "a" / "chunk-00000.npz").read_bytes()


def test_ctrl_c_keeps_every_step_done(tmp_path):
    def interrupt_at_7(step, loss):
        if step == 7:
            raise KeyboardInterrupt

    s = run(small_xor(epochs=100), tmp_path / "t", on_step=interrupt_at_7)
    assert s.status == "interrupted"
    t = Trace(tmp_path / "t")
    assert t.status == "interrupted" and t.all_steps == list(range(8)) == t.steps
    assert t.get(7, "dense_0", "W.after").shape == (3, 2)
    assert not (tmp_path / "t.partial").exists()


def _train_process(tmp_path, epochs):
    cfg = ROOT / "assets" / "configs" / "xor_mlp.toml"
    text = cfg.read_text().replace("epochs = 1500", f"epochs = {epochs}")
    text = text.replace("checkpoint_every = 100", "checkpoint_every = 20")
    (tmp_path / "long.toml").write_text(text)
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "train",
                             str(tmp_path / "long.toml"), "-o", str(tmp_path / "t")],
                            stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def _wait_checkpoints(proc, n):
    seen = 0
    for line in proc.stderr:
        if line.startswith("checkpoint:"):
            seen = int(line.split()[1])
            if seen >= n:
                return seen
    raise AssertionError("the run ended before its checkpoints")


def test_hard_kill_leaves_a_valid_partial_trace(tmp_path):
    proc = _train_process(tmp_path, 10**7)
    saved = _wait_checkpoints(proc, 60)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    t = Trace(tmp_path / "t.partial")
    assert t.status == "running"
    assert len(t.all_steps) >= saved and t.all_steps == list(range(len(t.all_steps)))
    last = t.steps[-1]
    assert np.isfinite(t.get(last, "dense_2", "W.after")).all()
    assert not (tmp_path / "t").exists()


def test_sigterm_saves_like_ctrl_c(tmp_path):
    proc = _train_process(tmp_path, 10**7)
    saved = _wait_checkpoints(proc, 40)
    proc.send_signal(signal.SIGTERM)
    proc.wait()
    assert proc.returncode == 130
    t = Trace(tmp_path / "t")
    assert t.status == "interrupted" and len(t.all_steps) >= saved
    assert not (tmp_path / "t.partial").exists()


@pytest.fixture
def good_trace(tmp_path):
    run(small_xor(epochs=3), tmp_path / "t")
    return tmp_path / "t"


def test_corrupt_manifest(good_trace):
    (good_trace / "manifest.json").write_text("{not json")
    with pytest.raises(TraceError, match="corrupt"):
        Trace(good_trace)


def test_not_a_trace(tmp_path):
    with pytest.raises(TraceError, match="no trace"):
        Trace(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(TraceError, match="not a trace"):
        Trace(tmp_path / "empty")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "manifest.json").write_text('{"format": "something-else"}')
    with pytest.raises(TraceError, match="not an nnanim trace"):
        Trace(tmp_path / "other")


def test_truncated_chunk(good_trace):
    chunk = good_trace / "chunk-00000.npz"
    chunk.write_bytes(chunk.read_bytes()[:100])
    with pytest.raises(TraceError, match="corrupt"):
        Trace(good_trace).get(0, "dense_0", "W")


def test_missing_chunk_and_unknown_names(good_trace):
    t = Trace(good_trace)
    with pytest.raises(TraceError, match="no layer 'nope'"):
        t.get(0, "nope", "W")
    with pytest.raises(TraceError, match="no quantity 'Q'"):
        t.get(0, "dense_0", "Q")
    with pytest.raises(TraceError, match="step 99 is not in the trace"):
        t.get(99, "dense_0", "W")
    os.remove(good_trace / "chunk-00000.npz")
    with pytest.raises(TraceError, match="missing data file"):
        Trace(good_trace).get(0, "dense_0", "W")
