"""NetworkGraph: a dense network drawn as neurons and edges, styled from traced arrays."""
from __future__ import annotations

from typing import Sequence

import numpy as np
from manim import UP, Circle, Line, Mobject, Text, VGroup

from ..theme import Theme

FONT = "DejaVu Sans"


class NetworkGraph(VGroup):
    """Layers of neurons (circles) joined by one edge (line) per weight.

    sizes     neurons per layer, input first, e.g. (2, 3, 1)
    weights   optional, one matrix per pair of layers in PyTorch's Dense convention:
              ``weights[l]`` has shape (sizes[l + 1], sizes[l]), entry [j, i] joins
              neuron i of layer l to neuron j of layer l + 1
    Edges are coloured by the sign of their weight (theme.positive / theme.negative) and
    drawn wider and more opaque the larger |w| is relative to ``scale`` (default: the
    largest |w| given), so a scene can keep one scale across steps of a fast-forward.

    neuron(l, i), layer(l), edge(l, j, i), edge_layer(l) give the parts;
    set_weights / set_magnitudes restyle the edges in place (animate with ``.animate``);
    label_neuron / label_layer / label_edge place text next to neurons and edges.
    Drawing order is fixed by z-index: edges at ``z_index``, neurons above, labels on top
    (a high ``z_index`` also keeps the rest of a scene out of manim's per-frame redraw
    while only the network moves).
    """

    def __init__(self, sizes: Sequence[int], theme: Theme,
                 weights: Sequence[np.ndarray] | None = None, width: float = 5.0,
                 height: float = 4.0, radius: float = 0.3, stroke_range=(1.0, 8.0),
                 scale: float | None = None, neuron_stroke: float = 3.0,
                 z_index: int = 0) -> None:
        super().__init__()
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"NetworkGraph needs >= 2 layers of >= 1 neuron, got {sizes}")
        self.sizes, self.theme = tuple(int(n) for n in sizes), theme
        self.stroke_range = stroke_range
        gap = height / max(max(self.sizes) - 1, 1)
        self.radius = min(radius, 0.4 * gap)
        xs = np.linspace(-width / 2, width / 2, len(self.sizes))
        self.layers = VGroup()
        for x, n in zip(xs, self.sizes):
            ys = (np.arange(n)[::-1] - (n - 1) / 2) * gap  # neuron 0 on top
            self.layers.add(VGroup(*[
                Circle(radius=self.radius, stroke_color=theme.text, stroke_width=neuron_stroke)
                .set_fill(theme.background, opacity=1.0).move_to([x, y, 0]) for y in ys]))
        self.edges = VGroup()
        for l in range(len(self.sizes) - 1):
            group = VGroup()
            for j in range(self.sizes[l + 1]):
                for i in range(self.sizes[l]):
                    a, b = self.neuron(l, i).get_center(), self.neuron(l + 1, j).get_center()
                    group.add(Line(a, b, buff=self.radius, stroke_color=theme.muted,
                                   stroke_width=stroke_range[0]))
            self.edges.add(group)
        self.add(self.edges, self.layers)
        self.set_z_index(z_index)
        self.layers.set_z_index(z_index + 1)
        self.label_z_index = z_index + 2
        if weights is not None:
            self.set_weights(weights, scale)

    # -- parts ------------------------------------------------------------------------------
    def neuron(self, layer: int, i: int) -> Circle:
        return self.layers[layer][i]

    def layer(self, layer: int) -> VGroup:
        return self.layers[layer]

    def edge(self, layer: int, j: int, i: int) -> Line:
        """The edge of ``weights[layer][j, i]``: neuron i of ``layer`` -> neuron j of the next."""
        return self.edges[layer][j * self.sizes[layer] + i]

    def edge_layer(self, layer: int) -> VGroup:
        """The edges of ``weights[layer]``, row-major in (out, in) order."""
        return self.edges[layer]

    # -- styles -----------------------------------------------------------------------------
    def _check(self, matrices: Sequence[np.ndarray]) -> list[np.ndarray]:
        mats = [np.asarray(m, dtype=np.float64) for m in matrices]
        want = [(self.sizes[l + 1], self.sizes[l]) for l in range(len(self.sizes) - 1)]
        if [m.shape for m in mats] != want:
            raise ValueError(f"expected matrices of shapes {want} (out, in), "
                             f"got {[m.shape for m in mats]}")
        return mats

    def _style(self, matrices, colors, scale: float | None) -> "NetworkGraph":
        mats = self._check(matrices)
        scale = scale or max(max(float(np.abs(m).max()) for m in mats), 1e-12)
        lo, hi = self.stroke_range
        for group, m, c in zip(self.edges, mats, colors):
            t = np.minimum(np.abs(m) / scale, 1.0).ravel()
            cs = c(m).ravel()
            for line, tk, ck in zip(group, t, cs):
                line.set_stroke(color=ck, width=lo + (hi - lo) * tk, opacity=0.35 + 0.65 * tk)
        return self

    def set_weights(self, weights: Sequence[np.ndarray], scale: float | None = None
                    ) -> "NetworkGraph":
        """Colour each edge by the sign of its weight, width and opacity by |w| / scale."""
        pos, neg = self.theme.positive, self.theme.negative
        return self._style(weights, [lambda m: np.where(m >= 0, pos, neg)] * len(weights), scale)

    def set_magnitudes(self, matrices: Sequence[np.ndarray], color: str,
                       scale: float | None = None) -> "NetworkGraph":
        """One colour for every edge (e.g. theme.gradient), width and opacity by |v| / scale."""
        return self._style(matrices, [lambda m: np.full(m.shape, color, dtype=object)]
                           * len(matrices), scale)

    # -- labels -----------------------------------------------------------------------------
    def label_neuron(self, layer: int, i: int, label: str | Mobject, direction=UP,
                     buff: float = 0.12, font_size: float = 24, color: str | None = None
                     ) -> Mobject:
        """``label`` (a string becomes Text) placed next to neuron (layer, i) on ``direction``'s
        side; ``direction=None`` centres it inside the neuron, shrunk to fit. Labels are drawn
        over edges and neurons."""
        mob = self._label(label, font_size, color)
        n = self.neuron(layer, i)
        if direction is None:
            if mob.width > 1.6 * self.radius:
                mob.scale_to_fit_width(1.6 * self.radius)
            return mob.move_to(n)
        return mob.next_to(n, direction, buff=buff)

    def label_layer(self, layer: int, labels: Sequence[str | Mobject], direction=UP,
                    **kwargs) -> VGroup:
        """One label per neuron of ``layer`` (see label_neuron)."""
        return VGroup(*[self.label_neuron(layer, i, s, direction, **kwargs)
                        for i, s in enumerate(labels)])

    def label_edge(self, layer: int, j: int, i: int, label: str | Mobject, direction=UP,
                   buff: float = 0.08, font_size: float = 24, color: str | None = None
                   ) -> Mobject:
        """``label`` next to the middle of edge (layer, j, i), drawn over the edges."""
        return self._label(label, font_size, color).next_to(self.edge(layer, j, i), direction,
                                                            buff=buff)

    def _label(self, label: str | Mobject, font_size: float, color: str | None) -> Mobject:
        mob = label if isinstance(label, Mobject) else Text(
            label, font=FONT, font_size=font_size, color=color or self.theme.value)
        return mob.set_z_index(self.label_z_index)
