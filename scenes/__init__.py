"""nnanim's Manim scenes: each reads engine traces and animates them.

Render with ``nnanim render SCENE`` or manim's own CLI, e.g.
``manim -qm scenes/gradient_descent.py GradientDescent1D``.
"""
