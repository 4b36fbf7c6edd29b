"""Course files (issue #14 item 5): `nnanim lecture --course FILE` reads the parts in order,
each with its scene, run (config or trace), title, theme and speed; the default lecture is
the bundled course; a mistake is one line naming the part and the field, exit 2."""
from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT

from nnanim.scenes.catalog import LECTURE_ORDER
from nnanim.scenes.course import (Course, CourseError, CoursePart, course_of, default_course,
                                  load_course)
from nnanim.scenes.options import SceneOptions


def write(folder: Path, text: str, name: str = "course.toml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def stride1_trace(tmp_path_factory) -> Path:
    """A trace folder beside a course file: the bundled maxpool_stride1 run, trained."""
    from nnanim.engine.assets import bundled_config
    from nnanim.scenes.runs import cached_trace

    return cached_trace(bundled_config("maxpool_stride1"),
                        tmp_path_factory.mktemp("cache"))


def test_the_default_course_is_the_lecture_order_and_is_package_data():
    course = default_course()
    assert course.scenes == LECTURE_ORDER
    assert course.title and course.theme == "dark" and course.speed == 1.0
    assert all(p == CoursePart(p.scene) for p in course.parts)  # each with its bundled runs
    # the wheel carries it: a package-data pattern of pyproject.toml matches it
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["nnanim"]
    assert any(fnmatch.fnmatch("assets/courses/default.toml", pattern) for pattern in data)


def test_a_course_file_with_every_field(tmp_path, stride1_trace):
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "mine.toml").write_text(
        (ROOT / "assets" / "configs" / "maxpool_deck_shifted.toml").read_text())
    course = load_course(write(tmp_path, f"""
        [course]
        title = "Pooling"
        theme = "light"
        speed = 2

        [[part]]
        scene = "MaxPooling"
        title = "Pooling the deck's map"
        config = "maxpool_stride1"          # a bundled config

        [[part]]
        scene = "MaxPooling"
        config = "configs/mine.toml"        # beside the course file
        theme = "dark"
        speed = 3

        [[part]]
        scene = "MaxPooling"
        trace = "{os.path.relpath(stride1_trace, tmp_path)}"
        """))
    assert course.title == "Pooling" and course.theme == "light" and course.speed == 2.0
    first, second, third = course.parts
    assert first.title == "Pooling the deck's map" and first.config.name == "maxpool_stride1.toml"
    assert second.config == tmp_path / "configs" / "mine.toml" and second.title is None
    assert (second.theme, second.speed) == ("dark", 3.0)
    assert third.trace.resolve() == stride1_trace.resolve() and third.config is None


def test_the_lecture_plan_gives_each_part_its_options_and_title(tmp_path, stride1_trace):
    """A part's theme, speed and run win over the course's, the course's over the
    caller's; the title card and the chapter say the part's title."""
    from nnanim.scenes.render.lecture import _plan

    course = Course((CoursePart("MaxPooling", title="Pooling the deck's map", speed=4.0),
                     CoursePart("MaxPooling", theme="light", trace=stride1_trace),
                     CoursePart("Convolution", config=ROOT / "assets" / "configs" /
                                "conv_deck_stride2.toml")), theme="dark", speed=2.0)
    base = SceneOptions(theme="light", speed=1.0, cache=stride1_trace.parent.parent)
    parts = _plan(course, base, "l", tmp_path, reuse=True)
    cards, scenes = parts[0::2], parts[1::2]
    assert [c.options.title for c in cards] == ["Pooling the deck's map", "Max pooling",
                                                "Convolution, window by window"]
    assert [c.options.part for c in cards] == ["Part 1", "Part 2", "Part 3"]
    assert [s.title for s in scenes] == [c.options.title for c in cards]
    assert [(s.options.theme, s.options.speed) for s in scenes] == [
        ("dark", 4.0), ("light", 2.0), ("dark", 2.0)]
    assert [(c.options.theme, c.options.speed) for c in cards] == [
        (s.options.theme, s.options.speed) for s in scenes]  # a card looks like its part
    assert scenes[0].options.traces == {}  # the scene's bundled runs
    assert scenes[1].options.traces == {"main": stride1_trace}
    trained = scenes[2].options.traces["main"]  # the config, trained into the cache
    assert trained.name.startswith("conv_deck_stride2-") and (trained / "manifest.json").is_file()
    # scene names still plan as before: a course of them
    assert [p.scene for p in _plan(["MaxPooling"], base, "l", tmp_path, True)] == [
        None, "MaxPooling"]
    assert course_of(["MaxPooling"]).parts == (CoursePart("MaxPooling"),)


@pytest.mark.parametrize("text, message", [
    ('[[part]]\nscene = "MaxPoling"\n',
     "part 1: scene: unknown scene 'MaxPoling' (did you mean MaxPooling?)"),
    ('[[part]]\nscene = "MaxPooling"\n[[part]]\nscene = "MaxPooling"\nspeeed = 2\n',
     "part 2: unknown field speeed (valid: scene, title, config, trace, theme, speed)"),
    ('[[part]]\nscene = "MaxPooling"\nspeed = "fast"\n',
     "part 1: speed must be a number, got 'fast'"),
    ('[[part]]\nscene = "MaxPooling"\nspeed = 0\n',
     "part 1: speed must be a number from 0.05 to 20, got 0"),
    ('[[part]]\nscene = "MaxPooling"\ntheme = "blue"\n',
     "part 1: theme must be one of dark, light, got 'blue'"),
    ('[[part]]\nscene = 3\n', "part 1: scene must be a non-empty string, got 3"),
    ('[[part]]\ntitle = "no scene"\n', "part 1: missing field scene"),
    ('[[part]]\nscene = "MaxPooling"\nconfig = "maxpool_deck"\ntrace = "t.trace"\n',
     "part 1: config and trace: give one run, not both"),
    ('[[part]]\nscene = "MaxPooling"\nconfig = "no_such_config"\n',
     "part 1: config: no config file or bundled config 'no_such_config'"),
    ('[[part]]\nscene = "MaxPooling"\nconfig = "gone.toml"\n',
     "part 1: config: no config file or bundled config 'gone.toml'"),
    ('[[part]]\nscene = "MaxPooling"\ntrace = "runs/gone.trace"\n',
     "part 1: trace: no trace at "),
    ('[course]\ncolour = "red"\n[[part]]\nscene = "MaxPooling"\n',
     "unknown field course.colour (valid: title, theme, speed)"),
    ('[course]\nspeed = true\n[[part]]\nscene = "MaxPooling"\n',
     "course.speed must be a number, got True"),
    ('scenes = ["MaxPooling"]\n', "unknown field 'scenes' (valid: [course], [[part]])"),
    ('[course]\ntitle = "empty"\n', "no parts: add a [[part]] table"),
    ('[part]\nscene = "MaxPooling"\n', "part must be an array of tables"),
    ('[[part]\nscene = "MaxPooling"\n', "invalid TOML"),
])
def test_a_wrong_course_is_one_line_naming_part_and_field(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(CourseError) as e:
        load_course(path)
    said = str(e.value)
    assert said.startswith("course.toml: ") and message in said and "\n" not in said, said


def test_a_config_with_a_wrong_field_names_the_part_and_the_config(tmp_path):
    (tmp_path / "bad.toml").write_text('[run]\nname = "x"\n[data]\nname = "xor"\nsize = 3\n'
                                       '[model]\nlayers = []\n[training]\nepoch = 3\n')
    with pytest.raises(CourseError, match=r"^course.toml: part 1: config: bad.toml: unknown "
                                          r"field training.epoch"):
        load_course(write(tmp_path, '[[part]]\nscene = "MaxPooling"\nconfig = "bad.toml"\n'))


def nnanim(*args, cwd=None):
    p = subprocess.run([sys.executable, "-m", "nnanim.cli", *map(str, args)],
                       capture_output=True, text=True, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


@pytest.mark.parametrize("args, message", [
    (["--course", "{course}"], "course.toml: part 2: unknown field colour"),
    (["--course", "{folder}/missing.toml"], "no course file at "),
    (["MaxPooling", "--course", "{course}"], "give SCENES or --course FILE, not both"),
])
def test_lecture_refuses_a_wrong_course_with_one_line_exit_2(tmp_path, args, message):
    course = write(tmp_path, '[[part]]\nscene = "MaxPooling"\n'
                             '[[part]]\nscene = "Convolution"\ncolour = "red"\n')
    rc, _, err = nnanim("lecture", *[a.format(course=course, folder=tmp_path) for a in args],
                          "-o", tmp_path / "lecture.mp4", cwd=tmp_path)
    lines = err.strip().splitlines()
    assert rc == 2 and len(lines) == 1 and lines[0].startswith("nnanim: error: "), err
    assert message in lines[0] and "Traceback" not in err
    assert not (tmp_path / "lecture.mp4").exists()


def test_a_course_lecture_titles_captions_and_kept_parts(tmp_path):
    """Rendered (small, fast): the chapters and the title cards' captions say the parts'
    titles, each part's captions follow its card, and a second lecture with one part
    changed renders only that part again (its card and its scene)."""
    from nnanim.scenes.captions import read_srt
    from nnanim.scenes.render import build_lecture
    from nnanim.scenes.render.ffmpeg import duration

    cache = tmp_path / "cache"
    course = Course((CoursePart("MaxPooling", title="Pooling the deck's map"),
                     CoursePart("MaxPooling", title="Pooling, faster", speed=12.0)),
                    title="Pooling twice", speed=8.0)
    out = build_lecture(course, tmp_path / "a" / "lecture.mp4", SceneOptions(cache=cache),
                        quality="l", jobs=1, reuse=True, slides=tmp_path / "slides",
                        echo=lambda m: None)
    kept = set((cache / "renders").iterdir())
    assert len(kept) == 4  # two title cards, two scenes
    chapters = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "chapter_tags=title",
                               "-of", "default=nw=1:nk=1", str(out)], capture_output=True,
                              text=True, check=True).stdout.splitlines()
    assert chapters == ["1. Pooling the deck's map", "2. Pooling, faster"]
    cues = read_srt(out.with_suffix(".srt").read_text(encoding="utf-8"))
    cards = [c for c in cues if c.text.startswith("Part ")]
    assert [c.text for c in cards] == ["Part 1 · Pooling the deck's map",
                                       "Part 2 · Pooling, faster"]
    assert cards[0].start == 0 and cues[-1].end <= duration(out) + 1e-3
    second_part = [c for c in cues if c.start >= cards[1].end]
    assert any(c.text.startswith("Max pooling") for c in second_part)
    page = (tmp_path / "slides" / "index.html").read_text()
    assert "<title>Pooling twice</title>" in page and 'src="lecture.vtt"' in page
    vtt = out.with_suffix(".vtt").read_bytes()
    assert (tmp_path / "slides" / "lecture.vtt").read_bytes() == vtt

    faster = Course((course.parts[0], CoursePart("MaxPooling", title="Pooling, faster",
                                                  speed=16.0)), title="Pooling twice", speed=8.0)
    again = build_lecture(faster, tmp_path / "b" / "lecture.mp4", SceneOptions(cache=cache),
                          quality="l", jobs=1, reuse=True, echo=lambda m: None)
    assert len(set((cache / "renders").iterdir()) - kept) == 2  # part 2's card and scene
    assert duration(again) < duration(out)
