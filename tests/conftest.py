import os
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "assets" / "configs"


def xdist_group(nodeid: str) -> str:
    """The work unit ``--dist loadgroup`` keeps on one worker, from a test's node id: a scene's
    part of the contract (test_scenes.py, ids "<scene>" or "<scene>-...") with the scene's own
    file (test_scene_*.py, SCENE = "<scene>"), so the scene is rendered once and the scenes
    spread over the workers; any other test, its file (its module fixtures computed once)."""
    path, _, test = nodeid.partition("::")
    name = Path(path).name
    if name == "test_scenes.py" and test.endswith("]"):
        return f"scene {test[test.index('[') + 1:-1].split('-')[0]}"
    scene = _scene_of(path) if name.startswith("test_scene_") else None
    return f"scene {scene}" if scene else path


@cache
def _scene_of(path: str) -> str | None:
    found = re.search(r'^SCENE = "(\w+)"', (ROOT / path).read_text(), re.MULTILINE)
    return found[1] if found else None


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup`` by xdist_group(nodeid). The xdist_group mark cannot do it: with
    pytest 9.2, pytest-xdist 3.8 drops the marks' groups (pytest-dev/pytest-xdist#1386)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class SceneGroupScheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.rfind("@") > nodeid.rfind("]"):  # an xdist_group mark, should one work
                return super()._split_scope(nodeid)
            return xdist_group(nodeid)

    return SceneGroupScheduling(config, log)


@pytest.fixture(scope="session", autouse=True)
def nnanim_cache(tmp_path_factory) -> Path:
    """One cache of trained default runs for the whole test session, shared by pytest-xdist
    workers (their base folders are siblings), fresh for every session. Set as the
    documented NNANIM_CACHE override, so CLI subprocesses use it too."""
    base = tmp_path_factory.getbasetemp()
    path = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "nnanim-cache"
    os.environ["NNANIM_CACHE"] = str(path)
    return path


@pytest.fixture
def configs() -> Path:
    return CONFIGS


def small_xor(epochs: int = 30, **record) -> dict:
    """The bundled XOR config, shortened, as a validated dict."""
    from nnanim.engine import config

    cfg = config.load(CONFIGS / "xor_mlp.toml")
    cfg["training"]["epochs"] = epochs
    cfg["record"] = {"every": 1, "checkpoint_every": 10, **record}
    return config.validate(cfg)
