"""Backpropagation: a 2-3-1 sigmoid MLP on XOR, one step worked through with the trace's
numbers, then the whole training run fast-forwarded.

    manim -qm scenes/backpropagation.py Backpropagation
"""
from __future__ import annotations

import numpy as np
from manim import (RESAMPLING_ALGORITHMS, DOWN, LEFT, RIGHT, UL, UP, UR, Arrow, Axes, Create, Dot, FadeIn, FadeOut,
                   Group, Indicate, MathTex, Rectangle, ReplacementTransform, ShowPassingFlash,
                   Succession, TransformFromCopy, UpdateFromAlphaFunc, VGroup, VMobject, Write,
                   linear, smooth)

from engine.errors import TraceError
from scenes.base import TraceScene
from scenes.format import fmt_auto
from scenes.mobjects.heatmap import Heatmap, colorize
from scenes.mobjects.network_graph import NetworkGraph
from scenes.mobjects.value_grid import ValueGrid

PANEL_LEFT = 0.2   # formulas live right of this x; the network left of it
PANEL_TOP = 2.75


def _paren(s: str) -> str:
    """A number as a factor: negative numbers in parentheses."""
    return f"({s})" if s.startswith("-") else s


class Backpropagation(TraceScene):
    """Forward pass, chain rule, update and training of the XOR MLP, from one trace.

    Sections: "forward" (one sample's z and a, neuron by neuron, and the batch loss),
    "backward" (δ at the output, the chain rule for one weight with the real numbers, δ
    flowing back, every edge's batch gradient), "update" (w ← w − η ∂L/∂w, old → new),
    "training" (edges, decision boundary and loss over the recorded steps).
    The numbers of one sample are shown; the update uses the batch mean, which the trace's
    gradients already are (the 1/N of the mean loss sits in every δ).
    duration: about 66 s at speed 1.
    """

    runs = {"main": "xor_mlp"}
    trace_kind = "network"
    duration = 66.0
    SAMPLE = 1   # the followed sample: x = (0, 1), target 1
    FOCUS = 1    # the hidden unit whose weight to the output is worked through

    # -- trace ---------------------------------------------------------------------------
    def check_trace(self, role: str, t) -> None:
        info = t.layer_info
        types = [layer["type"] for layer in info]
        if types != ["Dense", "Sigmoid", "Dense", "Sigmoid"]:
            raise TraceError(f"Backpropagation needs a Dense-Sigmoid-Dense-Sigmoid network, "
                             f"got {'-'.join(types) or 'no layers'}")
        w1, w2 = info[0]["params"]["W"], info[2]["params"]["W"]
        if w1[1] != 2 or w2[0] != 1 or not 2 <= w1[0] <= 4:
            raise TraceError(f"Backpropagation needs a 2-H-1 network with H in 2..4, "
                             f"got W shapes {w1} and {w2}")
        if str(t.config.get("loss", {}).get("name", "")).lower() != "mse":
            raise TraceError("Backpropagation explains the MSE loss; this trace uses "
                             f"{t.config.get('loss', {}).get('name')!r}")
        if not t.steps or t.steps[0] != 0 or len(t.all_steps) < 2:
            raise TraceError("Backpropagation needs step 0 recorded and at least 2 steps")
        names = t.layers
        need = [("batch", "x"), ("batch", "y"), ("eval", "pred")]
        need += [(names[k], q) for k in (0, 2) for q in
                 ("input", "W", "b", "W.grad", "W.after", "b.after")]
        need += [(names[k], q) for k in (1, 3) for q in ("output", "grad_output", "grad_input")]
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

    # -- layout helpers ---------------------------------------------------------------------
    def eq(self, *parts, size: float = 32) -> MathTex:
        """MathTex from parts: a str is drawn in the text colour, (tex, colour) in colour."""
        texs = [p[0] if isinstance(p, tuple) else p for p in parts]
        m = MathTex(*texs, font_size=size, color=self.theme.text)
        for sub, p in zip(m, parts):
            if isinstance(p, tuple):
                sub.set_color(p[1])
        return m

    def v(self, s: str) -> tuple[str, str]:
        return s, self.theme.value

    def g(self, s: str) -> tuple[str, str]:
        return s, self.theme.gradient

    def u(self, s: str) -> tuple[str, str]:
        return s, self.theme.update

    def panel(self, *rows, top: float = PANEL_TOP, buff: float = 0.28) -> VGroup:
        """Rows stacked left-aligned in the formula panel (shrunk if wider than it)."""
        group = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=buff)
        room = 7.0 - PANEL_LEFT - 0.15
        if group.width > room:
            group.scale_to_fit_width(room)
        return group.move_to([PANEL_LEFT, top, 0], aligned_edge=UL)

    def set_tag(self, text: str):
        new = self.label(text, 26, self.theme.muted).to_corner(UR, buff=0.4)
        anim = ReplacementTransform(self.tag, new)
        self.tag = new
        return anim

    def flash(self, lines, color: str, backward: bool = False) -> list:
        """A pulse of ``color`` running along each edge (backward: from the output side)."""
        out = []
        for line in lines:
            c = line.copy().set_stroke(color=color, width=7, opacity=1.0)
            if backward:
                c.reverse_points()
            out.append(ShowPassingFlash(c, time_width=0.6))
        return out

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

    def weights(self, step: int, quantity: str = "W") -> list[np.ndarray]:
        return [self.array("main", step, self.names[k], quantity) for k in (0, 2)]

    # 1 -------------------------------------------------------------------------------------
    def forward(self) -> None:
        th, s, d1, a1, d2, a2 = self.theme, self.SAMPLE, *self.names
        title = self.label("Backpropagation", 40).to_corner(UL, buff=0.35)
        self.tag = self.label("1 · forward pass", 26, th.muted).to_corner(UR, buff=0.4)
        net = NetworkGraph((2, self.hidden, 1), th, self.weights(0), width=4.6, height=3.4,
                           radius=0.4, stroke_range=(1.5, 7.0)).move_to([-4.15, -0.1, 0])
        self.net = net
        caps = VGroup(*[self.label(c, 22, th.muted).move_to([net.layer(k).get_x(), -2.75, 0])
                        for k, c in enumerate(["input x", "hidden, σ", "output, σ"])])
        legend = self.label("edge colour: sign of w, width: |w|", 20, th.muted)
        legend.move_to([net.get_x(), -3.3, 0])
        self.play(FadeIn(title), FadeIn(self.tag), Create(net.edges), FadeIn(net.layers),
                  FadeIn(caps), FadeIn(legend), run_time=self.t(1.5))

        # the batch: all four XOR points; we follow one of them
        bx = [[float(self.array("main", 0, "batch", "x")[n, k]) for k in range(2)]
              + [float(self.array("main", 0, "batch", "y")[n, 0])] for n in range(self.n_batch)]
        grid = ValueGrid(np.array(bx), th, cell=0.55, font_size=26)
        for n in range(self.n_batch):  # the grid's texts are these traced numbers
            for k in range(2):
                self.num("batch", "x", (n, k), formatter=fmt_auto)
            self.num("batch", "y", (n, 0), formatter=fmt_auto)
        heads = VGroup(*[self.tex(h, size=30).next_to(grid.square(0, k), UP, buff=0.15)
                         for k, h in enumerate(["x_1", "x_2", "y"])])
        head = self.label(f"the batch: all {self.n_batch} XOR points", 26)
        table = VGroup(head, VGroup(heads, grid)).arrange(DOWN, buff=0.3)
        table.move_to([3.6, 0.4, 0])
        self.play(FadeIn(table), run_time=self.t(0.8))
        frame = grid.window(s, 0, 1, 3)
        follow = self.label("we follow this sample", 24, th.active).next_to(frame, RIGHT, 0.25)
        self.play(Create(frame), FadeIn(follow), run_time=self.t(0.8))
        self.wait(self.t(0.8))
        ins = VGroup(*[net.label_neuron(0, k, self.label(grid.formatter(bx[s][k]), 28, th.value),
                                        None) for k in range(2)])
        self.play(*[TransformFromCopy(grid.texts[s][k], ins[k]) for k in range(2)],
                  run_time=self.t(1.0))
        xs = [self.num("batch", "x", (s, k), formatter=fmt_auto) for k in range(2)]
        ys = self.num("batch", "y", (s, 0), formatter=fmt_auto)
        chip = self.eq("x = (", self.v(xs[0]), ",\\,", self.v(xs[1]), "),\\quad y = ",
                       self.v(ys), size=34)
        chip = self.panel(chip)
        self.play(FadeOut(table), FadeOut(frame), FadeOut(follow), FadeIn(chip),
                  run_time=self.t(0.8))
        self.chip = chip

        # hidden neurons, then the output: z = Σ w·a + b, a = σ(z)
        self.values = ins
        hidden_vals = VGroup()
        block = None
        for j in range(self.hidden):
            w = [self.num(d1, "W", (j, k)) for k in range(2)]
            b = self.num(d1, "b", (j,))
            z = self.num(d1, "output", (s, j))
            a = self.num(a1, "output", (s, j))
            jj = j + 1
            rows = [
                self.eq(f"z^{{(1)}}_{jj}", f"= w_{{{jj}1}} x_1 + w_{{{jj}2}} x_2 + b_{jj}"),
                self.eq("=", self.v(w[0]), "\\cdot", self.v(xs[0]), "+", self.v(_paren(w[1])),
                        "\\cdot", self.v(xs[1]), "+", self.v(b), "=", self.v(z)),
                self.eq(f"a^{{(1)}}_{jj}", f"= \\sigma(z^{{(1)}}_{jj}) =", self.v(a)),
            ]
            new = self.panel(*rows, top=PANEL_TOP - 0.9)
            val = net.label_neuron(1, j, self.label(a, 24, th.value), None)
            hidden_vals.add(val)
            incoming = [net.edge(0, j, k) for k in range(2)]
            self.play(net.neuron(1, j).animate.set_stroke(th.active, width=5),
                      *self.flash(incoming, th.value),
                      FadeIn(new) if block is None else ReplacementTransform(block, new),
                      run_time=self.pace(j, slow=1, first=1.2, rest=0.7))
            self.wait(self.pace(j, slow=1, first=1.5, rest=0.5))
            self.play(TransformFromCopy(new[2][-1], val),
                      net.neuron(1, j).animate.set_stroke(th.text, width=3),
                      run_time=self.pace(j, slow=1, first=0.8, rest=0.5))
            block = new

        ws = [self.num(d2, "W", (0, j)) for j in range(self.hidden)]
        hs = [self.num(a1, "output", (s, j)) for j in range(self.hidden)]
        terms = []
        for j in range(self.hidden):
            terms += ([] if j == 0 else ["+"]) + [self.v(_paren(ws[j])), "\\cdot", self.v(hs[j])]
        z2 = self.num(d2, "output", (s, 0))
        out = self.num(a2, "output", (s, 0))
        rows = [
            self.eq("z^{(2)}", "= \\textstyle\\sum_j w^{(2)}_j a^{(1)}_j + b^{(2)}"),
            self.eq("=", *terms),
            self.eq("+", self.v(self.num(d2, "b", (0,))), "=", self.v(z2)),
            self.eq("a^{(2)}", "= \\sigma(z^{(2)}) =", self.v(out)),
        ]
        new = self.panel(*rows, top=PANEL_TOP - 0.9)
        oval = net.label_neuron(2, 0, self.label(out, 24, th.value), None)
        self.play(net.neuron(2, 0).animate.set_stroke(th.active, width=5),
                  *self.flash(net.edge_layer(1), th.value), ReplacementTransform(block, new),
                  run_time=self.t(1.2))
        self.wait(self.t(1.5))
        self.play(TransformFromCopy(new[3][-1], oval),
                  net.neuron(2, 0).animate.set_stroke(th.text, width=3), run_time=self.t(0.8))
        self.hidden_vals, self.out_val = hidden_vals, oval

        # the loss: the mean over the batch, against the targets
        target = VGroup(self.label("target", 22, th.muted),
                        self.eq("y =", self.v(ys), size=34)).arrange(DOWN, buff=0.1)
        target.next_to(net.neuron(2, 0), RIGHT, buff=0.35)
        outs = [self.num(a2, "output", (n, 0)) for n in range(self.n_batch)]
        tgts = [self.num("batch", "y", (n, 0), formatter=fmt_auto) for n in range(self.n_batch)]
        loss = self.num("scalar", "loss", digits=4)
        n = self.n_batch
        rows = [
            self.eq("L", f"= \\frac{{1}}{{{n}}}\\sum_{{n=1}}^{{{n}}} (a^{{(2)}}_n - y_n)^2",
                    size=34),
            self.eq("a^{(2)} = (", *sum(([self.v(o), ","] for o in outs), [])[:-1], ")",
                    size=28),
            self.eq("y = (", *sum(([self.v(o), ","] for o in tgts), [])[:-1], ")", size=28),
            self.eq("L =", self.v(loss), size=34),
            self.label(f"the loss is the mean over all {n} samples", 22, th.muted),
        ]
        lossblock = self.panel(*rows, top=PANEL_TOP - 0.9, buff=0.22)
        self.play(FadeIn(target), ReplacementTransform(new, lossblock), run_time=self.t(1.0))
        self.wait(self.t(2.0))
        self.target, self.block = target, lossblock

    # 2 -------------------------------------------------------------------------------------
    def backward(self) -> None:
        th, s, net, n = self.theme, self.SAMPLE, self.net, self.n_batch
        d1, a1, d2, a2 = self.names
        j, jj = self.FOCUS, self.FOCUS + 1
        out = self.num(a2, "output", (s, 0))
        ys = self.num("batch", "y", (s, 0), formatter=fmt_auto)
        dLda = self.num(a2, "grad_output", (s, 0), digits=4)
        delta = self.num(a2, "grad_input", (s, 0), digits=4)
        rows = [
            self.eq("\\frac{\\partial L}{\\partial a^{(2)}}", f"= \\frac{{2(a^{{(2)}} - y)}}{{{n}}}",
                    "= \\frac{2(", self.v(out), "-", self.v(ys), f")}}{{{n}}} =", self.g(dLda)),
            self.label(f"the 1/{n} of the mean is in every gradient", 22, th.muted),
            self.eq("\\delta^{(2)} = \\frac{\\partial L}{\\partial z^{(2)}}",
                    "= \\frac{\\partial L}{\\partial a^{(2)}}\\,\\sigma'(z^{(2)})"),
            self.eq("=", self.g(_paren(dLda)), "\\cdot", self.v(out), "(1 -", self.v(out), ") =",
                    self.g(delta)),
            self.label("σ′(z) = a(1 − a) for the logistic σ", 22, th.muted),
        ]
        block = self.panel(*rows, top=PANEL_TOP - 0.9, buff=0.22)
        dlabel = self.eq("\\delta =", self.g(delta), size=30)
        dlabel.next_to(net.neuron(2, 0), DOWN, buff=0.15)
        self.play(self.set_tag("2 · backward pass"), FadeOut(self.block),
                  net.neuron(2, 0).animate.set_stroke(th.gradient, width=5),
                  FadeIn(block[:2]), run_time=self.t(1.0))
        self.wait(self.t(1.5))
        self.play(FadeIn(block[2:]), run_time=self.t(1.0))
        self.play(TransformFromCopy(block[3][-1], dlabel), run_time=self.t(0.8))
        self.wait(self.t(1.5))
        self.deltas = VGroup(dlabel)

        # one weight, hidden unit j -> output: the chain rule with this sample's numbers
        edge = net.edge(1, 0, j)
        h = self.num(a1, "output", (s, j))
        chain = [
            self.eq("\\frac{\\partial L}{\\partial w}", "=",
                    self.g("\\frac{\\partial L}{\\partial a^{(2)}}"), "\\cdot",
                    self.g("\\frac{\\partial a^{(2)}}{\\partial z^{(2)}}"), "\\cdot",
                    self.v("\\frac{\\partial z^{(2)}}{\\partial w}"), size=34),
            self.eq("=", self.g(_paren(dLda)), "\\cdot", self.v(out), "(1 -", self.v(out),
                    ")\\cdot", self.v(h), "\\quad", "\\text{(this sample)}"),
        ]
        terms = []  # δ_n a_n for each sample n, two per row
        for m in range(n):
            dm = self.num(a2, "grad_input", (m, 0), digits=4)
            hm = self.num(a1, "output", (m, j))
            terms.append([self.g(f"({dm})"), self.v(f"({hm})")])
        grad = self.num(d2, "W.grad", (0, j), digits=4)
        sum_rows = []
        for r in range(0, n, 2):
            parts = sum(([("=" if m == 0 else "+"), *terms[m]] for m in range(r, min(r + 2, n))),
                        [])
            sum_rows.append(self.eq(*parts, *(["=", self.g(grad)] if r + 2 >= n else [])))
        batch = [
            self.label(f"the update uses all {n} samples:", 24),
            self.eq("\\frac{\\partial L}{\\partial w}",
                    f"= \\sum_{{n=1}}^{{{n}}} \\delta^{{(2)}}_n\\, a^{{(1)}}_{{{jj},n}}", size=34),
            *sum_rows,
        ]
        wname = self.tex(f"w = w^{{(2)}}_{jj}", size=30, color=th.active)
        wname.next_to(edge, UP, buff=0.05).shift(0.15 * RIGHT)
        b2 = self.panel(*chain, *batch, top=PANEL_TOP - 0.9, buff=0.24)
        self.play(FadeOut(block), edge.animate.set_stroke(th.active, width=7, opacity=1),
                  FadeIn(wname), FadeIn(b2[:1]), run_time=self.t(1.0))
        self.wait(self.t(1.0))
        self.play(FadeIn(b2[1]), Indicate(self.hidden_vals[j], color=th.active),
                  run_time=self.t(1.0))
        self.wait(self.t(2.0))
        self.play(FadeIn(b2[2:]), run_time=self.t(1.0))
        self.wait(self.t(3.0))

        # δ flows back to the hidden layer: Wᵀδ ⊙ σ'(z)
        w = self.num(d2, "W", (0, j))
        dh = self.num(a1, "grad_output", (s, j), digits=4)
        dz = self.num(a1, "grad_input", (s, j), digits=4)
        rows = [
            self.eq(f"\\frac{{\\partial L}}{{\\partial a^{{(1)}}_{jj}}}", "= w\\,\\delta^{(2)} =",
                    self.v(w), "\\cdot", self.g(_paren(delta)), "=", self.g(dh)),
            self.eq(f"\\delta^{{(1)}}_{jj}", f"= \\frac{{\\partial L}}{{\\partial a^{{(1)}}_{jj}}}"
                    f"\\,\\sigma'(z^{{(1)}}_{jj}) =", self.g(_paren(dh)), "\\cdot", self.v(h),
                    "(1 -", self.v(h), ") =", self.g(dz)),
            self.eq("\\delta^{(1)} = (W^{(2)\\top}\\delta^{(2)}) \\odot \\sigma'(z^{(1)})",
                    size=34),
            self.label("every hidden unit at once (this sample)", 22, th.muted),
        ]
        b3 = self.panel(*rows, top=PANEL_TOP - 0.9, buff=0.3)
        hl = VGroup()
        for k in range(self.hidden):
            lab = self.eq("\\delta =", self.g(self.num(a1, "grad_input", (s, k), digits=4)),
                          size=30)
            hl.add(net.label_neuron(1, k, lab, DOWN, buff=0.12))
        self.play(FadeOut(b2), FadeOut(wname),
                  edge.animate.set_stroke(th.gradient, width=7, opacity=1),
                  *self.flash([edge], th.gradient, backward=True),
                  FadeIn(b3[0]), run_time=self.t(1.2))
        self.play(FadeIn(b3[1]), net.neuron(1, j).animate.set_stroke(th.gradient, width=5),
                  run_time=self.t(1.0))
        self.play(TransformFromCopy(b3[1][-1], hl[j]), run_time=self.t(0.8))
        self.wait(self.t(1.5))
        others = [k for k in range(self.hidden) if k != j]
        self.play(FadeIn(b3[2:]), *self.flash(net.edge_layer(1), th.gradient, backward=True),
                  *[FadeIn(hl[k]) for k in others],
                  *[net.neuron(1, k).animate.set_stroke(th.gradient, width=5) for k in others],
                  run_time=self.t(1.5))
        self.wait(self.t(2.0))
        self.deltas.add(*hl)

        # every edge's batch gradient
        g1, g2 = (self.array("main", 0, self.names[k], "W.grad") for k in (0, 2))
        m2 = " & ".join(self.num(d2, "W.grad", (0, k), digits=4) for k in range(self.hidden))
        m1 = " \\\\ ".join(" & ".join(self.num(d1, "W.grad", (r, c), digits=4) for c in range(2))
                           for r in range(self.hidden))
        rows = [
            self.label(f"batch gradients (sum over the {n} samples' δ·a)", 24),
            self.eq("\\frac{\\partial L}{\\partial W^{(2)}} =",
                    self.g(f"\\begin{{bmatrix}} {m2} \\end{{bmatrix}}")),
            self.eq("\\frac{\\partial L}{\\partial W^{(1)}} =",
                    self.g(f"\\begin{{bmatrix}} {m1} \\end{{bmatrix}}")),
            self.label("edge width: |∂L/∂w|. Layer 1's are much smaller:", 22, th.muted),
            self.label("every step back multiplies by σ′ ≤ 0.25", 22, th.muted),
        ]
        b4 = self.panel(*rows, top=PANEL_TOP - 0.9, buff=0.25)
        self.play(FadeOut(b3), net.animate.set_magnitudes([g1, g2], th.gradient),
                  FadeIn(b4), run_time=self.t(1.5))
        self.wait(self.t(3.0))
        self.grad_block = b4

    # 3 -------------------------------------------------------------------------------------
    def update_step(self) -> None:
        th, net = self.theme, self.net
        d1, _, d2, _ = self.names
        j, jj = self.FOCUS, self.FOCUS + 1
        lr = self.num("scalar", "lr")
        w = self.num(d2, "W", (0, j), digits=4)
        gw = self.num(d2, "W.grad", (0, j), digits=4)
        wa = self.num(d2, "W.after", (0, j), digits=4)

        def mat(layer, q, digits=3):
            r, c = self.array("main", 0, layer, q).shape
            body = " \\\\ ".join(" & ".join(self.num(layer, q, (i, k), digits) for k in range(c))
                                 for i in range(r))
            return f"\\begin{{bmatrix}} {body} \\end{{bmatrix}}"

        rows = [
            self.eq("w \\leftarrow w - \\eta\\,\\frac{\\partial L}{\\partial w}", size=38),
            self.eq(f"w^{{(2)}}_{jj}:", self.v(w), "-", self.v(lr), "\\cdot", self.g(_paren(gw)),
                    "=", self.u(wa), size=34),
            self.label("every weight at once (and every bias):", 24),
            self.eq("W^{(2)}:", self.v(mat(d2, "W")), "\\to", self.u(mat(d2, "W.after")),
                    size=30),
            self.eq("W^{(1)}:", self.v(mat(d1, "W")), "\\to", self.u(mat(d1, "W.after")),
                    size=30),
        ]
        block = self.panel(*rows, top=PANEL_TOP - 0.9, buff=0.25)
        self.play(self.set_tag("3 · update"), FadeOut(self.grad_block), FadeOut(self.deltas),
                  FadeIn(block[0]), run_time=self.t(1.0))
        self.play(FadeIn(block[1]), run_time=self.t(1.0))
        self.wait(self.t(1.5))
        for k in range(self.hidden):
            net.neuron(1, k).set_stroke(th.text, width=3)
        net.neuron(2, 0).set_stroke(th.text, width=3)
        self.play(FadeIn(block[2:]), net.animate.set_weights(self.weights(0, "W.after")),
                  run_time=self.t(1.5))
        before = self.num("scalar", "loss", digits=4)
        after = self.number("main", self.trace().all_steps[1], "scalar", "loss", digits=4)[1]
        note = self.eq("L:", self.v(before), "\\to", self.u(after),
                       "\\quad\\text{after one step}", size=32)
        note.next_to(block, DOWN, buff=0.35, aligned_edge=LEFT)
        self.play(FadeIn(note), run_time=self.t(0.8))
        self.wait(self.t(2.5))
        self.update_block = VGroup(block, note)

    # 4 -------------------------------------------------------------------------------------
    def training(self) -> None:
        th, tr, net = self.theme, self.trace(), self.net
        a2 = self.names[3]
        last = tr.steps[-1]
        losses = tr.scalars("loss")
        all_steps = np.array(tr.all_steps)
        steps = [s for s in tr.steps if tr.has(s, "eval", "pred")]
        scale = max(float(np.abs(w).max()) for s in (steps[0], last) for w in self.weights(s))

        # the network on the left, its output over the inputs in the middle, the loss right
        self.play(self.set_tag("4 · training"), FadeOut(self.update_block), FadeOut(self.chip),
                  FadeOut(self.values), FadeOut(self.hidden_vals), FadeOut(self.out_val),
                  FadeOut(self.target), run_time=self.t(0.8))
        gx, gy = tr.static("eval/grid_x"), tr.static("eval/grid_y")
        G = (len(gy), len(gx))
        side = 3.3
        pix = {s: colorize(tr.get(s, "eval", "pred").reshape(G)[::-1], th.background, th.value,
                           vmin=0.0, vmax=1.0) for s in steps}
        heat = Heatmap(np.zeros(G), th, height=side)
        heat.pixel_array = pix[steps[0]]
        heat.stretch_to_fit_width(side * (gx[-1] - gx[0]) / (gy[-1] - gy[0]))
        heat.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear"])  # bilinear: a smooth field, not 41×41 blocks
        heat.move_to([-0.75, -0.35, 0])
        frame = Rectangle(width=heat.width, height=heat.height, stroke_color=th.grid,
                          stroke_width=2).move_to(heat)

        def to_map(x, y):
            return heat.get_corner(DOWN + LEFT) + np.array(
                [(x - gx[0]) / (gx[-1] - gx[0]) * heat.width,
                 (y - gy[0]) / (gy[-1] - gy[0]) * heat.height, 0])

        data, labels = tr.static("data/x"), tr.static("data/labels")
        dots = VGroup(*[Dot(to_map(*p), radius=0.11, stroke_color=th.text, stroke_width=3,
                            fill_color=th.value if c else th.background, fill_opacity=1)
                        for p, c in zip(data, labels)])
        ticks = VGroup()
        for val in (0, 1):
            ticks.add(self.label(str(val), 20, th.muted).next_to(to_map(val, gy[0]), DOWN, 0.12))
            ticks.add(self.label(str(val), 20, th.muted).next_to(to_map(gx[0], val), LEFT, 0.12))
        ticks.add(self.tex("x_1", size=30).next_to(frame, DOWN, buff=0.15))
        ticks.add(self.tex("x_2", size=30).next_to(frame, LEFT, buff=0.35))
        boundary = VMobject(stroke_color=th.text, stroke_width=4)
        map_title = self.label("network output a(x₁, x₂)", 24).next_to(frame, UP, buff=0.2)
        map_key = self.label("white line: a = 0.5   dots: targets (filled = 1)", 18, th.muted)
        map_key.next_to(ticks, DOWN, buff=0.12)

        axes = Axes(x_range=[0, float(all_steps[-1]), 500], y_range=[0, 0.3, 0.1],
                    x_length=4.3, y_length=3.2, tips=False,
                    axis_config={"color": th.grid, "include_numbers": True, "font_size": 20,
                                 "decimal_number_config": {"color": th.muted,
                                                           "num_decimal_places": 0}},
                    y_axis_config={"decimal_number_config": {"color": th.muted,
                                                             "num_decimal_places": 1}})
        axes.move_to([4.45, -0.3, 0])
        ax_title = self.label("batch loss L", 24).next_to(axes, UP, buff=0.2)
        ax_x = self.label("step", 20, th.muted).next_to(axes.x_axis, DOWN, buff=0.45)
        full = VMobject(stroke_color=th.value, stroke_width=3)
        full.set_points_as_corners([axes.c2p(s, l) for s, l in zip(all_steps, losses)])
        curve = full.copy().pointwise_become_partial(full, 0, 0)
        marker = Dot(axes.c2p(0, losses[0]), radius=0.07, color=th.active)
        counter = VGroup(self.label("step", 24, th.muted), self.label("0", 24))
        counter.arrange(RIGHT, buff=0.15).next_to(ax_title, UP, buff=0.2)

        self.play(net.animate.scale(0.62).move_to([-5.45, -0.3, 0]), run_time=self.t(1.0))
        net_title = self.label("weights", 24).next_to(net, UP, buff=0.4)
        net_title.align_to(map_title, UP)
        counter.align_to(map_title, UP).shift(0.55 * UP).set_x(4.45)
        self.play(FadeIn(Group(heat, frame, dots, ticks, map_title, map_key)),
                  Create(axes), FadeIn(ax_title), FadeIn(ax_x), FadeIn(net_title),
                  net.animate.set_weights(self.weights(0), scale), FadeIn(counter),
                  run_time=self.t(1.2))

        digits = {}

        def step_text(step: int):
            if step not in digits:
                digits[step] = self.label(str(step), 24).move_to(counter[1], aligned_edge=LEFT)
            return digits[step]

        lines_cache: dict[int, list] = {}

        def draw_boundary(step: int) -> None:
            from contourpy import contour_generator

            if step not in lines_cache:
                z = tr.get(step, "eval", "pred").reshape(G)
                lines_cache[step] = contour_generator(gx, gy, z).lines(0.5)
            boundary.clear_points()
            for line in lines_cache[step]:
                pts = [to_map(x, y) for x, y in line]
                boundary.start_new_path(pts[0])
                boundary.add_points_as_corners(pts[1:])

        shown = {"step": None}
        recorded = np.array(steps)

        def advance(mob, alpha: float) -> None:
            target = alpha * all_steps[-1]
            step = int(recorded[np.searchsorted(recorded, target, side="right") - 1])
            frac = np.searchsorted(all_steps, target, side="right") / len(all_steps)
            curve.pointwise_become_partial(full, 0, max(frac, 1e-6))
            i = min(int(np.searchsorted(all_steps, target, side="right")), len(all_steps) - 1)
            marker.move_to(axes.c2p(all_steps[i], losses[i]))
            if step == shown["step"]:
                return
            shown["step"] = step
            net.set_weights(self.weights(step), scale)
            heat.pixel_array = pix[step]
            draw_boundary(step)
            counter[1].become(step_text(step))

        self.add(curve, boundary, marker)
        self.play(UpdateFromAlphaFunc(Group(net.edges, heat, curve, marker, boundary, counter),
                                      advance), run_time=self.t(14.0), rate_func=linear)

        # where it ends: the four outputs, read from the last recorded step
        xb = self.array("main", last, "batch", "x")
        preds = VGroup()
        for m in range(len(xb)):
            txt = self.num(a2, "output", (m, 0), step=last)
            lab = self.label(txt, 22, th.text)
            lab.add_background_rectangle(color=th.background, opacity=0.75, buff=0.05)
            side_dir = RIGHT if xb[m, 0] < 0.5 else LEFT  # inwards, inside the map
            preds.add(lab.next_to(to_map(*xb[m]), side_dir, buff=0.18))
        loss_final = self.eq("L =", self.v(self.number("main", last, "scalar", "loss",
                                                       digits=4)[1]), size=32)
        loss_final.next_to(axes.c2p(all_steps[-1], losses[-1]), UP + LEFT, buff=0.25)
        self.play(FadeIn(preds), FadeIn(loss_final), run_time=self.t(1.0))
        self.wait(self.t(3.0))
