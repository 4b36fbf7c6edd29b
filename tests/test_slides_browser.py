"""The slide player (``nnanim lecture --slides``) in a real browser: headless Chromium,
driven by selenium with real key presses and clicks, as a presenter would.

Needs Debian's chromium and chromium-driver (``make test`` or ``make testdeps`` installs them). Without them
these tests fail rather than skip: a player nobody has opened is not tested.

The test video has one flat colour per section (red, green, blue), so the centre pixel of a
screenshot says which section's frame is really on screen at a stop.
"""
import io
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from nnanim import cli
from nnanim.scenes.render.slides import write_slides

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FPS = 30
FRAME = 1 / FPS
# section end times; the last one is the end of the video, as in a real lecture
STOPS = [{"t": 1.0, "label": "red"}, {"t": 2.5, "label": "green"}, {"t": 4.0, "label": "blue"}]
COLOURS = {"red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255)}
STATE = """const v = document.getElementById("v");
return {t: v.currentTime, paused: v.paused, seeking: v.seeking, ready: v.readyState,
        error: v.error && v.error.code, duration: v.duration,
        hud: document.getElementById("hud").textContent};"""
# no requestVideoFrameCallback (older Firefox): the player falls back to requestAnimationFrame
NO_RVFC = "delete HTMLVideoElement.prototype.requestVideoFrameCallback;"
# the captions track: its mode, how many cues it loaded, the text of those on screen now
TRACK = """const t = document.getElementById("v").textTracks[0];
return t && {mode: t.mode, cues: t.cues ? t.cues.length : 0,
             active: t.activeCues ? Array.from(t.activeCues).map(
                 c => c.getCueAsHTML().textContent) : []};"""
CUES = [(0.0, 1.0, "red part"), (1.0, 2.5, "green & <part>"), (2.5, 4.0, "blue part")]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not found: the slide-player tests drive Debian's "
                    "chromium; run `make testdeps` (or `make test`), which apt-installs "
                    "chromium and chromium-driver", pytrace=False)
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is not installed: run `make install` (pip install -c "
                    "constraints.txt -e '.[test]')", pytrace=False)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)  # with the driver's path: selenium-manager idle
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,800",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    # no --autoplay-policy flag: a key press must be enough to start playback, as for a presenter
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)),
                              options=options)
    yield driver
    driver.quit()


class Presenter:
    """Opens a slide folder and presses keys; reads the player's state and the screen."""

    def __init__(self, driver, page: Path | str, init_script: str | None = None):
        """``page``: the index.html (opened as file://) or a URL."""
        self.driver = driver
        script = init_script and driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": init_script})["identifier"]
        driver.get(page if isinstance(page, str)  # file://, as a presenter opens index.html
                   else page.resolve().as_uri())
        if script:  # only for this page: the browser is shared by the module's tests
            driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument",
                                   {"identifier": script})
        self.wait(lambda s: s["ready"] >= 2 or s["error"], "the video to load")
        state = self.state()
        assert state["error"] is None, f"Chromium cannot play the video: {state}"

    def state(self) -> dict:
        return self.driver.execute_script(STATE)

    def wait(self, ok, what: str, timeout: float = 15) -> dict:
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait

        try:
            WebDriverWait(self.driver, timeout, poll_frequency=0.02).until(
                lambda _: ok(self.state()))
        except TimeoutException:
            raise AssertionError(f"timed out waiting for {what}; player: {self.state()}") from None
        return self.state()

    def press(self, key) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(key).perform()

    def click(self) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).move_to_element(
            self.driver.find_element("id", "v")).click().perform()

    def stopped(self, hud: str) -> dict:
        """Wait until the player rests (paused, no seek pending) with a HUD starting ``hud``."""
        return self.wait(lambda s: s["paused"] and not s["seeking"] and s["hud"].startswith(hud),
                         f"a stop with HUD {hud!r}")

    def track(self, ok, what: str) -> dict:
        """Wait until the captions track's state (``TRACK``) satisfies ``ok``; returns it."""
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait

        state = lambda: self.driver.execute_script(TRACK)  # noqa: E731
        try:
            WebDriverWait(self.driver, 15, poll_frequency=0.02).until(lambda _: ok(state()))
        except TimeoutException:
            raise AssertionError(f"timed out waiting for {what}; track: {state()}") from None
        return state()

    def pixel(self) -> tuple:
        shot = Image.open(io.BytesIO(self.driver.get_screenshot_as_png())).convert("RGB")
        return shot.getpixel((shot.width // 2, shot.height // 2))


def colour(rgb: tuple) -> str:
    return min(COLOURS, key=lambda c: sum((a - b) ** 2 for a, b in zip(rgb, COLOURS[c])))


@pytest.fixture(scope="module")
def slides(tmp_path_factory) -> Path:
    """A 4 s, 30 fps H.264/yuv420p mp4 (as manim and the lecture join write it): red until
    1.0 s, green until 2.5 s, blue until 4.0 s, with a moving test pattern in a corner."""
    tmp = tmp_path_factory.mktemp("slides")
    parts = "".join(f"color=c={c}:s=320x180:r={FPS}:d={d}[{c}];"
                    for c, d in (("red", 1), ("lime", 1.5), ("blue", 1.5)))
    graph = (parts + "[red][lime][blue]concat=n=3[bg];"
             f"testsrc=s=96x54:r={FPS}:d=4[pattern];[bg][pattern]overlay=0:0")
    r = subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", graph,
                        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
                        str(tmp / "talk.mp4")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    write_slides(tmp / "talk.mp4", STOPS, tmp / "slides", title="test talk")
    return tmp / "slides"


def at_stop(state: dict, t: float) -> bool:
    return abs(state["t"] - t) <= FRAME + 1e-6


@pytest.mark.parametrize("frames", ["requestVideoFrameCallback", "requestAnimationFrame"])
def test_presenter_walks_through_the_stops(browser, slides, frames):
    from selenium.webdriver.common.keys import Keys

    p = Presenter(browser, slides / "index.html",
                  NO_RVFC if frames == "requestAnimationFrame" else None)
    has_rvfc = p.driver.execute_script(
        "return 'requestVideoFrameCallback' in HTMLVideoElement.prototype")
    assert has_rvfc == (frames == "requestVideoFrameCallback")
    s = p.state()
    assert s["paused"] and s["t"] == 0 and s["hud"] == "0/3  → to start"
    assert s["duration"] == pytest.approx(4.0, abs=FRAME)
    assert colour(p.pixel()) == "red"

    p.press(Keys.ARROW_RIGHT)  # plays the red section and stops on its last frame
    s = p.stopped("1/3")
    assert at_stop(s, 1.0), s
    assert s["hud"] == "1/3  red"
    assert colour(p.pixel()) == "red"  # not the first green frame of the next section

    p.press(Keys.ARROW_RIGHT)
    s = p.stopped("2/3")
    assert at_stop(s, 2.5) and s["hud"] == "2/3  green", s
    assert colour(p.pixel()) == "green"

    p.press(Keys.ARROW_LEFT)  # back one stop: the end of red, → replays green
    s = p.stopped("1/3")
    assert at_stop(s, 1.0), s
    assert colour(p.pixel()) == "red"

    p.click()  # a click goes on like →
    s = p.stopped("2/3")
    assert at_stop(s, 2.5), s

    p.press(Keys.SPACE)
    p.wait(lambda s: not s["paused"] and s["t"] > 2.7, "blue to play")
    assert p.state()["hud"] == "3/3  blue  ▶"
    p.press(Keys.ARROW_LEFT)  # ← while playing: back to where this section began
    s = p.stopped("2/3")
    assert at_stop(s, 2.5) and colour(p.pixel()) == "green", s

    p.press(Keys.SPACE)  # the last stop is the end of the video
    s = p.stopped("3/3")
    assert s["hud"] == "3/3  blue  · end"
    assert at_stop(s, 4.0), s
    assert colour(p.pixel()) == "blue"
    p.press(Keys.ARROW_RIGHT)  # nothing after the end
    s = p.state()
    assert s["paused"] and s["hud"] == "3/3  blue  · end"

    p.press(Keys.ARROW_LEFT)
    p.press(Keys.ARROW_LEFT)
    p.press(Keys.ARROW_LEFT)  # back past the first stop: the start
    s = p.stopped("0/3")
    assert s["t"] == 0 and colour(p.pixel()) == "red"


def test_last_stop_past_the_end_is_reached_when_the_video_ends(browser, slides, tmp_path):
    """Section times can overshoot the joined video by a little: ``ended`` closes the talk."""
    from selenium.webdriver.common.keys import Keys

    stops = [{"t": 2.5, "label": "red-green"}, {"t": 4.2, "label": "blue"}]
    write_slides(slides / "talk.mp4", stops, tmp_path / "over")
    p = Presenter(browser, tmp_path / "over" / "index.html")
    p.press(Keys.ARROW_RIGHT)
    assert at_stop(p.stopped("1/2"), 2.5)
    p.press(Keys.ARROW_RIGHT)
    s = p.stopped("2/2")
    assert s["hud"] == "2/2  blue  · end" and s["t"] == pytest.approx(4.0, abs=FRAME)


def test_rendered_lecture_in_the_browser(browser, tmp_path, monkeypatch):
    """End to end: `nnanim lecture --slides` at low quality, clicked through in Chromium."""
    from selenium.webdriver.common.keys import Keys

    monkeypatch.setenv("NNANIM_CACHE", str(tmp_path / "cache"))
    r = CliRunner().invoke(cli.main, ["lecture", "MaxPooling", "-q", "l", "--speed", "6", "-j",
                                      "1", "-o", str(tmp_path / "lec.mp4"), "--slides",
                                      str(tmp_path / "slides")])
    assert r.exit_code == 0, r.output
    p = Presenter(browser, tmp_path / "slides" / "index.html")
    stops = p.driver.execute_script("return stops")
    frame = p.driver.execute_script("return frame")
    n = len(stops)
    assert n >= 2 and frame == pytest.approx(1 / 15, abs=1e-4)  # -q l: 15 fps
    p.track(lambda t: t["cues"] >= n and t["mode"] == "showing", "the lecture's captions")
    shots = [p.driver.get_screenshot_as_png()]
    for i in (1, 2):
        p.press(Keys.ARROW_RIGHT)
        s = p.stopped(f"{i}/{n}")
        assert s["error"] is None and abs(s["t"] - stops[i - 1]["t"]) <= frame, s
        assert stops[i - 1]["label"] in s["hud"]
        p.track(lambda t: any(c.startswith("Max pooling") for c in t["active"]),
                "the part's caption at its stop")
        shots.append(p.driver.get_screenshot_as_png())
        lo, hi = Image.open(io.BytesIO(shots[-1])).convert("L").getextrema()
        assert hi - lo > 100  # a slide on screen, not a blank frame
    assert ("end" in s["hud"]) == (n == 2)
    assert len(set(shots)) == 3



def test_the_player_shows_captions_and_c_switches_them(browser, slides, tmp_path):
    """The .vtt beside the page is the video's captions track, shown by default (its cues
    on the frame), and the key c hides and shows it again."""
    from selenium.webdriver.common.keys import Keys

    from nnanim.scenes.captions import Caption, write_captions

    vtt = write_captions([Caption(*c) for c in CUES], tmp_path / "talk.mp4")[1]
    write_slides(slides / "talk.mp4", STOPS, tmp_path / "cc", captions=vtt)
    assert (tmp_path / "cc" / "talk.vtt").read_bytes() == vtt.read_bytes()
    page = (tmp_path / "cc" / "index.html").read_text()
    assert ('<track id="cc" kind="captions" srclang="en" label="Captions" src="talk.vtt" '
            'default>') in page
    p = Presenter(browser, tmp_path / "cc" / "index.html")
    p.track(lambda t: t["cues"] == 3 and t["mode"] == "showing", "the cues to load")
    bottom = lambda: bottom_colours(p.driver)  # noqa: E731
    p.press(Keys.ARROW_RIGHT)
    assert at_stop(p.stopped("1/3"), 1.0)
    p.track(lambda t: t["active"] == ["red part"], "the red cue on screen")
    assert bottom() - {"red"}, "no caption drawn over the red frame"
    p.press(Keys.ARROW_RIGHT)
    p.stopped("2/3")
    p.track(lambda t: t["active"] == ["green & <part>"], "the green cue")  # text, not markup
    p.press("c")
    p.track(lambda t: t["mode"] == "hidden", "c to hide the captions")
    p.wait(lambda st: bottom() == {"green"}, "the frame without its caption")
    p.press("c")
    p.track(lambda t: t["mode"] == "showing", "c to show them again")
    p.wait(lambda st: bottom() - {"green"}, "the caption drawn again")


def test_the_player_served_over_http_loads_the_vtt_itself(browser, slides, tmp_path):
    """Served by a web server, the track loads the .vtt beside the page (its src, not the
    page's own copy) and shows its cues."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from nnanim.scenes.captions import Caption, write_captions

    vtt = write_captions([Caption(*c) for c in CUES], tmp_path / "talk.mp4")[1]
    write_slides(slides / "talk.mp4", STOPS, tmp_path / "cc", captions=vtt)
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path / "cc"))
    handler.log_message = lambda *a: None
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            p = Presenter(browser, f"http://127.0.0.1:{server.server_port}/index.html")
            p.track(lambda t: t["cues"] == 3 and t["mode"] == "showing", "the cues to load")
            src, ready = browser.execute_script(
                'const cc = document.getElementById("cc"); return [cc.src, cc.readyState];')
            assert src == f"http://127.0.0.1:{server.server_port}/talk.vtt" and ready == 2
        finally:
            server.shutdown()


def bottom_colours(driver) -> set[str]:
    """The colours (red, green, blue or "other") along the bottom fifth of the screen's
    middle column, where a caption is drawn."""
    shot = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    x, out = shot.width // 2, set()
    for y in range(shot.height * 4 // 5, shot.height - 2, 4):
        rgb = shot.getpixel((x, y))
        name = colour(rgb)
        out.add(name if sum((a - b) ** 2 for a, b in zip(rgb, COLOURS[name])) < 60 ** 2
                else "other")
    return out


def test_n_opens_the_notes_window_that_follows_the_player(browser, slides, tmp_path):
    """Key n opens index.html#notes in a second window: it shows the notes of the section on
    screen, and moves on to the next section's when a key press plays it."""
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    from nnanim.scenes.notes import Note

    notes = [Note(s["label"], a, s["t"], f"say {s['label']}", f"ask {s['label']}?",
                  f"answer {s['label']} <b>&")
             for a, s in zip((0.0, 1.0, 2.5), STOPS)]
    write_slides(slides / "talk.mp4", STOPS, tmp_path / "notes", notes=notes)
    p = Presenter(browser, tmp_path / "notes" / "index.html")
    main = p.driver.current_window_handle
    p.press("n")
    WebDriverWait(p.driver, 15).until(lambda d: len(d.window_handles) == 2)
    other = next(h for h in p.driver.window_handles if h != main)

    def notes_view() -> str:
        p.driver.switch_to.window(other)
        try:
            return p.driver.execute_script(
                "return document.getElementById('notes').innerText")
        finally:
            p.driver.switch_to.window(main)

    def shows(label: str) -> str:
        WebDriverWait(p.driver, 15, poll_frequency=0.05).until(
            lambda _: f"say {label}" in notes_view())
        return notes_view()

    try:
        text = shows("red")
        assert "Ask: ask red?" in text and "Answer: answer red <b>&" in text  # text, not markup
        assert "Next: green · say green" in text
        assert p.driver.current_url.endswith("index.html")
        p.press(Keys.ARROW_RIGHT)  # plays red: its notes stay until green plays
        p.stopped("1/3")
        assert "say red" in notes_view()
        p.press(Keys.ARROW_RIGHT)
        text = shows("green")
        assert text.startswith("2/3 green") and "say red" not in text
        p.stopped("2/3")
        p.press(Keys.ARROW_LEFT)  # back to the end of red: the notes follow
        shows("red")
    finally:
        p.driver.switch_to.window(other)
        p.driver.close()
        p.driver.switch_to.window(main)
