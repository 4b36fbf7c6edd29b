"""Backpropagation: a 2-3-1 sigmoid MLP on XOR, one step worked through with the trace's
numbers, then the whole training run fast-forwarded.

    manim -qm scenes/backpropagation.py Backpropagation
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RESAMPLING_ALGORITHMS, RIGHT, UL, UP, UR, AnimationGroup, Axes,
                   Create, Dot, Group, Indicate, Rectangle, ShowPassingFlash,
                   SurroundingRectangle, Transform, TransformFromCopy, UpdateFromAlphaFunc, VGroup,
                   VMobject, linear)

from nnanim.engine.errors import TraceError
from nnanim.scenes.base import TraceScene
from nnanim.scenes.format import fmt_auto, fmt_int
from nnanim.scenes.layout import reading_time
from nnanim.scenes.mobjects.contour_map import contour_paths
from nnanim.scenes.mobjects.heatmap import Heatmap, colorize
from nnanim.scenes.mobjects.light_animations import fade_in, fade_out, replace
from nnanim.scenes.mobjects.light_text import light
from nnanim.scenes.mobjects.network_graph import NetworkGraph
from nnanim.scenes.mobjects.value_grid import ValueGrid

PANEL_LEFT = 0.35   # formulas live right of this x, the network left of it
PANEL_RIGHT = 6.9
PANEL_TOP = 2.75
BLOCK_TOP = 1.95    # below the sample reminder at the panel's top
NEAR = 0.02         # the loss is "near chance" within 2 % of the input-blind loss
LONG = 0.10         # a plateau lasts at least 10 % of the run's steps
WIDE = 13.8         # the widest caption line: the frame less its margins


def find_plateau(losses, steps, chance: float) -> tuple[int, int] | None:
    """(first, last) positions of the plateau: the longest stretch of steps whose loss is
    within NEAR of ``chance``, if it spans at least LONG of the run and the loss ends below
    half of chance (the run leaves it); else None."""
    near = np.abs(np.asarray(losses) - chance) <= NEAR * chance
    best, start = None, None
    for k, ok in enumerate([*near, False]):
        if ok and start is None:
            start = k
        elif not ok and start is not None:
            if best is None or steps[k - 1] - steps[start] > steps[best[1]] - steps[best[0]]:
                best = (start, k - 1)
            start = None
    if (best is None or steps[best[1]] - steps[best[0]] < LONG * steps[-1]
            or losses[-1] >= chance / 2):
        return None
    return best


def _paren(s: str) -> str:
    """A number as a factor: negative numbers in parentheses."""
    return f"({s})" if s.startswith("-") else s


class Backpropagation(TraceScene):
    """Forward pass, chain rule, update and training of the XOR MLP, from one trace.

    Sections: "forward" (one sample's z and a, neuron by neuron, then the batch loss
    L = Σₙ Lₙ), "backward" (δ at the output, the chain rule for one weight with the real
    numbers, δ flowing back, every edge's batch gradient), "update" (w ← w − η ∂L/∂w with
    η named, old → new), "training" (edges, decision boundary and loss over the recorded
    steps, then a caption saying what the curve shows: the plateau at chance and its end).
    Notation: the followed sample is n; its share of the loss is Lₙ, so the chain rule for
    it is ∂Lₙ/∂w (its factors, never one traced number) and ∂L/∂w = Σₙ ∂Lₙ/∂w is the batch
    gradient, the traced W.grad (the 1/N of the mean loss sits in every δ).
    duration: about 82 s at speed 1.
    """

    title = "Backpropagation, number by number"
    description = ("a 2-3-1 sigmoid network on XOR: forward pass, "
                   "chain rule with real numbers, update, then training")
    runs = {"main": "xor_mlp"}
    trace_kind = "network"
    duration = 82.0
    SAMPLE = 1   # the followed sample: x = (0, 1), target 1
    FOCUS = 1    # the hidden unit whose weight to the output is worked through

    # -- trace ---------------------------------------------------------------------------
    def check_trace(self, role: str, t) -> None:
        info = t.layer_info
        types = [layer["type"] for layer in info]
        if types != ["Dense", "Sigmoid", "Dense", "Sigmoid"]:
            raise TraceError("Backpropagation needs a Dense-Sigmoid-Dense-Sigmoid network, "
                             f"got {'-'.join(types) or 'no layers'}")
        w1, w2 = info[0]["params"]["W"], info[2]["params"]["W"]
        if w1[1] != 2 or w2[0] != 1 or not 2 <= w1[0] <= 4:
            raise TraceError("Backpropagation needs a 2-H-1 network with H in 2..4, "
                             f"got W shapes {w1} and {w2}")
        loss = t.config.get("loss", {}).get("name")
        if str(loss).lower() != "mse":
            raise TraceError(f"Backpropagation explains the MSE loss, the trace used {loss!r}")
        if not t.steps or t.steps[0] != 0 or len(t.all_steps) < 2:
            raise TraceError("Backpropagation needs step 0 recorded and at least 2 steps")
        names = t.layers
        need = [("batch", "x"), ("batch", "y"), ("eval", "pred")]
        need += [(names[k], q) for k in (0, 2) for q in ("W", "b", "W.grad", "W.after")]
        need += [(names[k], q) for k in (1, 3) for q in ("output", "grad_output", "grad_input")]
        need += [(names[2], "output")]
        for layer, q in need:
            if not t.has(0, layer, q):
                hint = " (train with record.grid)" if layer == "eval" else ""
                raise TraceError(f"Backpropagation needs {layer}/{q} at step 0{hint}")
        if "eval/grid_x" not in t.manifest.get("static", []):
            raise TraceError("Backpropagation needs static eval/grid_x (train with record.grid)")
        n = t.get(0, "batch", "x").shape[0]
        if n <= self.SAMPLE or n != len(t.static("data/train_indices")):
            raise TraceError("Backpropagation needs full-batch steps with every sample "
                             "recorded (no record.samples)")

    def num(self, layer: str, quantity: str, index=(), digits: int = 3, step: int = 0,
            formatter=None) -> str:
        """Text of one traced number (recorded as shown)."""
        return self.number("main", step, layer, quantity, index, digits, formatter)[1]

    def shown_text(self, step, quantity: str, index=()) -> str | None:
        """The text of a number of run main the scene already showed (presenter notes)."""
        for item in reversed(self.shown.items):
            if (item.role, item.step, item.quantity, item.index) == ("main", step, quantity,
                                                                     index):
                return item.text
        return None

    def presenter_note(self, say: str, ask: str, answer: str) -> None:
        """TraceScene.note (this scene's own ``note`` draws a muted label)."""
        TraceScene.note(self, say=say, ask=ask, answer=answer)

    def weights(self, step: int, quantity: str = "W") -> list[np.ndarray]:
        return [self.array("main", step, self.names[k], quantity) for k in (0, 2)]

    # -- layout helpers ---------------------------------------------------------------------
    def eqs(self, *rows: list, size: float = 38, sizes: dict | None = None) -> list[VGroup]:
        """Formula rows typeset in ONE LaTeX run (each MathTex costs a latex process) and
        made light (as TraceScene.tex does), one VGroup per row. A row is a list of parts: a
        str is drawn in the text colour, (tex, colour) in that colour; ``sizes`` {row: font
        size} overrides ``size``."""
        args, owners = [], []
        for r, row in enumerate(rows):
            if r:
                args.append("\\\\")
                owners.append(None)
            for p in row:
                args.append(p[0] if isinstance(p, tuple) else p)
                owners.append((r, p[1] if isinstance(p, tuple) else None))
        tex = self.tex(*args, size=size)
        out = [VGroup() for _ in rows]
        for sub, owner in zip(tex, owners):
            if owner is not None:
                out[owner[0]].add(sub.set_color(self.theme.ink(owner[1])) if owner[1] else sub)
        for r, fs in (sizes or {}).items():
            out[r].scale(fs / size)
        return out

    def v(self, s: str) -> tuple[str, str]:
        return s, self.theme.value

    def g(self, s: str) -> tuple[str, str]:
        return s, self.theme.gradient

    def u(self, s: str) -> tuple[str, str]:
        return s, self.theme.update

    def note(self, text: str) -> VGroup:
        return self.label(text, 22, self.theme.muted)

    def panel(self, *rows, top: float = BLOCK_TOP, buff: float = 0.3) -> VGroup:
        """Rows stacked left-aligned in the formula panel, each shrunk to fit its width."""
        room = PANEL_RIGHT - PANEL_LEFT
        for row in rows:
            if row.width > room:
                row.scale_to_fit_width(room)
        return VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=buff).move_to(
            [PANEL_LEFT, top, 0], aligned_edge=UL)

    def set_tag(self, text: str):
        new = self.label(text, 26, self.theme.muted).to_corner(UR, buff=0.4)
        anim = AnimationGroup(*replace(self.tag, new))  # no text morph
        self.tag = new
        return anim

    def flash(self, lines, color: str, backward: bool = False) -> list:
        """A pulse of ``color`` running along each edge (backward: from the output side)."""
        out = []
        for line in lines:
            c = line.copy().set_stroke(color=color, width=8, opacity=1.0)
            if backward:
                c.reverse_points()
            out.append(ShowPassingFlash(c, time_width=0.6))
        return out

    def delta_labels(self, neurons: list[tuple[int, int, str]]) -> list[VGroup]:
        """"δ = …" under each (layer, neuron, text), over edges that pass behind it."""
        rows = self.eqs(*[["\\delta =", self.g(text)] for _, _, text in neurons], size=32)
        for row, (layer, i, _) in zip(rows, neurons):
            row.add_background_rectangle(color=self.theme.background, opacity=0.85, buff=0.04)
            self.net.label_neuron(layer, i, row, DOWN, buff=0.1)
        return rows

    # -- the scene ------------------------------------------------------------------------
    def construct(self) -> None:
        t = self.trace()
        self.names = t.layers
        self.n_batch = t.get(0, "batch", "x").shape[0]
        self.hidden = t.get(0, self.names[0], "W").shape[0]
        self.next_section("forward")
        self.forward()
        self.next_section("backward")
        self.backward()
        self.next_section("update")
        self.update_step()
        self.next_section("training")
        self.training()

    # 1 -------------------------------------------------------------------------------------
    def forward(self) -> None:
        th, s, n = self.theme, self.SAMPLE, self.n_batch
        d1, a1, d2, a2 = self.names
        title = self.title_text = self.label("Backpropagation", 40).to_corner(UL, buff=0.35)
        self.tag = self.label("1 · forward pass", 26, th.muted).to_corner(UR, buff=0.4)
        net = NetworkGraph((2, self.hidden, 1), th, self.weights(0), width=4.4, height=4.0,
                           radius=0.5, stroke_range=(1.5, 7.0), z_index=3).move_to([-4.0, -0.3, 0])
        # z_index 3: drawn after the formulas, so animating the network (manim redraws every
        # frame whatever comes after the first moving mobject) leaves them in the static frame
        self.net = net
        self.captions = VGroup(*[
            self.label(c, 22, th.muted).move_to([net.layer(k).get_x(), 2.5, 0])
            for k, c in enumerate(["input x", "hidden, σ", "output, σ"])])
        self.legend = self.note("edges: colour = sign of w, width = |w|")
        self.legend.move_to([net.get_x(), -3.6, 0])
        self.play(fade_in(title), fade_in(self.tag), Create(net.edges), fade_in(net.layers),
                  fade_in(self.captions), fade_in(self.legend), run_time=self.t(1.5))

        # the batch: all the XOR points; we follow one of them
        bx, by = self.array("main", 0, "batch", "x"), self.array("main", 0, "batch", "y")
        grid = light(ValueGrid(np.concatenate([bx, by], axis=1), th, cell=0.6, font_size=28))
        for m in range(n):  # the grid's texts are these traced numbers
            for k in range(2):
                self.num("batch", "x", (m, k), formatter=fmt_auto)
            self.num("batch", "y", (m, 0), formatter=fmt_auto)
        xs = [self.num("batch", "x", (s, k), formatter=fmt_auto) for k in range(2)]
        ys = self.num("batch", "y", (s, 0), formatter=fmt_auto)
        *heads, chip = self.eqs(["x_1"], ["x_2"], ["y"], [
            "\\text{sample }n\\text{: }x = (", self.v(xs[0]), ",\\,", self.v(xs[1]),
            "),\\quad \\text{target }y = ", self.v(ys)])
        heads = VGroup(*[h.next_to(grid.square(0, k), UP, buff=0.15) for k, h in enumerate(heads)])
        head = self.label(f"the batch: all {n} XOR points", 28)
        table = VGroup(head, VGroup(heads, grid)).arrange(DOWN, buff=0.3)
        table.move_to([3.55, 0.6, 0])
        self.play(fade_in(table), run_time=self.t(0.8))
        frame = grid.window(s, 0, 1, 3)
        follow = self.label("we follow this sample", 26, th.active).next_to(grid, DOWN, 0.35)
        self.play(Create(frame), fade_in(follow), run_time=self.t(0.8))
        self.wait(self.t(0.6))
        ins = VGroup(*[net.label_neuron(0, k, self.label(xs[k], 30, th.value), None)
                       for k in range(2)])
        self.play(*[TransformFromCopy(grid.texts[s][k], ins[k]) for k in range(2)],
                  run_time=self.t(1.0))
        chip = self.panel(chip, top=PANEL_TOP)
        self.play(fade_out(table), fade_out(frame), fade_out(follow), fade_in(chip),
                  run_time=self.t(0.8))
        self.chip, self.inputs = chip, ins

        # hidden neurons, then the output: z = Σ w·a + b, a = σ(z)
        self.hidden_vals = VGroup()
        block = None
        for j in range(self.hidden):
            w = [self.num(d1, "W", (j, k)) for k in range(2)]
            a = self.num(a1, "output", (s, j))
            jj = j + 1
            new = self.panel(*self.eqs(
                [f"z^{{(1)}}_{jj}", f"= w_{{{jj}1}} x_1 + w_{{{jj}2}} x_2 + b_{jj}"],
                ["=", self.v(w[0]), "\\cdot", self.v(xs[0]), "+", self.v(_paren(w[1])),
                 "\\cdot", self.v(xs[1]), "+", self.v(_paren(self.num(d1, "b", (j,)))),
                 "=", self.v(self.num(d1, "output", (s, j)))],
                [f"a^{{(1)}}_{jj}", f"= \\sigma(z^{{(1)}}_{jj}) =", self.v(a)]))
            val = net.label_neuron(1, j, self.label(a, 26, th.value), None)
            self.hidden_vals.add(val)
            self.play(net.neuron(1, j).animate.set_stroke(th.active, width=5),
                      *self.flash([net.edge(0, j, k) for k in range(2)], th.value),
                      fade_in(new), *([fade_out(block)] if block else []),
                      run_time=self.pace(j, slow=1, first=1.2, rest=0.7))
            self.wait(self.pace(j, slow=1, first=1.2, rest=0.4))
            self.play(TransformFromCopy(new[2][-1], val),
                      net.neuron(1, j).animate.set_stroke(th.text, width=3),
                      run_time=self.pace(j, slow=1, first=0.8, rest=0.5))
            block = new

        terms = []
        for j in range(self.hidden):
            terms += ["+"] if j else []
            terms += [self.v(_paren(self.num(d2, "W", (0, j)))), "\\cdot",
                      self.v(self.num(a1, "output", (s, j)))]
        out = self.num(a2, "output", (s, 0))
        new = self.panel(*self.eqs(
            ["z^{(2)}", "= \\textstyle\\sum_j w^{(2)}_j a^{(1)}_j + b^{(2)}"],
            ["=", *terms],
            ["+", self.v(_paren(self.num(d2, "b", (0,)))), "=",
             self.v(self.num(d2, "output", (s, 0)))],
            ["a^{(2)}", "= \\sigma(z^{(2)}) =", self.v(out)]))
        self.out_val = net.label_neuron(2, 0, self.label(out, 26, th.value), None)
        self.play(net.neuron(2, 0).animate.set_stroke(th.active, width=5),
                  *self.flash(net.edge_layer(1), th.value), fade_out(block), fade_in(new),
                  run_time=self.t(1.2))
        self.wait(self.t(1.0))
        self.play(TransformFromCopy(new[3][-1], self.out_val),
                  net.neuron(2, 0).animate.set_stroke(th.text, width=3), run_time=self.t(0.8))

        # the loss: the mean over the batch, against the targets
        outs = [self.v(self.num(a2, "output", (m, 0))) for m in range(n)]
        tgts = [self.v(self.num("batch", "y", (m, 0), formatter=fmt_auto)) for m in range(n)]
        sep = ",\\;"
        *rows, target_y = self.eqs(
            ["L", (f"= \\frac{{1}}{{{n}}}\\sum_{{n=1}}^{{{n}}} (a^{{(2)}}_n - y_n)^2"
                   f"= \\sum_{{n=1}}^{{{n}}} L_n")],
            [f"L_n = \\frac{{1}}{{{n}}}(a^{{(2)}}_n - y_n)^2",
             "\\quad\\text{sample }n\\text{'s share}"],
            ["a^{(2)}_n:\\;", *sum(([o, sep] for o in outs), [])[:-1]],
            ["y_n:\\;", *sum(([o, sep] for o in tgts), [])[:-1]],
            ["L =", self.v(self.num("scalar", "loss", digits=4))],
            ["y =", self.v(ys)], sizes={1: 34, 2: 34, 3: 34, 5: 34})
        self.target = VGroup(self.note("target"), target_y)
        self.target.arrange(DOWN, buff=0.1).next_to(net.neuron(2, 0), RIGHT, buff=0.3)
        block = self.panel(*rows, self.note(f"the mean over all {n} samples of the batch"),
                           buff=0.25)
        self.play(fade_in(self.target), fade_out(new), fade_in(block), run_time=self.t(0.7))
        self.wait(self.t(2.3))
        self.block = block
        self.presenter_note(
            say="Forward pass: each unit sums its weighted inputs plus a bias and squashes "
                "the sum with \u03c3; the loss is the mean squared error over the batch.",
            ask="What does the network output for the sample we follow, against its target?",
            answer=f"a\u207d\u00b2\u207e = {out} against y = {ys}; the batch loss is "
                   f"L = {self.shown_text(0, 'loss')}.")

    # 2 -------------------------------------------------------------------------------------
    def backward(self) -> None:
        th, s, net, n = self.theme, self.SAMPLE, self.net, self.n_batch
        d1, a1, d2, a2 = self.names
        j, jj = self.FOCUS, self.FOCUS + 1
        out = self.num(a2, "output", (s, 0))
        ys = self.num("batch", "y", (s, 0), formatter=fmt_auto)
        dLda = self.num(a2, "grad_output", (s, 0), digits=4)
        delta = self.num(a2, "grad_input", (s, 0), digits=4)
        dl, dd, dn = self.eqs(
            ["\\frac{\\partial L_n}{\\partial a^{(2)}_n}",
             f"= \\frac{{2(a^{{(2)}}_n - y_n)}}{{{n}}}",
             "= \\frac{2(", self.v(out), "-", self.v(ys), f")}}{{{n}}} =", self.g(dLda)],
            ["\\delta^{(2)}_n = \\frac{\\partial L_n}{\\partial z^{(2)}_n}",
             "= \\frac{\\partial L_n}{\\partial a^{(2)}_n}\\,\\sigma'(z^{(2)}_n)"],
            ["=", self.g(_paren(dLda)), "\\cdot", self.v(out), "(1 -", self.v(out), ") =",
             self.g(delta)])
        block = self.panel(
            dl, self.note(f"the 1/{n} of the mean loss is in every gradient below"),
            dd, dn, self.note("σ′(z) = a(1 − a) for the logistic σ"), buff=0.25)
        dlabel, *hl = self.delta_labels(
            [(2, 0, delta)] + [(1, k, self.num(a1, "grad_input", (s, k), digits=4))
                               for k in range(self.hidden)])
        hl = VGroup(*hl)
        self.play(self.set_tag("2 · backward pass"), fade_out(self.block),
                  net.neuron(2, 0).animate.set_stroke(th.gradient, width=5),
                  fade_in(block[:2]), run_time=self.t(0.7))
        self.wait(self.t(1.5))
        self.play(fade_in(block[2:]), run_time=self.t(0.7))
        self.play(TransformFromCopy(block[3][-1], dlabel), run_time=self.t(0.8))
        self.wait(self.t(1.0))
        self.deltas = VGroup(dlabel)

        # one weight, hidden unit j -> output: the chain rule with this sample's numbers
        edge = net.edge(1, 0, j)
        h = self.num(a1, "output", (s, j))
        terms = []  # δ_n · a_n of each sample
        for m in range(n):
            terms.append([self.g(f"({self.num(a2, 'grad_input', (m, 0), digits=4)})"),
                          self.v(f"({self.num(a1, 'output', (m, j))})")])
        grad = self.num(d2, "W.grad", (0, j), digits=4)
        sums = []
        for r in range(0, n, 2):  # two samples a row
            parts = sum(([("=" if m == 0 else "+"), *terms[m]] for m in range(r, min(r + 2, n))),
                        [])
            sums.append([*parts, *(["=", self.g(grad)] if r + 2 >= n else [])])
        # ∂L_n/∂w: sample n's share, never a number of its own; ∂L/∂w: the batch's sum (traced)
        chain, numbers, share, total, *sums, wname = self.eqs(
            ["\\frac{\\partial L_n}{\\partial w}", "=",
             self.g("\\frac{\\partial L_n}{\\partial a^{(2)}_n}"), "\\cdot",
             self.g("\\frac{\\partial a^{(2)}_n}{\\partial z^{(2)}_n}"), "\\cdot",
             self.v("\\frac{\\partial z^{(2)}_n}{\\partial w}")],
            ["=", self.g(_paren(dLda)), "\\cdot", self.v(out), "(1 -", self.v(out), ")\\cdot",
             self.v(h)],
            [f"= \\delta^{{(2)}}_n\\, a^{{(1)}}_{{{jj},n}} =", *terms[s]],
            ["\\frac{\\partial L}{\\partial w}",
             (f"= \\sum_{{n=1}}^{{{n}}} \\frac{{\\partial L_n}}{{\\partial w}}"
              f"= \\sum_{{n=1}}^{{{n}}} \\delta^{{(2)}}_n\\, a^{{(1)}}_{{{jj},n}}")],
            *sums, [(f"w = w^{{(2)}}_{jj}", th.active)],
            sizes={**{4 + k: 34 for k in range(len(sums))}, 4 + len(sums): 30})
        b2 = self.panel(chain, numbers, share,
                        self.label(f"that is sample n's share; ∂L/∂w sums all {n}:", 26),
                        total, *sums, buff=0.25)
        k = 3 * (s % 2)  # sample n's term in its row of the sum: sign, δ, a
        b2.add(SurroundingRectangle(VGroup(*sums[s // 2][k + 1:k + 3]), color=th.active,
                                    buff=0.05, stroke_width=3))
        wname.add_background_rectangle(color=th.background, opacity=0.85, buff=0.04)
        net.label_edge(1, 0, j, wname).shift(0.12 * RIGHT)
        self.play(fade_out(block), edge.animate.set_stroke(th.active, width=7, opacity=1),
                  fade_in(wname), fade_in(b2[0]), run_time=self.t(0.7))
        self.wait(self.t(0.8))
        self.play(fade_in(b2[1:3]), Indicate(self.hidden_vals[j], color=th.active),
                  run_time=self.t(0.7))
        self.wait(self.t(2.3))
        self.play(fade_in(b2[3:]), run_time=self.t(0.7))
        self.wait(self.t(3.0))
        self.chain_block = b2

        # δ flows back to the hidden layer: Wᵀδ ⊙ σ'(z)
        dh = self.num(a1, "grad_output", (s, j), digits=4)
        dz = self.num(a1, "grad_input", (s, j), digits=4)
        da, dj, dn, vec = self.eqs(
            [f"\\frac{{\\partial L_n}}{{\\partial a^{{(1)}}_{{{jj},n}}}}",
             "= w\\,\\delta^{(2)}_n =",
             self.v(self.num(d2, "W", (0, j))), "\\cdot", self.g(_paren(delta)), "=", self.g(dh)],
            [f"\\delta^{{(1)}}_{{{jj},n}}",
             (f"= \\frac{{\\partial L_n}}{{\\partial a^{{(1)}}_{{{jj},n}}}}"
              f"\\,\\sigma'(z^{{(1)}}_{{{jj},n}})")],
            ["=", self.g(_paren(dh)), "\\cdot", self.v(h), "(1 -", self.v(h), ") =", self.g(dz)],
            ["\\delta^{(1)}_n = (W^{(2)\\top}\\delta^{(2)}_n) \\odot \\sigma'(z^{(1)}_n)"])
        b3 = self.panel(da, dj, dn, self.label("every hidden unit at once:", 26), vec,
                        self.note("Wᵀδ sums over the next layer's units (here: one)"),
                        buff=0.25)
        self.play(fade_out(b2), fade_out(wname),
                  edge.animate.set_stroke(th.gradient, width=7, opacity=1),
                  *self.flash([edge], th.gradient, backward=True), fade_in(b3[0]),
                  run_time=self.t(0.8))
        self.play(fade_in(b3[1:3]), net.neuron(1, j).animate.set_stroke(th.gradient, width=5),
                  run_time=self.t(0.7))
        self.play(TransformFromCopy(b3[2][-1], hl[j]), run_time=self.t(0.8))
        self.wait(self.t(1.0))
        others = [k for k in range(self.hidden) if k != j]
        self.play(fade_in(b3[3:]), *self.flash(net.edge_layer(1), th.gradient, backward=True),
                  *[fade_in(hl[k]) for k in others],
                  *[net.neuron(1, k).animate.set_stroke(th.gradient, width=5) for k in others],
                  run_time=self.t(0.9))
        self.wait(self.t(2.0))
        self.deltas.add(*hl)

        # every edge's batch gradient
        m2 = " & ".join(self.num(d2, "W.grad", (0, k), digits=4) for k in range(self.hidden))
        m1 = " \\\\ ".join(" & ".join(self.num(d1, "W.grad", (r, c), digits=4) for c in range(2))
                           for r in range(self.hidden))
        b4 = self.panel(
            self.label(f"batch gradients: Σ of δ·a over the {n} samples", 26),
            *self.eqs(["\\frac{\\partial L}{\\partial W^{(2)}} =",
                       self.g(f"\\begin{{bmatrix}} {m2} \\end{{bmatrix}}")],
                      ["\\frac{\\partial L}{\\partial W^{(1)}} =",
                       self.g(f"\\begin{{bmatrix}} {m1} \\end{{bmatrix}}")]),
            self.note("edge width = |∂L/∂w|; layer 1's are much smaller:"),
            self.note("each layer back multiplies by w·σ′, and σ′ ≤ 0.25"), buff=0.25)
        self.play(fade_out(b3), net.animate.set_magnitudes(self.weights(0, "W.grad"), th.gradient),
                  fade_in(b4), fade_out(self.legend), run_time=self.t(0.9))
        self.wait(self.t(3.0))
        self.grad_block = b4
        self.presenter_note(
            say="Backward pass: \u2202L/\u2202a at the output times \u03c3\u2032 gives "
                "\u03b4; the chain rule passes \u03b4 back through the weights, layer by "
                "layer.",
            ask="What is the batch gradient \u2202L/\u2202w of the highlighted weight?",
            answer=f"{grad}: the sum of \u03b4\u00b7a over all {n} samples; the followed "
                   f"sample's output \u03b4 is {delta}.")

    # 3 -------------------------------------------------------------------------------------
    def update_step(self) -> None:
        th, net = self.theme, self.net
        d1, _, d2, _ = self.names
        jj = self.FOCUS + 1

        def mat(layer: str, q: str) -> str:
            r, c = self.array("main", 0, layer, q).shape
            body = " \\\\ ".join(" & ".join(self.num(layer, q, (i, k)) for k in range(c))
                                 for i in range(r))
            return f"\\begin{{bmatrix}} {body} \\end{{bmatrix}}"

        lr = self.num("scalar", "lr", formatter=fmt_auto)
        rule, one, *mats = self.eqs(
            # the learning rate by name, and under its number below
            ["w \\leftarrow w - \\eta\\,\\frac{\\partial L}{\\partial w},",
             "\\quad\\text{learning rate }\\eta =", self.v(lr)],
            [f"w^{{(2)}}_{jj}:", self.v(self.num(d2, "W", (0, self.FOCUS), digits=4)), "-",
             self.v(f"\\underset{{\\eta}}{{{lr}}}"), "\\cdot",
             self.g(self.num(d2, "W.grad", (0, self.FOCUS), digits=4)),
             "=", self.u(self.num(d2, "W.after", (0, self.FOCUS), digits=4))],
            ["W^{(2)}:", self.v(mat(d2, "W"))],
            ["\\to", self.u(mat(d2, "W.after"))],
            ["W^{(1)}:", self.v(mat(d1, "W")), "\\to", self.u(mat(d1, "W.after"))],
            ["L:", self.v(self.num("scalar", "loss", digits=4)), "\\to",
             self.u(self.number("main", self.trace().all_steps[1], "scalar", "loss", digits=4)[1]),
             "\\quad\\text{after one step}"], sizes={0: 42, 2: 34, 3: 34, 4: 34})
        # buff 0.2: the six rows end well above the frame's bottom margin
        block = self.panel(rule, one, self.label("every weight at once (and every bias):", 26),
                           *mats, buff=0.2)
        self.play(self.set_tag("3 · update"), fade_out(self.grad_block), fade_out(self.deltas),
                  fade_in(block[0]), run_time=self.t(0.7))
        self.play(fade_in(block[1]), run_time=self.t(0.7))
        self.wait(self.t(1.8))
        updated = net.copy().set_weights(self.weights(0, "W.after"))
        updated.layers.set_stroke(th.text, width=3)
        self.play(fade_in(block[2:-1]), Transform(net, updated), fade_in(self.legend),
                  run_time=self.t(1.0))
        self.play(fade_in(block[-1]), run_time=self.t(0.8))
        self.wait(self.t(2.3))
        self.update_block = block
        before = self.shown_text(0, "loss")
        after = self.shown_text(self.trace().all_steps[1], "loss")
        lower = self.trace().scalars("loss")[1] < self.trace().scalars("loss")[0]
        self.presenter_note(
            say="Update: every weight and bias moves against its gradient, scaled by the "
                "learning rate \u03b7, all at once.",
            ask="Did this one step lower the batch loss?",
            answer=f"{'Yes' if lower else 'No'}: L goes from {before} to {after} with "
                   f"\u03b7 = {lr}.")

    # 4 -------------------------------------------------------------------------------------
    def training(self) -> None:
        th, tr, net = self.theme, self.trace(), self.net
        last = tr.steps[-1]
        losses = tr.scalars("loss")
        all_steps = np.array(tr.all_steps)
        steps = np.array([s for s in tr.steps if tr.has(s, "eval", "pred")])
        scale = max(float(np.abs(w).max()) for s in (steps[0], last) for w in self.weights(s))

        # the network left, its output over the input plane in the middle, the loss right
        self.play(self.set_tag("4 · training"), fade_out(self.update_block), fade_out(self.chip),
                  fade_out(self.inputs), fade_out(self.hidden_vals), fade_out(self.out_val),
                  fade_out(self.target), fade_out(self.captions), fade_out(self.legend),
                  net.animate.scale(0.6).move_to([-5.35, -0.6, 0]), run_time=self.t(1.0))
        top = 1.6  # the panels' titles, under the room the closing caption takes
        gx, gy = tr.static("eval/grid_x"), tr.static("eval/grid_y")
        shape = (len(gy), len(gx))
        pix = {s: colorize(tr.get(s, "eval", "pred").reshape(shape)[::-1], th.background,
                           th.value, vmin=0.0, vmax=1.0) for s in steps}
        heat = Heatmap(np.zeros(shape), th, height=3.7)
        heat.pixel_array = pix[steps[0]]
        heat.stretch_to_fit_width(heat.height * (gx[-1] - gx[0]) / (gy[-1] - gy[0]))
        heat.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear"])  # a smooth field
        heat.move_to([-0.6, -0.6, 0]).set_z_index(1)  # what moves sits above what does not
        frame = Rectangle(width=heat.width, height=heat.height, stroke_color=th.grid,
                          stroke_width=2).move_to(heat)

        def to_map_all(xy) -> np.ndarray:
            """Input-space points (n, 2) as scene points on the map (n, 3)."""
            xy = np.asarray(xy, dtype=float).reshape(-1, 2)
            out = np.zeros((len(xy), 3))
            out[:, :2] = heat.get_corner(DOWN + LEFT)[:2] + (xy - [gx[0], gy[0]]) * [
                heat.width / (gx[-1] - gx[0]), heat.height / (gy[-1] - gy[0])]
            return out

        def to_map(x: float, y: float) -> np.ndarray:
            return to_map_all([x, y])[0]

        data, labels = tr.static("data/x"), tr.static("data/labels")
        # target 1: filled; target 0: hollow (a ring in the text colour)
        dots = VGroup(*[Dot(to_map(*p), radius=0.12, stroke_width=3, fill_opacity=1,
                            stroke_color=th.background if c else th.text,
                            fill_color=th.text if c else th.background)
                        for p, c in zip(data, labels)]).set_z_index(3)
        ticks = VGroup()
        for val in (0, 1):
            ticks.add(self.label(str(val), 22, th.muted).next_to(to_map(val, gy[0]), DOWN, 0.12))
            ticks.add(self.label(str(val), 22, th.muted).next_to(to_map(gx[0], val), LEFT, 0.12))
        x1, x2, final = self.eqs(
            ["x_1"], ["x_2"],
            ["L =", self.v(self.number("main", last, "scalar", "loss", digits=4,
                                                now=False)[1])],
            size=34)
        ticks.add(x1.next_to(frame, DOWN, buff=0.12), x2.next_to(frame, LEFT, buff=0.4))
        boundary = VMobject(stroke_color=th.text, stroke_width=4).set_z_index(2)
        map_title = self.label("network output a(x₁, x₂)", 26)
        map_title.move_to([heat.get_x(), top, 0])
        map_key = self.note("line: a = 0.5     dots: targets, filled = 1")
        map_key.next_to(ticks, DOWN, buff=0.15)

        y_top = np.ceil(np.nanmax(losses) * 10) / 10
        axes = Axes(x_range=[0, float(all_steps[-1]), 500], y_range=[0, y_top, 0.1],
                    x_length=4.1, y_length=3.7, tips=False, axis_config={"color": th.grid})
        axes.move_to([4.6, -0.6, 0])
        ax_nums = VGroup(
            *[self.label(str(x), 20, th.muted).next_to(axes.c2p(x, 0), DOWN, 0.15)
              for x in range(0, int(all_steps[-1]) + 1, 500)],
            *[self.label(f"{y:.1f}", 20, th.muted).next_to(axes.c2p(0, y), LEFT, 0.12)
              for y in np.arange(0.1, y_top + 1e-9, 0.1)])
        ax_title = self.label("batch loss L", 26).move_to([axes.get_x(), top, 0])
        ax_x = self.note("step").next_to(ax_nums, DOWN, buff=0.1).set_x(axes.get_x())
        full = VMobject(stroke_color=th.value, stroke_width=4)
        full.set_points_as_corners([axes.c2p(s, l) for s, l in zip(all_steps, losses)])
        curve = full.copy().pointwise_become_partial(full, 0, 0)
        marker = Dot(axes.c2p(0, losses[0]), radius=0.08, color=th.active)
        counter = VGroup(self.label("step", 24, th.muted), self.label("0", 24))
        counter.arrange(RIGHT, buff=0.15)
        counter.move_to(axes.c2p(0.55 * all_steps[-1], 0.95 * y_top), aligned_edge=UL)  # 4 digits
        net_title = self.label("weights", 26).move_to([net.get_x(), top, 0])

        self.play(fade_in(Group(heat, frame, dots, ticks, map_title, map_key)),
                  Create(axes), fade_in(ax_nums), fade_in(ax_title), fade_in(ax_x),
                  fade_in(net_title), fade_in(counter),
                  net.animate.set_weights(self.weights(int(steps[0])), scale),
                  run_time=self.t(1.2))

        contours: dict[int, list] = {}
        digits = [self.label(str(d), 24) for d in range(10)]  # steps are typeset from copies
        pitch = 1.1 * max(d.width for d in digits)

        def step_text(step: int) -> VGroup:
            left = counter[0].get_right() + 0.15 * RIGHT
            return VGroup(*[digits[int(c)].copy().move_to(left + (k + 0.5) * pitch * RIGHT)
                            for k, c in enumerate(str(step))]).set_z_index(2)
        current = {"step": None}

        def show_step(step: int) -> None:
            net.set_weights(self.weights(step), scale)
            heat.pixel_array = pix[step]
            if step not in contours:  # the a = 0.5 level of the traced output grid
                z = tr.get(step, "eval", "pred").reshape(shape)
                contours[step] = contour_paths(gx, gy, z, 0.5)
            boundary.clear_points()
            for line in contours[step]:
                pts = to_map_all(line)
                boundary.start_new_path(pts[0])
                boundary.add_points_as_corners(pts[1:])
            counter[1].become(step_text(step))

        def advance(mob, alpha: float) -> None:
            # every frame shows the latest recorded step at or before alpha of the run
            target = alpha * all_steps[-1]
            k = max(int(np.searchsorted(all_steps, target, side="right")) - 1, 0)
            curve.pointwise_become_partial(full, 0, max(k / (len(all_steps) - 1), 1e-6))
            marker.move_to(axes.c2p(all_steps[k], losses[k]))
            step = int(steps[max(np.searchsorted(steps, target, side="right") - 1, 0)])
            if step != current["step"]:
                current["step"] = step
                show_step(step)

        self.add(curve, boundary, marker)
        VGroup(curve, marker, counter).set_z_index(2)
        moving = Group(net.edges, heat, boundary, curve, marker, counter)
        # one linear sweep of 12 s; with --events it pauses its bookkeeping at each event's
        # step (same frames) so the event's badge comes in as the curve passes that step
        cuts = [0.0, *sorted({e.step / all_steps[-1] for e in self.run_events("main")
                              if 0 < e.step < all_steps[-1]} if self.events_on else ()), 1.0]
        for a0, a1 in zip(cuts, cuts[1:]):
            self.play(UpdateFromAlphaFunc(moving, lambda m, a, a0=a0, a1=a1:
                                          advance(m, a0 + a * (a1 - a0))),
                      run_time=self.t(12.0 * (a1 - a0)), rate_func=linear)
            self.reached("main", int(round(a1 * all_steps[-1])))

        # where it ends: the batch's outputs at the last recorded step, next to their points
        xb = self.array("main", last, "batch", "x")
        preds = VGroup()
        for m in range(len(xb)):
            lab = self.label(self.num(self.names[3], "output", (m, 0), step=last), 24)
            lab.add_background_rectangle(color=th.background, opacity=0.8, buff=0.06)
            inwards = UP if xb[m, 1] < 0.5 * (gy[0] + gy[-1]) else DOWN
            preds.add(lab.next_to(to_map(*xb[m]), inwards, buff=0.15).set_z_index(4))
        final.next_to(axes.c2p(all_steps[-1], losses[-1]), UP, buff=0.3).align_to(axes, RIGHT)
        self.play(fade_in(preds), fade_in(final), run_time=self.t(1.0))
        self.wait(self.t(1.0))
        self.takeaway(full)
        self.presenter_note(
            say="Training repeats forward, backward and update; the output map shows the "
                "network learning to separate the XOR points.",
            ask="How does the batch loss go over the training run?",
            answer=self.story_lines[1] or self.story_lines[0][0])

    # 4b: what the loss curve shows ---------------------------------------------------------
    def takeaway(self, full: VMobject) -> None:
        """A caption over the panels (and one under them) saying what the curve shows: a
        plateau at chance, then the fall, when find_plateau's rule finds one."""
        tr, th = self.trace(), self.theme
        chance = float(tr.static("baseline/loss")[0])
        span = find_plateau(tr.scalars("loss"), tr.all_steps, chance)
        top, bottom = self.story_lines = self.story(span)
        cap = VGroup(*[self.label(line, 24) for line in top]).arrange(DOWN, buff=0.12)
        cap.scale_to_fit_width(min(cap.width, WIDE)).next_to(self.title_text, DOWN, buff=0.15)
        cap.set_x(0)
        anims = [fade_in(self.as_caption(cap))]
        if span:  # the plateau's stretch of the curve, marked as what is being talked about
            mark = full.copy().pointwise_become_partial(full, 0,
                                                        span[1] / (len(tr.all_steps) - 1))
            anims.append(Create(mark.set_stroke(th.active, width=7).set_z_index(2)))
        self.play(*anims, run_time=self.t(0.8))
        self.wait(self.t(reading_time(" ".join(top))))
        if bottom:
            low = self.label(bottom, 24)
            low.scale_to_fit_width(min(low.width, WIDE)).to_edge(DOWN, buff=0.25)
            self.play(fade_in(self.as_caption(low)), run_time=self.t(0.6))
            self.wait(self.t(reading_time(bottom)))

    def at(self, pos: int, quantity: str, digits: int = 4) -> str:
        """Text of a per-step scalar at position ``pos`` of the run (recorded as shown);
        quantity "step" is the step's number."""
        step = self.trace().all_steps[pos]
        return self.number("main", step, "scalar", quantity, digits=digits, now=False,
                           formatter=fmt_int if quantity == "step" else None)[1]

    def story(self, span: tuple[int, int] | None) -> tuple[list[str], str | None]:
        """(lines over the panels, the line under them): the plateau and what ends it, or
        that the run stays at chance, or plainly where the loss goes."""
        tr, last = self.trace(), len(self.trace().all_steps) - 1
        chance_text = self.number("main", None, "static", "baseline/loss", (0,))[1]
        chance = float(tr.static("baseline/loss")[0])
        end = f"{self.at(last, 'loss')} by step {self.at(last, 'step')}"
        if abs(tr.scalars("loss")[-1] - chance) <= NEAR * chance:
            return [(f"L is still near {chance_text} at step {self.at(last, 'step')}: "
                     "the loss of one answer for all points."),
                    "This run has not learned XOR."], None
        if span is None:
            return [(f"L goes from {self.at(0, 'loss')} at step {self.at(0, 'step')} "
                     f"to {end}; chance is {chance_text}.")], None
        a, b = span
        since = "until" if a == 0 else f"from step {self.at(a, 'step')} to"
        top = [(f"Plateau: {since} step {self.at(b, 'step')}, L stays near {chance_text}, "
                "the loss of one answer for all points.")]
        top += self.small_gradient(a, b)
        who = "the hidden units' outputs spread apart and " if self.pull_apart(b) else ""
        return top, f"Then {who}L falls to {end}."

    def small_gradient(self, a: int, b: int) -> list[str]:
        """Why the plateau is flat: mid-plateau the gradient is under a quarter of its peak
        after it (else, or when ‖∂L/∂W⁽²⁾‖ was not recorded, nothing is said); "cancel"
        when the samples' terms δₙaₙ of ∂L/∂W⁽²⁾ cancel there."""
        key = f"grad_norm/{self.names[2]}.W"
        g = self.trace().scalars(key)
        if np.isnan(g).all():
            return []
        mid, peak = (a + b) // 2, b + 1 + int(np.nanargmax(g[b + 1:]))
        if not g[mid] <= g[peak] / 4:
            return []
        why = "The samples' terms δ·a cancel" if self.cancel(mid) else "The gradient is small"
        return [(f"{why}: ‖∂L/∂W⁽²⁾‖ = {self.at(mid, key)} at step {self.at(mid, 'step')}, "
                 f"{self.at(peak, key)} at step {self.at(peak, 'step')}.")]

    def recorded(self, pos: int) -> int | None:
        """The last recorded step at or before position ``pos`` with the hidden outputs and
        the output δ's (None: there is none)."""
        tr, (_, a1, _, a2) = self.trace(), self.names
        steps = [s for s in tr.steps if s <= tr.all_steps[pos]
                 and tr.has(s, a1, "output") and tr.has(s, a2, "grad_input")]
        return steps[-1] if steps else None

    def cancel(self, pos: int) -> bool:
        """Whether, at the recorded step nearest before ``pos``, every entry of ∂L/∂W⁽²⁾ =
        Σₙ δₙaₙ is under a tenth of Σₙ |δₙaₙ|: the samples' terms (traced δ's and a's)
        cancel. A check on what the caption says, not a number on screen."""
        step = self.recorded(pos)
        if step is None:
            return False
        _, a1, _, a2 = self.names
        terms = self.array("main", step, a2, "grad_input") * self.array("main", step, a1, "output")
        return bool(np.all(np.abs(terms.sum(0)) <= 0.1 * np.abs(terms).sum(0)))

    def pull_apart(self, b: int) -> bool:
        """Whether the hidden units' outputs over the batch spread (max − min, mean over the
        units) at least twice as wide at the last recorded step as at the plateau's end."""
        tr, layer = self.trace(), self.names[1]
        step, end = self.recorded(b), self.recorded(len(tr.all_steps) - 1)
        if step is None or end is None or end <= step:
            return False
        spread = [np.ptp(self.array("main", s, layer, "output"), axis=0).mean()
                  for s in (step, end)]
        return bool(spread[1] >= 2 * spread[0])
