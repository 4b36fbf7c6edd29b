"""ConvolutionAsMatrix scene: M built from the traced kernel, M · vec(I) = the traced output."""
import numpy as np
import pytest
from scene_utils import assert_shown_match_trace, render, rendered

from nnanim.engine.errors import TraceError

SCENE = "ConvolutionAsMatrix"
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once


def _matrix(scene) -> np.ndarray:
    """M as the scene placed it: each entry the traced weight drawn at (row, column)."""
    w = scene.trace().get(0, "conv2d_0", "W")
    m = np.zeros((scene.n_rows, scene.n_cols))
    for r, cells in enumerate(scene.entries):
        for col, c, u, v, _ in cells:
            assert m[r, col] == 0  # one weight per entry
            m[r, col] = w[0, c, u, v]
    return m


def test_matrix_is_k_placed_at_each_window_and_gives_the_traced_output(last):
    _, scene = last
    t = scene.trace()
    m = _matrix(scene)
    assert m.shape == (9, 25)
    assert [len(cells) for cells in scene.entries] == [9] * 9  # 81 placed, 144 blank
    # row 0 is K's rows at columns 0-2, 5-7, 10-12 (the window at the top-left pixel)
    k = t.get(0, "conv2d_0", "W")[0, 0]
    np.testing.assert_array_equal(m[0].reshape(5, 5)[:3, :3], k)
    x = t.get(0, "conv2d_0", "input_padded")[0, 0].ravel()
    out = t.get(0, "conv2d_0", "output")[0, 0]
    np.testing.assert_array_equal(m @ x, out.ravel())
    # Toeplitz: rows for neighbouring positions are the same row shifted by one pixel
    np.testing.assert_array_equal(m[1, 1:], m[0, :-1])


def test_written_row_products_end_in_the_traced_output(last):
    _, scene = last
    out = scene.trace().get(0, "conv2d_0", "output")[0, 0].ravel()
    assert len(scene.written) == 9
    for r, line in enumerate(scene.written):
        terms, result = line.split("  ", 1)[1].rsplit(" = ", 1)
        total = sum(np.prod([float(f.strip("()").replace("−", "-")) for f in term.split("·")])
                    for term in terms.split(" + "))
        assert total == float(result) == out[r], line


def test_stride_2_has_four_rows(tmp_path):
    _, scene = render(SCENE, tmp_path, config="conv_deck_stride2")
    assert_shown_match_trace(scene, min_count=25 + 9 + 25 + 36 + 4 * 19 + 1 + 4)
    m = _matrix(scene)
    assert m.shape == (4, 25)
    t = scene.trace()
    np.testing.assert_array_equal(m @ t.get(0, "conv2d_0", "input_padded")[0, 0].ravel(),
                                  t.get(0, "conv2d_0", "output")[0, 0].ravel())


def test_too_large_a_matrix_is_refused(tmp_path):
    with pytest.raises(TraceError, match=r"M up to 12x36; this trace needs 25x49"):
        render(SCENE, tmp_path, config="conv_deck_same")
