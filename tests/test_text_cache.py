"""Finished texts kept on disk (scenes/render/text_cache.py): a kept text loads equal to the
one manim builds, is built once per machine, and is not confused with another text."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from manim import MarkupText, MathTex, Tex, Text, tempconfig

from nnanim.scenes.render.text_cache import NotPlain, plain, text_cache, text_key


def drawing(mobject) -> list:
    """What every member of the family draws, and the text's own attributes."""
    return [(type(m).__name__, m.points.tobytes(), m.fill_rgbas.tobytes(),
             m.stroke_rgbas.tobytes(), m.stroke_width) for m in mobject.get_family()]


def texts() -> list:
    return [Text("loss 0.0421", font_size=28, color="#336699", t2c={"loss": "#CC3311"}),
            MarkupText("<b>w</b> = 0.5", font_size=30),
            MathTex(r"\frac{\partial L}{\partial w}", "=", "0.25", font_size=36),
            Tex(r"step $k = 3$")]


@pytest.fixture
def media(tmp_path):
    with tempconfig({"media_dir": str(tmp_path / "media")}):
        yield tmp_path


def test_a_kept_text_loads_equal_to_the_text_manim_builds(media):
    reference = texts()
    for block in range(2):  # built and kept, then loaded in a later block (a later render)
        with text_cache(media / "texts"):
            made = [texts() for _ in range(2)]
        for again in made:
            for text, ref in zip(again, reference):
                assert drawing(text) == drawing(ref)
                assert set(vars(text)) == set(vars(ref))
    assert len(list((media / "texts").glob("*.pickle"))) == 4
    loaded = made[1][2]
    assert loaded.get_part_by_tex("=") is not None  # the id table came with it
    assert loaded.copy().get_center().tolist() == loaded.get_center().tolist()


def test_a_kept_text_is_loaded_not_built(media, monkeypatch):
    with text_cache(media / "texts"):
        first = Text("w = 0.25", font_size=28)
    monkeypatch.setattr(Text, "_text2svg", lambda *a, **k: pytest.fail("laid out again"))
    with text_cache(media / "texts"):
        again = Text("w = 0.25", font_size=28)
    assert drawing(again) == drawing(first)
    assert again is not first and again.submobjects[0] is not first.submobjects[0]


def test_other_arguments_or_another_frame_size_make_another_key(media):
    key = text_key(Text.__new__(Text), ("0.5",), {"font_size": 28, "color": "#336699"})
    others = [(("0.6",), {"font_size": 28, "color": "#336699"}),
              (("0.5",), {"font_size": 28.000001, "color": "#336699"}),
              (("0.5",), {"font_size": 28, "color": "#336698"}),
              (("0.5",), {"font_size": 28, "color": "#336699", "t2c": {"0": "#000000"}})]
    keys = {text_key(Text.__new__(Text), a, k) for a, k in others}
    assert key not in keys and len(keys) == len(others)
    assert text_key(MarkupText.__new__(MarkupText), ("0.5",),
                    {"font_size": 28, "color": "#336699"}) != key
    for size in ({"pixel_width": 640}, {"pixel_height": 360}):  # Pango's canvas
        with tempconfig(size):
            assert text_key(Text.__new__(Text), ("0.5",),
                            {"font_size": 28, "color": "#336699"}) != key


def test_a_subclass_or_an_argument_without_a_plain_form_is_built_not_kept(media):
    class Labelled(Text):
        def __init__(self, text: str, tag: str, **kw) -> None:
            self.tag = tag  # its own argument: not in a key Text's arguments would make
            super().__init__(text, **kw)

    with text_cache(media / "texts"):
        a, b = Labelled("x", "first"), Labelled("x", "second")
        Text("y", font_size=Fraction(28))
    assert (a.tag, b.tag) == ("first", "second")
    assert list((media / "texts").glob("*.pickle")) == []
    with pytest.raises(NotPlain):
        plain({"a": object()})
    assert plain(np.float64(0.5)) != plain(0.5000001) and plain([1, 2]) != plain((1, 2))


def test_an_unreadable_kept_text_is_built_again_and_rewritten(media):
    with text_cache(media / "texts"):
        reference = Text("b = -1.5")
    (kept,) = (media / "texts").glob("*.pickle")
    kept.write_bytes(b"not a pickle")
    with text_cache(media / "texts"):
        again = Text("b = -1.5")
    assert drawing(again) == drawing(reference)
    assert kept.read_bytes() != b"not a pickle"


def test_the_classes_are_themselves_again_after_the_block(media):
    inits = [cls.__dict__["__init__"] for cls in (Text, MarkupText, MathTex, Tex)]
    with pytest.raises(RuntimeError):
        with text_cache(media / "texts"):
            assert Text.__dict__["__init__"] is not inits[0]
            raise RuntimeError("a render failed")
    assert [cls.__dict__["__init__"] for cls in (Text, MarkupText, MathTex, Tex)] == inits
