"""Presenter notes (issue #14 item 4): every section of a scene with notes has say/ask/answer
inside its times, the numbers in them are traced numbers, renders write <stem>.notes.json,
kept renders deliver it, a lecture joins the parts' notes shifted to where each starts."""
from __future__ import annotations


import pytest

from nnanim.scenes.captions import read_srt, subtitle_paths
from nnanim.scenes.notes import Note, as_text, inside, read_notes, shifted
from nnanim.scenes.options import SceneOptions
from nnanim.scenes.render.scene import render_scene

# small and short: 320×180 at 10 fps
FAST = dict(quality="l", size=(320, 180), fps=10)
#: rendered here as video too (every scene's notes are checked in tests/test_scenes.py)
NOTED = ["MaxPooling"]


def render(name: str, tmp_path, **kw):
    options = SceneOptions(cache=tmp_path / "cache", **kw.pop("options", {}))
    out = tmp_path / f"{name}.mp4"
    return render_scene(name, options, fmt="mp4", output=out, **{**FAST, **kw})


@pytest.mark.parametrize("name", NOTED)
def test_every_section_has_notes_inside_it_with_traced_numbers(name, tmp_path):
    """On a video render, with the notes file it writes (tests/test_scenes.py checks every
    scene's notes on its default render)."""
    from scene_utils import assert_notes_cover_sections

    out, scene = render(name, tmp_path)
    assert read_notes(out) == scene.presenter_notes
    assert_notes_cover_sections(scene)


def test_kept_renders_deliver_the_notes(tmp_path):
    first, scene = render("MaxPooling", tmp_path, reuse=True)
    assert scene is not None and len(read_notes(first)) == 3
    second = tmp_path / "again" / "pool.mp4"
    _, kept = render_scene("MaxPooling", SceneOptions(cache=tmp_path / "cache"), fmt="mp4",
                             output=second, reuse=True, **FAST)
    assert kept is None  # copied, not rendered
    assert second.with_suffix(".notes.json").read_bytes() == \
        first.with_suffix(".notes.json").read_bytes()


def test_the_lecture_joins_the_notes_shifted_to_each_part(tmp_path):
    from nnanim.scenes.render.lecture import build_lecture

    options = SceneOptions(cache=tmp_path / "cache", speed=6)
    _, scene = render_scene("MaxPooling", options, quality="l", fmt="mp4",
                            output=tmp_path / "alone.mp4")
    out = build_lecture(["MaxPooling"], tmp_path / "lec.mp4", options, quality="l", jobs=1,
                        echo=lambda _: None)
    joined = read_notes(out)
    card = read_srt(subtitle_paths(out)[0].read_text(encoding="utf-8"))[0]
    assert card.text.startswith("Part 1") and card.end > 0.5
    assert len(joined) == len(scene.presenter_notes) == 3
    for got, want in zip(joined, shifted(scene.presenter_notes, card.end)):
        assert got.section == want.section and got.answer == want.answer
        assert got.start == pytest.approx(want.start, abs=2e-3)
        assert got.end == pytest.approx(want.end, abs=2e-3)


def test_notes_text_and_intervals():
    notes = [Note("a", 0, 4, "s", "q?", "x"), Note("b", 4, 9, "t", "r?", "y")]
    assert inside(notes, 4, 9) == notes[1:]
    assert as_text(notes[0]) == "Say: s\nAsk: q?\nAnswer: x"
    assert shifted(notes, 2)[1][1:3] == (6, 11)


def test_slide_notes_are_the_notes_or_else_the_captions(tmp_path):
    import json

    from nnanim.scenes.captions import Caption, write_captions
    from nnanim.scenes.notes import write_notes
    from nnanim.scenes.render.manim_slides import section_cuts

    video = tmp_path / "v.mp4"
    write_captions([Caption(0, 4, "cap a"), Caption(4, 9, "cap b")], video)
    write_notes([Note("a", 0, 4, "say a", "ask a?", "answer a")], video)
    sections = tmp_path / "s.jsonl"
    sections.write_text("".join(json.dumps({"section": n, "start": a, "end": b}) + "\n"
                                for n, a, b in (("a", 0, 4), ("b", 4, 9))))
    cuts = section_cuts(sections, video)
    assert [c.notes for c in cuts] == ["Say: say a\nAsk: ask a?\nAnswer: answer a", "cap b"]
