"""Every scene in the catalog exists with the runs the catalog lists; list and errors."""
import importlib
import subprocess
import sys

import pytest
from conftest import CONFIGS, ROOT

from nnanim.scenes.catalog import LECTURE_ORDER, SCENES


@pytest.mark.parametrize("name", list(SCENES))
def test_scene_class_matches_catalog(name):
    info = SCENES[name]
    cls = getattr(importlib.import_module(info.module), name)
    assert cls.runs == info.runs
    kinds = (info.kind,) if isinstance(info.kind, str) else info.kind
    assert cls.trace_kind in kinds or cls.trace_kind is None
    for config in info.runs.values():
        assert (CONFIGS / f"{config}.toml").is_file(), config
    assert cls.__doc__ and len(info.description) < 140


def test_lecture_order_covers_every_scene():
    assert sorted(LECTURE_ORDER) == sorted(SCENES)


def test_list_command():
    p = subprocess.run([sys.executable, str(ROOT / "cli.py"), "list"], capture_output=True,
                       text=True)
    assert p.returncode == 0
    for name, info in SCENES.items():
        assert name in p.stdout and info.description in p.stdout
    p = subprocess.run([sys.executable, str(ROOT / "cli.py"), "list", "--names"],
                       capture_output=True, text=True)
    assert p.stdout.split() == LECTURE_ORDER


@pytest.mark.parametrize("args, message", [
    (["render", "GradientDescnt1D"], "unknown scene 'GradientDescnt1D'"),
    (["render", "gradientdescent1d"], "did you mean GradientDescent1D?"),
    (["render", "GradientDescent1D", "--trace", "/no/such/trace"], "no trace at /no/such/trace"),
    (["render", "GradientDescent1D", "-q", "x"], "'-q'"),
    (["render", "GradientDescent1D", "--trace", "a", "--config", "b"], "not both"),
    (["gif", "Nope"], "unknown scene 'Nope'"),
    (["lecture", "GradientDescent1D", "Nope"], "unknown scene 'Nope'"),
])
def test_render_errors_one_line_exit_2(args, message):
    p = subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True,
                       text=True)
    assert p.returncode == 2, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], p.stderr
