"""nnanim trace show / plot / diff / gradcheck / events / export, and doctor."""
import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import CONFIGS, ROOT, small_xor
from PIL import Image

from nnanim.engine import config
from nnanim.engine.run import run
from nnanim.engine.trace import Trace
from nnanim.engine.trace.npz import write_npz


def nnanim(*args):
    p = subprocess.run([sys.executable, "-m", "nnanim.cli", *map(str, args)],
                       capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


@pytest.fixture(scope="module")
def xor_trace(tmp_path_factory):
    path = tmp_path_factory.mktemp("x") / "xor.trace"
    run(small_xor(epochs=40), path)
    return path


def test_show(xor_trace):
    rc, out, err = nnanim("trace", "show", xor_trace, "--step", "3", "--layer", "dense_0",
                          "-Q", "W.grad")
    assert rc == 0, err
    w = Trace(xor_trace).get(3, "dense_0", "W.grad")
    assert "shape (3, 2)" in out and f"norm {np.linalg.norm(w):.6g}" in out
    rc, _, err = nnanim("trace", "show", xor_trace, "--step", "3", "--layer", "dense_9",
                        "-Q", "W")
    assert rc == 2 and "no layer 'dense_9'" in err


def test_plot_writes_a_png(xor_trace, tmp_path):
    rc, out, err = nnanim("trace", "plot", xor_trace, "-o", tmp_path / "p.png", "--steps", "0,39")
    assert rc == 0, err
    img = Image.open(tmp_path / "p.png")
    assert img.size[0] > 1000 and img.size[1] > 600
    assert len(np.unique(np.asarray(img.convert("L")))) > 20  # not blank
    rc, _, err = nnanim("trace", "plot", xor_trace, "-o", tmp_path / "q.png", "--steps", "999")
    assert rc == 2 and "step 999" in err and not (tmp_path / "q.png").exists()


def test_diff_two_learning_rates(tmp_path):
    a, b = small_xor(epochs=20), small_xor(epochs=20)
    b["optimizer"]["lr"] = 0.5
    run(a, tmp_path / "a")
    run(b, tmp_path / "b")
    rc, out, err = nnanim("trace", "diff", tmp_path / "a", tmp_path / "b",
                          "--plot", tmp_path / "d.png")
    assert rc == 0, err
    assert "optimizer.lr" in out and "A=2.0" in out and "B=0.5" in out
    # same init, same first batch: step 0's loss agrees, step 1's does not
    assert "losses part at step 1" in out
    assert "dense_0.W" in out and (tmp_path / "d.png").stat().st_size > 10_000


def test_gradcheck_passes_then_finds_a_planted_wrong_gradient(xor_trace, tmp_path):
    rc, out, err = nnanim("trace", "gradcheck", xor_trace, "--step", "5")
    assert rc == 0, err
    assert "all gradients match" in out
    # doctor a copy: one entry of dense_2's W.grad is off by 1 %
    import shutil
    bad = tmp_path / "bad.trace"
    shutil.copytree(xor_trace, bad)
    t = Trace(bad)
    chunk = t.manifest["steps"][5]["chunk"]
    with np.load(bad / chunk) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["000005/dense_2/W.grad"][0, 1] *= 1.01
    write_npz(bad / chunk, arrays, compress=True)
    rc, out, err = nnanim("trace", "gradcheck", bad, "--step", "5")
    assert rc == 1, out + err
    assert "MISMATCH in dense_2" in out and "dense_0" not in out.split("MISMATCH")[1]


def test_gradcheck_objective_and_refusals(tmp_path):
    run(config.load(CONFIGS / "descent_1d.toml"), tmp_path / "d")
    rc, out, err = nnanim("trace", "gradcheck", tmp_path / "d", "--step", "4")
    assert rc == 0 and "objective" in out and "all gradients match" in out, out + err
    run(config.load(CONFIGS / "spiral_mlp.toml"), tmp_path / "s")
    rc, _, err = nnanim("trace", "gradcheck", tmp_path / "s", "--step", "0")
    assert rc == 2 and "only 8 of the batch's 32 samples" in err


def test_events_finds_divergence(tmp_path):
    text = (CONFIGS / "descent_1d.toml").read_text().replace("lr = 0.1", "lr = 3.0")
    run(config.loads(text), tmp_path / "d")
    rc, out, err = nnanim("trace", "events", tmp_path / "d")
    assert rc == 0, err
    t = Trace(tmp_path / "d")
    first_bad = int(np.flatnonzero(~np.isfinite(t.scalars("loss")))[0])
    assert f"step {first_bad:>6}  non-finite  loss" in out
    assert "exploding" in out


def test_events_quiet_run(xor_trace):
    rc, out, _ = nnanim("trace", "events", xor_trace)
    assert rc == 0 and "no events" in out


def test_export_csv_and_json(xor_trace, tmp_path):
    rc, out, err = nnanim("trace", "export", xor_trace, "--csv")
    assert rc == 0, err
    lines = out.strip().splitlines()
    header = lines[0].split(",")
    assert {"step", "loss", "lr", "epoch"} <= set(header) and len(lines) == 41
    loss = Trace(xor_trace).scalars("loss")
    assert float(lines[1].split(",")[header.index("loss")]) == loss[0]
    rc, out, err = nnanim("trace", "export", xor_trace, "--json", "-o", tmp_path / "e.json")
    assert rc == 0, err
    data = json.loads((tmp_path / "e.json").read_text())
    assert len(data["steps"]) == 40 and len(data["epochs"]) == 40
    rc, _, err = nnanim("trace", "export", xor_trace)
    assert rc == 2 and "--csv or --json" in err


def test_doctor_reports_each_check():
    rc, out, _ = nnanim("doctor")
    for name in ("ffmpeg", "latex", "dvisvgm", "cairo", "pango", "DejaVu Sans", "manim"):
        assert name in out
    assert rc == (0 if "all set" in out else 1)


def test_render_highlights_events(tmp_path, monkeypatch):
    """nnanim render --events: a badge when the scene first shows the event's step, and an
    end card with the run's events, both from engine.inspection.events."""
    import sys as _sys

    _sys.path.insert(0, str(ROOT / "tests"))
    from scene_utils import render

    monkeypatch.setenv("NNANIM_CACHE", str(tmp_path / "cache"))
    text = (CONFIGS / "linear_regression.toml").read_text().replace("lr = 0.01", "lr = 0.2")
    run(config.loads(text), tmp_path / "div.trace")
    sections = tmp_path / "sections.jsonl"
    png, scene = render("LinearRegressionGD", tmp_path, trace=tmp_path / "div.trace",
                        events=True, sections=sections)
    assert [(e.step, e.kind) for e in scene.events["main"]] == [(2, "exploding")]
    assert png.exists()
    # announced once, inside the scene (before the end card), after step 2 was on screen
    (role, step, at), = scene.event_marks
    assert (role, step) == ("main", 2)
    ends = [json.loads(line) for line in sections.read_text().splitlines()]
    card = next(e for e in ends if e["section"] == "events")
    assert 0 < at < card["start"]
    assert any(s.step is not None and s.step >= 2 and s.layer not in ("static", "epoch")
               for s in scene.shown.items)
    rc, out, _ = nnanim("render", "--help")
    assert rc == 0 and "--events" in out


def test_events_off_means_no_badge(tmp_path, monkeypatch):
    import sys as _sys

    _sys.path.insert(0, str(ROOT / "tests"))
    from scene_utils import render

    monkeypatch.setenv("NNANIM_CACHE", str(tmp_path / "cache"))
    text = (CONFIGS / "linear_regression.toml").read_text().replace("lr = 0.01", "lr = 0.2")
    run(config.loads(text), tmp_path / "div.trace")
    _, scene = render("LinearRegressionGD", tmp_path, trace=tmp_path / "div.trace",
                      upto_animation=40)
    assert scene.event_marks == [] and scene.events == {}


def test_event_badge_groups_one_step():
    """Two NaN/inf events of one step make one title naming both places; other kinds are
    counted, not listed (the end card lists them)."""
    from nnanim.engine.inspection.events import Event
    from nnanim.scenes.mobjects.event_badge import EventBadge
    from nnanim.scenes.theme import DARK

    events = [Event(22, "non-finite", "loss", "loss = inf"),
              Event(22, "non-finite", "objective.theta", "gradient is NaN/inf"),
              Event(30, "vanishing", "dense_0.W", "tiny")]
    badge = EventBadge(events, DARK, run="lr-large")
    title, detail = badge.lines  # Text keeps its string without spaces
    assert [m.text for m in title] == ["\u26a0step22:NaN/inf", "runlr-large+1more"]
    assert detail.text == "loss,objective.theta:loss=inf"
    assert badge.width <= 8.2 + 0.36 + 1e-6
    many = EventBadge([Event(5, "vanishing", f"dense_{i}.W", "tiny") for i in range(6)], DARK)
    assert [m.text for m in many.lines[0]] == ["\u26a0step5:vanishinggradient"]
    assert many.lines[1].text == "dense_0.W,dense_1.W,dense_2.W+3more:tiny"


def test_layer_probes_report_no_gradient_size_events(tmp_path):
    """A probe's gradient is as big as the upstream gradient its config chose: no
    "exploding" there (the edge-detection probe's ‖∂L/∂W‖ is in the thousands)."""
    from nnanim.engine.inspection.events import find_events

    run(config.load(CONFIGS / "edge_digit_full.toml"), tmp_path / "p")
    t = Trace(tmp_path / "p")
    assert t.kind == "layer"
    assert find_events(t) == []
