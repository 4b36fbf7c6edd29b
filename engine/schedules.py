"""Learning-rate schedules: lr as a function of the epoch (or step) count t.

A schedule is stateless: ``lr_at(t, base_lr)`` gives the rate for epoch/step t ≥ 0
(t = 0 is the first), so a run can be resumed or replayed at any t. Whether t counts
epochs or steps is the trainer's choice (``schedule.per`` records the intent).
"""
from __future__ import annotations

import inspect
import numbers

from .errors import ConfigError
from .registry import SCHEDULES

PER = ("epoch", "step")


class Schedule:
    """Base: ``lr_at(t, base_lr) -> float``; ``per`` is "epoch" or "step"."""

    name = "schedule"

    def __init__(self, per: str = "epoch") -> None:
        if per not in PER:
            raise ConfigError(f"schedule: per must be 'epoch' or 'step', got {per!r}")
        self.per = per

    def lr_at(self, t: int, base_lr: float) -> float:
        raise NotImplementedError

    def _t(self, t) -> int:
        if isinstance(t, bool) or int(t) != t or t < 0:
            raise ValueError(f"{self.name}: t must be an integer >= 0, got {t!r}")
        return int(t)

    def describe(self) -> str:
        args = ", ".join(f"{k}={getattr(self, k)!r}"
                         for k in inspect.signature(type(self)).parameters)
        return f"{type(self).__name__}({args})"

    def __repr__(self) -> str:
        return self.describe()


def _gamma(gamma) -> float:
    """gamma validated to lie in (0, 1]: a decay factor."""
    ok = isinstance(gamma, numbers.Real) and not isinstance(gamma, bool) and 0 < gamma <= 1
    if not ok:
        raise ConfigError(f"schedule: gamma must be in (0, 1], got {gamma!r}")
    return float(gamma)


@SCHEDULES.register("constant", "none")
class Constant(Schedule):
    """lr(t) = base_lr."""

    name = "constant"

    def lr_at(self, t: int, base_lr: float) -> float:
        self._t(t)
        return float(base_lr)


@SCHEDULES.register("step", "step_decay")
class StepDecay(Schedule):
    """Multiply the rate by γ every ``step_size`` epochs (or steps), as torch StepLR.

    lr(t) = base_lr · γ^⌊t / step_size⌋
    """

    name = "step"

    def __init__(self, step_size: int, gamma: float = 0.1, per: str = "epoch") -> None:
        super().__init__(per)
        if isinstance(step_size, bool) or not isinstance(step_size, numbers.Integral) \
                or step_size < 1:
            raise ConfigError(f"schedule: step_size must be an integer >= 1, got {step_size!r}")
        self.step_size = int(step_size)
        self.gamma = _gamma(gamma)

    def lr_at(self, t: int, base_lr: float) -> float:
        return float(base_lr) * self.gamma ** (self._t(t) // self.step_size)


@SCHEDULES.register("exponential", "exponential_decay", "exp")
class ExponentialDecay(Schedule):
    """Multiply the rate by γ every epoch (or step), as torch ExponentialLR.

    lr(t) = base_lr · γ^t
    """

    name = "exponential"

    def __init__(self, gamma: float, per: str = "epoch") -> None:
        super().__init__(per)
        self.gamma = _gamma(gamma)

    def lr_at(self, t: int, base_lr: float) -> float:
        return float(base_lr) * self.gamma ** self._t(t)

