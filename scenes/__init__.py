"""nnanim's Manim scenes: each reads engine traces and animates them; it never trains.

    base.py     TraceScene: runs by role, every number through ``number()``, sections, events
    options.py  SceneOptions: what a scene is told (theme, speed, traces, events, stills, ...)
    catalog.py  the scenes, derived from the TraceScene classes; the lecture order
    render/     the pipeline from a scene name to a file (mp4, png, gif, lecture, slides)
    mobjects/   small reusable pieces (ValueGrid, SlidingWindow, Heatmap, NetworkGraph, ...)

Render with ``nnanim render SCENE``, ``nnanim.render(SCENE)`` or manim's own command line,
e.g. ``manim -qm scenes/gradient_descent.py GradientDescent1D``.
"""
