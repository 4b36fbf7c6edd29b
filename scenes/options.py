"""SceneOptions: everything a scene is told from outside, as one object (no manim here).

The render pipeline builds it from its arguments and hands it to the scene's constructor;
nothing travels through the process environment. Only ``manim``'s own command line
(``manim -qm scenes/gradient_descent.py GradientDescent1D``), which constructs scenes
without arguments, reaches them through ``SceneOptions.from_env()``: the bridge reads
``NNANIM_THEME``, ``NNANIM_SPEED``, ``NNANIM_TRACE`` (the main run), ``NNANIM_TRACE_<ROLE>``,
``NNANIM_EVENTS=1``, ``NNANIM_STILLS`` and ``NNANIM_CACHE``.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

from nnanim.engine.errors import NnanimError

THEME_NAMES = ("dark", "light")


@dataclass(frozen=True)
class SceneOptions:
    """What a scene is told.

    theme     "dark" or "light" (``scenes/theme.py``)
    speed     playback speed factor; 2 halves every run time and wait
    traces    {role: trace path} for the runs the scene follows; a role not given is the
              scene's bundled run, trained once into ``cache``
    cache     folder of trained default runs and TeX (None: the user's cache folder)
    events    mark the runs' events inside the animation and end on a card listing them
    stills    folder for a PNG at the end of every section (handouts), or None
    sections  JSON-lines file each section's (name, start, end) is appended to (the slide
              player's stops), or None
    title, subtitle, part   what a ``TitleCard`` says ("Part 3", "Backpropagation", ...)
    check_layout  run ``scenes.layout.LayoutCheck`` at every play and wait (text sizes, the
              frame's margin, overlaps, reading times): the scene's ``layout`` holds what
              it found; off, a render pays nothing for it
    """

    theme: str = "dark"
    speed: float = 1.0
    traces: Mapping[str, Path] = field(default_factory=dict)
    cache: Path | None = None
    events: bool = False
    stills: Path | None = None
    sections: Path | None = None
    title: str = ""
    subtitle: str = ""
    part: str = ""
    check_layout: bool = False

    def __post_init__(self) -> None:
        if self.theme not in THEME_NAMES:
            raise NnanimError(f"unknown theme {self.theme!r} (valid: {', '.join(THEME_NAMES)})")
        speed = float(self.speed)
        if not (math.isfinite(speed) and 0.05 <= speed <= 20):
            raise NnanimError(f"speed must be a number from 0.05 to 20, got {self.speed!r}")
        object.__setattr__(self, "speed", speed)
        object.__setattr__(self, "traces", {role: Path(p) for role, p in self.traces.items()})

    def with_(self, **changes) -> "SceneOptions":
        """A copy with some fields changed."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "SceneOptions":
        """The options manim's own command line can give: from environment variables."""
        traces = {}
        for key, value in environ.items():
            if key == "NNANIM_TRACE" and value:
                traces["main"] = Path(value)
            elif key.startswith("NNANIM_TRACE_") and value:
                traces[key[len("NNANIM_TRACE_"):].lower()] = Path(value)
        try:
            speed = float(environ.get("NNANIM_SPEED") or 1)
        except ValueError:
            raise NnanimError(f"NNANIM_SPEED must be a number, got "
                              f"{environ['NNANIM_SPEED']!r}") from None
        path = lambda name: Path(environ[name]) if environ.get(name) else None  # noqa: E731
        return cls(theme=environ.get("NNANIM_THEME") or "dark", speed=speed, traces=traces,
                   cache=path("NNANIM_CACHE"), events=environ.get("NNANIM_EVENTS") == "1",
                   stills=path("NNANIM_STILLS"))
