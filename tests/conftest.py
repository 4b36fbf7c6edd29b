import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "assets" / "configs"



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
