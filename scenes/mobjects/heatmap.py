"""Heatmap: a 2-D array as one ImageMobject with nearest-neighbour pixels."""
from __future__ import annotations

import numpy as np
from manim import RESAMPLING_ALGORITHMS, ImageMobject

from ..theme import Theme


def _hex_rgb(color: str) -> np.ndarray:
    color = color.lstrip("#")
    return np.array([int(color[i:i + 2], 16) for i in (0, 2, 4)], dtype=np.float64)


def colorize(values: np.ndarray, low: str, high: str, mid: str | None = None,
             vmin: float | None = None, vmax: float | None = None) -> np.ndarray:
    """(H, W) floats -> (H, W, 4) uint8 RGBA, blending low -> (mid ->) high.

    With ``mid`` the scale is diverging and symmetric around 0 (gradients, signed kernels).
    """
    v = np.asarray(values, dtype=np.float64)
    if mid is not None:
        m = max(np.max(np.abs(v)), 1e-12) if vmax is None else vmax
        t = np.clip(v / m, -1, 1)
        lo, mi, hi = _hex_rgb(low), _hex_rgb(mid), _hex_rgb(high)
        pos = t[..., None]
        rgb = np.where(pos >= 0, mi + (hi - mi) * pos, mi + (lo - mi) * (-pos))
    else:
        a = np.min(v) if vmin is None else vmin
        b = np.max(v) if vmax is None else vmax
        t = np.clip((v - a) / (b - a if b > a else 1.0), 0, 1)[..., None]
        rgb = _hex_rgb(low) + (_hex_rgb(high) - _hex_rgb(low)) * t
    rgba = np.concatenate([rgb, np.full(v.shape + (1,), 255.0)], axis=-1)
    return np.round(rgba).astype(np.uint8)


class Heatmap(ImageMobject):
    """A (H, W) array drawn as H×W crisp pixels, ``height`` scene units tall.

    One mobject whatever the size, so a 28×28 feature map costs one draw call, not 784.
    ``signed=True`` uses a diverging scale (negative, background, positive) around 0.
    """

    def __init__(self, values: np.ndarray, theme: Theme, height: float = 2.0,
                 signed: bool = False, color: str | None = None,
                 vmin: float | None = None, vmax: float | None = None, **kwargs) -> None:
        values = np.asarray(values, dtype=np.float64)
        if signed:
            rgba = colorize(values, theme.negative, theme.positive, mid=theme.background,
                            vmax=vmax)
        else:
            rgba = colorize(values, theme.background, color or theme.value, vmin=vmin, vmax=vmax)
        super().__init__(rgba, **kwargs)
        self.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
        self.height = height
        self.values = values

    def cell_center(self, i: int, j: int) -> np.ndarray:
        """Scene coordinates of pixel (row i, column j)."""
        h, w = self.values.shape
        left, top = self.get_corner(np.array([-1, 1, 0]))[:2]
        cw, ch = self.width / w, self.height / h
        return np.array([left + (j + 0.5) * cw, top - (i + 0.5) * ch, 0.0])
