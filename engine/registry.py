"""Registries: config names -> the classes (or factories) they build.

A module registers what it defines where it defines it::

    @LAYERS.register("MaxPooling2D")        # Keras' name; the class name is always valid
    class MaxPool2D(Layer): ...

Names are matched ignoring case, "_", "-" and spaces ("max_pool_2d" = "MaxPool2D").
Before its first lookup a registry imports every module of the engine package once, so a
new layer is one new file with its decorator: no list to edit anywhere.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from typing import Any, Callable

from .errors import ConfigError, ShapeError

#: constructor arguments a config never sets: the builder passes them (seeded streams, dtype)
INTERNAL = ("self", "rng", "dtype")

_discovered = False


def _key(name: str) -> str:
    return re.sub(r"[\s_-]", "", str(name)).lower()


def discover() -> None:
    """Import every module of the engine package once, so their decorators have run."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    package = importlib.import_module(__package__)
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{__package__}.{module.name}")


class Registry:
    """Config names of one kind of component. ``kind`` and ``field`` are for messages:
    "loss" named by the field "name" of its table ([loss] name = "mse").

    Each entry is an object (a class or a factory) and default keyword arguments, so one
    class can serve several names ("momentum" is SGD with momentum 0.9).
    """

    def __init__(self, kind: str, field: str = "name") -> None:
        self.kind = kind
        self.field = field
        self._entries: dict[str, tuple[Callable, dict]] = {}
        self._primary: dict[str, str] = {}  # key -> the name listed in messages

    def register(self, *names: str, defaults: dict | None = None):
        """Decorator registering ``obj`` under ``names`` (the first is the one listed in
        messages) and, when no defaults apply, its own ``__name__``."""
        def add(obj):
            own = () if defaults else (obj.__name__,)
            for i, name in enumerate((*names, *own)):
                key = _key(name)
                old = self._entries.get(key)
                # a module imported twice (reload) re-registers its own name: allowed
                if old is not None and _origin(old[0]) != _origin(obj):
                    raise ValueError(f"{self.kind} name {name!r} is taken by {old[0].__name__}")
                self._entries[key] = (obj, dict(defaults or {}))
                if i == 0:
                    self._primary[key] = name
            return obj
        return add

    def names(self) -> list[str]:
        """The primary names, sorted (aliases are not listed)."""
        discover()
        return sorted(self._primary.values(), key=str.lower)

    def _entry(self, name: str, where: str) -> tuple[Callable, dict]:
        discover()
        entry = self._entries.get(_key(name))
        if entry is None:
            raise ConfigError(f"{where}.{self.field}: unknown {self.kind} {name!r} "
                              f"(valid: {', '.join(self.names())})")
        return entry

    def get(self, name: str, where: str) -> Callable:
        """The class or factory registered as ``name``; ConfigError naming ``where`` (the
        config table) otherwise."""
        return self._entry(name, where)[0]

    def build(self, name: str, where: str, options: dict | None = None, **context: Any):
        """``get(name)(**defaults, **options, **context)``, with ``options`` (a config
        table) checked against the signature first. ``context`` (rng, dtype) is passed
        only to callables that take it. Errors become one-line ConfigErrors."""
        obj, defaults = self._entry(name, where)
        params = inspect.signature(obj).parameters
        label = f"{where} ({getattr(obj, '__name__', name)})"
        options = {k: tuple(v) if isinstance(v, list) else v for k, v in (options or {}).items()}
        allowed = [k for k, p in params.items() if k not in INTERNAL and p.kind in
                   (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        for k in options:
            if k not in allowed:
                raise ConfigError(f"{label}: unknown field '{k}' "
                                  f"(valid: {', '.join(sorted(allowed)) or 'none'})")
        kwargs = {**defaults, **options, **{k: v for k, v in context.items() if k in params}}
        missing = [k for k, p in params.items() if k != "self" and p.default is p.empty
                   and p.kind != p.VAR_KEYWORD and k not in kwargs]
        if missing:
            raise ConfigError(f"{label}: missing field {', '.join(repr(k) for k in missing)}")
        try:
            return obj(**kwargs)
        except ConfigError:
            raise
        except (TypeError, ValueError, ShapeError) as e:
            raise ConfigError(f"{label}: {e}") from None


def _origin(obj) -> tuple[str, str]:
    return getattr(obj, "__module__", ""), getattr(obj, "__qualname__", repr(obj))


LAYERS = Registry("layer type", field="type")
LOSSES = Registry("loss")
OPTIMIZERS = Registry("optimizer")
SCHEDULES = Registry("schedule")
DATASETS = Registry("data set")
OBJECTIVES = Registry("objective")
