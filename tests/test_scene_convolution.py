"""Convolution scene: the deck's I ∗ K from the trace, its variants, and refusals."""
import numpy as np
import pytest
from conftest import CONFIGS
from scene_utils import assert_shown_match_trace, assert_snapshot, render, rendered

from nnanim.engine import config
from nnanim.engine.errors import TraceError
from nnanim.engine.run import run
from nnanim.engine.trace import Trace
from nnanim.scenes.convolution import read_conv

SCENE = "Convolution"
# animation number (manim counts plays and waits) of a mid frame worth a snapshot
SAME_FIRST_ROW = 24    # conv_deck_same: the window over the zero border, top row
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once


def _factor(s: str) -> float:
    return float(s.strip("()").replace("−", "-"))


def _check_written(line: str) -> tuple[float, float]:
    """(Σ of the written terms, the written result) of "prefix  a·b + c·d + … = y"."""
    body = line.split("  ", 1)[-1]
    terms, result = body.rsplit(" = ", 1)
    total = sum(np.prod([_factor(f) for f in term.split("·")]) for term in terms.split(" + "))
    return total, _factor(result)


def test_answers_the_decks_questions_from_the_trace(last):
    _, scene = last
    t = scene.trace()
    out = t.get(0, "conv2d_0", "output")
    shown = {(s.quantity, s.index): s.text for s in scene.shown.items}
    assert shown[("output", (0, 0, 0, 0))] == "21"  # (I∗K)(1,1)
    assert scene.size_result == out.shape[2:] == (3, 3)  # o = ⌊(5 + 0 − 3)/1⌋ + 1
    for p in range(3):
        for q in range(3):
            assert shown[("output", (0, 0, p, q))] == str(int(out[0, 0, p, q]))


def test_written_sums_are_right_and_end_in_the_traced_output(last):
    _, scene = last
    out = scene.trace().get(0, "conv2d_0", "output")[0, 0]
    # the first WRITTEN positions are written out; the rest show their traced result only
    order = [(p, q) for p in range(3) for q in range(3)]
    assert sorted(scene.written) == order[:scene.WRITTEN]
    texts = scene.out_grid.texts
    assert all(texts[p][q] is not None for p, q in order)
    for (p, q), (line,) in scene.written.items():
        assert line.startswith(f"(I∗K)({p + 1},{q + 1}) =")
        assert line.count("·") == 9
        total, result = _check_written(line)
        assert total == result == out[p, q], line


def test_same_padding_walks_the_zero_border(tmp_path):
    png, scene = render(SCENE, tmp_path, config="conv_deck_same",
                        upto_animation=SAME_FIRST_ROW)
    assert_snapshot(png, f"{SCENE}_same_padding")
    assert scene.conv.pads == (1, 1, 1, 1) and scene.conv.out == (5, 5)
    assert_shown_match_trace(scene, min_count=49 + 9)
    # the first window sits on the border: its sum (a traced 0) is written with padded zeros
    assert scene.written[(0, 0)][0].startswith("(I∗K)(1,1) =  0·1 + 0·1 + 0·0")


def test_stride_2(tmp_path):
    png, scene = render(SCENE, tmp_path, config="conv_deck_stride2")
    assert_snapshot(png, f"{SCENE}_stride2")
    assert_shown_match_trace(scene, min_count=25 + 9 + 3 * 19 + 1)
    assert scene.size_result == (2, 2) == scene.trace().get(0, "conv2d_0", "output").shape[2:]
    # the window jumps two pixels: (1,2) starts at column 3 of I (0-based 2)
    out = scene.trace().get(0, "conv2d_0", "output")[0, 0]
    for (p, q), (line,) in scene.written.items():
        assert _check_written(line) == (out[p, q], out[p, q])


def test_three_channels_add_up(tmp_path):
    png, scene = render(SCENE, tmp_path, config="conv_deck_rgb")
    assert_snapshot(png, f"{SCENE}_rgb")
    assert_shown_match_trace(scene, min_count=75 + 27 + 3 * 55 + 6)
    out = scene.trace().get(0, "conv2d_0", "output")[0, 0]
    for (p, q), lines in scene.written.items():
        assert len(lines) == 4
        sums = [_check_written(line) for line in lines[:3]]
        assert all(total == result for total, result in sums)  # each channel's sum
        # "(I∗K)(p,q) =  s_R + s_G + s_B = y": the channel sums, then the traced output
        terms = lines[3].split("  ", 1)[1].rsplit(" = ", 1)[0].split(" + ")
        assert [_factor(t) for t in terms] == [r for _, r in sums]
        total, result = _check_written(lines[3])
        assert total == result == out[p, q]


def test_read_conv_refuses_what_it_cannot_show(tmp_path):
    text = (CONFIGS / "conv_deck.toml").read_text().replace("out_channels = 1",
                                                              "out_channels = 2")
    text = text[:text.index("[params]")] + "[upstream]\nseed = 0\n"  # initialized weights
    run(config.loads(text), tmp_path / "t")
    t = Trace(tmp_path / "t")
    with pytest.raises(TraceError, match=r"one filter \(out_channels = 1\), the trace has 2"):
        read_conv(t, SCENE)
