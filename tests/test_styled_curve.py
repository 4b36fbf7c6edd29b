"""StyledCurve and dashed_line (scenes/mobjects/styled_curve.py): a polyline cut into
dashes as walking it dash by dash would, all of them one shape."""
from __future__ import annotations

import numpy as np
from manim import DashedLine

from nnanim.scenes.mobjects.styled_curve import StyledCurve, dashed_line, dashes
from nnanim.scenes.theme import THEMES


def dashes_one_by_one(points: np.ndarray, dash: float) -> list[np.ndarray]:
    """The dashes of a polyline walked one at a time: each starts every dash + gap along
    the line (gap = max(dash, 0.07)) and holds the points strictly inside it."""
    along = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
    out = []
    for start in np.arange(0.0, along[-1], dash + max(dash, 0.07)):
        end = min(start + dash, along[-1])
        at = [np.array([np.interp(d, along, points[:, k]) for k in range(3)])
              for d in (start, end)]
        inside = points[(along > start) & (along < end)]
        out.append(np.vstack([at[0], inside, at[1]]))
    return out


def test_dashes_are_the_line_cut_dash_by_dash():
    rng = np.random.default_rng(3)
    for _ in range(300):
        points = np.cumsum(rng.normal(size=(int(rng.integers(2, 60)), 3)), axis=0) * 0.1
        points[:, 2] = 0
        dash = float(rng.choice([0.02, 0.08, 0.3]))
        joined, last = dashes(points, dash)
        pieces = np.split(joined, last[:-1] + 1)
        expected = dashes_one_by_one(points, dash)
        assert len(pieces) == len(expected)
        for got, want in zip(pieces, expected):
            assert np.allclose(got, want, atol=1e-12, rtol=0)
    curve = StyledCurve(None, "#FFFFFF", dash=0.08)
    assert len(curve.set_curve(np.zeros((5, 3))).points) == 0  # no length: no dash
    assert len(curve.set_curve(points).points) == 4 * (len(joined) - len(last))


def test_a_dashed_line_is_one_shape_of_dashes_as_long_as_its_gaps():
    line = dashed_line(np.array([-1.0, 0, 0]), np.array([1.0, 0, 0]), "#FFFFFF", 2, dash=0.1)
    assert line.submobjects == [] and line.get_stroke_width() == 2
    pieces = line.get_subpaths()
    assert len(pieces) == 10  # 2 long: a dash and a gap every 0.2
    for k, piece in enumerate(pieces):
        assert np.allclose(piece[[0, -1], 0], [-1 + 0.2 * k, -0.9 + 0.2 * k])
    # as many dashes as manim's DashedLine of that dash length, which is a shape a dash
    assert len(DashedLine(np.array([-1.0, 0, 0]), np.array([1.0, 0, 0]),
                          dash_length=0.1).submobjects) == len(pieces)


def test_a_run_style_sets_the_dash_and_a_solid_style_one_piece():
    solid, dashed = THEMES["dark"].runs[0], THEMES["dark"].runs[1]
    points = np.array([[0.0, 0, 0], [1, 0, 0], [1, 1, 0]])
    assert len(StyledCurve(solid, solid.color).set_curve(points).get_subpaths()) == 1
    curve = StyledCurve(dashed, dashed.color, dash=0.01)  # the style's dash wins
    assert curve.dash == dashed.dash and len(curve.set_curve(points).get_subpaths()) > 1


def test_a_dashed_outline_goes_round_the_polygon_as_one_shape():
    from manim import Square

    from nnanim.scenes.mobjects.styled_curve import dashed_outline

    square = Square(side_length=2)
    outline = dashed_outline(square, "#FFFFFF", 2, per_side=2, ratio=0.45)
    pieces = outline.get_subpaths()
    assert outline.submobjects == [] and len(pieces) == 8  # 2 a side
    ends = np.array([piece[[0, -1]] for piece in pieces]).reshape(-1, 3)
    assert np.allclose(np.abs(ends[:, :2]).max(axis=1), 1)  # every dash on the square's edge
    lengths = [np.linalg.norm(p[-1] - p[0]) for p in pieces]
    assert np.allclose(lengths, 0.45)  # 0.45 of a 1-long period
    # the first side (top, right to left) dashed alike from either end: a neighbour sharing
    # it, going round the other way, puts its dashes on these and leaves the gaps open
    top = sorted(x for p in pieces[:2] for x in p[[0, -1], 0])
    assert np.allclose(top, [-0.725, -0.275, 0.275, 0.725])
