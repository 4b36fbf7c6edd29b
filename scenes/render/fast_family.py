"""Manim's family walks, the same lists and calls in a fraction of the time.

Manim lists a mobject's family (the mobject, its submobjects, theirs, …) many times a frame:
the camera for every moving mobject, ``Scene.add``/``remove`` for every mobject on screen,
animations for what they update; and every frame it calls ``update`` on every mobject on
screen, which calls it on every submobject, updaters or not. ``Mobject.get_family`` builds
that list through one generator per level of nesting and then drops repeats with a second
pass; on nnanim's scenes (tables of digits, text of many glyphs) that walk was about a
tenth of a 480p render.

Within ``fast_family()`` the walk is one recursive function over the submobject lists, a
childless mobject is its own family without a walk, and the repeat pass runs only when a
mobject does occur twice; ``update`` skips calling childless mobjects without updaters.
The lists are manim's own, in its order: a mobject met twice keeps its last place, and a
mobject that contains itself is walked once; updaters run in manim's order
(``tests/test_fast_family.py`` compares them).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from manim.mobject.mobject import Mobject
from manim.utils.iterables import remove_list_redundancies

MANIM_UPDATE = Mobject.update  # runs one mobject's updaters (with recursive=False)


def _walk(mobject: Mobject, out: list, active: set) -> None:
    """Append ``mobject`` and its descendants to ``out``, depth first; ``active`` holds the
    mobjects on the current path (a cycle stops there, as in manim)."""
    if mobject in active:
        return
    active.add(mobject)
    out.append(mobject)
    for sub in mobject.submobjects:
        if sub.submobjects:
            _walk(sub, out, active)
        else:  # a leaf cannot be on the path: only mobjects with children are
            out.append(sub)
    active.discard(mobject)


def get_family(self: Mobject, recurse: bool = True) -> list[Mobject]:
    """``Mobject.get_family``: the mobject and all its descendants, each once."""
    if not self.submobjects:
        return [self]
    out: list[Mobject] = []
    _walk(self, out, set())
    if len(set(out)) != len(out):  # one mobject under two parents: its last place wins
        out = remove_list_redundancies(out)
    return out


def update(self: Mobject, dt: float = 0, recursive: bool = True) -> Mobject:
    """``Mobject.update``: run the updaters of the mobject, then of its descendants (the
    scene does this for everything on screen at every frame); a subtree whose updating is
    suspended is skipped. A childless mobject without updaters is not called at all."""
    if self.updating_suspended:
        return self
    if self.updaters:
        MANIM_UPDATE(self, dt, recursive=False)
    if recursive:
        for sub in self.submobjects:
            if sub.submobjects or sub.updaters:
                sub.update(dt, recursive=True)
    return self


def family_members_with_points(self: Mobject) -> list[Mobject]:
    """``Mobject.family_members_with_points``: the family's mobjects that draw something."""
    return [m for m in self.get_family() if m.get_num_points() > 0]


@contextmanager
def fast_family() -> Iterator[None]:
    """Within the block, manim's family walks are these."""
    kept = Mobject.get_family, Mobject.family_members_with_points, Mobject.update
    Mobject.get_family = get_family
    Mobject.family_members_with_points = family_members_with_points
    Mobject.update = update
    try:
        yield
    finally:
        Mobject.get_family, Mobject.family_members_with_points, Mobject.update = kept
