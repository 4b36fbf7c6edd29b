"""Small reusable mobjects for nnanim's scenes (grids of traced values, sliding windows,
heat maps, network graphs, plots, badges), drawn in the theme's colours."""
from .heatmap import Heatmap
from .value_grid import ValueGrid

__all__ = ["Heatmap", "ValueGrid"]
