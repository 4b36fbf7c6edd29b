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
