"""The nnanim CLI: version, train, trace info, and one-line errors with exit code 2."""
import subprocess
import sys

import pytest
from conftest import CONFIGS, ROOT


def nnanim(*args, cwd=None):
    p = subprocess.run([sys.executable, "-m", "nnanim.cli", *map(str, args)],
                       capture_output=True, text=True, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def test_version_and_help_do_not_import_heavy_modules():
    code = ("import sys\nfrom nnanim import cli\n"
            "from click.testing import CliRunner\n"
            "r = CliRunner().invoke(cli.main, ['--help'])\n"
            "assert r.exit_code == 0 and 'train' in r.output, r.output\n"
            "print(sorted(m for m in ('manim', 'numpy', 'torch') if m in sys.modules))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"
    rc, out, _ = nnanim("--version")
    assert rc == 0 and out.startswith("nnanim, version ")


def test_train_then_info(tmp_path):
    rc, out, err = nnanim("train", CONFIGS / "xor_mlp.toml", "-o", tmp_path / "x.trace")
    assert rc == 0, err
    assert "complete: 1500 steps, 1500 epochs" in out and "accuracy 100.00%" in out
    rc, out, err = nnanim("trace", "info", tmp_path / "x.trace")
    assert rc == 0, err
    for text in ("run:     xor-mlp", "dense_0", "Dense(2 -> 3)", "W(3, 2)", "grad_output",
                 "W.grad", "1500 run, 241 recorded", "accuracy 100.00%"):
        assert text in out, text


def test_train_bundled_name_default_output(tmp_path):
    rc, out, err = nnanim("train", "descent_1d", cwd=tmp_path)
    assert rc == 0, err
    assert (tmp_path / "runs" / "descent_1d.trace" / "manifest.json").is_file()
    assert "θ = (0.35" in out


@pytest.mark.parametrize("args, message", [
    (["train", "no_such_config"], "no config file at no_such_config"),
    (["trace", "info", "/nonexistent/trace"], "no trace at /nonexistent/trace"),
    (["train"], "Missing argument 'CONFIG'"),
    (["frobnicate"], "No such command 'frobnicate'"),
    (["train", CONFIGS / "xor_mlp.toml", "--bogus"], "--bogus"),
])
def test_errors_are_one_line_exit_2(args, message):
    rc, out, err = nnanim(*args)
    assert rc == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nnanim: error: "), err
    assert message in lines[0]
    assert "Traceback" not in err


def test_bad_config_keeps_existing_trace(tmp_path):
    out = tmp_path / "x.trace"
    rc, _, err = nnanim("train", CONFIGS / "descent_1d.toml", "-o", out)
    assert rc == 0, err
    before = (out / "manifest.json").read_bytes()
    bad = tmp_path / "bad.toml"
    bad.write_text((CONFIGS / "descent_1d.toml").read_text().replace('"sgd"', '"sgx"'))
    rc, _, err = nnanim("train", bad, "-o", out)
    assert rc == 2 and "sgx" in err and len(err.strip().splitlines()) == 1
    assert (out / "manifest.json").read_bytes() == before
    assert not (tmp_path / "x.trace.partial").exists()


def test_corrupt_trace_info(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "manifest.json").write_text("garbage")
    rc, _, err = nnanim("trace", "info", tmp_path / "t")
    assert rc == 2 and "corrupt" in err and len(err.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def small_trace(tmp_path_factory):
    out = tmp_path_factory.mktemp("small") / "d.trace"
    rc, _, err = nnanim("train", "descent_1d", "-q", "-o", out)
    assert rc == 0, err
    return out


@pytest.mark.parametrize("command, message", [
    (["train", "descent_1d", "-q", "-o", "{file}/x.trace"], "cannot write"),
    (["train", "descent_1d", "-q", "-o", "{file}"], "is a file, not a folder"),
    (["render", "MaxPooling", "--format", "png", "-q", "l", "-o", "{file}/x.png"],
     "cannot write"),
    (["render", "MaxPooling", "--format", "png", "-q", "l", "-o", "{folder}"], "is a folder"),
    (["render", "MaxPooling", "--format", "png", "-q", "l", "-o", "/proc/nnanim/x.png"],
     "cannot write"),
    (["render", "MaxPooling", "--speed", "nan"], "not a number from 0.05 to 20"),
    (["gif", "MaxPooling", "--speed", "inf"], "not a number from 0.05 to 20"),
    (["lecture", "MaxPooling", "-o", "{file}/lecture.mp4"], "cannot write"),
    (["trace", "export", "{trace}", "--csv", "-o", "{folder}"], "is a folder"),
    (["trace", "export", "{trace}", "--json", "-o", "{file}/x.json"], "cannot write"),
    (["trace", "plot", "{trace}", "-o", "{file}/x.png"], "cannot write"),
    (["trace", "diff", "{trace}", "{trace}", "--plot", "{folder}"], "is a folder"),
])
def test_unwritable_outputs_one_line_exit_2(command, message, small_trace, tmp_path):
    """An output that cannot be written (under a file, a folder, a read-only place) and a
    speed that is no number: one line, exit 2, and what stood there before is untouched."""
    file, folder = tmp_path / "file.txt", tmp_path / "folder"
    file.write_text("keep me")
    folder.mkdir()
    (folder / "inside").write_text("keep me too")
    args = [a.format(file=file, folder=folder, trace=small_trace) for a in command]
    rc, out, err = nnanim(*args, cwd=tmp_path)
    lines = err.strip().splitlines()
    assert rc == 2 and len(lines) == 1 and lines[0].startswith("nnanim: error: "), err
    assert message in lines[0] and "Traceback" not in err
    assert file.read_text() == "keep me" and (folder / "inside").read_text() == "keep me too"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt", "folder"]


def test_failed_render_keeps_the_existing_output(tmp_path):
    """A render that fails (a corrupt trace) leaves the previous video as it was."""
    out = tmp_path / "keep.png"
    out.write_bytes(b"an earlier render")
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "manifest.json").write_text("garbage")
    rc, _, err = nnanim("render", "MaxPooling", "--trace", tmp_path / "t", "--format", "png",
                        "-o", out)
    assert rc == 2 and "corrupt" in err and len(err.strip().splitlines()) == 1
    assert out.read_bytes() == b"an earlier render"


@pytest.mark.parametrize("loss", ["categorical_crossentropy", "binary_crossentropy",
                                  "mean_squared_error"])
def test_keras_loss_names_accepted(loss, tmp_path):
    """The lecture decks' Keras names for losses train like nnanim's own."""
    text = (CONFIGS / "xor_mlp.toml").read_text()
    text = text.replace('name = "mse"', f'name = "{loss}"').replace("epochs = 1500",
                                                                   "epochs = 3")
    if loss == "categorical_crossentropy":  # two outputs, one per class
        text = text.replace("out_features = 1", "out_features = 2")
    (tmp_path / "k.toml").write_text(text)
    rc, out, err = nnanim("train", tmp_path / "k.toml", "-q", "-o", tmp_path / "k.trace")
    assert rc == 0, err
    assert "complete: 3 steps" in out


def test_progress_off_a_terminal_is_a_few_lines(tmp_path):
    """stderr to a file (CI, a notebook): about one line per 10 % of the run, not one per
    epoch of XOR's 1500."""
    rc, _, err = nnanim("train", "xor_mlp", "-o", tmp_path / "x.trace")
    assert rc == 0, err
    lines = err.strip().splitlines()
    assert 5 <= len(lines) <= 11, err
    assert lines[-1].startswith("epoch 1500: loss ") and "(1500/1500 steps)" in lines[-1]
