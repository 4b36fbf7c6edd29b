"""Trace round trip, determinism, interruption and corruption."""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import ROOT, small_xor

from nnanim.engine.errors import TraceError
from nnanim.engine.recording import RecordPolicy
from nnanim.engine.run import run
from nnanim.engine.trace import Trace, TraceWriter


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
    # nothing reads its output: a full pipe would stop the run
    return subprocess.Popen([sys.executable, "-m", "nnanim.cli", "train",
                             str(tmp_path / "long.toml"), "-o", str(tmp_path / "t")],
                            stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)


def _wait_checkpoints(proc, partial, n, seconds=120):
    """Wait until the run's partial trace lists ``n`` steps (each checkpoint rewrites its
    manifest, atomically); the number listed then."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            saved = len(json.loads((partial / "manifest.json").read_text())["steps"])
        except FileNotFoundError:
            saved = 0
        if saved >= n:
            return saved
        time.sleep(0.02)
    proc.kill()
    raise AssertionError(f"the run did not checkpoint {n} steps (exit code {proc.wait()})")


def test_hard_kill_leaves_a_valid_partial_trace(tmp_path):
    proc = _train_process(tmp_path, 10**7)
    saved = _wait_checkpoints(proc, tmp_path / "t.partial", 60)
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
    saved = _wait_checkpoints(proc, tmp_path / "t.partial", 40)
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



def _one_layer_trace(path, settings=None):
    """A one-step trace of one Conv2D layer; its manifest entry has ``settings`` if given."""
    entry = {"name": "conv2d_0", "type": "Conv2D", "describe": "Conv2D(1 -> 2, 3x3)",
             "params": {"W": [2, 1, 3, 3]}}
    if settings is not None:
        entry["settings"] = settings
    w = TraceWriter(path, kind="network", config={"model": {"layers": []}}, seed=0)
    w.set_layers([entry])
    w.end_step(0, loss=1.0)
    w.close()
    return Trace(path)


def test_layer_settings_from_the_manifest(tmp_path):
    settings = {"kernel_size": (3, 3), "stride": (1, 1), "padding": (1, 1)}
    t = _one_layer_trace(tmp_path / "t", settings)
    # pairs are JSON lists on disk
    assert t.layer_settings("conv2d_0") == {"kernel_size": [3, 3], "stride": [1, 1],
                                            "padding": [1, 1]}
    with pytest.raises(TraceError, match=r"^no layer 'dense_9' \(layers: conv2d_0\)$"):
        t.layer_settings("dense_9")


@pytest.mark.parametrize("name, layer, some", [
    ("edge_digit_pooled", "maxpool2d_1", {"kernel_size": [2, 2], "stride": [2, 2]}),
    ("xor_mlp", "dense_0", {"in_features": 2, "out_features": 3})])
def test_layer_settings_of_older_traces_come_from_the_config(tmp_path, name, layer, some):
    """A trace written before layers stored "settings" gets them from its config
    (build.settings_from_config): the same as a newer trace stores."""
    from nnanim.engine import config

    bundled = ROOT / "assets" / "configs" / f"{name}.toml"
    run(small_xor(epochs=1) if name == "xor_mlp" else config.load(bundled), tmp_path / "t")
    new = Trace(tmp_path / "t")
    stored = {n: new.layer_settings(n) for n in new.layers}
    manifest = json.loads((tmp_path / "t" / "manifest.json").read_text())
    for entry in manifest["layers"]:
        del entry["settings"]
    (tmp_path / "t" / "manifest.json").write_text(json.dumps(manifest))
    old = Trace(tmp_path / "t")
    assert {n: old.layer_settings(n) for n in old.layers} == stored
    assert some.items() <= stored[layer].items()


# -- P.after stored once: as the next step's P ----------------------------------------------

def _trainer_run(tmp_path, name, interrupt=None, **policy):
    """XOR trained by Trainer.fit with every step recorded, Adam; returns the trace and
    the parameters actually held after each step (snapshots taken in on_step)."""
    from nnanim.engine.losses import get_loss
    from nnanim.engine.optimizers import Adam
    from nnanim.engine.run import build_model
    from nnanim.engine.trainer import Trainer

    cfg = small_xor(epochs=9)
    model = build_model(cfg, np.random.default_rng(0), np.float64)
    opt = Adam(lr=0.05)
    if interrupt is not None:  # interrupt(step) may raise inside the optimizer's step
        step_fn, count = opt.step, [0]

        def step(params, grads):
            interrupt(count[0], lambda: step_fn(params, grads))
            count[0] += 1
        opt.step = step
    tr = Trainer(model, get_loss("bce"), opt, rng=np.random.default_rng(0))
    w = TraceWriter(tmp_path / name, kind="network", config=cfg, seed=0,
                    policy=RecordPolicy(**policy))
    w.set_layers(model.describe_layers())
    held = []
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float).repeat(4, axis=0)
    y = np.array([[0], [1], [1], [0]], dtype=float).repeat(4, axis=0)
    res = tr.fit(x, y, epochs=9, batch_size=4, writer=w,
                 on_step=lambda s, loss: held.append({k: v.copy() for k, v in
                                                      model.named_params().items()}))
    w.close(status="interrupted" if res.interrupted else "complete")
    return Trace(tmp_path / name), held


def _stored_keys(t):
    keys = set()
    for c in t.manifest["chunks"]:
        with np.load(t.path / c) as z:
            keys |= set(z.files)
    return keys


def test_after_served_from_next_step_equals_held_parameters(tmp_path):
    t, held = _trainer_run(tmp_path, "t", checkpoint_every=5)
    # a run that stores every P.after: one step per chunk
    ref, _ = _trainer_run(tmp_path, "ref", checkpoint_every=1)
    assert t.steps == ref.steps == list(range(36)) and ref.manifest["after_next"] == []
    stored = _stored_keys(t)
    ends = {5 * i + 4 for i in range(7)} | {35}  # the last step of each chunk
    assert {int(k[:6]) for k in stored if k.endswith("/W.after")} == ends
    assert set(t.manifest["after_next"]) == set(range(36)) - ends
    for s in t.steps:
        for layer in ("dense_0", "dense_2"):
            assert t.quantities(layer, s) == ref.quantities(layer, s)
            for p in ("W", "b"):
                assert t.has(s, layer, f"{p}.after")
                after = t.get(s, layer, f"{p}.after")
                np.testing.assert_array_equal(after, held[s][f"{layer}.{p}"])
                np.testing.assert_array_equal(after, ref.get(s, layer, f"{p}.after"))
                for q in (p, f"{p}.grad", f"{p}.m", f"{p}.v"):
                    np.testing.assert_array_equal(t.get(s, layer, q), ref.get(s, layer, q))
    assert not t.has(35, "dense_0", "nope.after") and not t.has(3, "dense_0", "W.grad.after")
    # what is not stored is the bulk of every P.after
    assert sum(k.endswith(".after") for k in stored) == 4 * len(ends)
    assert t.size_bytes() < ref.size_bytes()


def test_after_needs_param_at_next_step(tmp_path):
    # P not recorded (policy), or the next step not recorded: P.after is stored
    for name, policy in (("noparam", dict(quantities=["param_after", "grad"])),
                         ("every2", dict(every=2))):
        t, held = _trainer_run(tmp_path, name, **policy)
        # (with every=2, the last step 35 is recorded after 34)
        assert t.manifest["after_next"] == ([34] if name == "every2" else [])
        for s in t.steps:
            assert t.quantities("dense_0", s)[:2] == (["W", "W.after"] if name == "every2"
                                                      else ["W.after", "W.grad"])
            np.testing.assert_array_equal(t.get(s, "dense_0", "W.after"), held[s]["dense_0.W"])
    t, _ = _trainer_run(tmp_path, "noafter", quantities=["param", "grad"])
    assert not t.has(3, "dense_0", "W.after") and "W.after" not in t.quantities("dense_0", 3)


@pytest.mark.parametrize("when", ["before the update", "after the update"])
def test_interrupted_step_leaves_after_of_the_last_recorded_step(tmp_path, when):
    def interrupt(step, update):
        if step == 8 and when == "before the update":
            raise KeyboardInterrupt
        update()
        if step == 8:  # step 8 updated the parameters but never ended
            raise KeyboardInterrupt

    t, held = _trainer_run(tmp_path, "t", interrupt=interrupt, checkpoint_every=50)
    assert t.status == "interrupted" and t.steps == list(range(8)) and len(held) == 8
    assert 7 not in t.manifest["after_next"]
    for s in range(8):
        np.testing.assert_array_equal(t.get(s, "dense_2", "W.after"), held[s]["dense_2.W"])


def test_objective_after_is_the_path(tmp_path):
    from nnanim.engine.config import load

    run(load(ROOT / "assets" / "configs" / "race_ravine_adam.toml"), tmp_path / "t")
    t = Trace(tmp_path / "t")
    theta = t.series("objective", "theta")
    after = t.series("objective", "theta.after")
    np.testing.assert_array_equal(after[:-1], theta[1:])
    assert len(t.manifest["after_next"]) == len(t.steps) - len(t.manifest["chunks"])
    assert t.quantities("objective", 0) == sorted(t.quantities("objective", 0))
    assert "theta.after" in t.quantities("objective", 0)


def test_objective_records_its_minimum_and_the_gap(tmp_path):
    from nnanim.engine.config import load

    run(load(ROOT / "assets" / "configs" / "race_ravine_gd.toml"), tmp_path / "t")
    t = Trace(tmp_path / "t")
    f_min = float(t.static("objective/min_value")[0])
    assert f_min > 0.1  # the noisy ravine's floor is its samples' spread, not 0
    np.testing.assert_allclose(t.series("objective", "gap"),
                               t.series("objective", "value") - f_min, rtol=0, atol=1e-15)
    assert np.all(t.series("objective", "gap") >= 0)
    H = t.static("objective/hessian")
    assert float(t.static("objective/max_stable_lr")[0]) == pytest.approx(
        2 / np.linalg.eigvalsh(H).max())


def test_network_records_the_input_blind_baseline(tmp_path):
    """Cross-entropy: the class frequencies' entropy (ln 2 when balanced), the majority's
    share; MSE on 0/1 targets: their variance."""
    from nnanim.engine.config import load

    cfg = load(ROOT / "assets" / "configs" / "deep_sigmoid.toml")
    cfg["training"]["epochs"] = 1
    run(cfg, tmp_path / "ce")
    t = Trace(tmp_path / "ce")
    y = t.static("data/labels")[t.static("data/train_indices")]
    prior = np.bincount(y) / len(y)
    assert float(t.static("baseline/loss")[0]) == pytest.approx(-(prior * np.log(prior)).sum())
    assert float(t.static("baseline/loss")[0]) == pytest.approx(np.log(2), abs=0.01)
    assert float(t.static("baseline/accuracy")[0]) == pytest.approx(prior.max())
    run(small_xor(epochs=1), tmp_path / "mse")
    t = Trace(tmp_path / "mse")
    y = t.static("data/labels")[t.static("data/train_indices")]
    assert float(t.static("baseline/loss")[0]) == pytest.approx(np.var(y))


def test_version_1_traces_are_read_as_stored(tmp_path):
    run(small_xor(epochs=6, checkpoint_every=1), tmp_path / "t")
    m = json.loads((tmp_path / "t" / "manifest.json").read_text())
    assert m["version"] == 2 and m["after_next"] == []
    m["version"] = 1
    del m["after_next"]
    (tmp_path / "t" / "manifest.json").write_text(json.dumps(m))
    t = Trace(tmp_path / "t")
    np.testing.assert_array_equal(t.get(2, "dense_0", "W.after"), t.get(3, "dense_0", "W"))
    m["version"] = 3
    (tmp_path / "t" / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(TraceError, match="version 3 is not supported"):
        Trace(tmp_path / "t")


def test_record_after_without_before_update_is_an_error(tmp_path):
    w = TraceWriter(tmp_path / "t", kind="network", config={}, seed=0)
    p = np.zeros(3)
    w.record(0, "dense_0", "W", p)
    w.record_after(0, "dense_0", "W", p)
    w.end_step(0)
    p += 1  # step 1 updates p, but never told the writer
    with pytest.raises(RuntimeError, match="before_update"):
        w.end_step(1)
    w.abort()


@pytest.mark.parametrize("first", ["dense", "conv"])
def test_first_layer_input_grad_only_for_recorded_samples(tmp_path, first):
    from nnanim.engine import Conv2D, Dense, Flatten, Sequential

    rng = np.random.default_rng(0)
    if first == "dense":
        layers, x = [Dense(6, 3, rng=rng)], rng.normal(size=(10, 6))
    else:
        layers, x = [Conv2D(2, 3, 3, padding=1, rng=rng), Flatten()], rng.normal(size=(10, 2, 5, 5))
    model = Sequential(layers)
    g = rng.normal(size=model.forward(x).shape)
    model.input_grad = True
    full = model.backward(g)
    assert full.shape == x.shape
    model.input_grad = False
    assert model.backward(g) is None  # nothing asks for ∂L/∂x
    w = TraceWriter(tmp_path / "t", kind="network", config={}, seed=0,
                    policy=RecordPolicy(samples=4))
    model.record = (w, 0)
    model.forward(x)
    part = model.backward(g)  # recorded: the 4 samples the trace keeps
    model.record = None
    assert part.shape == (4,) + x.shape[1:]
    np.testing.assert_allclose(part, full[:4], rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(w._pending[f"000000/{layers[0].name}/grad_input"], part)
    w.abort()


@pytest.mark.parametrize("limits", [None, (40, 2**16 - 1), (2**31 - 1, 3), (300, 4)])
def test_stored_chunks_are_the_bytes_zipfile_writes(tmp_path, monkeypatch, limits):
    """Uncompressed chunks skip zipfile's per-entry cost but not its format: same bytes
    (zip64 records included, tried with lowered limits), read back by np.load."""
    import zipfile

    from nnanim.engine.trace import npz

    if limits is not None:
        monkeypatch.setattr(zipfile, "ZIP64_LIMIT", limits[0])
        monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", limits[1])
    rng = np.random.default_rng(0)
    arrays = {"000000/dense_0/W": rng.normal(size=(3, 4)).astype(np.float32),
              "000000/dense_0/b": np.zeros(0), "000001/objective/value": np.array(3.5),
              "000001/dénse/ü": np.arange(5), "000002/batch/y": np.array([True, False]),
              "000002/conv/W": rng.normal(size=(2, 3, 4)).transpose(2, 0, 1),
              "000003/x/h": np.ones((2, 2), np.float16),
              "000003/x/s": np.zeros(3, dtype=[("a", "<i4"), ("b", "<f8")])}
    npz.write_npz_zipfile(tmp_path / "a.npz", arrays, compress=False)
    npz.write_npz_stored(tmp_path / "b.npz", arrays)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    with zipfile.ZipFile(tmp_path / "b.npz") as z:
        assert z.testzip() is None
    with np.load(tmp_path / "b.npz") as z:
        for k, v in arrays.items():
            assert z[k].dtype == v.dtype
            np.testing.assert_array_equal(z[k], np.ascontiguousarray(v))


def test_scalars_are_built_once_and_read_only(tmp_path):
    run(small_xor(epochs=3), tmp_path / "x")
    t = Trace(tmp_path / "x")
    loss = t.scalars("loss")
    assert t.scalars("loss") is loss and not loss.flags.writeable
    with pytest.raises(ValueError):
        loss[0] = 0.0
    assert [t.step_position(s) for s in t.all_steps] == list(range(len(t.all_steps)))
    with pytest.raises(TraceError, match="no step 999"):
        t.step_position(999)


def test_objectives_fitting_a_model_record_it_on_a_grid(tmp_path):
    """Logistic regression: p = σ(a x + b) on the static model/x at every recorded step,
    and the boundary x where p = ½; linear regression: the line, no boundary."""
    from nnanim.engine.config import validate

    cfg = validate({"run": {"name": "lr"}, "data": {"name": "blobs_1d", "n": 40, "std": 1.0},
                    "objective": {"name": "logistic_regression"},
                    "optimizer": {"name": "sgd", "lr": 1.0}, "training": {"steps": 12}})
    run(cfg, tmp_path / "log")
    t = Trace(tmp_path / "log")
    x = t.static("model/x")
    assert x.min() < t.static("data/x").min() and x.max() > t.static("data/x").max()
    for s in t.steps:
        a, b = t.get(s, "objective", "theta")
        np.testing.assert_allclose(t.get(s, "objective", "prediction"),
                                   1 / (1 + np.exp(-(a * x + b))), rtol=1e-12)
        np.testing.assert_allclose(t.get(s, "objective", "data_prediction"),
                                   1 / (1 + np.exp(-(a * t.static("data/x") + b))), rtol=1e-12)
        edge = t.get(s, "objective", "boundary")[0]
        assert edge == (-b / a if a != 0 else np.inf)  # a = 0: p is ½ nowhere or everywhere
    a, b = t.static("objective/minimizer")
    np.testing.assert_allclose(t.static("model/prediction_star"), 1 / (1 + np.exp(-(a * x + b))))
    assert t.static("model/boundary_star")[0] == -b / a
    run(load_config("linear_regression"), tmp_path / "lin")
    t = Trace(tmp_path / "lin")
    a, b = t.get(3, "objective", "theta")
    np.testing.assert_allclose(t.get(3, "objective", "prediction"), a * t.static("model/x") + b)
    assert "boundary" not in t.quantities("objective", 3)


def load_config(name):
    from nnanim.engine.config import load

    return load(ROOT / "assets" / "configs" / f"{name}.toml")


def test_watched_samples_record_their_own_loss_and_gradient(tmp_path):
    """Softmax cross-entropy: L_n = −log p_true and ∂L_n/∂z = p − y for each watched sample."""
    from nnanim.engine.config import validate

    cfg = validate({"run": {"name": "w"}, "data": {"name": "gaussian_blobs", "n": 60,
                                                   "centers": 3},
                    "model": {"layers": [{"type": "Dense", "in_features": 2, "out_features": 3}]},
                    "loss": {"name": "sparse_cce"}, "optimizer": {"name": "sgd", "lr": 0.5},
                    "training": {"epochs": 3, "batch_size": 20},
                    "record": {"every": 2, "watch": [0, 7]}})
    run(cfg, tmp_path / "t")
    t = Trace(tmp_path / "t")
    labels = t.static("watch/labels")
    for s in t.steps:
        p = t.get(s, "watch", "probabilities")
        np.testing.assert_allclose(t.get(s, "watch", "loss"),
                                   -np.log(p[np.arange(2), labels]), rtol=1e-12)
        np.testing.assert_allclose(t.get(s, "watch", "grad"), p - np.eye(3)[labels],
                                   atol=1e-15)


def test_the_regularization_penalty_is_a_per_step_scalar(tmp_path):
    """loss = data loss + penalty; the penalty is λ‖W‖₁ of the recorded weights."""
    cfg = small_xor(epochs=3)
    cfg["regularization"] = {"l1": 0.01, "on": ["W"]}
    run(cfg, tmp_path / "t")
    t = Trace(tmp_path / "t")
    for s in t.steps:
        w = sum(np.abs(t.get(s, layer, "W")).sum() for layer in ("dense_0", "dense_2"))
        assert t.scalars("penalty")[t.step_position(s)] == pytest.approx(0.01 * w, rel=1e-12)
    run(small_xor(epochs=1), tmp_path / "plain")
    assert "penalty" not in Trace(tmp_path / "plain").manifest["steps"][0]


def test_one_parameter_slope_records_each_batch_loss_curve_and_the_raw_gradient(tmp_path):
    """SGD on y ≈ w x: each step's mini-batch loss over the w grid, whose slope at w is the
    step's gradient; with clipping, the gradient before clipping beside the clipped one."""
    from nnanim.engine.config import validate

    cfg = validate({"run": {"name": "s"},
                    "data": {"name": "regression_1d", "n": 30, "slope": 1.5, "intercept": 0.0,
                             "noise": 0.4},
                    "objective": {"name": "slope", "start": [-3.0]},
                    "optimizer": {"name": "sgd", "lr": 0.3}, "clip": {"norm": 2.0},
                    "training": {"steps": 10, "batch_size": 5}})
    run(cfg, tmp_path / "t")
    t = Trace(tmp_path / "t")
    ws, full = t.static("curve/x"), t.static("curve/f")
    x, y = t.static("data/x"), t.static("data/y")
    np.testing.assert_allclose(full, [np.mean((y - w * x) ** 2) for w in ws], rtol=1e-12)
    for s in t.steps:
        rows = t.get(s, "batch", "indices")
        curve = t.get(s, "objective", "batch_curve")
        np.testing.assert_allclose(curve, [np.mean((y[rows] - w * x[rows]) ** 2) for w in ws],
                                   rtol=1e-12)
        w = t.get(s, "objective", "theta")[0]
        raw = t.get(s, "objective", "theta.grad_raw")[0]
        assert raw == pytest.approx(np.mean(-2 * x[rows] * (y[rows] - w * x[rows])))
        assert t.get(s, "objective", "theta.grad")[0] == pytest.approx(np.clip(raw, -2, 2))
    assert abs(t.get(0, "objective", "theta.grad_raw")[0]) > 2  # the first step was clipped


def test_a_classifier_with_validation_records_its_verdicts_and_size(tmp_path):
    """Statics added at the end (after earlier checkpoints) join the first ones; the
    confusion matrix counts (true, predicted) pairs of the validation set."""
    from nnanim.engine.config import validate

    cfg = validate({"run": {"name": "v"}, "data": {"name": "gaussian_blobs", "n": 90,
                                                   "centers": 3, "validation": 0.3},
                    "model": {"layers": [{"type": "Dense", "in_features": 2, "out_features": 3}]},
                    "loss": {"name": "sparse_cce"}, "optimizer": {"name": "sgd", "lr": 0.5},
                    "training": {"epochs": 4, "batch_size": 21},
                    "record": {"every": 3, "checkpoint_every": 1}})
    run(cfg, tmp_path / "t")
    t = Trace(tmp_path / "t")
    assert {"data/train_indices", "val/confusion"} <= set(t.manifest["static"])
    truth, guess = t.static("val/labels"), t.static("val/predicted")
    assert len(truth) == 27 and np.array_equal(truth, t.static("data/labels")[
        t.static("data/val_indices")])
    confusion = t.static("val/confusion")
    assert confusion.shape == (3, 3) and confusion.sum() == 27
    assert np.trace(confusion) / 27 == pytest.approx(t.epochs[-1]["val_accuracy"])
    assert np.array_equal(confusion, np.histogram2d(truth, guess, bins=[range(4)] * 2)[0])
    assert t.summary["param_count"] == 2 * 3 + 3
    wrong = t.static("val/wrong")
    assert np.array_equal(wrong, np.flatnonzero(truth != guess)[:16])
    x_val = t.static("data/x")[t.static("data/val_indices")]
    np.testing.assert_array_equal(t.static("val/wrong_x"), x_val[wrong])


def test_grid_layers_record_each_hidden_unit_on_the_lattice(tmp_path):
    cfg = small_xor(epochs=2)
    cfg["record"].update(grid=5, grid_layers=True)
    run(cfg, tmp_path / "t")
    t = Trace(tmp_path / "t")
    grid = t.static("eval/grid")
    for s in t.steps:
        z = grid @ t.get(s, "dense_0", "W").T + t.get(s, "dense_0", "b")
        np.testing.assert_allclose(t.get(s, "eval", "sigmoid_1"), 1 / (1 + np.exp(-z)),
                                   rtol=1e-12)
        assert "dense_0.terms" not in t.quantities("eval", s)  # products only on 1-D lines
    with pytest.raises(Exception, match="needs record.grid"):
        bad = small_xor(epochs=1)
        bad["record"]["grid_layers"] = True
        run(bad, tmp_path / "bad")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_run_between_two_whole_steps(tmp_path, sig):
    """The handler only asks to stop; the loop stops before its next step, so the signal
    can never cut a step's recording in half (it used to raise wherever it landed)."""

    def on_step(step, loss):
        if step == 5:
            os.kill(os.getpid(), sig)  # delivered here, in the middle of the run

    summary = run(small_xor(epochs=40), tmp_path / "t", on_step=on_step)
    t = Trace(tmp_path / "t")
    assert t.status == "interrupted" == summary.status
    assert t.all_steps == list(range(6))  # steps 0..5 whole, nothing of step 6
    assert t.steps[-1] == 5 and np.isfinite(t.get(5, "dense_2", "W.after")).all()


def test_labelled_series_and_pandas_frames_equal_the_trace(tmp_path):
    """Notebooks get the steps with the values, and the scalars and epoch metrics as
    DataFrames indexed by step and epoch (the round trip equals the trace)."""
    import pandas as pd

    cfg = small_xor(epochs=6)
    cfg["record"]["every"] = 2
    run(cfg, tmp_path / "t")
    t = Trace(tmp_path / "t")
    steps, w = t.labelled("dense_0", "W")
    assert steps.tolist() == t.steps and steps.tolist()[:3] == [0, 2, 4]
    np.testing.assert_array_equal(w, t.series("dense_0", "W"))
    frames = t.to_pandas()
    assert isinstance(frames["steps"], pd.DataFrame)
    assert frames["steps"].index.tolist() == t.all_steps
    np.testing.assert_array_equal(frames["steps"]["loss"].to_numpy(), t.scalars("loss"))
    assert frames["epochs"].index.tolist() == [e["epoch"] for e in t.epochs]
    np.testing.assert_array_equal(frames["epochs"]["loss"].to_numpy(),
                                  [e["loss"] for e in t.epochs])
    with pytest.raises(TraceError, match="no step records dense_0/nope"):
        t.labelled("dense_0", "nope")


def test_to_pandas_without_pandas_names_the_extra(tmp_path, monkeypatch):
    import builtins

    from nnanim.engine.errors import NnanimError

    run(small_xor(epochs=1), tmp_path / "t")
    real = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("No module named 'pandas'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(NnanimError, match=r"pip install 'nnanim\[pandas\]'"):
        Trace(tmp_path / "t").to_pandas()
