"""The catalog is the scene classes: every scene has a title, a description, runs that are
bundled configs, a place in the lecture; list and errors."""
import subprocess
import sys

import pytest

from nnanim.engine.assets import bundled_config
from nnanim.scenes.base import TraceScene
from nnanim.scenes.catalog import LECTURE_ORDER, scene_info, scenes


@pytest.mark.parametrize("name", list(scenes()))
def test_every_scene_describes_itself(name):
    info = scene_info(name)
    assert issubclass(info.cls, TraceScene) and info.cls.__doc__
    assert info.title and info.title != name and len(info.title) <= 45
    assert info.description and len(info.description) < 140
    assert "main" in info.runs
    for config in info.runs.values():
        assert bundled_config(config).is_file(), config
    assert set(info.kinds) <= {"network", "objective", "layer", "curves"} and info.kinds


def test_lecture_order_covers_every_scene_once():
    assert sorted(LECTURE_ORDER) == sorted(scenes()) and len(set(LECTURE_ORDER)) == len(scenes())
    assert list(scenes()) == LECTURE_ORDER


def test_a_new_scene_class_joins_the_catalog(tmp_path, monkeypatch):
    """Writing a scene module is all it takes: no list to edit (apart from its lecture
    place; unplaced scenes come last)."""
    import nnanim.scenes as package

    module = tmp_path / "extra_scene.py"
    module.write_text("from nnanim.scenes.base import TraceScene\n\n"
                      "class ExtraScene(TraceScene):\n"
                      "    '''A test scene.'''\n"
                      "    title = 'An extra scene'\n"
                      "    description = 'nothing at all'\n"
                      "    runs = {'main': 'xor_mlp'}\n"
                      "    trace_kind = 'network'\n")
    monkeypatch.setattr(package, "__path__", [*package.__path__, str(tmp_path)])
    scenes.cache_clear()
    try:
        found = scenes()
        assert list(found)[-1] == "ExtraScene" and found["ExtraScene"].title == "An extra scene"
    finally:
        scenes.cache_clear()
        sys.modules.pop("nnanim.scenes.extra_scene", None)


def test_list_command():
    p = subprocess.run([sys.executable, "-m", "nnanim.cli", "list"], capture_output=True,
                       text=True)
    assert p.returncode == 0
    for name, info in scenes().items():
        assert name in p.stdout and info.title in p.stdout and info.description in p.stdout
    p = subprocess.run([sys.executable, "-m", "nnanim.cli", "list", "--names"],
                       capture_output=True, text=True)
    assert p.stdout.split() == LECTURE_ORDER


@pytest.mark.parametrize("args, message", [
    (["render", "GradientDescnt1D"], "unknown scene 'GradientDescnt1D'"),
    (["render", "gradientdescent1d"], "did you mean GradientDescent1D?"),
    (["render", "GradientDescent1D", "--trace", "/no/such/trace"], "no trace at /no/such/trace"),
    (["render", "GradientDescent1D", "-q", "x"], "'-q'"),
    (["render", "GradientDescent1D", "--trace", "a", "--config", "b"], "not both"),
    (["render", "GradientDescent1D", "--run", "nope"], "ROLE=TRACE"),
    (["render", "GradientDescent1D", "--run", "other=x.trace"], "follows no run 'other'"),
    (["gif", "Nope"], "unknown scene 'Nope'"),
    (["lecture", "GradientDescent1D", "Nope"], "unknown scene 'Nope'"),
])
def test_render_errors_one_line_exit_2(args, message):
    p = subprocess.run([sys.executable, "-m", "nnanim.cli", *args], capture_output=True,
                       text=True)
    assert p.returncode == 2, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], p.stderr
