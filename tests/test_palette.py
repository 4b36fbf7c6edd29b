"""The theme palettes: one meaning per colour, told apart by everyone (issue #10).

Every two meaning colours differ by ΔE (CIE76) ≥ 20 in normal vision and ≥ 15 for
deuteranopia, protanopia and tritanopia (Machado et al. 2009, full severity); so do the
text shades (``Theme.ink``) of different meanings; text reaches 4.5:1 against the
background and every meaning 3:1 (WCAG); runs use no meaning colour and carry a second cue."""
import itertools

import numpy as np
import pytest

from nnanim.scenes import color_vision as cv
from nnanim.scenes.theme import MEANINGS, THEMES

PAIRS = [(t, a, b) for t in THEMES for a, b in itertools.combinations(MEANINGS, 2)]


@pytest.mark.parametrize("vision", cv.VISIONS)
@pytest.mark.parametrize("theme", list(THEMES))
def test_meaning_colours_are_told_apart(theme, vision):
    th = THEMES[theme]
    need = 20 if vision == "normal" else 15
    inked = [m for m in MEANINGS if m not in th.highlight_only()]
    for a, b in itertools.combinations(MEANINGS, 2):
        shades = [(th.ink(getattr(th, a)), th.ink(getattr(th, b)))] if {a, b} <= set(inked) else []
        for ca, cb in [(getattr(th, a), getattr(th, b)), *shades]:
            d = cv.delta_e(ca, cb, vision)
            assert d >= need, f"{theme}: {a} {ca} vs {b} {cb} under {vision}: ΔE {d:.1f}"


@pytest.mark.parametrize("theme", list(THEMES))
def test_contrast_against_the_background(theme):
    th = THEMES[theme]
    for meaning in MEANINGS:
        color = getattr(th, meaning)
        assert cv.contrast(color, th.background) >= 3.0, (theme, meaning)
        assert cv.contrast(th.ink(color), th.background) >= 4.5, (theme, meaning)
    assert th.ink(th.text) == th.text and th.ink(th.value) == th.value
    assert set(th.highlight_only()) <= {"active"}  # only the highlight may lose its text shade


@pytest.mark.parametrize("theme", list(THEMES))
def test_runs_have_their_own_colours_and_a_second_cue(theme):
    th = THEMES[theme]
    meanings = set(th.meanings().values())
    assert len(th.runs) >= 4
    assert not meanings & set(th.series), "a run reuses a meaning colour"
    assert len({r.dash for r in th.runs}) == len(th.runs)     # a dash pattern each
    assert len({r.marker for r in th.runs}) == len(th.runs)   # and a marker each
    for a, b in itertools.combinations(th.series, 2):
        assert cv.delta_e(a, b) >= 20, (theme, a, b)
    for r in th.runs:
        assert cv.contrast(r.color, th.background) >= 4.5, (theme, r)  # run names are text
        nearest = min(cv.delta_e(r.color, c) for c in meanings)
        assert nearest >= 15, (theme, r, nearest)  # and no run looks like a meaning


def test_the_simulation_matches_published_values():
    """Machado's matrices keep greys grey (rows sum to 1); known contrast and ΔE values."""
    for m in cv.CVD_MATRICES.values():
        np.testing.assert_allclose(m.sum(axis=1), 1.0, atol=2e-3)
    assert cv.contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert cv.contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    np.testing.assert_allclose(cv.lab(cv.rgb("#FFFFFF")), [100, 0, 0], atol=0.01)
    np.testing.assert_allclose(cv.lab(cv.rgb("#FF0000")), [53.24, 80.09, 67.20], atol=0.05)
    assert cv.delta_e("#FF0000", "#00FF00", "deuteranopia") < cv.delta_e("#FF0000", "#00FF00")
    assert cv.legible("#FFFF00", "#FFFFFF") != "#FFFF00"
    assert cv.contrast(cv.legible("#FFFF00", "#FFFFFF"), "#FFFFFF") >= 4.5


def test_the_old_palette_would_fail():
    """The check can fail: the palette before issue #10 (value cyan vs purple ΔE ≈ 11 for
    deuteranopia; active amber on white 2.1:1)."""
    assert cv.delta_e("#58C4DD", "#C792EA", "deuteranopia") < 15
    assert cv.contrast("#E6A700", "#FFFFFF") < 3
