"""manim-slides (issue #14 items 1 and 2): `nnanim slides` writes the folder manim-slides
presents and converts, one slide per section, from nnanim's own renders; its HTML works
offline, its PowerPoint holds the videos; a TraceScene combines with manim-slides' Slide in
either order of the bases and keeps its sections.

One tiny MaxPooling render (320×180 at 10 fps) serves the module; manim-slides' own
pydantic model, python-pptx and Chromium read what it wrote.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT
from test_slides_browser import browser  # noqa: F401  (the headless Chromium fixture)

from nnanim.scenes.options import SceneOptions
from nnanim.scenes.theme import THEMES

SCENE = "MaxPooling"
TINY = dict(quality="l", size=(320, 180), fps=10)
#: MaxPooling's sections, as its code names them, in order
SECTIONS = re.findall(r'next_section\("(\w+)"\)', (ROOT / "scenes/max_pooling.py").read_text())


@pytest.fixture(scope="module")
def deck(tmp_path_factory) -> Path:
    from nnanim.scenes.render.manim_slides import build_presentation

    out = tmp_path_factory.mktemp("slides") / "deck"
    quality, extra = TINY["quality"], {k: v for k, v in TINY.items() if k != "quality"}
    return build_presentation([SCENE], out, quality=quality, jobs=1,
                              to=("html", "pptx", "pdf"), echo=lambda m: None, **extra)


@pytest.fixture(scope="module")
def video(tmp_path_factory) -> Path:
    """The part's own video and captions (a kept render: copied, not rendered again)."""
    from nnanim.scenes.render.scene import render_scene

    out = tmp_path_factory.mktemp("video") / f"{SCENE}.mp4"
    return render_scene(SCENE, SceneOptions(), output=out, reuse=True, **TINY)[0]


def presentation(deck: Path, name: str = SCENE):
    from manim_slides.config import PresentationConfig

    return PresentationConfig.from_file(deck / "slides" / f"{name}.json")


def frames(path: Path) -> np.ndarray:
    """Every frame of a video as grey levels, (frames, height, width) float."""
    import av

    with av.open(str(path)) as f:
        return np.stack([fr.to_ndarray(format="gray").astype(float) for fr in f.decode(video=0)])


def test_the_folder_is_a_manim_slides_presentation_one_slide_per_section(deck, video):
    from nnanim.scenes.render.ffmpeg import duration

    assert SECTIONS == ["forward", "backward", "shift"]
    assert (deck / "scenes.txt").read_text() == f"{SCENE}\n"
    config = presentation(deck)
    assert len(config.slides) == len(SECTIONS)
    assert config.resolution == (320, 180)
    assert config.background_color.as_hex() == THEMES["dark"].background.lower()
    raw = json.loads((deck / "slides" / f"{SCENE}.json").read_text())
    for i, (slide, name) in enumerate(zip(config.slides, SECTIONS), start=1):
        assert slide.file == deck / "slides" / "files" / SCENE / f"{i:02d}_{name}.mp4"
        assert slide.rev_file == slide.file.with_stem(slide.file.stem + "_reversed")
        assert slide.file.is_file() and slide.rev_file.is_file()
        assert not Path(raw["slides"][i - 1]["file"]).is_absolute()  # the folder can move
    # the sections tile the video, and each slide's notes are its section's presenter notes
    # (MaxPooling has them for every section; a scene without falls back to its captions)
    from nnanim.scenes.notes import as_text, inside, read_notes

    lengths = [duration(s.file) for s in config.slides]
    assert sum(lengths) == pytest.approx(duration(video), abs=0.11)
    notes, start = read_notes(video), 0.0
    for slide, length in zip(config.slides, lengths):
        here = [as_text(n) for n in inside(notes, start, start + length)]
        assert here and slide.notes == "\n".join(dict.fromkeys(here))
        start += length


def test_a_scene_twice_and_an_earlier_presentation_replaced(tmp_path):
    """A course that shows a scene twice names the second MaxPooling_2; building into an
    earlier presentation replaces it whole, and nothing is left beside it."""
    from nnanim.scenes.render.manim_slides import build_presentation

    out, extra = tmp_path / "deck", {k: v for k, v in TINY.items() if k != "quality"}
    build_presentation([SCENE], out, quality="l", jobs=1, echo=lambda m: None, **extra)
    (out / "slides" / "stale.json").write_text("{}")
    build_presentation([SCENE, SCENE], out, quality="l", jobs=1, to=("html",),
                       echo=lambda m: None, **extra)
    assert (out / "scenes.txt").read_text() == f"{SCENE}\n{SCENE}_2\n"
    assert sorted(p.name for p in (out / "slides").glob("*.json")) == [
        f"{SCENE}.json", f"{SCENE}_2.json"]
    assert [len(presentation(out, n).slides) for n in (SCENE, f"{SCENE}_2")] == [3, 3]
    page = (out / "presentation.html").read_text(encoding="utf-8")
    assert len(re.findall(r"data-background-video=", page)) == 2 * len(SECTIONS)
    assert [p.name for p in tmp_path.iterdir()] == ["deck"]


def differ(a: np.ndarray, b: np.ndarray) -> float:
    """How far two runs of frames differ: the largest over the frames of the 99.9th
    percentile of |a - b| in grey levels. H.264's noise stays under 20 here; MaxPooling's
    frames one frame off differ by 80 or more."""
    return max(float(np.percentile(np.abs(x - y), 99.9)) for x, y in zip(a, b))


def test_each_slide_is_its_section_forward_and_backward(deck, video):
    """A slide's frames are the video's frames of its section, one every 1/fps (a still the
    video holds as one frame is repeated), and its reversed video is them last first."""
    import av

    from nnanim.scenes.render.ffmpeg import duration

    with av.open(str(video)) as f:  # the frame number (10 fps) each picture starts at
        base = f.streams.video[0].time_base
        starts = [round(float(fr.pts * base) * 10) for fr in f.decode(video=0)]
    pictures = frames(video)

    def on_screen(n: int) -> np.ndarray:
        return pictures[max(i for i, s in enumerate(starts) if s <= n)]

    first = 0
    for slide in presentation(deck).slides:
        forward, backward = frames(slide.file), frames(slide.rev_file)
        shown = np.stack([on_screen(first + j) for j in range(len(forward))])
        assert differ(forward, shown) < 30
        assert backward.shape == forward.shape and differ(backward, forward[::-1]) < 30
        first += len(forward)
    assert first == round(duration(video) * 10)  # together, the whole video


def test_a_long_video_is_reversed_in_pieces(deck, tmp_path, monkeypatch):
    from nnanim.scenes.render import manim_slides

    forward = presentation(deck).slides[0].file
    monkeypatch.setattr(manim_slides, "REVERSE_BYTES", 7 * 320 * 180 * 1.5)  # 7 frames
    out = manim_slides.reverse_video(forward, 10, 320 * 180, tmp_path / "r.mp4")
    there, back = frames(forward), frames(out)
    assert len(there) > 7 * 3 and back.shape == there.shape
    assert differ(back, there[::-1]) < 30
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.mp4"]  # no pieces left


def test_the_powerpoint_holds_one_slide_per_section_with_its_video(deck):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    config = presentation(deck)
    deck_pptx = Presentation(str(deck / "presentation.pptx"))
    assert len(deck_pptx.slides) == len(SECTIONS)
    assert (deck_pptx.slide_width, deck_pptx.slide_height) == (320 * 9525, 180 * 9525)
    for slide, expected in zip(deck_pptx.slides, config.slides):
        assert [s.shape_type for s in slide.shapes] == [MSO_SHAPE_TYPE.MEDIA]
        media = [r.target_part for r in slide.part.rels.values() if r.reltype.endswith("/media")]
        assert len(media) == 1 and media[0].partname.endswith(".mp4")
        assert media[0].blob == expected.file.read_bytes()  # the section's video itself
        assert slide.notes_slide.notes_text_frame.text == expected.notes


def test_the_pdf_has_a_page_per_section(deck):
    pdf = (deck / "presentation.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == len(SECTIONS)


def test_the_html_loads_nothing_from_the_network(deck):
    page = (deck / "presentation.html").read_text(encoding="utf-8")
    page = re.sub(r"<!--.*?-->", "", page, flags=re.DOTALL)  # the template's commented-out
    sources = re.findall(r"<(?:script|link)\b[^>]*\b(?:src|href)=\"([^\"]+)\"", page)
    assert len(sources) >= 5  # reveal.js, its css and theme, notes, markdown
    for src in sources:
        assert not re.match(r"(https?:)?//", src), src
        assert (deck / src).is_file(), src
    videos = re.findall(r"data-background-video=\"([^\"]+)\"", page)
    assert len(videos) == len(SECTIONS) and all((deck / v).is_file() for v in videos)


def test_a_page_that_needs_the_network_or_a_missing_file_is_refused(tmp_path):
    from nnanim.engine.errors import NnanimError
    from nnanim.scenes.render.slides_convert import check_offline

    (tmp_path / "here.js").write_text("")
    page = tmp_path / "p.html"
    for html, message in [
            ('<script src="https://cdn.example/reveal.js"></script>', "from the network"),
            ("<link rel='stylesheet' href='//cdn.example/r.css'>", "from the network"),
            ('<script src="gone.js"></script>', "gone.js, which is missing")]:
        page.write_text(f'<!-- <script src="https://old"></script> -->'
                        f'<script src="here.js"></script>{html}')
        with pytest.raises(NnanimError, match=message):
            check_offline(page)
    page.write_text('<!-- <script src="https://old"></script> --><script src="here.js"></script>')
    check_offline(page)  # a commented-out link loads nothing


def test_the_html_deck_runs_offline_in_chromium(deck, browser):  # noqa: F811
    """With the network off, reveal.js starts from the copy beside the page, holds one slide
    per section, and → goes to the next one."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    try:
        browser.get((deck / "presentation.html").resolve().as_uri())
        WebDriverWait(browser, 15, poll_frequency=0.05).until(lambda d: d.execute_script(
            "return typeof Reveal !== 'undefined' && Reveal.isReady()"))
        assert browser.execute_script("return Reveal.getTotalSlides()") == len(SECTIONS)
        assert browser.execute_script("return Reveal.getIndices().h") == 0
        ActionChains(browser).send_keys(Keys.ARROW_RIGHT).perform()
        WebDriverWait(browser, 5, poll_frequency=0.05).until(
            lambda d: d.execute_script("return Reveal.getIndices().h") == 1)
    finally:
        browser.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def test_each_slide_has_its_sections_captions_from_its_start(deck, video):
    """The .vtt beside a slide's video holds the part's captions inside that section, timed
    from the section's start; together they are the part's captions."""
    from nnanim.scenes.captions import read_srt, shifted, subtitle_paths

    part = read_srt(subtitle_paths(video)[1].read_text(encoding="utf-8"))
    together, start = [], 0.0  # a slide starts where the ones before it end
    for slide in presentation(deck).slides:
        cues = read_srt(slide.file.with_suffix(".vtt").read_text(encoding="utf-8"))
        length = len(frames(slide.file)) / TINY["fps"]
        assert cues and all(0 <= c.start < c.end <= length + 0.05 for c in cues), slide.file
        together += shifted(cues, start)
        start += length
    assert [c.text for c in together] == [c.text for c in part]
    frame = 1 / TINY["fps"]  # the cuts fall on frames
    assert all(abs(a.start - b.start) <= frame and abs(a.end - b.end) <= frame
               for a, b in zip(together, part))


#: the captions track of the background video of the slide on screen: mode, cue texts
DECK_TRACK = """const v = Reveal.getSlideBackground(Reveal.getCurrentSlide()).querySelector("video");
const t = v && v.textTracks[0];
return t && {mode: t.mode, kind: t.kind, cues: Array.from(t.cues, c => c.text)};"""


def test_the_html_deck_shows_each_slides_captions_and_c_switches_them(deck, browser):  # noqa: F811
    """Every slide's background video has its section's captions as a captions track, shown
    at first; C hides them on every slide and shows them again."""
    from nnanim.scenes.captions import read_srt
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    def track(ok, what):
        return WebDriverWait(browser, 10, poll_frequency=0.05).until(
            lambda d: (t := d.execute_script(DECK_TRACK)) and ok(t) and t, message=what)

    expected = [[c.text for c in read_srt(s.file.with_suffix(".vtt").read_text())]
                for s in presentation(deck).slides]
    browser.get((deck / "presentation.html").resolve().as_uri())
    track(lambda t: t["mode"] == "showing" and t["kind"] == "captions"
          and t["cues"] == expected[0], "the first slide's captions, shown")
    ActionChains(browser).send_keys("c").perform()
    track(lambda t: t["mode"] == "hidden", "c to hide them")
    for i in range(1, len(expected)):
        ActionChains(browser).send_keys(Keys.ARROW_RIGHT).perform()
        track(lambda t: t["mode"] == "hidden" and t["cues"] == expected[i],
              f"slide {i + 1}'s captions, still hidden")
    ActionChains(browser).send_keys("c").perform()
    track(lambda t: t["mode"] == "showing", "c to show them again")


def nnanim(*args, cwd=ROOT, pre: str = ""):
    """Run the CLI (``pre``: Python run first, e.g. to hide a module); (code, stderr)."""
    code = (f"{pre}\nimport sys\nfrom nnanim.cli import main\n"
            f"sys.argv = ['nnanim', *{args!r}]\nmain()")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd,
                       timeout=300)
    return p.returncode, p.stderr


#: run before the CLI: manim-slides as if it were not installed
NO_MANIM_SLIDES = "import sys; sys.modules['manim_slides'] = None"


@pytest.mark.parametrize("args, message, pre", [
    (["slides", "Nope", "-o", "{tmp}/deck"], "unknown scene 'Nope'", ""),
    (["slides", SCENE, "-o", "{file}"], "is a file, not a folder", ""),
    (["slides", SCENE, "-o", "{folder}"], "a folder that is not a presentation", ""),
    (["slides", SCENE, "--course", "{file}", "-o", "{tmp}/deck"], "not both", ""),
    (["slides", SCENE, "--to", "odp", "-o", "{tmp}/deck"], "'odp' is not one of", ""),
    (["slides", SCENE, "--to", "pptx", "-o", "{tmp}/deck"], "pip install 'nnanim[slides]'",
     NO_MANIM_SLIDES),
])
def test_bad_input_is_one_line_exit_2_and_touches_nothing(tmp_path, args, message, pre):
    file, folder = tmp_path / "file.txt", tmp_path / "folder"
    file.write_text("keep me")
    folder.mkdir()
    (folder / "inside").write_text("keep me too")
    args = [a.format(tmp=tmp_path, file=file, folder=folder) for a in args]
    rc, err = nnanim(*args, pre=pre)
    lines = err.strip().splitlines()
    assert rc == 2 and len(lines) == 1 and lines[0].startswith("nnanim: error: "), err
    assert message in lines[0]
    assert file.read_text() == "keep me" and (folder / "inside").read_text() == "keep me too"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt", "folder"]


# -- TraceScene as a manim-slides Slide (item 2) ------------------------------------------------
def test_scene_and_title_card_backgrounds_are_manim_colours():
    """manim-slides reads the camera's background with .to_hex(): a ManimColor, not a str."""
    from manim import ManimColor

    from nnanim.scenes.max_pooling import MaxPooling
    from nnanim.scenes.title_card import TitleCard

    scene = MaxPooling(SceneOptions(theme="light"))
    scene.setup()
    card = TitleCard(SceneOptions(title="t"))
    card.play = card.wait = lambda *a, **k: None  # the colour is set before anything plays
    card.construct()
    for obj, theme in ((scene, "light"), (card, "dark")):
        colour = obj.camera.background_color
        assert isinstance(colour, ManimColor)
        assert colour.to_hex().lower() == THEMES[theme].background.lower()


@pytest.mark.parametrize("slide_first", [True, False])
def test_manim_slides_slide_combines_in_either_order(slide_first):
    """Both orders make a class whose next_section and next_slide end nnanim's section;
    constructing one with manim-slides 5.7.0 on manim 0.22 says in one line what to do."""
    from manim_slides import Slide

    from nnanim.scenes.base import TraceScene
    from nnanim.scenes.max_pooling import MaxPooling
    from nnanim.scenes.slide_compat import SlidesUnsupported

    deck = type("Deck", (Slide, MaxPooling) if slide_first else (MaxPooling, Slide), {})
    assert issubclass(deck, TraceScene) and issubclass(deck, Slide)
    assert deck.next_section.__qualname__ == "keep_sections.<locals>.next_section"
    assert deck.next_slide.__qualname__ == "keep_sections.<locals>.next_slide"
    with pytest.raises(SlidesUnsupported) as e:
        deck(SceneOptions())
    message = str(e.value)
    assert "\n" not in message and "manim-slides 5.7.0 cannot render with manim 0.22" in message
    assert "nnanim slides" in message and "pip install 'nnanim[slides]'" in message


def _shaped_like_slide():
    """manim-slides' Slide as far as sections go (manim_slides/slide/manim.py): a Scene
    whose next_section is an alias of next_slide, which calls Scene.next_section by name and
    notes a slide. The real one cannot render on manim 0.22."""
    from manim import Scene

    class ShapedLikeSlide(Scene):
        def next_section(self, *args, **kwargs):
            self.next_slide(*args, **kwargs)

        def next_slide(self, *args, **kwargs):
            Scene.next_section(self, *args, **kwargs)
            self.slides = getattr(self, "slides", 0) + 1

    return ShapedLikeSlide


def _two_sections(method: str):
    def construct(self):
        from manim import Circle, Create, FadeOut

        circle = Circle()
        self.play(Create(circle), run_time=0.3)
        getattr(self, method)("second")  # the scene's next_section, or a deck's next_slide
        self.play(FadeOut(circle), run_time=0.3)

    return construct


@pytest.mark.parametrize("method", ["next_section", "next_slide"])
@pytest.mark.parametrize("slide_first", [True, False])
def test_sections_and_stills_are_kept_in_either_order(slide_first, method, tmp_path):
    from nnanim.scenes.base import TraceScene
    from nnanim.scenes.render.scene import RenderJob, _render

    slide = _shaped_like_slide()
    bases = (slide, TraceScene) if slide_first else (TraceScene, slide)
    deck = type("Deck", bases, {"construct": _two_sections(method)})
    options = SceneOptions(stills=tmp_path / "stills", sections=tmp_path / "sections.jsonl")
    job = RenderJob("Deck", options, "l", "mp4", dict(size=(320, 180), fps=10))
    _, scene = _render(deck, job, {}, tmp_path / "deck.mp4", reuse=False)
    assert scene.slides == 1
    lines = [json.loads(line) for line in options.sections.read_text().splitlines()]
    assert [(s["section"], s["start"], s["end"]) for s in lines] == [
        ("start", 0.0, pytest.approx(0.3)), ("second", pytest.approx(0.3), pytest.approx(0.6))]
    assert sorted(p.name for p in options.stills.iterdir()) == [
        "Deck_01_start.png", "Deck_02_second.png"]
