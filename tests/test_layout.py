"""scenes/layout.py's LayoutCheck on small hand-made sets of mobjects (no scene rendered),
and TraceScene's hooks on a tiny scene rendered as one PNG at low quality."""
from __future__ import annotations

import math

import pytest
from manim import DOWN, RIGHT, FadeIn, FadeOut, Rectangle, Text, VGroup, tempconfig

from nnanim.scenes.layout import MARGIN, LayoutCheck, line_units, remember, texts_in
from nnanim.scenes.mobjects.ticker_text import MONO, TickerText

FONT = "DejaVu Sans"
PX = 720 / 8  # pixels per scene unit at 720p (the frame is 8 units high)


@pytest.fixture(autouse=True)
def media(tmp_path):
    """manim writes each Text's SVG under its media folder: a temporary one."""
    with tempconfig({"media_dir": str(tmp_path / "media")}):
        yield


def text_of_line_px(s: str, px: float) -> Text:
    """A Text whose line ("Hg": a capital's top to a descender's bottom) is ``px`` high."""
    ref = Text("Hg", font=FONT, font_size=48)
    return Text(s, font=FONT, font_size=48 * px / (ref.height * PX))


def kinds(check: LayoutCheck) -> list[str]:
    return [v.kind for v in check.violations]


def test_a_12_px_text_is_flagged_and_a_30_px_one_is_not():
    check = LayoutCheck()
    small, large = text_of_line_px("Tiny", 12), text_of_line_px("Large", 30).shift(2 * DOWN)
    found = check.check([small, large], 3.0)
    assert [(v.kind, v.text, v.time) for v in found] == [("small", '"Tiny"', 3.0)]
    assert str(found[0]) == '3.0s small "Tiny": 12 px < 20 px'
    assert check.smallest[1] == '"Tiny"' and check.smallest[0] == pytest.approx(12, abs=0.1)


def test_the_line_height_does_not_depend_on_the_letters():
    """"x" and "Hg" at one font size have one line height (the font's, not the ink's)."""
    x, hg = Text("x", font=FONT, font_size=30), Text("Hg", font=FONT, font_size=30)
    assert x.height < 0.7 * hg.height
    # (Pango hints glyphs per size: "Hg" at 30 is not exactly "Hg" at 48 scaled)
    assert line_units(x) == pytest.approx(line_units(hg))
    assert line_units(x) == pytest.approx(hg.height, rel=5e-3)
    assert line_units(x.copy().scale(0.5)) == pytest.approx(line_units(x) / 2)
    # a number drawn from monospace glyphs: the same measure in its font
    ticker = TickerText("0.5", font_size=30)
    assert line_units(ticker) == pytest.approx(Text("Hg", font=MONO, font_size=30).height,
                                               rel=5e-3)
    before = line_units(ticker)
    assert line_units(ticker.scale(0.5)) == pytest.approx(before / 2)


def test_a_text_half_outside_the_frame_is_flagged_and_one_inside_the_margin_is_not():
    check = LayoutCheck()
    half_out = text_of_line_px("Edge", 30)
    half_out.move_to([check.frame_width / 2, 0, 0])  # its centre on the right edge
    inside = text_of_line_px("Inside", 30)
    inside.move_to([-check.frame_width / 2 + MARGIN + inside.width / 2 + 0.01, 0, 0])
    found = check.check([half_out, inside], 0.0)
    assert [(v.kind, v.text) for v in found] == [("outside", '"Edge"')]
    assert "right margin" in found[0].detail
    assert int(found[0].detail.split()[0]) == math.ceil((half_out.width / 2 + MARGIN) * PX)


def test_overlapping_texts_are_flagged_and_a_text_inside_a_rectangle_is_not():
    check = LayoutCheck()
    a, b = text_of_line_px("first", 30), text_of_line_px("second", 30).shift(0.1 * RIGHT)
    found = check.check([a, b], 1.0)
    assert [(v.kind, v.text) for v in found] == [("overlap", '"first" × "second"')]
    boxed = text_of_line_px("boxed", 30).shift(3 * DOWN)
    frame = Rectangle(width=boxed.width + 0.4, height=boxed.height + 0.4).move_to(boxed)
    assert LayoutCheck().check([VGroup(frame, boxed)], 1.0) == []


def test_touching_neighbours_are_not_an_overlap():
    name = text_of_line_px("loss", 30)
    value = text_of_line_px("0.25", 30).next_to(name, RIGHT, buff=0.01)
    assert LayoutCheck().check([name, value], 0.0) == []


def test_a_texts_own_parts_are_one_text_but_a_part_shown_alone_is_measured_and_compared():
    line = remember(text_of_line_px("abc = 12", 30))
    left, right = VGroup(*line[:3]), VGroup(*line[3:])  # glyphs placed on their own
    right.shift(0.02 * RIGHT)  # the parts touch but are still one text
    check = LayoutCheck()
    assert check.check([left, right], 0.0) == []
    found = texts_in([left, right])
    assert [line_units(t) * PX for t in found] == pytest.approx([30, 30], abs=0.1)
    other = text_of_line_px("other", 30).move_to(right)
    overlaps = [v for v in check.check([left, right, other], 1.0) if v.kind == "overlap"]
    assert [v.text for v in overlaps] == ['"[part of] abc = 12" × "other"']


def test_a_faded_out_text_is_not_checked():
    ghost = text_of_line_px("ghost", 10).set_opacity(0)
    assert LayoutCheck().check([ghost], 0.0) == []


def test_a_finding_that_persists_is_recorded_once_at_its_start():
    check = LayoutCheck()
    small = text_of_line_px("small", 12)
    check.check([small], 1.0)
    check.check([small], 2.0)
    check.check([], 3.0)
    check.check([small], 4.0)
    assert [(v.kind, v.time) for v in check.violations] == [("small", 1.0), ("small", 4.0)]


TEN_WORDS = "one two three four five six seven eight nine ten"


@pytest.mark.parametrize("speed, flagged", [(1.0, True), (2.0, True), (4.0, False)])
def test_a_caption_of_ten_words_needs_4_s_divided_by_the_speed(speed, flagged):
    """1 s + 0.3 s × 10 words = 4 s at speed 1: shown 1 s it is flagged at speeds 1 and 2
    (4 s, 2 s needed), not at speed 4 (1 s needed)."""
    check = LayoutCheck(speed=speed)
    caption = check.mark_caption(text_of_line_px(TEN_WORDS, 30))
    check.sample([caption], 2.0)
    check.sample([caption], 3.0)
    check.sample([], 3.5)
    assert check.captions == [(2.0, 3.0, TEN_WORDS)]
    assert kinds(check) == (["caption"] if flagged else [])
    if flagged:
        assert str(check.violations[0]) == (f'2.0s caption "{TEN_WORDS}": '
                                             f"1.0 s < {4 / speed:.1f} s")


def test_a_caption_still_shown_when_the_scene_ends_ends_there():
    check = LayoutCheck()
    caption = check.mark_caption(text_of_line_px("two words", 30))
    check.sample([caption], 10.0)
    check.finish([caption], 11.0)
    assert kinds(check) == ["caption"]  # 1 s < 1.6 s
    check = LayoutCheck()
    caption = check.mark_caption(text_of_line_px("two words", 30))
    check.sample([caption], 10.0)
    check.finish([caption], 12.0)
    assert kinds(check) == []


@pytest.mark.parametrize("speed, flagged", [(1.0, True), (2.0, False)])
def test_a_section_must_end_on_a_still_of_1_s_divided_by_the_speed(speed, flagged):
    check = LayoutCheck(speed=speed)
    check.motion(4.0)
    check.section_end("intro", 4.5)
    check.section_end("empty", 6.0)  # nothing moved in it: no still to judge
    assert kinds(check) == (["still"] if flagged else [])


# -- the hooks in TraceScene ----------------------------------------------------------------------
def test_trace_scene_runs_the_check_at_plays_and_waits(tmp_path):
    """A tiny TraceScene with ``check_layout``: a small label, a caption from its
    ``caption`` method shown too briefly, a section ending without a still."""
    from nnanim.scenes.base import TraceScene
    from nnanim.scenes.options import SceneOptions
    from nnanim.scenes.render.scene import manim_config

    class Tiny(TraceScene):
        def caption(self, text: str):
            return self.label(text, size=30).to_edge(DOWN)

        def construct(self):
            note = self.label("too small", size=10)
            self.play(FadeIn(note), run_time=0.5)          # checked at 0.5
            self.next_section("captioned")                 # 0 s still after the fade
            cap = self.caption(TEN_WORDS)
            self.play(FadeIn(cap), run_time=0.5)           # shown from 1.0
            self.wait(1.0)
            self.play(FadeOut(cap), run_time=0.5)          # left at 2.0: 1 s < 4 s
            self.wait(1.0)

    options = SceneOptions(check_layout=True)
    with tempconfig(manim_config("l", str(tmp_path), tmp_path / "tex", "png")):
        scene = Tiny(options)
        scene.render()
    assert scene.layout.strings() == [
        '0.5s small "too small": 11 px < 20 px',
        '0.5s still "start": 0.0 s < 1.0 s',
        f'1.0s caption "{TEN_WORDS}": 1.0 s < 4.0 s',
    ]
    assert SceneOptions().check_layout is False  # normal renders do not check


def test_a_caption_held_in_the_scenes_caption_attribute_or_marked_is_timed(tmp_path):
    from manim import UP

    from nnanim.scenes.base import TraceScene
    from nnanim.scenes.options import SceneOptions
    from nnanim.scenes.render.scene import manim_config

    class Held(TraceScene):
        def construct(self):
            self.caption = None
            for text in ("first caption here", "second"):
                new = self.label(text, size=30)
                out = [FadeOut(self.caption)] if self.caption is not None else []
                self.play(FadeIn(new), *out, run_time=0.5)
                self.caption = new                         # the first leaves at once
            self.wait(3.0)
            marked = self.as_caption(self.label("a b c d e f g", size=30).shift(UP))
            self.add(marked)
            self.wait(0.5)
            self.remove(marked)                            # 0.5 s < 1 s + 7 × 0.3 s
            self.wait(2.0)

    with tempconfig(manim_config("l", str(tmp_path), tmp_path / "tex", "png")):
        scene = Held(SceneOptions(check_layout=True))
        scene.render()
    assert scene.layout.strings() == ['0.5s caption "first caption here": 0.0 s < 1.9 s',
                                      '4.0s caption "a b c d e f g": 0.5 s < 3.1 s']
    assert [said for *_, said in scene.layout.captions] == [
        "first caption here", "a b c d e f g", "second"]


def test_text_in_a_highlight_colour_is_flagged_but_a_plate_behind_text_is_not():
    """The light theme's amber (2.1:1 on white) may frame a text, not colour it; its text
    shade (Theme.ink) passes, and so does a text on its own background plate."""
    from nnanim.scenes.theme import LIGHT

    check = LayoutCheck(background=LIGHT.background)
    amber = text_of_line_px("closest", 30).set_color(LIGHT.active)
    inked = text_of_line_px("closest", 30).set_color(LIGHT.ink(LIGHT.active)).shift(DOWN)
    plated = text_of_line_px("0.960", 30).set_color(LIGHT.text).shift(2 * DOWN)
    plated.add_background_rectangle(color=LIGHT.background, opacity=0.85)
    check.check([amber, inked, plated], 1.0)
    assert [(v.kind, v.text) for v in check.violations] == [("contrast", '"closest"')]
    assert LayoutCheck().check([amber], 0.0) == []  # no background given: no colour check


def test_a_long_caption_is_cut_at_the_space_nearest_its_middle():
    from nnanim.scenes.layout import split_in_two

    assert split_in_two("aa bb cc dd") == ("aa bb", "cc dd")
    assert split_in_two("a looooooong line") == ("a looooooong", "line")
