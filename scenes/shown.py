"""ShownValues: the record of every number a scene put on screen, with its trace source.

Tests compare each entry's value with the trace array it names, so "every number on
screen comes from the trace" is checked, not promised.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Shown:
    text: str                 # what was drawn, e.g. "0.352"
    value: float              # the number it stands for
    role: str                 # which run ("main", "small", ...)
    step: int | None          # trace step (None for static arrays / per-step scalars)
    layer: str                # layer name, "batch", "objective", "static" or "scalar"
    quantity: str             # quantity name (or static key / scalar name)
    index: tuple = ()         # index into the array (() for a scalar array)


@dataclass
class ShownValues:
    items: list[Shown] = field(default_factory=list)

    def add(self, text: str, value: float, role: str, step: int | None, layer: str,
            quantity: str, index: Any = ()) -> str:
        idx = tuple(int(i) for i in (index if isinstance(index, tuple) else (index,)))
        self.items.append(Shown(text, float(value), role, step, layer, quantity, idx))
        return text

    def __len__(self) -> int:
        return len(self.items)

    def to_json(self) -> list[dict]:
        return [vars(s) | {"index": list(s.index)} for s in self.items]
