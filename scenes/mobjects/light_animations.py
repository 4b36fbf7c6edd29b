"""Animations that never copy their mobject.

manim's Animation.begin deep-copies the animated mobject (and ``.animate``, FadeIn and
FadeOut copy it again); a Text costs ~20 ms to copy, so a table that scrolls every step
spends seconds copying. These animations drive the mobject in place from a function of
alpha, and fade by scaling the stored opacities.
"""
from __future__ import annotations

from itertools import count
from typing import Callable

import numpy as np
from manim import Animation, FadeIn, FadeOut, Group, Mobject
from manim.utils.bezier import interpolate


class Tween(Animation):
    """Calls ``fn(mobject, alpha)`` every frame (alpha after the rate function); no copy."""

    def __init__(self, mobject: Mobject, fn: Callable[[Mobject, float], None], **kwargs) -> None:
        self.fn = fn
        super().__init__(mobject, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return self.mobject

    def interpolate_mobject(self, alpha: float) -> None:
        self.fn(self.mobject, self.rate_func(alpha))


_SERIALS = count()


class Opacity:
    """The alphas of a mobject's family (fill and stroke colours, image pixels), to scale
    them by a factor. Colours that are fully transparent stay so and are left out (a
    glyph's stroke, most background strokes); a one-colour array is set as a number.
    ``factor`` is the last scale set; ``members`` the ids of the family's mobjects."""

    def __init__(self, mobject: Mobject) -> None:
        self.rows = []  # (array, its alpha as captured): one-colour arrays
        self.parts = []  # (array, its alpha channel as captured): gradients, pixels
        self.factor = 1.0
        self.serial = next(_SERIALS)  # unique in the process: names these alphas in a key
        family = mobject.get_family()
        self.members = {id(m) for m in family}
        for m in family:
            arrays = [getattr(m, name, None) for name in
                      ("fill_rgbas", "stroke_rgbas", "background_stroke_rgbas")]
            arrays = [a for a in arrays if isinstance(a, np.ndarray) and a.size]
            pixels = getattr(m, "pixel_array", None)  # ImageMobject (a Heatmap)
            if isinstance(pixels, np.ndarray) and pixels.ndim == 3 and pixels.shape[2] == 4:
                arrays.append(pixels)
            for a in arrays:
                if not a[..., 3].any():
                    continue
                if a.ndim == 2 and len(a) == 1:
                    self.rows.append((a, float(a[0, 3])))
                else:
                    self.parts.append((a, a[..., 3].copy()))

    def holds(self) -> bool:
        """Whether the alphas are still those the last ``scale`` set (nothing else changed
        them since)."""
        f = self.factor
        return all(array[0, 3] == alpha * f for array, alpha in self.rows) and all(
            np.array_equal(array[..., 3], (alpha * f).astype(array.dtype))
            for array, alpha in self.parts)

    def scale(self, factor: float) -> None:
        self.factor = factor
        for array, alpha in self.rows:
            array[0, 3] = alpha * factor
        for array, alpha in self.parts:
            array[..., 3] = alpha * factor


class Fade(Animation):
    """Fade ``mobject`` in (``into``: added to the scene) or out (removed at the end, then
    restored so it can be shown again), optionally arriving from or leaving by ``shift``,
    or, as manim's ``FadeIn``/``FadeOut`` with ``scale`` or ``target_position``, from or to
    a copy of it moved (by ``shift``, or to ``target``) and scaled by ``scale`` about its
    centre: every point goes on the straight line to its place in that copy, as manim's
    Transform moves it. With ``lag_ratio``, each drawn shape of the family fades in its own
    time, as manim staggers them."""

    def __init__(self, mobject: Mobject, into: bool, shift: np.ndarray | None = None,
                 scale: float = 1.0, target: np.ndarray | None = None, **kwargs) -> None:
        self.into = into
        self.offset = np.zeros(3) if shift is None else np.asarray(shift, dtype=float)
        self.factor = float(scale)
        self.target = None if target is None else np.asarray(target, dtype=float)
        kwargs.setdefault("introducer", into)
        kwargs.setdefault("remover", not into)
        super().__init__(mobject, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return self.mobject

    def begin(self) -> None:
        self.opacity, self.at = Opacity(self.mobject), self.mobject.get_center()
        # staggered: one opacity per drawn shape, in manim's order
        self.staggered = [Opacity(m) for m in self.mobject.family_members_with_points()] \
            if self.lag_ratio else []
        self.placed = self.at  # where the centre is now
        self.ends = self._ends() if self.factor != 1 or self.target is not None else []
        # the drawn shapes fade as one: a camera may draw them once and fade the picture
        # (CachedCamera); not where each fades in its own time or the points move
        moves = self.offset.any() or self.ends
        self.tagged = [] if self.staggered or moves else [
            m for m in self.mobject.family_members_with_points()
            if getattr(m, "fading", None) is None]
        for m in self.tagged:
            m.fading = self.opacity
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        a = self.rate_func(alpha)
        if self.staggered:
            n = len(self.staggered)
            for i, opacity in enumerate(self.staggered):
                sub = self.get_sub_alpha(alpha, i, n)
                opacity.scale(sub if self.into else 1 - sub)
        else:
            self.opacity.scale(a if self.into else 1 - a)
        if self.ends:
            for m, shown, faded in self.ends:  # manim's Transform: faded copy ↔ the mobject
                m.points = interpolate(faded, shown, a) if self.into \
                    else interpolate(shown, faded, a)
        else:
            self._place(self.at + (a - 1 if self.into else a) * self.offset)

    def _ends(self) -> list[tuple[Mobject, np.ndarray, np.ndarray]]:
        """(mobject, its points, its points in the faded copy) for the family: the copy
        is moved (toward ``target``, or by the shift, the other way when fading in, as
        manim's) and scaled by ``factor`` about its centre."""
        if self.target is not None:
            move = self.target - self.at
        else:
            move = -self.offset if self.into else self.offset
        centre = self.at + move
        return [(m, m.points.copy(), self.factor * (m.points + move - centre) + centre)
                for m in self.mobject.get_family()]

    def _place(self, centre: np.ndarray) -> None:
        """Shift the centre to ``centre``; a fade without ``shift`` leaves the points alone
        (``move_to`` would measure the whole family each frame, and move it by rounding
        noise, so no drawn path could be kept)."""
        if self.offset.any():
            self.mobject.shift(centre - self.placed)
            self.placed = centre

    def clean_up_from_scene(self, scene) -> None:
        super().clean_up_from_scene(scene)
        for m in self.tagged:
            m.fading = None
        if not self.into:
            self.opacity.scale(1)
            self._place(self.at)
            for m, shown, _ in self.ends:
                m.points = shown


def fade_in(*mobjects: Mobject, shift: np.ndarray | None = None, scale: float = 1,
            **kwargs) -> Animation:
    """manim's ``FadeIn(*mobjects, shift=, scale=, target_position=, …)`` without its
    copies: a Fade. A fade that staggers a shift or a scale is manim's own."""
    return _fade(True, mobjects, shift, scale, kwargs)


def fade_out(*mobjects: Mobject, shift: np.ndarray | None = None, scale: float = 1,
             **kwargs) -> Animation:
    """manim's ``FadeOut(*mobjects, shift=, scale=, …)`` without its copies; as fade_in."""
    return _fade(False, mobjects, shift, scale, kwargs)


def _fade(into: bool, mobjects: tuple, shift, scale: float, kwargs: dict) -> Animation:
    moves = shift is not None or scale != 1 or kwargs.get("target_position") is not None
    if moves and kwargs.get("lag_ratio"):
        return (FadeIn if into else FadeOut)(*mobjects, shift=shift, scale=scale, **kwargs)
    if not mobjects:
        raise ValueError("a fade needs at least one mobject")
    mobject = mobjects[0] if len(mobjects) == 1 else Group(*mobjects)  # as manim groups them
    target = kwargs.pop("target_position", None)
    if isinstance(target, Mobject):
        target = target.get_center()
    if shift is not None:
        target = None  # manim: a shift overrides a target position
    return Fade(mobject, into, shift, scale, target, **kwargs)


def _first_half(a: float) -> float:
    return min(1.0, 2 * a)


def _second_half(a: float) -> float:
    return max(0.0, 2 * a - 1)


def replace(old: Mobject | None, new: Mobject) -> list[Fade]:
    """``old`` fades out in the first half of the run time and ``new`` in during the
    second, so two texts are never seen on top of each other (a morph or a cross-fade
    between texts garbles both for a moment). ``old`` may be None."""
    out = [fade_out(old, rate_func=_first_half)] if old is not None else []
    return out + [fade_in(new, rate_func=_second_half)]
