"""Captions (issue #14 item 3): every render records when each caption is on screen, cut
per section (a section without one gets the scene's title and its name), hands them to
manim as sub-captions, and writes <output>.srt and .vtt beside an mp4; kept renders
deliver them too."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from nnanim.scenes.captions import (Caption, Section, by_section, read_srt, shifted, to_srt,
                                    to_vtt)

# small and short: 320×180 at 10 fps; the scenes that run longest stop after some plays
FAST = dict(quality="l", size=(320, 180), fps=10)
SRT_TIME = r"\d\d:\d\d:\d\d,\d\d\d"
VTT_TIME = r"\d\d:\d\d:\d\d\.\d\d\d"
MS = 1e-3  # the files' resolution


def seconds(stamp: str) -> float:
    h, m, s = re.split(r":", stamp.replace(",", "."))
    return int(h) * 3600 + int(m) * 60 + float(s)


def parse_srt(text: str) -> list[Caption]:
    """Check SubRip's format strictly (numbered from 1, ``HH:MM:SS,mmm --> HH:MM:SS,mmm``,
    text, a blank line) and return its cues."""
    assert text.endswith("\n\n") and "\r" not in text
    cues = []
    for i, block in enumerate(text[:-2].split("\n\n"), start=1):
        number, times, *lines = block.split("\n")
        assert number == str(i), block
        assert re.fullmatch(f"{SRT_TIME} --> {SRT_TIME}", times), block
        assert lines and all(line.strip() for line in lines), block
        a, b = (seconds(t) for t in times.split(" --> "))
        assert a < b, block
        cues.append(Caption(a, b, "\n".join(lines)))
    return cues


def parse_vtt(text: str) -> list[Caption]:
    """Check WebVTT's format (the WEBVTT header line, a blank line, cues of
    ``HH:MM:SS.mmm --> HH:MM:SS.mmm`` and text with no raw < or &) and return its cues
    (text unescaped)."""
    assert text.startswith("WEBVTT\n\n") and text.endswith("\n\n")
    cues = []
    for block in text[len("WEBVTT\n\n"):-2].split("\n\n"):
        times, *lines = block.split("\n")
        assert re.fullmatch(f"{VTT_TIME} --> {VTT_TIME}", times), block
        said = "\n".join(lines)
        assert said.strip() and "-->" not in said and "<" not in said, block
        assert not re.search(r"&(?!amp;|lt;|gt;)", said), block
        a, b = (seconds(t) for t in times.split(" --> "))
        assert a < b, block
        cues.append(Caption(a, b, said.replace("&lt;", "<").replace("&gt;", ">")
                            .replace("&amp;", "&")))
    return cues


# -- cues and files, no rendering ----------------------------------------------------------
def test_captions_are_cut_at_section_ends_and_empty_sections_get_the_fallback():
    sections = [Section("a", 0, 4), Section("b", 4, 9), Section("c", 9, 12)]
    captions = [Caption(1, 6, "across a and b"), Caption(6.5, 8, "in b"),
                Caption(3.995, 4, "a sliver")]  # 5 ms of a: dropped, not a cue of its own
    cues = by_section(captions, sections, lambda s: f"Title: {s.name}")
    assert cues == [Caption(1, 4, "across a and b"), Caption(4, 6, "across a and b"),
                    Caption(6.5, 8, "in b"), Caption(9, 12, "Title: c")]
    assert shifted(cues[:1], 10) == [Caption(11, 14, "across a and b")]


def test_srt_and_vtt_are_well_formed_and_read_back():
    captions = [Caption(3723.4567, 3725.0, "an hour in"), Caption(0, 1.5, "first\nof  two"),
                Caption(2, 2, "zero length lasts a millisecond"),
                Caption(4, 5, "ReLU < 0 & x --> y")]
    srt, vtt = to_srt(captions), to_vtt(captions)
    assert srt.startswith("1\n00:00:00,000 --> 00:00:01,500\nfirst of two\n\n")
    assert "01:02:03,457 --> 01:02:05,000\nan hour in" in srt
    assert "00:00:02.000 --> 00:00:02.001" in vtt
    assert "ReLU &lt; 0 &amp; x --&gt; y" in vtt
    assert [c.text for c in parse_srt(srt)] == [c.text for c in parse_vtt(vtt)] == [
        "first of two", "zero length lasts a millisecond", "ReLU < 0 & x --> y", "an hour in"]
    assert read_srt(srt) == parse_srt(srt)
    assert [(c.start, c.end) for c in read_srt(vtt)] == [(c.start, c.end) for c in read_srt(srt)]
    assert read_srt(vtt)[2].text == "ReLU &lt; 0 &amp; x --&gt; y"  # WebVTT cue text stays markup
    assert to_srt([]) == "" and to_vtt([]) == "WEBVTT\n\n"


# -- rendered scenes -------------------------------------------------------------------------
def render(name, tmp_path, out="scene.mp4", reuse=False, **extra):
    from nnanim.scenes.options import SceneOptions
    from nnanim.scenes.render import render_scene

    options = SceneOptions(sections=tmp_path / f"{out}.sections", cache=tmp_path / "cache")
    return render_scene(name, options, output=tmp_path / out, reuse=reuse, **FAST, **extra)


@pytest.mark.parametrize("name, upto", [
    ("MaxPooling", None),        # one caption, in its last section: the others fall back
    ("Convolution", None),       # no caption at all: every section falls back
    ("GradientDescent1D", 40),   # its own caption(...) method, captions across sections
    ("Neuron", 30),              # say(): one caption replacing another
])
def test_every_section_has_captions_inside_it_and_inside_the_render(name, upto, tmp_path):
    from nnanim.scenes.catalog import scene_info
    from nnanim.scenes.render.ffmpeg import duration

    out, scene = render(name, tmp_path, upto_animation=upto)
    length = float(scene.renderer.time)
    assert abs(duration(out) - length) < 1.5 / FAST["fps"]
    srt = parse_srt(out.with_suffix(".srt").read_text(encoding="utf-8"))
    vtt = parse_vtt(out.with_suffix(".vtt").read_text(encoding="utf-8"))
    assert srt == vtt and len(srt) == len(scene.caption_cues)
    sections = [json.loads(line) for line in
                (tmp_path / "scene.mp4.sections").read_text().splitlines()]
    assert len(sections) >= 2 and sections[-1]["end"] == pytest.approx(length)
    for cue in srt:
        assert -MS <= cue.start < cue.end <= length + MS, cue
        assert any(s["start"] - MS <= cue.start and cue.end <= s["end"] + MS
                   for s in sections), f"{cue} crosses a section end"
    for s in sections:
        inside = [c for c in srt if s["start"] - MS <= c.start and c.end <= s["end"] + MS]
        assert inside, f"section {s['section']} has no caption"
    said = " ".join(c.text for c in srt)
    if name in ("MaxPooling", "Convolution"):
        assert f"{scene_info(name).title}: {sections[0]['section']}" in said  # a fallback
    if name != "Convolution":  # the scene's own captions are there, as it wrote them
        own = [c.text for c in scene.caption_recorder.captions]
        assert own and all(" ".join(t.split()) in said for t in own)
    # manim got the same cues as sub-captions (it writes them as an .srt of its own)
    subs = scene.renderer.file_writer.subcaptions
    assert [s.content for s in subs] == [c.text for c in scene.caption_cues]
    for s, c in zip(subs, scene.caption_cues):  # timedelta keeps microseconds
        assert (s.start.total_seconds(), s.end.total_seconds()) == \
            pytest.approx((c.start, c.end), abs=1e-5)


def test_a_kept_render_delivers_its_captions(tmp_path, monkeypatch):
    import nnanim.scenes.render.scene as scene_mod

    calls = []
    real = scene_mod._render_with_manim
    monkeypatch.setattr(scene_mod, "_render_with_manim",
                        lambda *a, **kw: calls.append(1) or real(*a, **kw))
    first, _ = render("MaxPooling", tmp_path, "a.mp4", reuse=True, upto_animation=6)
    second, scene = render("MaxPooling", tmp_path, "b.mp4", reuse=True, upto_animation=6)
    assert len(calls) == 1 and scene is None  # copied, not rendered
    for suffix in (".srt", ".vtt"):
        a, b = first.with_suffix(suffix), second.with_suffix(suffix)
        assert a.read_bytes() == b.read_bytes() and len(a.read_text()) > 20


def test_render_command_writes_captions_beside_the_mp4_only(tmp_path, monkeypatch):
    from nnanim import cli

    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli.main, ["render", "MaxPooling", "-q", "l", "--speed", "4",
                                      "-o", "talk/pool.mp4"])
    assert r.exit_code == 0, r.output
    assert "pool.srt" in r.output and "pool.vtt" in r.output
    cues = parse_srt(Path("talk/pool.srt").read_text(encoding="utf-8"))
    assert cues == parse_vtt(Path("talk/pool.vtt").read_text(encoding="utf-8"))
    assert cues[-1].end <= 12  # timed at the render's speed: about 40 s / 4
    r = CliRunner().invoke(cli.main, ["render", "MaxPooling", "-q", "l", "--format", "png",
                                      "-o", "still/pool.png"])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in Path("still").iterdir()) == ["pool.png"]
