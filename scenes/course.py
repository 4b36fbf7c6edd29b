"""Course files: a lecture as TOML, the parts in order (no manim here).

    [course]                      # optional: the whole course's title and defaults
    title = "How neural networks learn"
    theme = "dark"                # a part without a theme of its own takes this one
    speed = 1.0                   # likewise

    [[part]]
    scene = "Backpropagation"     # required: a scene of ``nnanim list``
    title = "Backprop on XOR"     # the title card's and the chapter's title (default: the
                                  # scene's title)
    config = "xor_mlp"            # the main run: a bundled config name or a TOML path, trained
                                  # once into the cache; or
    trace = "runs/xor.trace"      # a trace folder (not both). Paths are relative to the file.
    theme = "light"
    speed = 1.5

``load_course(path)`` reads and checks one; ``default_course()`` is the bundled
``assets/courses/default.toml`` (the lecture ``nnanim lecture`` renders by default);
``course_of(names)`` is the course of scenes given by name. Every mistake (bad TOML, an
unknown field or scene, a wrong type, both ``config`` and ``trace``, a missing file) raises
``CourseError``: one line naming the file, the part (counted from 1) and the field.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Callable, Iterable

from nnanim.engine.errors import NnanimError
from nnanim.scenes.options import THEME_NAMES, SceneOptions

#: the bundled default course, under the package's assets
DEFAULT_COURSE = ("courses", "default.toml")
#: {field: (the check of its value, what the check wants)} of ``[course]`` and of a part
_NUMBER = (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), "a number")
_STRING = (lambda v: isinstance(v, str) and v.strip() != "", "a non-empty string")
COURSE_FIELDS = {"title": _STRING, "theme": _STRING, "speed": _NUMBER}
PART_FIELDS = {"scene": _STRING, "title": _STRING, "config": _STRING, "trace": _STRING,
               "theme": _STRING, "speed": _NUMBER}


class CourseError(NnanimError):
    """A course file is wrong; the message names the file, the part and the field."""


@dataclass(frozen=True)
class CoursePart:
    """One part: a scene, its title (None: the scene's own), its main run (``config``: a
    config file to train, or ``trace``: a trace folder; neither: the scene's bundled runs),
    and its theme and speed (None: the course's)."""

    scene: str
    title: str | None = None
    config: Path | None = None
    trace: Path | None = None
    theme: str | None = None
    speed: float | None = None

    def options(self, base: SceneOptions) -> SceneOptions:
        """``base`` with this part's theme, speed and main run (a config is trained here,
        once, into ``base.cache``)."""
        from nnanim.scenes.runs import cached_trace

        changes: dict[str, Any] = {}
        if self.theme is not None:
            changes["theme"] = self.theme
        if self.speed is not None:
            changes["speed"] = self.speed
        main = self.trace if self.config is None else cached_trace(self.config, base.cache)
        if main is not None:
            changes["traces"] = {**base.traces, "main": main}
        return base.with_(**changes)


@dataclass(frozen=True)
class Course:
    """The parts in order, the course's title (None: the parts' titles joined) and its
    default theme and speed (None: the caller's)."""

    parts: tuple[CoursePart, ...]
    title: str | None = None
    theme: str | None = None
    speed: float | None = None

    @property
    def scenes(self) -> list[str]:
        return [p.scene for p in self.parts]


def course_of(names: Iterable[str]) -> Course:
    """The course of these scenes, each with its bundled runs, in the given order."""
    return Course(tuple(CoursePart(name) for name in names))


def default_course() -> Course:
    """The bundled default course (``assets/courses/default.toml``)."""
    from nnanim.engine.assets import asset

    return load_course(asset(*DEFAULT_COURSE))


def load_course(path: str | Path, known: Iterable[str] | None = None) -> Course:
    """Read and check the course file ``path``. ``known``: the scene names it may use
    (default: the catalog's, which imports the scenes)."""
    from nnanim.engine.config import read_toml

    path = Path(path)
    raw = read_toml(path, CourseError, "course", label=path.name)
    if known is None:
        from nnanim.scenes.catalog import scenes

        known = scenes()
    return parse_course(raw, path.name, path.parent, set(known))


def parse_course(raw: dict, where: str, base: Path, known: set[str]) -> Course:
    """A course from its parsed TOML ``raw``; ``where`` names it in errors, relative paths
    start at ``base``, ``known`` are the scene names."""
    fail = lambda message: CourseError(f"{where}: {message}")  # noqa: E731
    unknown = sorted(set(raw) - {"course", "part"})
    if unknown:
        raise fail(f"unknown field '{unknown[0]}' (valid: [course], [[part]])")
    head = raw.get("course", {})
    if not isinstance(head, dict):
        raise fail("course must be a table: [course]")
    _check_fields(head, COURSE_FIELDS, fail, "course.")
    parts = raw.get("part")
    if not parts:
        raise fail('no parts: add a [[part]] table with scene = "..." for each part')
    if not isinstance(parts, list) or not all(isinstance(p, dict) for p in parts):
        raise fail("part must be an array of tables: a [[part]] for each part")
    return Course(tuple(_part(p, base, known, lambda m, i=i: fail(f"part {i}: {m}"))
                        for i, p in enumerate(parts, start=1)),
                  title=head.get("title"), theme=_theme(head.get("theme"), fail, "course."),
                  speed=_speed(head.get("speed"), fail, "course."))


def _part(table: dict, base: Path, known: set[str], fail: Callable) -> CoursePart:
    """One ``[[part]]`` table, checked; ``fail(message)`` makes its error."""
    _check_fields(table, PART_FIELDS, fail)
    scene = table.get("scene")
    if scene is None:
        raise fail("missing field scene (a scene of 'nnanim list')")
    if scene not in known:
        close = get_close_matches(scene.lower(), {s.lower(): s for s in known}, n=1)
        hint = (f"did you mean {next(s for s in known if s.lower() == close[0])}?" if close
                else "see 'nnanim list'")
        raise fail(f"scene: unknown scene '{scene}' ({hint})")
    if "config" in table and "trace" in table:
        raise fail("config and trace: give one run, not both")
    return CoursePart(scene, title=table.get("title"),
                      config=_config(table.get("config"), base, fail),
                      trace=_trace(table.get("trace"), base, fail),
                      theme=_theme(table.get("theme"), fail),
                      speed=_speed(table.get("speed"), fail))


def _check_fields(table: dict, fields: dict, fail: Callable, prefix: str = "") -> None:
    """Every key of ``table`` is one of ``fields`` and of its type (``prefix``: how errors
    name the table's fields, "course.")."""
    for key, value in table.items():
        if key not in fields:
            raise fail(f"unknown field {prefix}{key} (valid: {', '.join(fields)})")
        ok, wanted = fields[key]
        if not ok(value):
            raise fail(f"{prefix}{key} must be {wanted}, got {value!r}")


def _theme(theme: str | None, fail: Callable, prefix: str = "") -> str | None:
    if theme is not None and theme not in THEME_NAMES:
        raise fail(f"{prefix}theme must be one of {', '.join(THEME_NAMES)}, got {theme!r}")
    return theme


def _speed(speed: float | None, fail: Callable, prefix: str = "") -> float | None:
    if speed is not None and not (math.isfinite(speed) and 0.05 <= speed <= 20):
        raise fail(f"{prefix}speed must be a number from 0.05 to 20, got {speed!r}")
    return None if speed is None else float(speed)


def _config(value: str | None, base: Path, fail: Callable) -> Path | None:
    """A config file beside the course (a path, or any name ending in .toml), else a bundled
    config by name; checked now, so a bad config fails before anything renders."""
    if value is None:
        return None
    from nnanim.engine import config as configs
    from nnanim.engine.assets import bundled_config
    from nnanim.engine.errors import ConfigError

    path = base / value
    if not (path.is_file() or value.endswith(".toml")):
        path = bundled_config(value)
    if not path.is_file():
        raise fail(f"config: no config file or bundled config '{value}'")
    try:
        configs.load(path)
    except ConfigError as e:
        raise fail(f"config: {e}") from None
    return path


def _trace(value: str | None, base: Path, fail: Callable) -> Path | None:
    """A trace folder, relative to the course file; its kind is checked when it renders."""
    if value is None:
        return None
    path = base / value
    if not (path / "manifest.json").is_file():
        raise fail(f"trace: no trace at {path}")
    return path
