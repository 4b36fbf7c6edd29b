"""Kept renders (scenes/render/reuse.py), the streaming writer and the path-caching camera:
an unchanged second render copies the first; a changed trace, option or scene code renders
again; the faster drawing and writing change no pixel, but where a pasted layer's
antialiased edges overlap (a few levels of 255); the SVG cache and its pruning."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

SCENE = "MaxPooling"
# a few animations at a small size: enough to render twice quickly
FAST = dict(quality="l", size=(320, 180), fps=10, upto_animation=4)


@pytest.fixture
def manim_calls(monkeypatch):
    """Counts the renders that really ran manim."""
    import nnanim.scenes.render.scene as scene_mod

    calls = []
    real = scene_mod._render_with_manim

    def counting(*args, **kw):
        calls.append(args[1].scene)
        return real(*args, **kw)

    monkeypatch.setattr(scene_mod, "_render_with_manim", counting)
    return calls


def render(tmp_path, name="a.mp4", reuse=True, fast=FAST, **options):
    from nnanim.scenes.options import SceneOptions
    from nnanim.scenes.render import render_scene

    options.setdefault("cache", tmp_path / "cache")  # each test its own kept renders
    return render_scene(SCENE, SceneOptions(**options), output=tmp_path / name, reuse=reuse,
                        **fast)


def trace_of(config: str) -> Path:
    from nnanim.engine.assets import bundled_config
    from nnanim.scenes.runs import cached_trace

    return cached_trace(bundled_config(config))


def test_unchanged_second_render_copies_the_first(tmp_path, manim_calls):
    first, scene = render(tmp_path, "a.mp4")
    second, again = render(tmp_path, "b.mp4")
    assert manim_calls == [SCENE]
    assert scene is not None and again is None  # the second one ran no scene
    assert first.read_bytes() == second.read_bytes()


def test_a_changed_trace_option_or_code_renders_again(tmp_path, manim_calls, monkeypatch):
    import nnanim.scenes.render.reuse as reuse

    render(tmp_path, "a.mp4")
    render(tmp_path, "b.mp4", traces={"main": trace_of("maxpool_deck_shifted")})
    render(tmp_path, "c.mp4", theme="light")
    render(tmp_path, "d.mp4", speed=2)
    monkeypatch.setattr(reuse, "code_digest", lambda: "edited scene code")
    render(tmp_path, "e.mp4")
    assert manim_calls == [SCENE] * 5


def test_a_copied_trace_is_the_same_trace(tmp_path, manim_calls):
    """The key holds the traces' contents, not their paths."""
    original = trace_of("maxpool_deck")
    copy = shutil.copytree(original, tmp_path / "copy.trace")
    render(tmp_path, "a.mp4", traces={"main": original})
    render(tmp_path, "b.mp4", traces={"main": copy})
    assert manim_calls == [SCENE]


def test_fresh_renders_even_when_kept(tmp_path, manim_calls):
    render(tmp_path, "a.mp4")
    render(tmp_path, "b.mp4", reuse=False)
    assert manim_calls == [SCENE, SCENE]


def test_a_kept_render_delivers_its_stills_and_section_times(tmp_path, manim_calls):
    first = dict(stills=tmp_path / "s1", sections=tmp_path / "s1.jsonl")
    second = dict(stills=tmp_path / "s2", sections=tmp_path / "s2.jsonl")
    render(tmp_path, "a.mp4", **first)
    render(tmp_path, "b.mp4", **second)
    assert manim_calls == [SCENE]
    names = sorted(p.name for p in (tmp_path / "s1").iterdir())
    assert names and names == sorted(p.name for p in (tmp_path / "s2").iterdir())
    for n in names:
        assert (tmp_path / "s1" / n).read_bytes() == (tmp_path / "s2" / n).read_bytes()
    sections = [json.loads(line) for line in (tmp_path / "s2.jsonl").read_text().splitlines()]
    assert sections and sections == [json.loads(line) for line in
                                     (tmp_path / "s1.jsonl").read_text().splitlines()]


def test_a_failed_render_keeps_nothing(tmp_path, monkeypatch):
    import nnanim.scenes.render.scene as scene_mod
    def broken(*args, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(scene_mod, "_render_with_manim", broken)
    with pytest.raises(KeyboardInterrupt):
        render(tmp_path, "a.mp4")
    store = tmp_path / "cache" / "renders"
    assert not store.exists() or not list(store.iterdir())
    assert not (tmp_path / "a.mp4").exists()


def test_the_store_keeps_at_most_max_entries(tmp_path, monkeypatch):
    import nnanim.scenes.render.reuse as reuse

    monkeypatch.setattr(reuse, "MAX_ENTRIES", 3)
    store = reuse.RenderStore(tmp_path)
    video = tmp_path / "v.mp4"
    video.write_bytes(b"frames")
    for i in range(5):
        store.keep(f"key{i}", video, None, None)
    assert sorted(p.name for p in store.root.iterdir()) == ["key2", "key3", "key4"]
    assert store.find("key0") is None and store.find("key4") is not None


def test_lecture_hands_out_the_longest_parts_first(tmp_path):
    from nnanim.scenes.options import SceneOptions
    from nnanim.scenes.render.lecture import _plan, longest_first

    names = ["MaxPooling", "GradientDescent1D", "Convolution"]
    order = longest_first(_plan(names, SceneOptions(), "l", tmp_path, reuse=True))
    scenes = [p.scene for p in order if p.scene]
    assert scenes == ["GradientDescent1D", "MaxPooling", "Convolution"]  # 96 s, 43 s, 43 s
    assert all(p.scene is None for p in order[3:])  # the short title cards last


def frame_hashes(video: Path) -> list[str]:
    """A hash of every frame shown at the render's frame rate (held pictures repeated)."""
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(video), "-fps_mode", "cfr",
                          "-r", str(FAST["fps"]), "-f", "framemd5", "-"],
                         capture_output=True, text=True, check=True).stdout
    return [line.rsplit(",", 1)[1].strip() for line in out.splitlines()
            if line and not line.startswith("#")]


@pytest.mark.parametrize("scene", [SCENE, "DecisionBoundary", "Backpropagation"])
def test_the_cached_camera_draws_what_manims_camera_draws(tmp_path, monkeypatch, scene):
    """Every frame of the whole scene drawn with kept paths, image patches and pasted
    layers equals manim's own camera's, but where a layer's antialiased edges overlap: there
    a pixel may differ by a few levels of 255, its rounding done once for the layer and once
    more pasting it (measured at 320×180: up to 3 levels on 0.3–0.9 % of the pixels, one
    pixel of one frame of MaxPooling's title 9 levels)."""
    from manim.camera.camera import Camera
    from manim.renderer.cairo_renderer import CairoRenderer

    import nnanim.scenes.render.cached_camera as cached_camera
    import nnanim.scenes.render.static_layers as static_layers
    from nnanim.scenes.options import SceneOptions
    from nnanim.scenes.render import render_scene

    frames, pasted = [], []
    add_frame = CairoRenderer.add_frame
    monkeypatch.setattr(CairoRenderer, "add_frame", lambda self, frame, num_frames=1: (
        frames.append(np.array(frame[..., :3], copy=True)), add_frame(self, frame, num_frames)))
    monkeypatch.setattr(static_layers, "_draw_layer", lambda *a, draw_layer=static_layers.
                        _draw_layer: pasted.append(1) or draw_layer(*a))

    def render(name):
        frames.clear()
        render_scene(scene, SceneOptions(), output=tmp_path / name, quality="l",
                     size=(320, 180), fps=10)
        return list(frames)

    cached = render("cached.mp4")
    assert pasted, "no layer was pasted: the test would prove nothing about layers"
    for method in ("set_cairo_context_path", "display_image_mobject",
                   "display_multiple_non_background_colored_vmobjects"):
        monkeypatch.setattr(cached_camera.CachedCamera, method, getattr(Camera, method))
    plain = render("plain.mp4")
    assert len(cached) == len(plain) > 100
    worst = differing = beyond = 0
    for a, b in zip(cached, plain):
        d = np.abs(a.astype(np.int16) - b).max(-1)
        worst, differing, beyond = (max(worst, int(d.max())), differing + int((d > 0).sum()),
                                    beyond + int((d > 3).sum()))
    pixels = len(cached) * 320 * 180
    assert worst <= 16 and differing < 0.02 * pixels and beyond < 1e-5 * pixels, \
        (worst, differing, beyond)


def test_one_stream_holds_every_frame_of_every_animation(tmp_path):
    """The streaming writer's video is as long as the scene's time, frame for frame, and
    a held frame (a wait) is repeated, not dropped."""
    from nnanim.scenes.render.ffmpeg import duration

    out, scene = render(tmp_path, reuse=False, fast={**FAST, "upto_animation": None})
    frames = frame_hashes(out)
    assert len(frames) == round(scene.renderer.time * FAST["fps"])
    assert abs(duration(out) - scene.renderer.time) < 1.5 / FAST["fps"]
    # waits hold one picture: some runs of identical frames longer than a few frames
    runs, longest = 1, 1
    for a, b in zip(frames, frames[1:]):
        runs = runs + 1 if a == b else 1
        longest = max(longest, runs)
    assert longest >= 5


def test_svg_ids_are_renamed_in_order_so_cairos_counters_do_not_matter():
    from nnanim.scenes.render.svg_cache import canonical_ids

    svg = (b'<svg><g id="surface6"><symbol id="glyph0-1"><path d="M 0 0 L 1 1"/></symbol>'
           b'<use xlink:href="#glyph0-1" x="2"/><rect style="fill:url(#glyph0-1)"/></g></svg>')
    later = svg.replace(b"surface6", b"surface42").replace(b"glyph0-1", b"glyph3-1")
    assert canonical_ids(svg) == canonical_ids(later)  # the same text drawn later in a process
    assert b'href="#i1"' in canonical_ids(svg) and b"url(#i1)" in canonical_ids(svg)
    assert canonical_ids(svg) != canonical_ids(svg.replace(b"L 1 1", b"L 1 2"))  # other shapes
    assert canonical_ids(svg) != canonical_ids(svg.replace(b'x="2"', b'x="3"'))


def test_the_svg_key_is_the_same_for_the_same_text_drawn_later_in_a_process(tmp_path):
    from nnanim.scenes.render.svg_cache import svg_key

    svg = b'<svg><g id="surface6"><path id="glyph0-1" d="M 0 0 L 1 1"/></g></svg>'

    def shape(name: str, data: bytes):
        (tmp_path / name).write_bytes(data)
        return type("Text", (), {"svg_default": {}, "path_string_config": {},
                                 "get_file_path": lambda self: tmp_path / name})()

    first, later = shape("a.svg", svg), shape("b.svg", svg.replace(b"surface6", b"surface42"))
    other = shape("c.svg", svg.replace(b"L 1 1", b"L 1 2"))
    assert svg_key(first) == svg_key(later) != svg_key(other)


def test_the_svg_cache_parses_each_svg_once_per_machine_and_changes_no_shape(tmp_path,
                                                                             monkeypatch):
    """Text and formulas parsed once: a second one in the block, and one in a later block
    (a later render), load the kept shapes, equal to the ones manim parses itself."""
    from manim import MathTex, Text, tempconfig
    from manim.mobject.svg.svg_mobject import SVGMobject

    from nnanim.scenes.render.svg_cache import svg_cache

    parsed = []
    parse = SVGMobject.generate_mobject
    monkeypatch.setattr(SVGMobject, "generate_mobject",
                        lambda self: parsed.append(type(self).__name__) or parse(self))

    def shapes(mobject):
        return [m.points.tolist() for m in mobject.family_members_with_points()]

    def both():
        return Text("w = 0.25, b = -1.5"), MathTex(r"\frac{\partial L}{\partial w}", "= 0.25")

    with tempconfig({"media_dir": str(tmp_path / "media")}):
        reference = [shapes(m) for m in both()]  # manim's own parse
        assert parsed == ["Text", "MathTex"]
        for block in range(2):
            with svg_cache(tmp_path / "svg"):
                made = [[shapes(m) for m in both()] for _ in range(2)]
            assert made == [reference, reference]
        assert parsed == ["Text", "MathTex"] * 2  # in the first block only, once each


def test_pruning_skips_files_another_render_removed_meanwhile(tmp_path):
    """Parallel renders prune one cache folder: a file listed and then removed by the other
    process is left out, not an error that fails the render."""
    import os

    from nnanim.scenes.render.reuse import oldest_first, remove_oldest

    files = [tmp_path / f"{i}.pickle" for i in range(4)]
    for i, f in enumerate(files):
        f.write_bytes(b"x")
        os.utime(f, (1000 + i, 1000 + i))
    assert oldest_first([files[2], tmp_path / "gone.pickle", files[0]]) == [files[0], files[2]]
    listed = list(tmp_path.glob("*.pickle"))
    files[0].unlink()  # the other process was quicker
    remove_oldest(listed, 2)  # as the SVG cache and the text folder prune theirs
    assert sorted(p.name for p in tmp_path.glob("*.pickle")) == ["2.pickle", "3.pickle"]


def test_a_render_with_its_texts_loaded_draws_what_building_them_drew(tmp_path, monkeypatch):
    """The finished-text cache (``text_cache.py``): the first render builds and keeps every
    text, a second one in the same cache loads them all and draws the same frames."""
    import nnanim.scenes.render.text_cache as text_cache

    built = []
    key = text_cache.text_key
    monkeypatch.setattr(text_cache, "text_key",
                        lambda *a: built.append(key(*a)) or built[-1])
    first, _ = render(tmp_path, "built.mp4", reuse=False)
    kept = sorted(p.stem for p in (tmp_path / "cache" / "texts").glob("*.pickle"))
    assert len(kept) > 10 and set(built) == set(kept)
    monkeypatch.setattr(text_cache.Text, "_text2svg",
                        lambda *a, **k: pytest.fail("a kept text was laid out again"))
    second, _ = render(tmp_path, "loaded.mp4", reuse=False)
    assert frame_hashes(first) == frame_hashes(second)
