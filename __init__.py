"""nnanim: train small networks in NumPy, record every number, animate them with Manim.

    import nnanim
    trace = nnanim.train("xor_mlp")                        # a bundled config, or a TOML path
    video = nnanim.render("Backpropagation", trace=trace)  # -> Path of the video

Packages: ``nnanim.engine`` (training and traces, no manim), ``nnanim.scenes`` (the Manim
scenes and the render pipeline), ``nnanim.cli`` (the ``nnanim`` command). Names load on
first use, so ``import nnanim`` stays cheap.
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["Trace", "__version__", "render", "train"]


def __getattr__(name: str):
    if name in ("train", "render"):
        from . import api

        return getattr(api, name)
    if name == "Trace":
        from .engine.trace import Trace

        return Trace
    raise AttributeError(f"module 'nnanim' has no attribute {name!r}")
