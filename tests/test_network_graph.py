"""NetworkGraph: geometry, PyTorch (out, in) indexing, styling from weight arrays, labels."""
import numpy as np
import pytest
from manim import DOWN, UP, Text
from manim.utils.color import ManimColor

from nnanim.scenes.mobjects.network_graph import NetworkGraph
from nnanim.scenes.theme import DARK


def _color(mob) -> str:
    return mob.get_stroke_color().to_hex().upper()


def _hex(c: str) -> str:
    return ManimColor(c).to_hex().upper()


def test_layers_neurons_and_edges_follow_the_sizes():
    g = NetworkGraph((2, 3, 1), DARK)
    assert [len(g.layer(k)) for k in range(3)] == [2, 3, 1]
    assert [len(g.edge_layer(k)) for k in range(2)] == [6, 3]
    # layers go left to right, neuron 0 on top
    assert g.layer(0).get_x() < g.layer(1).get_x() < g.layer(2).get_x()
    assert g.neuron(1, 0).get_y() > g.neuron(1, 1).get_y() > g.neuron(1, 2).get_y()


def test_edge_j_i_joins_input_i_to_output_j_like_pytorch_weights():
    g = NetworkGraph((2, 3, 1), DARK)
    e = g.edge(0, 2, 1)  # W[2, 1]: input neuron 1 -> hidden neuron 2
    start, end = e.get_start(), e.get_end()
    assert np.linalg.norm(start - g.neuron(0, 1).get_center()) == pytest.approx(g.radius)
    assert np.linalg.norm(end - g.neuron(1, 2).get_center()) == pytest.approx(g.radius)


def test_set_weights_colours_by_sign_and_widens_with_magnitude():
    w1 = np.array([[0.5, -1.0], [0.1, 2.0], [-0.2, 0.0]])
    w2 = np.array([[-4.0, 1.0, 0.3]])
    g = NetworkGraph((2, 3, 1), DARK, [w1, w2])
    assert _color(g.edge(0, 0, 0)) == _hex(DARK.positive)
    assert _color(g.edge(0, 0, 1)) == _hex(DARK.negative)
    assert _color(g.edge(1, 0, 0)) == _hex(DARK.negative)
    lo, hi = g.stroke_range
    assert g.edge(1, 0, 0).get_stroke_width() == pytest.approx(hi)  # the largest |w|
    assert g.edge(0, 2, 1).get_stroke_width() == pytest.approx(lo)  # w = 0
    assert g.edge(0, 1, 1).get_stroke_width() > g.edge(0, 0, 0).get_stroke_width()


def test_a_fixed_scale_keeps_widths_comparable_across_steps():
    small = [np.full((3, 2), 0.5), np.full((1, 3), 0.5)]
    g = NetworkGraph((2, 3, 1), DARK, small, scale=5.0)
    width_small = g.edge(0, 0, 0).get_stroke_width()
    g.set_weights([5 * m for m in small], scale=5.0)
    assert g.edge(0, 0, 0).get_stroke_width() > width_small
    g.set_weights([50 * m for m in small], scale=5.0)  # clipped at the widest
    assert g.edge(0, 0, 0).get_stroke_width() == pytest.approx(g.stroke_range[1])


def test_set_magnitudes_uses_one_colour():
    g = NetworkGraph((2, 3, 1), DARK)
    g.set_magnitudes([np.array([[1.0, -1.0]] * 3), np.array([[-0.1, 0.2, 0.0]])],
                     DARK.gradient)
    assert {_color(e) for layer in g.edges for e in layer} == {_hex(DARK.gradient)}


def test_wrong_weight_shapes_are_refused():
    g = NetworkGraph((2, 3, 1), DARK)
    with pytest.raises(ValueError, match="out, in"):
        g.set_weights([np.zeros((2, 3)), np.zeros((1, 3))])  # (in, out): transposed
    with pytest.raises(ValueError):
        NetworkGraph((2,), DARK)


def test_any_sizes_keep_neurons_apart():
    g = NetworkGraph((4, 10, 10, 10, 1), DARK, height=4.0, radius=0.5)
    ys = [n.get_y() for n in g.layer(1)]
    assert min(np.diff(sorted(ys))) > 2 * g.radius
    assert len(g.edge_layer(1)) == 100


def test_labels_sit_next_to_or_inside_neurons_and_over_edges():
    g = NetworkGraph((2, 3, 1), DARK, radius=0.4)
    above = g.label_neuron(1, 0, "0.5", UP)
    assert above.get_bottom()[1] > g.neuron(1, 0).get_top()[1]
    inside = g.label_neuron(1, 1, Text("0.123456789"), None)
    assert np.allclose(inside.get_center(), g.neuron(1, 1).get_center())
    assert inside.width <= 2 * g.radius
    below = g.label_layer(1, ["a", "b", "c"], DOWN)
    assert len(below) == 3 and all(
        lab.get_top()[1] < g.neuron(1, k).get_bottom()[1] for k, lab in enumerate(below))
    assert above.z_index > g.neuron(1, 0).z_index > g.edge(0, 0, 0).z_index


def test_edge_labels_and_a_raised_drawing_order():
    g = NetworkGraph((2, 3, 1), DARK, z_index=3)
    lab = g.label_edge(1, 0, 1, "w", UP)
    assert lab.get_bottom()[1] > g.edge(1, 0, 1).get_center()[1]
    assert (g.edge(0, 0, 0).z_index, g.neuron(0, 0).z_index, lab.z_index) == (3, 4, 5)
