"""Handouts (issue #14 item 6): `nnanim handout` writes a PDF to print, one A4 landscape page
per section of every part with the section's still, its title and its captions, as
selectable text; bad input is one line, exit 2, and an existing PDF survives a failure.

The PDF is read back here with no PDF library: its objects by regular expressions, its
page streams through zlib, its text from the strings of the text objects (matplotlib's
embedded TrueType, ``pdf.fonttype`` 42, writes characters as UTF-16BE codes)."""
from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_cli import nnanim

from nnanim.scenes.captions import read_srt
from nnanim.scenes.course import Course, CoursePart, default_course
from nnanim.scenes.options import SceneOptions

# two short scenes, small and fast: 854×480 at 15 fps, eight times the speed
COURSE = Course((CoursePart("MaxPooling", title="Pooling, on paper"),
                 CoursePart("Convolution")), title="Two scenes to print", speed=8.0)
COURSE_TOML = """[course]
title = "Two scenes to print"
speed = 8

[[part]]
scene = "MaxPooling"
title = "Pooling, on paper"

[[part]]
scene = "Convolution"
"""
A4_LANDSCAPE = (841.68, 595.44)  # points


# -- reading a PDF back -----------------------------------------------------------------------
def pdf_objects(data: bytes) -> dict[int, bytes]:
    """Every indirect object (its dictionary and any stream, raw) by number."""
    return {int(m[1]): m[2] for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S)}


def stream(obj: bytes) -> bytes:
    raw = re.search(rb"stream\r?\n(.*)\r?\nendstream", obj, re.S)[1]
    return zlib.decompress(raw) if b"/FlateDecode" in obj else raw


def pdf_pages(path: Path) -> list[dict]:
    """The pages in order: {"box": (width, height), "content": the page's drawing
    operators, decompressed}."""
    data = path.read_bytes()
    objects = pdf_objects(data)
    kids = re.search(rb"/Type /Pages /Kids \[(.*?)\]", data, re.S)[1]
    pages = []
    for ref in re.findall(rb"(\d+) 0 R", kids):
        page = objects[int(ref)]
        box = [float(v) for v in re.search(rb"/MediaBox \[ ([^\]]*) \]", page)[1].split()]
        content = objects[int(re.search(rb"/Contents (\d+) 0 R", page)[1])]
        pages.append({"box": (box[2] - box[0], box[3] - box[1]), "content": stream(content)})
    return pages


_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(s: bytes) -> bytes:
    """A PDF literal string's bytes: \\ddd octal, \\n and the like, \\( \\) \\\\."""
    def one(m):
        code = m[1]
        return bytes([int(code, 8)]) if code[:1] in b"01234567" else _ESCAPES.get(code, code)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, s, flags=re.S)


def page_lines(content: bytes) -> list[str]:
    """The text of each text object (BT … ET) of a page, in drawing order."""
    lines = []
    for block in re.findall(rb"\nBT\n(.*?)\nET\n", content, re.S):
        strings = re.findall(rb"\(((?:\\.|[^\\)])*)\)", block, re.S)
        lines.append("".join(_unescape(s).decode("utf-16-be") for s in strings))
    return lines


def page_text(content: bytes) -> str:
    """All of a page's text, one line a text object, whitespace made single spaces."""
    return " ".join(" ".join(page_lines(content)).split())


# -- what the scenes themselves say ----------------------------------------------------------
def expected_pages(cache: Path, tmp: Path) -> list[tuple[str, list[str]]]:
    """(heading, captions) of every section of COURSE, from the scenes' own renders (the
    handout's, kept: copied, not rendered again): the sections file and the .srt, read
    here."""
    from nnanim.scenes.catalog import scene_info
    from nnanim.scenes.render import render_scene

    out = []
    for i, part in enumerate(COURSE.parts):
        options = SceneOptions(cache=cache, theme="light", speed=COURSE.speed,
                               stills=tmp / f"stills{i}", sections=tmp / f"{i}.jsonl")
        video, _ = render_scene(part.scene, options, quality="l", output=tmp / f"{i}.mp4",
                                reuse=True)
        cues = read_srt(video.with_suffix(".srt").read_text(encoding="utf-8"))
        info = scene_info(part.scene)
        for line in options.sections.read_text().splitlines():
            sec = json.loads(line)
            name = sec["section"].replace("-", " ")
            said = [c.text for c in cues if sec["start"] <= (c.start + c.end) / 2 < sec["end"]]
            said = [t for t in dict.fromkeys(said) if t != f"{info.title}: {name}"]
            out.append((f"{part.title or info.title} · {name}", said))
    return out


@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    """The handout of COURSE (rendered once, its renders kept in a cache of its own), and
    the cache."""
    from nnanim.scenes.render.handout import build_handout

    tmp = tmp_path_factory.mktemp("handout")
    cache = tmp / "cache"
    pdf = build_handout(COURSE, tmp / "handout.pdf", SceneOptions(cache=cache), quality="l",
                        jobs=1, echo=lambda m: None)
    return pdf, cache


# -- content -----------------------------------------------------------------------------------
def test_one_page_per_section_with_its_title_captions_and_footer(handout, tmp_path):
    pdf, cache = handout
    expected = expected_pages(cache, tmp_path)
    pages = pdf_pages(pdf)
    assert len(pages) == len(expected) == 7  # MaxPooling 3 sections, Convolution 4
    assert len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes())) == 7
    assert sum(len(said) for _, said in expected) >= 1  # some section has a caption of its own
    for number, (page, (heading, said)) in enumerate(zip(pages, expected), start=1):
        assert page["box"] == pytest.approx(A4_LANDSCAPE, abs=0.1)
        text = page_text(page["content"])
        assert heading in page_lines(page["content"]), (heading, text)
        for caption in said:
            assert " ".join(caption.split()) in text, (caption, text)
        assert text.endswith(f"Two scenes to print page {number} of 7"), text
    first = page_text(pages[0]["content"])
    assert first.startswith("Part 1 · section 1 of 3 Pooling, on paper · forward")
    # a section that shows no caption of its own is not captioned with its own heading again
    assert "Max pooling: forward" not in first


def test_the_still_is_large_and_the_text_real_and_printable(handout):
    pdf, _ = handout
    data = pdf.read_bytes()
    assert b"/Type3" not in data and b"/CIDFontType2" in data and b"/ToUnicode" in data
    images = re.findall(rb"/Subtype /Image /Width (\d+) /Height (\d+)", data)
    assert images and all((int(w), int(h)) == (854, 480) for w, h in images)  # as rendered
    for page in pdf_pages(pdf):
        placed = re.findall(rb"([\d.]+) 0 0 -?([\d.]+) [\d.]+ -?[\d.]+\s+cm /I\d+ Do",
                            page["content"])
        assert len(placed) == 1, page["content"][:500]
        width, height = map(float, placed[0])
        assert width >= 0.6 * A4_LANDSCAPE[0] and height >= 0.5 * A4_LANDSCAPE[1]
        sizes = [float(s) for s in re.findall(rb"/F\d+ ([\d.]+) Tf", page["content"])]
        assert sizes and min(sizes) >= 9 and max(sizes) >= 18  # footer 9 pt, heading 20 pt


def test_the_cli_writes_the_same_handout_from_a_course_file(handout, tmp_path):
    pdf, cache = handout
    course = tmp_path / "course.toml"
    course.write_text(COURSE_TOML)
    out = tmp_path / "print" / "handout.pdf"
    rc, stdout, err = nnanim("handout", "--course", course, "-q", "l", "-j", "1",
                             "--cache-dir", cache, "-o", out)
    assert rc == 0, err
    assert stdout.strip() == f"wrote {out} (2 parts)"
    assert "laying out 7 pages" in err
    assert [page_text(p["content"]) for p in pdf_pages(out)] == \
        [page_text(p["content"]) for p in pdf_pages(pdf)]


def test_without_scenes_or_course_the_handout_is_the_bundled_course(monkeypatch, tmp_path):
    from nnanim import cli
    from nnanim.scenes.render import handout

    asked = {}

    def build(course, out, options, **kwargs):
        asked.update(course=course, out=out, **kwargs)
        return out

    monkeypatch.setattr(handout, "build_handout", build)
    result = CliRunner().invoke(cli.main, ["handout", "-o", str(tmp_path / "h.pdf")])
    assert result.exit_code == 0, result.output
    assert asked["course"] == default_course()
    assert asked["quality"] == "m" and asked["theme"] == "light" and asked["reuse"] is True


# -- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize("args, message", [
    (["NoSuchScene"], "unknown scene 'NoSuchScene'"),
    (["--course", "{folder}/course.toml"], "course.toml: part 1: unknown field colour"),
    (["--course", "{folder}/missing.toml"], "no course file at "),
    (["MaxPooling", "--course", "{folder}/course.toml"], "give SCENES or --course FILE"),
    (["MaxPooling", "-o", "{folder}/a-file/handout.pdf"], "cannot write "),
    (["MaxPooling", "-o", "{folder}"], "it is a folder"),
])
def test_bad_input_is_one_line_exit_2_and_the_old_handout_survives(tmp_path, args, message):
    (tmp_path / "course.toml").write_text('[[part]]\nscene = "MaxPooling"\ncolour = "red"\n')
    (tmp_path / "a-file").write_text("a file, not a folder")
    old = tmp_path / "handout.pdf"
    old.write_bytes(b"%PDF- the handout printed last week")
    args = [a.format(folder=tmp_path) for a in args]
    rc, _, err = nnanim("handout", *args, *([] if "-o" in args else ["-o", old]),
                        cwd=tmp_path)
    lines = err.strip().splitlines()
    assert rc == 2 and len(lines) == 1 and lines[0].startswith("nnanim: error: "), err
    assert message in lines[0] and "Traceback" not in err
    assert old.read_bytes() == b"%PDF- the handout printed last week"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "course.toml",
                                                          "handout.pdf"]


def test_a_failure_while_writing_leaves_the_old_handout(handout, tmp_path, monkeypatch):
    """Atomic: the PDF is written under a temporary name and renamed only when complete."""
    from nnanim.scenes.render import handout as module

    _, cache = handout
    old = tmp_path / "handout.pdf"
    old.write_bytes(b"%PDF- last week's")
    drawn = []
    real = module.draw_page

    def draw_then_fail(page, number, total, footer):
        if number == 3:
            raise RuntimeError("the printer caught fire")
        drawn.append(number)
        return real(page, number, total, footer)

    monkeypatch.setattr(module, "draw_page", draw_then_fail)
    with pytest.raises(RuntimeError, match="caught fire"):
        module.build_handout(COURSE, old, SceneOptions(cache=cache), quality="l", jobs=1,
                             echo=lambda m: None)
    assert drawn == [1, 2]
    assert old.read_bytes() == b"%PDF- last week's"
    assert [p.name for p in tmp_path.iterdir()] == ["handout.pdf"]  # no temporary left
