"""The Python API for notebooks (nnanim.train, nnanim.render) and SceneOptions."""
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import nnanim
from nnanim.engine.errors import NnanimError
from nnanim.scenes.options import SceneOptions


def test_train_returns_the_trace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    trace = nnanim.train("descent_1d")
    assert isinstance(trace, nnanim.Trace) and trace.kind == "objective"
    assert Path(trace.path) == Path("runs/descent_1d.trace")
    assert len(trace.scalars("loss")) == len(trace.all_steps) > 10


def test_train_a_config_dict(tmp_path):
    from nnanim.engine import config
    from nnanim.engine.assets import bundled_config

    cfg = config.load(bundled_config("xor_mlp"))
    cfg["training"]["epochs"] = 5
    trace = nnanim.train(cfg, tmp_path / "x.trace")
    assert trace.summary["epochs"] == 5


def test_render_returns_the_output_path(tmp_path):
    trace = nnanim.train("maxpool_deck", tmp_path / "pool.trace")
    out = nnanim.render("MaxPooling", trace=trace, fmt="png", output=tmp_path / "p.png",
                        theme="light")
    assert out == tmp_path / "p.png"
    img = np.asarray(Image.open(out).convert("RGB"))
    assert img.shape == (480, 854, 3) and (img[5, 5] == 255).all()  # light background


@pytest.mark.parametrize("call, message", [
    (lambda: nnanim.train("no_such_config"), "no config file"),
    (lambda: nnanim.render("Nope"), "unknown scene 'Nope'"),
    (lambda: nnanim.render("MaxPooling", quality="x"), "quality must be one of"),
    (lambda: nnanim.render("MaxPooling", colour="red"), "unknown option 'colour'"),
    (lambda: nnanim.render("MaxPooling", speed=float("nan")), "speed must be a number"),
    (lambda: nnanim.render("MaxPooling", trace="a", config="b"), "not both"),
])
def test_api_errors_are_one_line(call, message):
    with pytest.raises(NnanimError) as e:
        call()
    assert message in str(e.value) and "\n" not in str(e.value)


def test_scene_options_from_the_environment_bridge():
    env = {"NNANIM_THEME": "light", "NNANIM_SPEED": "2", "NNANIM_TRACE": "/t/main",
           "NNANIM_TRACE_RELU": "/t/relu", "NNANIM_EVENTS": "1", "NNANIM_CACHE": "/c"}
    o = SceneOptions.from_env(env)
    assert (o.theme, o.speed, o.events, o.cache) == ("light", 2.0, True, Path("/c"))
    assert o.traces == {"main": Path("/t/main"), "relu": Path("/t/relu")}
    assert SceneOptions.from_env({}) == SceneOptions()


@pytest.mark.parametrize("fields", [{"theme": "sepia"}, {"speed": 0}, {"speed": float("inf")}])
def test_scene_options_refuse_bad_values(fields):
    with pytest.raises(NnanimError):
        SceneOptions(**fields)


def test_scenes_take_their_options_as_an_object():
    """A scene is told everything by its constructor; nothing is read from os.environ."""
    from nnanim.scenes.max_pooling import MaxPooling

    scene = MaxPooling(SceneOptions(theme="light", speed=3))
    assert scene.options.theme == "light" and scene.options.speed == 3


def test_parallel_renders_get_tex_folders_of_their_own(tmp_path):
    """Two renders at once never share a TeX folder (manim writes formulas in place);
    one after the other reuse the same folder (its formulas stay compiled)."""
    from nnanim.scenes.render.scene import tex_folder

    with tex_folder(tmp_path) as a:
        for f in a.iterdir():  # as manim's clean-up after each formula does
            f.unlink()
        with tex_folder(tmp_path) as b:  # held at the same time: another folder
            assert a != b
    with tex_folder(tmp_path) as c:
        assert c == a


def test_texts_are_laid_out_once_per_frame_size(tmp_path, monkeypatch):
    """Pango's SVG of a text is kept beside the TeX slot, under its lock: a later render
    (another media folder) reads it instead of calling Pango; another frame size gets
    its own (the SVG holds the frame's size); past MAX_TEXT_FILES the oldest go."""
    import manimpango
    from manim import Text, tempconfig

    from nnanim.scenes.render import scene as render
    from nnanim.scenes.render.scene import tex_folder, text_folder

    calls = []
    pango = manimpango.text2svg
    monkeypatch.setattr(manimpango, "text2svg", lambda *a: calls.append(a) or pango(*a))

    def lay_out(text: str, size: tuple[int, int]) -> Path:
        with tex_folder(tmp_path) as tex, \
                tempconfig({"media_dir": str(tmp_path / f"media{len(calls)}"),
                            "pixel_width": size[0], "pixel_height": size[1]}), \
                text_folder(tex) as folder:
            Text(text)
        return folder

    first = lay_out("loss = 0.25", (854, 480))
    assert len(calls) == 1 and len(list(first.glob("*.svg"))) == 1
    assert lay_out("loss = 0.25", (854, 480)) == first and len(calls) == 1  # kept
    other = lay_out("loss = 0.25", (1280, 720))
    assert other != first and len(calls) == 2
    monkeypatch.setattr(render, "MAX_TEXT_FILES", 2)
    for word in ("a", "b", "c"):
        lay_out(word, (854, 480))
    assert len(list(first.glob("*.svg"))) == 2


def test_run_cache_is_keyed_by_the_engine_source(tmp_path, monkeypatch):
    """A development checkout keeps its version: changed engine code must retrain."""
    from nnanim.engine.assets import bundled_config
    from nnanim.scenes import runs

    first = runs.cached_trace(bundled_config("descent_1d"), tmp_path)
    assert runs.cached_trace(bundled_config("descent_1d"), tmp_path) == first  # reused
    monkeypatch.setattr(runs, "engine_digest", lambda: b"other engine source")
    other = runs.cached_trace(bundled_config("descent_1d"), tmp_path)
    assert other != first and (other / "manifest.json").is_file()


def test_config_and_summary_values_a_scene_may_show(tmp_path):
    from nnanim.engine.assets import bundled_config
    from nnanim.engine.errors import TraceError
    from nnanim.engine.trace import Trace
    from nnanim.scenes.base import config_value, summary_value
    from nnanim.scenes.runs import cached_trace

    t = Trace(cached_trace(bundled_config("activations"), tmp_path))
    names = [c["name"] for c in t.config["curve"]]
    i = names.index("elu")
    assert config_value(t, f"curve.{i}.layers.0.alpha") == t.config["curve"][i]["layers"][0][
        "alpha"]
    net = Trace(cached_trace(bundled_config("xor_mlp"), tmp_path))
    assert summary_value(net, "param_count") == 13  # 2·3 + 3 + 3·1 + 1
    with pytest.raises(TraceError, match="has no curve.99"):
        config_value(t, "curve.99.name")
    with pytest.raises(TraceError, match="summary has no nope"):
        summary_value(net, "nope")
