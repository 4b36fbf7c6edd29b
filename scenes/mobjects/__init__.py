"""Reusable mobjects for nnanim's scenes."""
from .heatmap import Heatmap
from .value_grid import ValueGrid

__all__ = ["Heatmap", "ValueGrid"]
