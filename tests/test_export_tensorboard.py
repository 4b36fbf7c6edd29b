"""nnanim trace export --tensorboard: the event files read back with TensorBoard's own
reader hold the trace's scalars at its steps, every parameter's and gradient's histogram at
every recorded step, conv filters and watched feature maps as images, the config as TOML;
two traces in one logdir are two runs; bad input is one line and exit 2."""
import io
import re
import sys
import tomllib

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import CONFIGS, small_xor
from PIL import Image
from tensorboard.backend.event_processing import event_accumulator, event_multiplexer

from nnanim import cli
from nnanim.engine import config
from nnanim.engine.inspection.tensorboard import GAP, write_tensorboard
from nnanim.engine.run import run
from nnanim.engine.trace import Trace

EVERYTHING = {kind: 0 for kind in event_accumulator.DEFAULT_SIZE_GUIDANCE}  # 0: keep all


def small_cnn() -> dict:
    """The bundled MNIST CNN on 200 digits, 2 epochs of 4 steps, every 3rd step recorded
    (so epochs do not end on recorded steps), two watched digits, gradient norms."""
    cfg = config.load(CONFIGS / "mnist_cnn.toml")
    cfg["data"]["limit"] = 200
    cfg["training"].update(epochs=2, batch_size=50)
    cfg["record"].update(every=3, watch=[0, 1], grad_norms=True)
    return config.validate(cfg)


@pytest.fixture(scope="module")
def traces(tmp_path_factory):
    root = tmp_path_factory.mktemp("tb-traces")
    run(small_xor(epochs=10, every=4, grad_norms=True), root / "xor.trace")
    run(small_cnn(), root / "cnn.trace")
    for name in ("descent_1d", "conv_deck", "activations"):
        run(config.load(CONFIGS / f"{name}.toml"), root / f"{name}.trace")
    return root


@pytest.fixture(scope="module")
def logdir(traces, tmp_path_factory):
    """Every trace exported into one logdir."""
    out = tmp_path_factory.mktemp("tb") / "logs"
    for name in ("xor", "cnn", "descent_1d", "conv_deck", "activations"):
        assert write_tensorboard(Trace(traces / f"{name}.trace"), out) == out / name
    return out


def read(run_dir) -> event_accumulator.EventAccumulator:
    events = event_accumulator.EventAccumulator(str(run_dir), size_guidance=EVERYTHING)
    events.Reload()
    return events


def scalars(events, tag) -> tuple[list[int], np.ndarray]:
    points = events.Scalars(tag)
    return [p.step for p in points], np.array([p.value for p in points])


def close32(a, b) -> bool:
    return np.allclose(np.asarray(a, dtype=np.float32), b, rtol=1e-6, atol=0, equal_nan=True)


@pytest.mark.parametrize("name", ["xor", "cnn"])
def test_step_scalars_equal_the_trace(traces, logdir, name):
    t, events = Trace(traces / f"{name}.trace"), read(logdir / name)
    layers_with_params = [i for i in t.layer_info if i["params"]]
    norms = {f"grad_norm/{i['name']}.{p}" for i in layers_with_params for p in i["params"]}
    expected = {"step/loss", "step/lr", "step/epoch", "step/batch"} | norms
    assert expected <= set(events.Tags()["scalars"]) and len(norms) >= 4
    for tag in expected:
        steps, values = scalars(events, tag)
        assert steps == t.all_steps, tag
        assert close32(t.scalars(tag.removeprefix("step/")), values), tag


@pytest.mark.parametrize("name", ["xor", "cnn"])
def test_epoch_metrics_at_the_step_that_ends_each_epoch(traces, logdir, name):
    t, events = Trace(traces / f"{name}.trace"), read(logdir / name)
    epoch_of_step = t.scalars("epoch")
    ends = [t.all_steps[i] for i in range(len(epoch_of_step))
            if i + 1 == len(epoch_of_step) or epoch_of_step[i + 1] != epoch_of_step[i]]
    assert len(ends) == len(t.epochs) and (name == "xor" or ends == [3, 7])
    metrics = {"loss", "accuracy", "lr"} | ({"val_loss", "val_accuracy"} if name == "cnn"
                                           else set())
    for metric in metrics:
        steps, values = scalars(events, f"epoch/{metric}")
        assert steps == ends and close32(t.epoch_metric(metric), values), metric


@pytest.mark.parametrize("name", ["xor", "cnn"])
def test_histograms_of_every_parameter_and_gradient_at_every_recorded_step(traces, logdir,
                                                                           name):
    t, events = Trace(traces / f"{name}.trace"), read(logdir / name)
    assert t.steps != t.all_steps  # the policy skipped steps: only recorded ones have arrays
    tags = {f"{i['name']}/{q}" for i in t.layer_info for p in i["params"] for q in (p, p + ".grad")}
    assert set(events.Tags()["histograms"]) == tags and len(tags) >= 8
    for tag in tags:
        layer, quantity = tag.split("/")
        histograms = events.Histograms(tag)
        assert [h.step for h in histograms] == t.steps, tag
        for h in histograms:
            a = t.get(h.step, layer, quantity)
            v = h.histogram_value
            assert v.num == a.size and sum(v.bucket) == a.size, tag
            assert v.min == pytest.approx(a.min()) and v.max == pytest.approx(a.max()), tag


def decode(image_event) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(image_event.encoded_image_string)).convert("RGB"))


def cell_centres(image: np.ndarray, rows: int, cols: int, h: int, w: int) -> np.ndarray:
    """The colour at the centre of each value's magnified pixel: (rows, cols, h, w, 3)."""
    s = ((image.shape[1] - GAP) // cols - GAP) // w
    assert image.shape == (rows * (h * s + GAP) + GAP, cols * (w * s + GAP) + GAP, 3)
    r, c, y, x = np.ix_(range(rows), range(cols), range(h), range(w))
    return image[GAP + r * (h * s + GAP) + y * s + s // 2, GAP + c * (w * s + GAP) + x * s + s // 2]


def assert_signs_drawn(image: np.ndarray, values: np.ndarray) -> None:
    """Red where a value is positive, blue where negative (values (rows, cols, h, w))."""
    rgb = cell_centres(image, *values.shape).astype(int)
    red, blue = rgb[..., 0] > rgb[..., 2], rgb[..., 2] > rgb[..., 0]
    strong = np.abs(values) > 0.05 * np.abs(values).max()  # faint ones round to white
    assert np.all(red[strong & (values > 0)]) and np.all(blue[strong & (values < 0)])


def test_conv_filters_are_images_one_column_per_filter(traces, logdir):
    t, events = Trace(traces / "cnn.trace"), read(logdir / "cnn")
    for layer in ("conv2d_0", "conv2d_3"):
        images = events.Images(f"{layer}/filters")
        assert [i.step for i in images] == t.steps
        for i in images:
            W = t.get(i.step, layer, "W")  # (out, in, kh, kw): columns = filters
            assert_signs_drawn(decode(i), W.transpose(1, 0, 2, 3))


def test_watched_feature_maps_are_images_one_row_per_sample(traces, logdir):
    t, events = Trace(traces / "cnn.trace"), read(logdir / "cnn")
    maps = [layer for layer in t.layers if t.get(t.steps[0], "watch", layer).ndim == 4]
    assert set(events.Tags()["images"]) == {"conv2d_0/filters", "conv2d_3/filters",
                                             "watch/input"} | {f"watch/{m}" for m in maps}
    assert len(maps) == 6  # conv, relu, pool twice
    for layer in maps:
        images = events.Images(f"watch/{layer}")
        assert [i.step for i in images] == t.steps
        assert_signs_drawn(decode(images[-1]), t.get(t.steps[-1], "watch", layer))
    digits = decode(events.Images("watch/input")[0])
    assert_signs_drawn(digits, t.static("watch/x").swapaxes(0, 1))  # a column per digit


@pytest.mark.parametrize("name", ["xor", "cnn", "descent_1d", "conv_deck", "activations"])
def test_config_text_is_the_run_config_as_toml(traces, logdir, name):
    events = read(logdir / name)
    text = events.Tensors("config/text_summary")[0].tensor_proto.string_val[0].decode()
    toml = re.search(r"```toml\n(.*)```", text, re.DOTALL)[1]
    assert tomllib.loads(toml) == Trace(traces / f"{name}.trace").config


def test_objective_run_exports_theta_its_gradient_and_gap(traces, logdir):
    t, events = Trace(traces / "descent_1d.trace"), read(logdir / "descent_1d")
    for tag, quantity in [("theta/x", "theta"), ("theta.grad/x", "theta.grad"),
                          ("objective/gap", "gap")]:
        steps, values = scalars(events, tag)
        assert steps == t.steps and close32(t.series("objective", quantity)[:, 0], values)
    assert close32(t.scalars("grad_norm"), scalars(events, "step/grad_norm")[1])
    assert set(events.Tags()["histograms"]) == {"objective/theta", "objective/theta.grad"}


def test_probe_and_curves_runs_export_what_they_have(traces, logdir):
    probe = read(logdir / "conv_deck")
    assert {"conv2d_0/filters", "conv2d_0/input", "conv2d_0/output"} == \
        set(probe.Tags()["images"])
    assert "step/loss" not in probe.Tags()["scalars"]  # a probe's loss is NaN: nothing
    curves = read(logdir / "activations")
    assert curves.Tags()["images"] == [] and curves.Tags()["histograms"] == []


def test_two_traces_in_one_logdir_are_two_runs_and_a_re_export_replaces(traces, tmp_path):
    logs = tmp_path / "logs"
    for name in ("xor", "cnn", "xor"):
        rc = CliRunner().invoke(cli.main, ["trace", "export", str(traces / f"{name}.trace"),
                                           "--tensorboard", str(logs)])
        assert rc.exit_code == 0 and rc.stdout.startswith(f"wrote {logs / name}"), rc.output
    runs = event_multiplexer.EventMultiplexer().AddRunsFromDirectory(str(logs))
    runs.Reload()
    assert set(runs.Runs()) == {"xor", "cnn"}
    assert len(scalars(runs.GetAccumulator("xor"), "step/loss")[0]) == 10  # not twice
    assert sorted(p.name for p in logs.iterdir()) == ["cnn", "xor"]  # no temporary left
    assert len(list((logs / "xor").iterdir())) == 1
    rc = CliRunner().invoke(cli.main, ["trace", "export", str(traces / "xor.trace"),
                                       "--tensorboard", str(logs), "--name", "lr-2"])
    assert rc.exit_code == 0 and (logs / "lr-2").is_dir()


def bad_input(tmp_path):
    """(args, part of the message) per bad input; {trace} and {tmp} filled in."""
    return [
        (["{tmp}/empty", "--tensorboard", "{tmp}/logs"], "manifest"),
        (["{tmp}/file.txt", "--tensorboard", "{tmp}/logs"], "file.txt"),
        (["{trace}", "--tensorboard", "{tmp}/file.txt"], "is a file, not a folder"),
        (["{trace}", "--tensorboard", "{tmp}/file.txt/logs"], "cannot write"),
        (["{trace}", "--tensorboard", "/proc/nnanim-logs"], "cannot write"),
        (["{trace}", "--tensorboard", "{tmp}", "--name", "folder"], "not a TensorBoard run"),
        (["{trace}", "--tensorboard", "{tmp}/logs", "--name", "../up"], "one folder name"),
        (["{trace}", "--tensorboard", "{tmp}/logs", "-o", "{tmp}/x"], "DIR is the output"),
        (["{trace}", "--csv", "--tensorboard", "{tmp}/logs"], "choose one of"),
    ]


@pytest.mark.parametrize("case", range(9))
def test_bad_input_is_one_line_and_exit_2(traces, tmp_path, case):
    (tmp_path / "empty").mkdir()
    (tmp_path / "file.txt").write_text("keep me")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "notes.txt").write_text("keep me too")
    args, message = bad_input(tmp_path)[case]
    args = [a.format(trace=traces / "xor.trace", tmp=tmp_path) for a in args]
    r = CliRunner().invoke(cli.main, ["trace", "export", *args])
    lines = r.stderr.strip().splitlines()
    assert r.exit_code == 2 and len(lines) == 1 and lines[0].startswith("nnanim: error: "), \
        r.output
    assert message in lines[0] and "Traceback" not in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "file.txt", "folder"]
    assert (tmp_path / "file.txt").read_text() == "keep me"
    assert [p.name for p in (tmp_path / "folder").iterdir()] == ["notes.txt"]


def test_missing_extra_names_the_pip_command(traces, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboardX", None)  # import tensorboardX fails
    r = CliRunner().invoke(cli.main, ["trace", "export", str(traces / "xor.trace"),
                                      "--tensorboard", str(tmp_path / "logs")])
    assert r.exit_code == 2 and r.stderr == ("nnanim: error: trace export --tensorboard needs "
                                             "tensorboardX: pip install 'nnanim[tensorboard]'\n")
    assert list(tmp_path.iterdir()) == []
