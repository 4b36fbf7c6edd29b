"""MaxPooling: renders, shows only traced numbers (x, the argmax of each window, y, ∂L/∂y,
∂L/∂x), handles overlapping windows (stride 1) and refuses traces it cannot show."""
import numpy as np
from conftest import CONFIGS
from scene_utils import assert_shown_match_trace, assert_snapshot, refusal, rendered, shown_texts

from nnanim.engine import config
from nnanim.engine.run import run
from nnanim.scenes.format import fmt_auto

SCENE = "MaxPooling"
LAYER = "maxpool2d_0"
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once
stride1 = rendered(SCENE, config="maxpool_stride1")


def test_x_y_and_the_gradient_are_shown_as_traced(last):
    _, scene = last
    shown = shown_texts(scene)
    t = scene.trace("main")
    for q in ("input", "grad_input"):
        a = t.get(0, LAYER, q)
        for i in range(4):
            for j in range(4):
                assert shown[("main", 0, LAYER, q, (0, 0, i, j))] == fmt_auto(a[0, 0, i, j])
    y = t.get(0, LAYER, "output")[0, 0]
    np.testing.assert_array_equal(y, [[20, 30], [112, 37]])  # the deck's answer
    for (p, q), v in np.ndenumerate(y):
        assert shown[("main", 0, LAYER, "output", (0, 0, p, q))] == fmt_auto(v)


def test_maxima_and_gradients_follow_the_trace(last):
    _, scene = last
    t = scene.trace("main")
    argmax = t.get(0, LAYER, "argmax")[0, 0]
    assert scene.max_at == {(p, q): divmod(int(a), 4) for (p, q), a in np.ndenumerate(argmax)}
    assert scene.max_at == {(0, 0): (0, 1), (0, 1): (0, 2), (1, 0): (3, 0), (1, 1): (2, 2)}
    gx = t.get(0, LAYER, "grad_input")[0, 0]
    gy = t.get(0, LAYER, "grad_output")[0, 0]
    for (p, q), (r, c) in scene.max_at.items():  # the gradient lands on the max only
        assert gx[r, c] == gy[p, q]
    assert np.count_nonzero(gx) == 4


def test_overlapping_windows_add_their_gradients(stride1):
    png, scene = stride1
    assert_snapshot(png, f"{SCENE}_stride1")
    assert_shown_match_trace(scene, min_count=90)
    assert len(scene.max_at) == 9
    shown = shown_texts(scene)
    gx = scene.trace("main").get(0, LAYER, "grad_input")[0, 0]
    # 30, 70 and 37 are each the max of two windows: their gradients are summed
    for (r, c), total in [((0, 2), "5"), ((2, 1), "9"), ((2, 2), "15")]:
        assert list(scene.max_at.values()).count((r, c)) == 2
        assert shown[("main", 0, LAYER, "grad_input", (0, 0, r, c))] == total == fmt_auto(gx[r, c])


def test_refuses_a_probe_of_another_layer(tmp_path):
    run(config.load(CONFIGS / "conv_deck.toml"), tmp_path / "conv.trace")
    assert "needs a MaxPool2D probe" in refusal(SCENE, tmp_path, "--trace",
                                                str(tmp_path / "conv.trace"))


def test_a_one_pixel_shift_keeps_most_of_the_pooled_map(last):
    """The last section pools the deck's map moved one row down (its own traced run): the
    pooled values the scene shows come from both traces, and 3 of the 4 agree."""
    _, scene = last
    shown = shown_texts(scene)
    main, shifted = scene.trace("main"), scene.trace("shifted")
    y0 = main.get(0, LAYER, "output")[0, 0]
    y1 = shifted.get(0, LAYER, "output")[0, 0]
    for (p, q), v in np.ndenumerate(y1):
        assert shown[("shifted", 0, LAYER, "output", (0, 0, p, q))] == fmt_auto(v)
    np.testing.assert_array_equal(shifted.get(0, LAYER, "input")[0, 0, 1:],
                                  main.get(0, LAYER, "input")[0, 0, :-1])
    assert int((y0 == y1).sum()) == 3


def test_no_shift_section_for_another_geometry(stride1):
    """With windows of another stride the bundled shifted run is no fair comparison: the
    section is left out."""
    _, scene = stride1
    assert not scene.shifted_by_one_row()
    assert not any(s.role == "shifted" for s in scene.shown.items)
