"""FeatureMapGrid: a layer's channels (C, H, W) as a grid of small heatmaps, drawn as ONE image.

Manim's Cairo camera composites every ImageMobject over the whole frame, so a frame costs
about the same per image whatever its size: 16 separate 5×5 maps cost 16 full-frame blends,
one grid image costs one. The maps are therefore laid out in a single RGBA array (gaps
transparent, each map pixel a block of ``PIXEL`` image pixels, nearest-neighbour).
"""
from __future__ import annotations

import numpy as np
from manim import RESAMPLING_ALGORITHMS, Group, ImageMobject, Rectangle, VGroup

from ..theme import Theme
from .heatmap import colorize

PIXEL = 6  # image pixels per map pixel: makes the gaps between maps a whole number of pixels


class FeatureMapGrid(Group):
    """C maps in ``rows`` rows (filled row by row), each ``size`` units tall, ``gap`` apart.

    signed   diverging scale around 0 (conv outputs, filters); otherwise background → color
    scales   per-map colour scale (max |value| when signed, max when not); defaults to each
             map's own range, so weak channels stay visible. Pass the same scales to the
             ReLU and pooled maps of a channel so equal values keep equal colours.
    outline  colour of a thin frame around each map (None: no frame), so maps whose edges
             are near 0 still read as separate squares
    image    the one ImageMobject holding every map
    cell_center(k, i, j)   scene point of pixel (i, j) of map k
    """

    def __init__(self, maps: np.ndarray, theme: Theme, rows: int, size: float,
                 gap: float = 0.06, signed: bool = False, scales: np.ndarray | None = None,
                 color: str | None = None, outline: str | None = None) -> None:
        super().__init__()
        maps = np.asarray(maps, dtype=np.float64)
        if maps.ndim != 3:
            raise ValueError(f"FeatureMapGrid takes (C, H, W) maps, got shape {maps.shape}")
        n, h, w = maps.shape
        self.shape = maps.shape
        self.rows, self.cols = rows, -(-n // rows)
        self.scales = own_scales(maps, signed) if scales is None else np.asarray(scales, float)
        self.gap_px = max(1, round(gap / size * h * PIXEL))
        step_y, step_x = h * PIXEL + self.gap_px, w * PIXEL + self.gap_px
        rgba = np.zeros((self.rows * step_y - self.gap_px, self.cols * step_x - self.gap_px, 4),
                        dtype=np.uint8)
        for k, (m, s) in enumerate(zip(maps, self.scales)):
            if signed:
                tile = colorize(m, theme.negative, theme.positive, mid=theme.background, vmax=s)
            else:
                tile = colorize(m, theme.background, color or theme.value, vmin=0.0, vmax=s)
            r, c = divmod(k, self.cols)
            block = np.repeat(np.repeat(tile, PIXEL, axis=0), PIXEL, axis=1)
            rgba[r * step_y:r * step_y + h * PIXEL, c * step_x:c * step_x + w * PIXEL] = block
        self.image = ImageMobject(rgba)
        self.image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
        self.image.height = (self.rows * step_y - self.gap_px) / (h * PIXEL) * size
        self.add(self.image)
        self.outlines = VGroup()
        if outline is not None:
            for k in range(n):
                corner_tl, corner_br = self.cell_corner(k, 0, 0), self.cell_corner(k, h, w)
                self.outlines.add(Rectangle(width=corner_br[0] - corner_tl[0],
                                            height=corner_tl[1] - corner_br[1],
                                            stroke_color=outline, stroke_width=1.5)
                                  .move_to((corner_tl + corner_br) / 2))
            self.add(self.outlines)

    def cell_corner(self, k: int, i: float, j: float) -> np.ndarray:
        """Scene point of the top-left corner of pixel (i, j) of map k (fractions allowed)."""
        _, h, w = self.shape
        r, c = divmod(k, self.cols)
        unit = self.image.height / self.image.pixel_array.shape[0]  # scene units per image px
        left, top = self.image.get_left()[0], self.image.get_top()[1]
        x = left + (c * (w * PIXEL + self.gap_px) + j * PIXEL) * unit
        y = top - (r * (h * PIXEL + self.gap_px) + i * PIXEL) * unit
        return np.array([x, y, 0.0])

    def cell_center(self, k: int, i: int, j: int) -> np.ndarray:
        return self.cell_corner(k, i + 0.5, j + 0.5)


def own_scales(maps: np.ndarray, signed: bool) -> np.ndarray:
    """Each map's colour scale: its largest |value| (signed) or largest value (1e-12 if flat)."""
    flat = np.asarray(maps, dtype=np.float64).reshape(len(maps), -1)
    peak = np.abs(flat).max(axis=1) if signed else flat.max(axis=1)
    return np.maximum(peak, 1e-12)
