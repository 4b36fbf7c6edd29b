"""FeatureMapGrid: a layer's channels (C, H, W) as a grid of small heatmaps, one per channel."""
from __future__ import annotations

import numpy as np
from manim import Group, Rectangle

from ..theme import Theme
from .heatmap import Heatmap


class FeatureMapGrid(Group):
    """C maps in ``rows`` rows (filled row by row), each ``size`` units tall, ``gap`` apart.

    signed   diverging scale around 0 (conv outputs, filters); otherwise background → color
    scales   per-map colour scale (max |value| when signed, max when not); defaults to each
             map's own range, so weak channels stay visible. Pass the same scales to the
             ReLU and pooled maps of a channel so equal values keep equal colours.
    outline  colour of a thin frame around each map (None: no frame), so maps whose edges
             are near 0 still read as separate squares
    maps[k]  the Heatmap of channel k
    """

    def __init__(self, maps: np.ndarray, theme: Theme, rows: int, size: float,
                 gap: float = 0.06, signed: bool = False, scales: np.ndarray | None = None,
                 color: str | None = None, outline: str | None = None) -> None:
        super().__init__()
        maps = np.asarray(maps, dtype=np.float64)
        if maps.ndim != 3:
            raise ValueError(f"FeatureMapGrid takes (C, H, W) maps, got shape {maps.shape}")
        self.scales = own_scales(maps, signed) if scales is None else np.asarray(scales, float)
        self.maps = [
            Heatmap(m, theme, height=size, signed=signed, color=color, vmin=None if signed else 0.0,
                    vmax=float(s))
            for m, s in zip(maps, self.scales)
        ]
        cells = [Group(m) for m in self.maps]
        if outline is not None:
            for cell, m in zip(cells, self.maps):
                cell.add(Rectangle(width=m.width, height=m.height, stroke_color=outline,
                                   stroke_width=1.5).move_to(m))
        self.add(*cells)
        cols = -(-len(self.maps) // rows)
        self.arrange_in_grid(rows=rows, cols=cols, buff=gap)


def own_scales(maps: np.ndarray, signed: bool) -> np.ndarray:
    """Each map's colour scale: its largest |value| (signed) or largest value (1e-12 if flat)."""
    flat = np.asarray(maps, dtype=np.float64).reshape(len(maps), -1)
    peak = np.abs(flat).max(axis=1) if signed else flat.max(axis=1)
    return np.maximum(peak, 1e-12)
