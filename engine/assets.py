"""The data that ships with nnanim (``assets/``: bundled run configs, the MNIST subset),
read through importlib.resources so it is found in a checkout, an editable install and a
wheel alike. The only place that knows where assets live."""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def asset(*parts: str) -> Path:
    """Path of a bundled file, e.g. ``asset("mnist_5k.npz")``. nnanim installs as plain
    files (not a zip), so the resource is a real path."""
    return Path(str(resources.files("nnanim").joinpath("assets", *parts)))


def config_names() -> list[str]:
    """Names of the bundled run configs (``xor_mlp``, ``mnist_cnn``, ...), sorted."""
    return sorted(p.stem for p in asset("configs").glob("*.toml"))


def bundled_config(name: str) -> Path:
    """The bundled config ``name`` (``assets/configs/<name>.toml``)."""
    return asset("configs", f"{name}.toml")


def resolve_config(name: str | Path) -> Path:
    """A config path as given, or the name of a bundled config (``xor_mlp``). A name that is
    neither comes back as a path, so the loader reports it missing under the given name."""
    p = Path(name)
    if p.exists() or p.suffix == ".toml":
        return p
    bundled = bundled_config(str(name))
    return bundled if bundled.exists() else p
