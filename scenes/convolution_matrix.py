"""ConvolutionAsMatrix: the same I ∗ K as one sparse (Toeplitz-like) matrix M times the
flattened image: flatten I into x, build M row by row from K's placements, multiply,
fold y back into the output grid.

    manim -qm scenes/convolution_matrix.py ConvolutionAsMatrix
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Arrow, ReplacementTransform,
                   Square, TransformFromCopy, VGroup, Write)

from nnanim.engine.errors import TraceError
from nnanim.scenes.base import TraceScene
from nnanim.scenes.convolution import minus, read_conv, tint_cell
from nnanim.scenes.format import fmt_auto
from nnanim.scenes.mobjects.light_animations import fade_in, fade_out, replace
from nnanim.scenes.mobjects.product_sum import ProductSum
from nnanim.scenes.mobjects.sliding_window import SlidingWindow
from nnanim.scenes.mobjects.sparse_matrix import SparseMatrix
from nnanim.scenes.mobjects.value_grid import ValueGrid

MAX_COLS, MAX_ROWS = 36, 12  # what stays legible at 480p


def sub(n: int) -> str:
    """n as subscript digits: 12 -> "₁₂"."""
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


class ConvolutionAsMatrix(TraceScene):
    """I ∗ K = fold(M · vec(I)), with M built from the traced kernel.

    Sections: "flatten" (I's rows, one after another, become the 25-vector x),
    "build" (row r of M is K's weights placed at the pixels of window position r; zeros
    elsewhere), "multiply" (row · x = the traced output value, row by row into y),
    "fold" (y back into the output grid).
    duration at speed 1: 44 s for conv_deck (M is 9×25), 37 s at stride 2 (4×25).
    """

    title = "Convolution as a matrix product"
    description = ("the same convolution as one sparse matrix times the flattened image")
    runs = {"main": "conv_deck"}
    trace_kind = "layer"
    duration = 44.0

    def check_trace(self, role: str, trace) -> None:
        g = read_conv(trace, "ConvolutionAsMatrix")
        cols = g.channels * g.padded[0] * g.padded[1]
        rows = g.out[0] * g.out[1]
        if cols > MAX_COLS or rows > MAX_ROWS:
            raise TraceError(f"ConvolutionAsMatrix draws M up to {MAX_ROWS}x{MAX_COLS}; this "
                             f"trace needs {rows}x{cols} (use a smaller input)")
        self.conv = g

    def num(self, quantity: str, index: tuple) -> tuple[float, str]:
        return self.number("main", 0, self.conv.layer, quantity, index, formatter=fmt_auto)

    # Why the bring_to_front calls before plays: manim redraws, every frame, each mobject
    # from the first animated one to the end of the scene's list; an animated mobject
    # added early (a caption, the window) would make it redraw all of M's 81 entries.

    # -- layout -------------------------------------------------------------------------------
    def construct(self) -> None:
        self.written: list[str] = []  # the row · x sums on screen, for tests
        self.build()
        self.next_section("flatten")
        self.play(Write(self.title), run_time=self.t(0.8))
        self.play(fade_in(self.top), run_time=self.t(1.0))
        self.flatten()
        self.next_section("build")
        self.build_rows()
        self.next_section("multiply")
        self.multiply()
        self.next_section("fold")
        self.fold()
        self.wait(self.t(3.0))
        g = self.conv
        self.note(say="Fold y back into the output grid: one matrix product gives exactly "
                      "the sliding-window convolution.",
                  ask="What shape does y fold back into?",
                  answer=f"{g.out[0]}×{g.out[1]}, the size of I∗K, with (I∗K)(1,1) = "
                         f"{self.num('output', (0, 0, 0, 0))[1]} in its corner.")

    def build(self) -> None:
        g, th = self.conv, self.theme
        hp, wp = g.padded
        kh, kw = g.kernel
        self.n_rows, self.n_cols = g.out[0] * g.out[1], g.channels * hp * wp
        self.title = self.label("Convolution as one matrix product:  M · vec(I) = vec(I ∗ K)",
                                size=32).to_edge(UP, buff=0.25)

        # the image and kernel, small, for reference (channel by channel)
        self.images, self.kernels = VGroup(), VGroup()
        for c in range(g.channels):
            x = np.array([[self.num("input_padded", (0, c, i, j))[0] for j in range(wp)]
                          for i in range(hp)])
            w = np.array([[self.num("W", (0, c, u, v))[0] for v in range(kw)]
                          for u in range(kh)])
            self.images.add(ValueGrid(x, th, cell=0.36, font_size=20, color=th.value,
                                      formatter=minus))
            self.kernels.add(ValueGrid(w, th, cell=0.36, font_size=20, color=th.weight,
                                       formatter=minus))
        for k in self.kernels:
            k.cells.set_stroke(th.weight, opacity=0.6)
        i_label = self.label("I", size=26, color=th.value)
        k_label = self.label("K", size=26, color=th.weight)
        self.images.arrange(RIGHT, buff=0.25)
        self.kernels.arrange(RIGHT, buff=0.25)
        i_block = VGroup(i_label, self.images).arrange(RIGHT, buff=0.2)
        k_block = VGroup(k_label, self.kernels).arrange(RIGHT, buff=0.2)
        left = VGroup(i_block, k_block).arrange(RIGHT, buff=0.5, aligned_edge=UP)
        left.next_to(self.title, DOWN, buff=0.25).to_edge(LEFT, buff=0.5)
        self.windows = [SlidingWindow(img, g.kernel, th, stride=g.stride, stroke_width=4)
                        .place(0, 0) for img in self.images]

        # x: the flattened image, one column of M per entry
        cw = min(0.4, 12.4 / (self.n_cols + 3))
        flat = np.array([[self.num("input_padded", (0, c, i, j))[0]  # drawn again, recorded
                          for c in range(g.channels) for i in range(hp) for j in range(wp)]])
        self.x_row = ValueGrid(flat, th, cell=cw, font_size=20, color=th.value,
                               formatter=minus)
        self.matrix = SparseMatrix(self.n_rows, self.n_cols, th, cell_w=cw, cell_h=0.38,
                                   group=wp, font_size=20)
        self.matrix.next_to(self.x_row, DOWN, buff=0.15)
        self.y_col = ValueGrid(np.zeros((self.n_rows, 1)), th, cell=0.38, font_size=20,
                               color=th.text, blank=np.ones((self.n_rows, 1), dtype=bool))
        eq = self.tex("=", size=36)
        body = VGroup(VGroup(self.x_row, self.matrix), eq, self.y_col)
        eq.next_to(self.matrix, RIGHT, buff=0.3)
        self.y_col.next_to(eq, RIGHT, buff=0.3).match_y(self.matrix)
        x_name = self.label("x = vec(I)", size=22, color=th.value)
        m_name = VGroup(self.label("M", size=30, color=th.weight),
                        self.label(f"{self.n_rows}×{self.n_cols}", size=18, color=th.muted)) \
            .arrange(DOWN, buff=0.1)
        y_name = self.label("y", size=24)
        x_name.next_to(self.x_row, UP, buff=0.12).align_to(self.x_row, LEFT)
        y_name.next_to(self.y_col, UP, buff=0.12)
        m_name.next_to(self.matrix, LEFT, buff=0.2)
        body.add(x_name, y_name, m_name)
        body.to_edge(LEFT, buff=0.35)
        body.shift((left.get_bottom()[1] - 0.15 - x_name.get_top()[1]) * UP)
        self.names = VGroup(x_name, m_name, y_name)
        self.eq_sign = eq
        if self.matrix.get_bottom()[1] < -3.3:
            raise TraceError("ConvolutionAsMatrix: the image is too tall to draw above M")

        # the output grid, filled at the end by folding y
        self.out_grid = ValueGrid(np.zeros(g.out), th, cell=0.55, font_size=22,
                                  color=th.text, blank=np.ones(g.out, dtype=bool))
        out_name = self.label("I ∗ K", size=24)
        self.out_block = VGroup(out_name, self.out_grid).arrange(DOWN, buff=0.15)
        self.out_block.next_to(self.title, DOWN, buff=0.25).to_edge(RIGHT, buff=0.6)
        self.top = VGroup(left)
        self.caption_box = (left.get_right()[0] + 0.5, self.out_block.get_left()[0] - 0.5,
                            left.get_center()[1])
        self.caption = VGroup()
        self.line_y = self.matrix.get_bottom()[1] - 0.4  # clear of the bottom margin

    def say(self, *lines: str, also=()) -> None:
        """Replace the caption between the reference grids and the output (``also``: more
        animations of that play)."""
        x0, x1, y = self.caption_box
        new = VGroup(*(self.label(s, size=22) for s in lines)).arrange(DOWN, buff=0.12,
                                                                       aligned_edge=LEFT)
        if new.width > x1 - x0:
            new.scale_to_fit_width(x1 - x0)
        new.move_to([(x0 + x1) / 2, y, 0])
        self.bring_to_front(self.caption)  # see front()
        self.play(*replace(self.caption, new), *also, run_time=self.t(0.8))
        self.caption = new

    # -- sections -----------------------------------------------------------------------------
    def flatten(self) -> None:
        """I's rows slide one after another into x."""
        g = self.conv
        hp, wp = g.padded
        self.say("1. Flatten I row by row:", f"x = vec(I) has {self.n_cols} entries")
        self.play(fade_in(self.x_row.cells), fade_in(self.names[0]), run_time=self.t(0.5))
        for c, img in enumerate(self.images):
            for i in range(hp):
                src = VGroup(*(img.texts[i][j] for j in range(wp)))
                dst = VGroup(*(self.x_row.texts[0][c * hp * wp + i * wp + j]
                               for j in range(wp)))
                self.play(TransformFromCopy(src, dst),
                          run_time=self.pace(c * hp + i, slow=2, first=0.7, rest=0.3))
        self.wait(self.t(1.8))  # the caption's 12 words, and the section's last still
        self.note(say="Write the image's rows one after another: I becomes one long "
                      "vector x.",
                  ask="How many entries does x = vec(I) have?",
                  answer=f"{self.n_cols}: every pixel of the {hp}×{wp} "
                         f"{'padded ' if sum(g.pads) else ''}image"
                         f"{f', in {g.channels} channels' if g.channels > 1 else ''}.")

    def placements(self, r: int) -> list[tuple[int, int, int, int, int]]:
        """(column of M, channel, u, v, input index) of K's weights in row r."""
        g = self.conv
        hp, wp = g.padded
        p, q = divmod(r, g.out[1])
        out = []
        for c, win in enumerate(self.windows):
            for n, (i, j) in enumerate(win.cells(p, q)):
                u, v = divmod(n, g.kernel[1])
                out.append((c * hp * wp + i * wp + j, c, u, v, i * wp + j))
        return out

    def build_rows(self) -> None:
        """Row r of M: K's weights where window position r covers the pixel, 0 elsewhere."""
        th = self.theme
        self.say("2. Row r of M = K placed on the", "pixels under window position r;",
                 "every other entry is 0 (blank)")
        self.play(fade_in(self.matrix), fade_in(self.names[1]), fade_in(self.eq_sign),
                  *(fade_in(w) for w in self.windows), run_time=self.t(0.8))
        self.entries: list[list] = []
        marks = VGroup()
        for r in range(self.n_rows):
            p, q = divmod(r, self.conv.out[1])
            cells = []
            for col, c, u, v, _ in self.placements(r):
                wv, wt = self.num("W", (0, c, u, v))
                cells.append((col, c, u, v, self.matrix.entry(r, col, minus(wv), th.weight,
                                                               muted=wv == 0)))
            new_marks = VGroup(*(Square(self.x_row.cell, stroke_width=0)
                                 .set_fill(th.active, opacity=0.35)
                                 .move_to(self.x_row.square(0, col)) for col, *_ in cells))
            run = self.pace(r, slow=2, first=0.9, rest=0.3)
            self.bring_to_front(*self.windows, marks)
            self.play(*(w.slide_to(p, q) for w in self.windows),
                      fade_out(marks), fade_in(new_marks), run_time=run)
            marks = new_marks
            self.play(*(TransformFromCopy(self.kernels[c].texts[u][v], e[1])
                        for _, c, u, v, e in cells),
                      *(fade_in(e[0]) for *_, e in cells),
                      run_time=self.pace(r, slow=2, first=1.2, rest=0.35))
            self.entries.append(cells)
            if r < 2:
                self.wait(self.t(0.5))
        self.bring_to_front(*self.windows, marks)
        self.play(fade_out(marks), *(fade_out(w) for w in self.windows), run_time=self.t(0.4))
        nnz = sum(len(c) for c in self.entries)
        self.say(f"M is sparse: {nnz} of {self.n_rows * self.n_cols} entries hold",
                 "a weight of K, the same K shifted", "along each row (Toeplitz-like)")
        self.wait(self.t(7.0))  # the key caption: 20 words
        self.note(say="Each row of M is the kernel placed where one window position sits; "
                      "everything else in the row is zero.",
                  ask="How many entries of M hold a weight of K?",
                  answer=f"{nnz} of {self.n_rows * self.n_cols}: M is sparse, the same K "
                         "shifted along each row.")

    def multiply(self) -> None:
        """y_r = row r of M · x: the products of the row's placed weights with x."""
        th = self.theme
        g = self.conv
        self.say("3. y = M x: each y is one row of M", "times x (the zeros add nothing)")
        self.play(fade_in(self.y_col), fade_in(self.names[2]), run_time=self.t(0.5))
        bias, bias_t = self.num("b", (0,))
        frame, line = None, None
        out = self.array("main", 0, g.layer, "output")[0, 0]
        lo, hi = float(out.min()), float(out.max())
        for r in range(self.n_rows):
            p, q = divmod(r, g.out[1])
            terms, muted = [], []
            for col, c, u, v, idx in self.placements(r):
                wv, wt = self.num("W", (0, c, u, v))
                _, xt = self.num("input_padded", (0, c, idx // g.padded[1], idx % g.padded[1]))
                terms.append([(wt, th.weight), (xt, th.value)])
                muted.append(wv == 0)
            if bias != 0:
                terms.append([(bias_t, th.weight)])
                muted.append(False)
            yv, yt = self.num("output", (0, 0, p, q))
            new_line = ProductSum(terms, (yt, th.text), th, muted=muted, font_size=24,
                                  prefix=(f"y{sub(r + 1)} = row {r + 1} · x =", th.text))
            if new_line.width > 13.6:
                new_line.scale_to_fit_width(13.6)
            new_line.move_to([0, self.line_y, 0])
            self.written.append(new_line.plain)
            new_frame = self.matrix.row_frame(r)
            cols = VGroup(*(Square(self.x_row.cell, stroke_width=0)
                            .set_fill(th.active, opacity=0.35)
                            .move_to(self.x_row.square(0, col))
                            for col, *_ in self.placements(r)))
            anims = [fade_in(new_frame), fade_in(cols), fade_in(new_line)]
            if frame is not None:
                self.bring_to_front(frame, line)
                anims += [fade_out(frame), fade_out(line)]
            self.play(*anims, run_time=self.pace(r, slow=2, first=1.0, rest=0.3))
            sq = self.y_col.square(r, 0)
            text = self.y_col.make_text(yv).move_to(sq)
            self.play(tint_cell(sq, th, yv, lo, hi),
                      ReplacementTransform(new_line.result_glyphs.copy(), text), fade_out(cols),
                      run_time=self.pace(r, slow=2, first=0.9, rest=0.3))
            self.y_col.texts[r][0] = text
            # the last row stays a second: the section ends on it (fold() clears it)
            self.wait(self.t(1.0) if r == self.n_rows - 1
                      else self.pace(r, slow=2, first=0.6, rest=0.05))
            frame, line = new_frame, new_line
        self.last_row = (frame, line)
        self.note(say="Each entry of y is one row of M times x; the zeros add nothing, so "
                      "it is the window's sum again.",
                  ask="What is y₁, row 1 of M times x?",
                  answer=f"{self.num('output', (0, 0, 0, 0))[1]}, the same value as "
                         "(I∗K)(1,1) from sliding the window.")

    def fold(self) -> None:
        """y's entries go back to their (row, column) in the output grid."""
        th, g = self.theme, self.conv
        self.bring_to_front(*self.last_row)
        self.say(f"4. Fold y back into {g.out[0]}×{g.out[1]}:",
                 "the same I ∗ K as sliding the window",
                 also=[fade_out(m) for m in self.last_row])
        self.play(fade_in(self.out_block), run_time=self.t(0.5))
        out = self.array("main", 0, g.layer, "output")[0, 0]
        lo, hi = float(out.min()), float(out.max())
        tints, moves = [], []
        for r in range(self.n_rows):
            p, q = divmod(r, g.out[1])
            v, _ = self.num("output", (0, 0, p, q))
            sq = self.out_grid.square(p, q)
            text = self.out_grid.make_text(v).move_to(sq)
            self.out_grid.texts[p][q] = text
            tints.append(tint_cell(sq, th, v, lo, hi))
            moves.append(TransformFromCopy(self.y_col.texts[r][0], text))
        anims = tints + moves  # the fills first, so they sit behind the numbers
        arrow = Arrow(self.names[2].get_top(), self.out_grid.get_bottom() + 0.1 * DOWN,
                      color=th.muted, stroke_width=3, buff=0.1)
        self.play(fade_in(arrow), run_time=self.t(0.4))
        self.play(*anims, run_time=self.t(1.6))
