"""Slide GIFs, stills, whole lectures with chapters and slides, and no partial outputs."""
import json
import re
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from conftest import CONFIGS, ROOT

from nnanim import cli

SCENE = "MaxPooling"  # short and cheap; the pipeline is the same for every scene


def run_cli(*args):
    return CliRunner().invoke(cli.main, [str(a) for a in args])


def gif_color_tables(raw: bytes) -> tuple[set, list[set]]:
    """(colours of the global table, [colours of each local table]) by walking GIF blocks."""
    def table(pos, flags):
        n = 3 * 2 ** ((flags & 7) + 1)
        return {raw[i:i + 3] for i in range(pos, pos + n, 3)}, pos + n

    def skip_sub_blocks(pos):
        while raw[pos]:
            pos += raw[pos] + 1
        return pos + 1

    pos, flags = 13, raw[10]
    global_colors, pos = table(pos, flags) if flags & 0x80 else (set(), pos)
    local = []
    while raw[pos] != 0x3B:
        if raw[pos] == 0x21:  # extension
            pos = skip_sub_blocks(pos + 2)
        elif raw[pos] == 0x2C:  # image descriptor
            flags = raw[pos + 9]
            pos += 10
            if flags & 0x80:
                colors, pos = table(pos, flags)
                local.append(colors)
            pos = skip_sub_blocks(pos + 1)  # LZW minimum code size, then image data
        else:
            raise AssertionError(f"unexpected GIF block 0x{raw[pos]:02x} at {pos}")
    return global_colors, local


def test_gif_loops_with_one_palette_and_stills(tmp_path):
    r = subprocess.run([sys.executable, "-m", "nnanim.cli", "gif", SCENE, "--width", "320", "--fps",
                        "10", "--speed", "4", "-o", tmp_path / "s.gif", "--stills",
                        tmp_path / "stills"], capture_output=True, text=True,
                       cwd=ROOT)
    assert r.returncode == 0, r.stderr
    raw = (tmp_path / "s.gif").read_bytes()
    assert raw[:6] == b"GIF89a"
    width, height = int.from_bytes(raw[6:8], "little"), int.from_bytes(raw[8:10], "little")
    assert (width, height) == (320, 180)
    assert raw[10] & 0x80  # a global colour table
    assert b"NETSCAPE2.0\x03\x01\x00\x00" in raw  # loop forever
    im = Image.open(tmp_path / "s.gif")
    assert im.info["loop"] == 0 and im.info["duration"] == 100  # 10 fps
    assert im.n_frames > 10
    # the last frame holds 2 s before the loop: the frames after the last change add up
    frames, durations = [], []
    for k in range(im.n_frames):
        im.seek(k)
        frames.append(np.asarray(im.convert("RGB")))
        durations.append(im.info["duration"])
    last_change = max(k for k in range(1, len(frames))
                      if not np.array_equal(frames[k], frames[k - 1]))
    assert sum(durations[last_change:]) >= 2000, durations[-25:]
    # one palette for the whole clip: every frame's colours come from the global table
    # (ffmpeg may store a frame's used subset as a local table; no new colours appear)
    global_colors, local_tables = gif_color_tables(raw)
    assert len(global_colors) > 4
    assert all(table <= global_colors for table in local_tables)
    stills = sorted((tmp_path / "stills").glob("*.png"))
    assert len(stills) >= 2 and all(s.name.startswith(SCENE) for s in stills)
    img = np.asarray(Image.open(stills[-1]))
    assert img.shape == (180, 320, 3) and img.std() > 5


def test_lecture_joins_parts_with_chapters_and_slides(tmp_path):
    r = run_cli("lecture", SCENE, "GradientDescent1D", "-q", "l", "--speed", "6", "-j", "2",
                "-o", tmp_path / "lec.mp4", "--slides", tmp_path / "slides")
    assert r.exit_code == 0, r.output
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-show_entries",
                            "format=duration", "-of", "json", str(tmp_path / "lec.mp4")],
                           capture_output=True, text=True)
    info = json.loads(probe.stdout)
    titles = [c["tags"]["title"] for c in info["chapters"]]
    assert titles == ["1. Max pooling", "2. Gradient descent in one dimension"]  # human titles
    total = float(info["format"]["duration"])
    assert float(info["chapters"][-1]["end_time"]) == pytest.approx(total, abs=0.2)
    html = (tmp_path / "slides" / "index.html").read_text()
    stops = json.loads(re.search(r"const stops = (\[.*?\]);", html).group(1))
    times = [s["t"] for s in stops]
    assert times == sorted(times) and 0 < times[0] and times[-1] <= total + 0.1
    assert len(stops) >= 4  # several sections per scene
    assert (tmp_path / "slides" / "lec.mp4").stat().st_size == (tmp_path / "lec.mp4").stat().st_size


def test_interrupted_render_leaves_no_output(tmp_path, monkeypatch):
    import nnanim.scenes.max_pooling as module

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(getattr(module, SCENE), "construct", interrupted)
    out = tmp_path / "x.mp4"
    r = run_cli("render", SCENE, "-q", "l", "-o", out)
    assert r.exit_code == 130
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_gif_marks_events_in_their_colour(tmp_path):
    """nnanim gif --events: the badge stays pink-red, the alert colour (the palette holds
    every theme colour, however few pixels use it; without that it became the gradient's
    orange), and a GIF without --events has no alert-coloured pixel."""
    from nnanim.engine import config
    from nnanim.engine.run import run
    from nnanim.scenes.theme import LIGHT

    text = (CONFIGS / "linear_regression.toml").read_text()
    run(config.loads(text.replace("lr = 0.01", "lr = 0.2")), tmp_path / "div.trace")
    alert = tuple(int(LIGHT.alert[i:i + 2], 16) for i in (1, 3, 5))

    def alert_frames(path) -> int:
        """Frames with alert pixels: red-blue hue (orange has blue < green), red above
        blue (the weight colour's violet has blue above red) and dark enough to be a
        stroke's core, not its antialiased edge."""
        im, count = Image.open(path), 0
        palette = np.reshape(im.getpalette(), (-1, 3)).tolist()  # the global table
        assert list(alert) in palette
        for k in range(im.n_frames):
            im.seek(k)
            r, g, b = np.moveaxis(np.asarray(im.convert("RGB"), dtype=int), 2, 0)
            pink = (r > 150) & (g < 110) & (b - g > 25) & (r > b + 20)
            count += int(pink.sum() >= 20)
        return count

    for flag, name in (("--events", "e.gif"), (None, "plain.gif")):
        args = [sys.executable, "-m", "nnanim.cli", "gif", "LinearRegressionGD", "--trace",
                tmp_path / "div.trace", "--fps", "10", "--speed", "3",
                "-o", tmp_path / name] + ([flag] if flag else [])
        r = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
        assert r.returncode == 0, r.stderr
    marked, plain = alert_frames(tmp_path / "e.gif"), alert_frames(tmp_path / "plain.gif")
    assert plain == 0 and marked >= 5


def test_palette_keeps_theme_colours(tmp_path):
    """add_to_palette puts missing colours into ffmpeg's palette without dropping any the
    palette used."""
    from nnanim.scenes.render.gif import add_to_palette
    from nnanim.scenes.theme import DARK

    used = [(i, i, i) for i in range(0, 200, 2)]  # 100 greys, then ffmpeg's black filler
    entries = np.array(used + [(0, 0, 0)] * 156, dtype=np.uint8).reshape(16, 16, 3)
    Image.fromarray(entries).save(tmp_path / "p.png")
    add_to_palette(tmp_path / "p.png", DARK.colors())
    got = {tuple(c) for c in np.asarray(Image.open(tmp_path / "p.png")).reshape(-1, 3).tolist()}
    wanted = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in DARK.colors()}
    assert set(used) <= got and wanted <= got


def test_title_card_is_read_at_leisure(tmp_path):
    """A lecture's title card stays 1 s + 0.3 s per word of its title and subtitle (at speed
    1), and --speed scales it."""
    from nnanim.scenes.options import SceneOptions
    from nnanim.scenes.render.ffmpeg import duration
    from nnanim.scenes.render.scene import render_title_card
    from nnanim.scenes.layout import reading_time

    title, subtitle = "Max pooling", "the deck's 4×4 map, 2×2 windows, stride 2: maxima forward"
    lengths = {}
    for speed in (1.0, 2.0):
        options = SceneOptions(title=title, subtitle=subtitle, part="Part 1", speed=speed)
        lengths[speed] = duration(render_title_card(options, "l", tmp_path / f"{speed}.mp4"))
    assert lengths[1.0] >= reading_time(f"{title} {subtitle}") == pytest.approx(4.6)
    assert lengths[2.0] == pytest.approx(lengths[1.0] / 2, abs=0.15)
