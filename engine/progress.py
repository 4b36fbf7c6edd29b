"""Progress of a training run, for people: a live bar on a terminal; elsewhere (a log
file, CI, a notebook's captured stderr) a few plain lines, like Keras' ``verbose=2``: one
per epoch, but at most one per 10 % of the steps, and for runs without epochs one per
10 % of the steps.

    progress = Progress(sys.stderr, "xor-mlp")
    run(cfg, out, **progress.callbacks())
    progress.close()
"""
from __future__ import annotations

import time
from typing import TextIO

BAR_WIDTH = 24
REDRAW_SECONDS = 0.1  # a live bar redraws at most ten times a second


class Progress:
    """Reports a run's steps and epochs to ``stream``; ``live`` (default: ``stream`` is a
    terminal) chooses the redrawn bar over plain lines; ``epochs``: the run has epochs (a
    network run), so plain lines are per epoch, else per step."""

    def __init__(self, stream: TextIO, name: str, *, epochs: bool = True,
                 live: bool | None = None, clock=time.monotonic) -> None:
        self.stream, self.name, self.clock, self.per_epoch = stream, name, clock, epochs
        self.live = stream.isatty() if live is None else live
        self.total, self.done, self.loss = 0, 0, float("nan")
        self._tenths = 1             # the next plain line is due at this many tenths done
        self._drawn_at = None

    def callbacks(self) -> dict:
        """The keyword arguments ``engine.run.run`` takes for progress."""
        return {"total_steps": self.start, "on_step": self.step, "on_epoch": self.epoch}

    def start(self, total: int) -> None:
        self.total = max(1, int(total))

    def _line_due(self) -> bool:
        return self.done * 10 >= self._tenths * self.total or self.done == self.total

    def step(self, step: int, loss: float) -> None:
        self.done, self.loss = step + 1, loss
        if self.live:
            now = self.clock()
            if (self._drawn_at is None or now - self._drawn_at >= REDRAW_SECONDS
                    or self.done == self.total):
                self._drawn_at = now
                self._draw()
        elif not self.per_epoch and self._line_due():
            self._line(f"step {self.done}/{self.total}: loss {loss:.4f}")

    def epoch(self, metrics: dict) -> None:
        if self.live or not self._line_due():
            return
        extras = "".join(f"  {k} {metrics[k]:.4f}" for k in ("accuracy", "val_loss",
                                                            "val_accuracy") if k in metrics)
        self._line(f"epoch {metrics['epoch'] + 1}: loss {metrics['loss']:.4f}{extras}"
                   f"  ({self.done}/{self.total} steps)")

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()
        self._tenths = self.done * 10 // self.total + 1

    def _draw(self) -> None:
        filled = BAR_WIDTH * self.done // self.total
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stream.write(f"\rtraining {self.name}  [{bar}]  {self.done}/{self.total}"
                          f"  loss {self.loss:.4f}")
        self.stream.flush()

    def close(self) -> None:
        """End the live bar's line."""
        if self.live and self._drawn_at is not None:
            self.stream.write("\n")
            self.stream.flush()
