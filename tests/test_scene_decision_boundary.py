"""DecisionBoundary: the numbers on screen are the traces' (data settings, the end's losses and
accuracies of all three runs), the maps drawn are the traced lattices, the lessons hold on the
traces (2 units cannot close a region and fit worse; 8 + 8 ReLU units test better; train and
test loss fall), and traces it cannot show are refused in one line."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import CONFIGS, small_xor
from scene_utils import assert_shown_match_trace, refusal, rendered, shown_texts

from nnanim.engine import config
from nnanim.engine.run import run
from nnanim.scenes.decision_boundary import hidden_layers, percent
from nnanim.scenes.format import fmt
from nnanim.scenes.mobjects.contour_map import contour_paths

SCENE = "DecisionBoundary"
ROLES = ("main", "small", "deep")
last = rendered(SCENE)  # fixture: (last frame PNG, scene), rendered once


def lattice(t, quantity: str = "pred", step: int | None = None) -> np.ndarray:
    """eval/<quantity> at ``step`` (default: the last recorded), (G, G, columns)."""
    g = len(t.static("eval/grid_x"))
    step = t.steps[-1] if step is None else step
    return t.get(step, "eval", quantity).reshape(g, g, -1)


def test_every_number_is_the_traces(last):
    _, scene = last
    assert_shown_match_trace(scene, min_count=15)
    shown = shown_texts(scene)
    t = scene.trace("main")
    assert shown[("main", None, "config", "data.n", ())] == "200"
    assert shown[("main", None, "config", "data.validation", ())] == "30 %"
    assert shown[("main", None, "config", "training.epochs", ())] == "80"
    end = (len(t.epochs) - 1,)
    for role in ROLES:
        e = scene.trace(role).epochs[-1]
        for metric in ("accuracy", "val_accuracy"):
            assert shown[(role, None, "epoch", metric, end)] == percent(e[metric])
    for metric in ("loss", "val_loss"):
        assert shown[("main", None, "epoch", metric, end)] == fmt(t.epochs[-1][metric])


def test_the_maps_drawn_are_the_traced_lattices(last):
    _, scene = last
    t = scene.trace("main")
    end = scene.steps[-1]
    assert end == t.steps[-1] and scene.steps[0] == 0
    # the output map on screen at the end is the last recorded step's p, tinted
    np.testing.assert_array_equal(scene.map.image.pixel_array,
                                  scene.output_pixels(t, end, scene.map.shape))
    # the boundary drawn is the traced p = ½ contour
    z = lattice(t)[..., 0]
    paths = contour_paths(scene.map.gx, scene.map.gy, z, 0.5)
    assert len(paths) == len(scene.boundaries[end]) >= 1
    for path, drawn in zip(paths, scene.boundaries[end]):
        np.testing.assert_allclose(scene.map.p(path), drawn)
    # one tile per hidden unit, from eval/<activation>
    assert scene.units == 4 and scene.net.tiles.shape[0] == 4
    assert scene.tile_scale == max(np.abs(t.get(s, "eval", scene.act)).max()
                                   for s in scene.steps)


def test_units_whose_line_misses_the_plane_are_named(last):
    """A unit's line w·x + b = 0 misses the lattice exactly when its z keeps one sign on
    it; the caption names those units."""
    _, scene = last
    z = lattice(scene.trace("main"), scene.dense)
    one_sign = [j for j in range(scene.units)
                if (z[..., j] > 0).all() or (z[..., j] < 0).all()]
    assert scene.units_off == one_sign
    assert len(scene.unit_overlay) == scene.units
    for j in one_sign:
        assert any(f"h{chr(0x2081 + j)}" in c and "misses the plane" in c
                   for c in scene.captions)


def test_the_capacity_lessons_hold_on_the_traces(last):
    _, scene = last
    runs = {r: scene.trace(r) for r in ROLES}
    # the three runs learned the same points with the same test split
    for key in ("data/x", "data/labels", "data/val_indices", "data/train_indices"):
        for r in ("small", "deep"):
            np.testing.assert_array_equal(runs[r].static(key), runs["main"].static(key))
    end = {r: t.epochs[-1] for r, t in runs.items()}
    assert [n for _, _, n in hidden_layers(runs["small"])] == [2]
    assert [n for _, _, n in hidden_layers(runs["deep"])] == [8, 8]
    # too small: worse even on the training points, and on the test points
    assert end["small"]["accuracy"] < end["main"]["accuracy"] - 0.05
    assert end["small"]["val_accuracy"] < end["main"]["val_accuracy"] - 0.1
    # 2 lines cannot close a region: the small net's class-1 region reaches the lattice's
    # border; the 4 units' region is closed (p < ½ all along the border)
    def border(t):
        p = lattice(t)[..., 0]
        return np.concatenate([p[0], p[-1], p[:, 0], p[:, -1]])
    assert (border(runs["small"]) > 0.5).any()
    assert (border(runs["main"]) < 0.5).all()
    # more capacity buys test accuracy here
    assert end["deep"]["val_accuracy"] > end["main"]["val_accuracy"]
    assert any("band or a wedge, never a closed region" in c for c in scene.captions)
    assert any("rounder boundary" in c and "→" in c for c in scene.captions)


def test_train_and_test_loss_fall(last):
    _, scene = last
    e = scene.trace("main").epochs
    assert e[-1]["loss"] < e[0]["loss"] / 5
    assert e[-1]["val_loss"] < e[0]["val_loss"] / 3
    assert any(c.startswith("Train and test loss both fall") for c in scene.captions)


@pytest.fixture(scope="module")
def other_traces(tmp_path_factory):
    d = tmp_path_factory.mktemp("boundary-others")
    run(small_xor(epochs=2, grid=11), d / "xor.trace")  # MSE, no validation
    moons = config.load(CONFIGS / "boundary_circles_small.toml")
    moons["data"]["name"] = "moons"
    run(config.validate(moons), d / "moons.trace")
    no_tiles = config.load(CONFIGS / "boundary_circles.toml")
    no_tiles["record"]["grid_layers"] = False
    no_tiles["training"]["epochs"] = 2
    run(config.validate(no_tiles), d / "no_tiles.trace")
    deep = config.load(CONFIGS / "boundary_circles_deep.toml")
    deep["training"]["epochs"] = 2
    deep["record"]["every"] = 1
    run(config.validate(deep), d / "deep.trace")
    return d


@pytest.mark.parametrize("args, message", [
    (["--trace", "xor.trace"], "needs the binary cross-entropy of probabilities"),
    (["--trace", "no_tiles.trace"], "needs each hidden unit's map, eval/tanh_1"),
    (["--trace", "deep.trace"], "needs one hidden layer of 2 to 6 units"),
    (["--run", "small=moons.trace"], "its data/x differs from the main run's"),
])
def test_refuses_traces_it_cannot_show(other_traces, tmp_path, args, message):
    args = [a if a.startswith("--") else a.replace(a.split("=")[-1],
                                                   str(other_traces / a.split("=")[-1]))
            for a in args]
    assert message in refusal(SCENE, tmp_path, *args)
