"""RecordPolicy: which steps, samples, layers and quantities a trace keeps."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

#: Quantity groups a policy can select. Per layer, the trace stores
#: ``input``, ``output``, ``grad_output``, ``grad_input`` (batch arrays) and, for
#: each parameter P: ``P`` (before the update), ``P.grad`` (the gradient the optimizer
#: used), ``P.after`` and the optimizer state ``P.<state>`` (velocity, m, v, ...).
QUANTITY_GROUPS = ("batch", "input", "output", "grad_output", "grad_input",
                   "param", "grad", "param_after", "state")

#: Quantities that carry a leading batch axis, so ``samples`` slices them.
BATCH_QUANTITIES = ("input", "output", "grad_output", "grad_input", "x", "y", "indices")


@dataclass
class RecordPolicy:
    """What a run records.

    every            record step t when t % every == 0 (the last step is always recorded)
    first            also record every one of the first ``first`` steps (lectures show
                     the first steps one by one, then fast-forward)
    samples          keep only the first K samples of batch-shaped arrays (None: all)
    layers           layer names to record (None: all)
    quantities       quantity groups from QUANTITY_GROUPS (None: all)
    checkpoint_every recorded steps per chunk file; each chunk is a checkpoint that
                     survives a kill
    compress         deflate chunk files (smaller, slower to write)
    enabled          False records nothing but the per-step scalars (loss, lr)
    grad_norms       also keep ‖∂L/∂P‖ of every parameter as a per-step scalar
                     ``grad_norm/<layer>.<param>`` (every step, recorded or not)
    grid             for 2-D inputs: at recorded steps, the model's output on a
                     grid×grid lattice over the data (``eval/pred``; lattice in static
                     ``eval/grid``), so scenes can draw the decision boundary; for 1-D
                     inputs a line of grid points, with every layer's output on it
    grid_layers      with a 2-D grid, also every layer's output on the lattice
                     (``eval/<layer>``): what each hidden unit responds to
    watch            indices of samples (into the whole data set) followed through
                     training: at recorded steps, every layer's output on them in eval mode
                     (layer ``watch``, quantity = layer name; plus ``probabilities`` when
                     the loss works on logits)
    """

    every: int = 1
    first: int = 0
    samples: int | None = None
    layers: list[str] | None = None
    quantities: list[str] | None = None
    checkpoint_every: int = 50
    compress: bool = True
    enabled: bool = True
    grad_norms: bool = False
    grid: int = 0
    grid_layers: bool = False
    watch: list[int] | None = None
    _layer_set: frozenset | None = field(default=None, init=False, repr=False, compare=False)
    _group_set: frozenset | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        from .errors import ConfigError

        if not isinstance(self.every, int) or self.every < 1:
            raise ConfigError(f"record.every must be an integer >= 1, got {self.every!r}")
        if not isinstance(self.first, int) or self.first < 0:
            raise ConfigError(f"record.first must be an integer >= 0, got {self.first!r}")
        if self.samples is not None and (not isinstance(self.samples, int) or self.samples < 1):
            raise ConfigError(f"record.samples must be an integer >= 1, got {self.samples!r}")
        if not isinstance(self.checkpoint_every, int) or self.checkpoint_every < 1:
            raise ConfigError("record.checkpoint_every must be an integer >= 1, "
                              f"got {self.checkpoint_every!r}")
        if not isinstance(self.grid, int) or not (self.grid == 0 or 2 <= self.grid <= 201):
            raise ConfigError(f"record.grid must be 0 or an integer in 2..201, got {self.grid!r}")
        if not isinstance(self.grid_layers, bool) or (self.grid_layers and not self.grid):
            raise ConfigError("record.grid_layers must be true or false, and needs record.grid")
        if self.watch is not None and (not isinstance(self.watch, list) or not all(
                isinstance(i, int) and i >= 0 for i in self.watch)):
            raise ConfigError(f"record.watch must be a list of sample indices, got {self.watch!r}")
        if self.quantities is not None:
            bad = [q for q in self.quantities if q not in QUANTITY_GROUPS]
            if bad:
                raise ConfigError(f"record.quantities: unknown {bad[0]!r} "
                                  f"(valid: {', '.join(QUANTITY_GROUPS)})")
            self._group_set = frozenset(self.quantities)
        if self.layers is not None:
            self._layer_set = frozenset(self.layers)

    def records_step(self, step: int, last: bool = False) -> bool:
        return self.enabled and (last or step < self.first or step % self.every == 0)

    def records(self, layer: str, group: str) -> bool:
        if self._group_set is not None and group not in self._group_set:
            return False
        if group != "batch" and self._layer_set is not None and layer not in self._layer_set:
            return False
        return True

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("_layer_set", None)
        d.pop("_group_set", None)
        return d

    @classmethod
    def from_config(cls, record: dict) -> "RecordPolicy":
        """From a config's [record] table ("all" means no filter)."""
        body = dict(record)
        for key in ("layers", "quantities"):
            if body.get(key) == "all":
                body[key] = None
            elif isinstance(body.get(key), str):
                body[key] = [body[key]]
        return cls(**body)

    @classmethod
    def off(cls) -> "RecordPolicy":
        return cls(enabled=False)
