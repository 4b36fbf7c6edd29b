"""engine/inspection as a library: the text of the trace commands (the same as the CLI
prints), exports and plots written atomically, one-line errors for bad output paths."""
import csv
import io
import json

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import CONFIGS, small_xor

from nnanim import cli
from nnanim.engine import config
from nnanim.engine.atomic import OutputError
from nnanim.engine.inspection import export, report
from nnanim.engine.inspection.plots import plot_trace
from nnanim.engine.run import run
from nnanim.engine.trace import Trace, TraceWriter


@pytest.fixture(scope="module")
def traces(tmp_path_factory):
    """An XOR run, a diverging 1-D descent (events) and a two-ReLU trace (dying units)."""
    root = tmp_path_factory.mktemp("inspection")
    run(small_xor(epochs=12), root / "xor")
    text = (CONFIGS / "descent_1d.toml").read_text().replace("lr = 0.1", "lr = 3.0")
    run(config.loads(text), root / "div")
    w = TraceWriter(root / "relu", kind="network", config={"run": {"name": "relu"}}, seed=0)
    w.set_layers([{"name": "relu_0", "type": "ReLU", "describe": "ReLU()", "params": {}}])
    for s, dead in enumerate([1, 7, 9, 4]):  # of 10 units
        out = np.ones((4, 10))
        out[:, :dead] = 0
        w.record(s, "relu_0", "output", out)
        w.end_step(s, loss=1.0)
    w.close()
    return root


def cli_output(*args):
    r = CliRunner().invoke(cli.main, [str(a) for a in args])
    return r.output


def text(lines):
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", ["xor", "div", "relu"])
def test_info_and_events_lines_are_the_cli_output(traces, name):
    t = Trace(traces / name)
    if name != "relu":  # a hand-made trace: its config has none of a run's fields
        assert text(report.info_lines(t)) == cli_output("trace", "info", traces / name)
    assert text(report.events_lines(t)) == cli_output("trace", "events", traces / name)


def test_info_lines(traces):
    lines = report.info_lines(Trace(traces / "xor"))
    assert lines[1].startswith("run:     xor-mlp  kind=network  seed=0")
    assert "steps:   12 run, 12 recorded, 12 epochs" in lines
    assert any(line.strip().startswith("quantities: W, W.after, W.grad") for line in lines)


def test_show_lines(traces):
    t = Trace(traces / "xor")
    lines = report.show_lines(t, 3, "dense_0", "W.grad")
    assert lines[0] == "dense_0/W.grad at step 3: shape (3, 2), dtype float64"
    assert f"norm {np.linalg.norm(t.get(3, 'dense_0', 'W.grad')):.6g}" in lines[-1]
    assert text(lines) == cli_output("trace", "show", traces / "xor", "--step", 3,
                                     "--layer", "dense_0", "-Q", "W.grad")


def test_diff_lines(traces):
    a, b = Trace(traces / "xor"), Trace(traces / "div")
    lines = report.diff_lines(a, b)
    assert lines[:3] == [f"A: {a.path}", f"B: {b.path}", "config differences:"]
    assert "losses part at step 0" in lines[-2]
    assert report.diff_lines(a, a)[2] == "config: identical"
    assert text(lines) == cli_output("trace", "diff", traces / "xor", traces / "div")


def test_gradcheck_report(traces):
    lines, ok = report.gradcheck_report(Trace(traces / "xor"), 5, entries=4)
    assert ok and lines[-1] == "step 5: all gradients match (tolerance 1e-06)"
    assert lines[0].split()[:4] == ["dense_0", "W", "4/6", "entries"]


def test_events_lines(traces):
    div = report.events_lines(Trace(traces / "div"))
    assert any("exploding" in line for line in div) and any("non-finite" in line for line in div)
    relu = report.events_lines(Trace(traces / "relu"))
    assert relu == ["step      1  dead-relu   relu_0             90% of units output 0 on "
                    "every recorded sample (peak at step 2)",
                    "dead-ReLU fraction relu_0: first 10%  last 40%  max 90%"]


def test_exports(traces, tmp_path):
    t = Trace(traces / "xor")
    csv_text = export.export_csv(t)
    header, first = csv_text.splitlines()[:2]
    epoch_columns = [f"epoch_{k}" for k in t.epochs[0] if k != "epoch"]
    assert header == ",".join(["batch", "epoch", "loss", "lr", "step"] + epoch_columns)
    assert "epoch_loss" in epoch_columns and len(csv_text.splitlines()) == 13
    assert float(first.split(",")[2]) == t.scalars("loss")[0]
    # the CSV round trip: every step's scalars, and each epoch's metrics on its last row
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert [float(r["loss"]) for r in rows] == list(t.scalars("loss"))
    ends = [r for r in rows if r["epoch_loss"]]
    assert [int(r["epoch"]) for r in ends] == [e["epoch"] for e in t.epochs]
    assert [float(r["epoch_loss"]) for r in ends] == [e["loss"] for e in t.epochs]
    data = json.loads(export.export_json(t))
    assert data["run"] == "xor-mlp" and len(data["steps"]) == 12 and len(data["epochs"]) == 12
    assert "chunk" not in data["steps"][0]
    assert csv_text == cli_output("trace", "export", traces / "xor", "--csv")
    assert export.write_export(t, tmp_path / "e.json", "json").read_text() == \
        export.export_json(t)
    assert [p.name for p in tmp_path.iterdir()] == ["e.json"]  # no temporary left


def test_bad_output_paths_are_one_line_errors(traces, tmp_path):
    t = Trace(traces / "xor")
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match=r"^cannot write .*folder: it is a folder$"):
        export.write_export(t, tmp_path / "folder", "csv")
    with pytest.raises(OutputError, match=r"^cannot write .*file/e.csv: "):
        export.write_export(t, tmp_path / "file" / "e.csv", "csv")
    with pytest.raises(OutputError, match="it is a folder"):
        plot_trace(t, tmp_path / "folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "folder"]


def test_plot_is_written_atomically(traces, tmp_path):
    out = plot_trace(Trace(traces / "xor"), tmp_path / "sub" / "p.png")
    assert out == tmp_path / "sub" / "p.png"
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in out.parent.iterdir()] == ["p.png"]
