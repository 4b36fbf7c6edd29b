import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "assets" / "configs"



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
