"""2-D convolution (cross-correlation, as deep-learning libraries compute it), NCHW."""
from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from nnanim.engine.errors import ShapeError
from nnanim.engine.init import get_initializer
from nnanim.engine.layer import Layer, pair
from nnanim.engine.registry import LAYERS


def conv_output_size(i: int, k: int, s: int = 1, p: int | tuple[int, int] = 0) -> int:
    """Output length of a convolution or pooling along one axis.

        o = ⌊(i + 2p − k) / s⌋ + 1

    ``p`` is the padding on each side, or a ``(before, after)`` pair, in which case
    2p is replaced by before + after (asymmetric "same" padding). Raises
    ``ShapeError`` when s ≤ 0 or the kernel does not fit the padded input.
    """
    total = 2 * p if isinstance(p, (int, np.integer)) else int(p[0]) + int(p[1])
    if s <= 0:
        raise ShapeError(f"stride must be positive, got {s}")
    if k > i + total:
        raise ShapeError(f"kernel {k} is larger than the padded input {i + total}")
    return (i + total - k) // s + 1


def same_padding(i: int, k: int, s: int) -> tuple[int, int]:
    """(before, after) padding so that o = ceil(i / s), extra on the after side.

    total = max((ceil(i/s) − 1)·s + k − i, 0); before = ⌊total/2⌋, after = the rest.
    This is TensorFlow's "SAME", and equals PyTorch's ``padding='same'`` at stride 1.
    """
    total = max((math.ceil(i / s) - 1) * s + k - i, 0)
    return total // 2, total - total // 2


@LAYERS.register()
class Conv2D(Layer):
    """2-D convolution over NCHW batches (cross-correlation, no kernel flip).

    Shapes
    ------
    x : (N, C, H, W)        W : (O, C, kh, kw)        b : (O,)
    y : (N, O, OH, OW)      OH = ⌊(H + pt + pb − kh)/sh⌋ + 1, likewise OW

    Forward (xp = x zero-padded by ``pads`` = (top, bottom, left, right))
        y[n,o,p,q] = b[o] + Σ_{c,i,j} W[o,c,i,j] · xp[n, c, p·sh + i, q·sw + j]
    computed as im2col: the windows of xp (a strided view) are copied once into
    cols (N, C·kh·kw + 1, OH·OW), whose last row is ones, and
    y = [W_mat | b] @ cols, one GEMM per sample (W_mat = W reshaped (O, C·kh·kw)).

    Backward (g = dL/dy)
        dL/db[o]       = Σ_{n,p,q} g[n,o,p,q]
        dL/dW[o,c,i,j] = Σ_{n,p,q} g[n,o,p,q] · xp[n, c, p·sh + i, q·sw + j]
    both as one product Σ_n g[n] @ cols[n]ᵀ (its last column is dL/db), and
        dL/dxp[n,c,p·sh+i, q·sw+j] += Σ_o W[o,c,i,j] · g[n,o,p,q]              (W_matᵀ @ g)
    and dL/dx is dL/dxp with the padding cropped off. The last sum is a col2im:
    one strided slice-add per kernel offset (i, j), no loops over samples/pixels.

    Parameters
    ----------
    kernel_size, stride : int or (h, w)
    padding : int, (ph, pw), (top, bottom, left, right), "valid" (= 0) or "same"
        "same" gives OH = ceil(H / sh); an odd total puts the extra row/column at
        the bottom/right (as PyTorch and TensorFlow do). At stride > 1 the amount
        depends on the input size, so ``pads`` is then resolved at each forward.

    Attributes
    ----------
    kernel_size, stride : (h, w) tuples
    padding : the padding as given, normalized ("same", "valid" or a tuple)
    pads : (top, bottom, left, right) used by the last forward (or known in
        advance; None for stride > 1 "same" before the first forward)
    needs_input_grad : set False on a first layer to skip dL/dx (backward
        then returns None)
    input_grad_rows : K computes dL/dx of the first K samples only (None: all)
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1,
                 padding=0, init: str = "he", rng: np.random.Generator | None = None,
                 dtype=np.float64) -> None:
        super().__init__()
        self.in_channels = int(in_channels)
        self.out_channels = int(out_channels)
        if self.in_channels <= 0 or self.out_channels <= 0:
            raise ShapeError(
                f"Conv2D: channels must be positive, got {in_channels} -> {out_channels}")
        self.kernel_size = pair(kernel_size, "kernel_size", "Conv2D")
        self.stride = pair(stride, "stride", "Conv2D")
        if min(self.kernel_size) <= 0:
            raise ShapeError(f"Conv2D: kernel_size must be positive, got {kernel_size!r}")
        if min(self.stride) <= 0:
            raise ShapeError(f"Conv2D: stride must be positive, got {stride!r}")
        self.padding, self.pads = self._parse_padding(padding)
        self.dtype = np.dtype(dtype)
        self.init = init
        self.needs_input_grad = True
        self.input_grad_rows: int | None = None

        kh, kw = self.kernel_size
        fan_in = self.in_channels * kh * kw
        fan_out = self.out_channels * kh * kw
        w = get_initializer(init)((self.out_channels, self.in_channels, kh, kw),
                                  fan_in, fan_out, rng)
        self.params = {"W": w.astype(self.dtype),
                       "b": np.zeros(self.out_channels, dtype=self.dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._cols: np.ndarray | None = None
        self._xp_shape: tuple | None = None

    # -- padding -----------------------------------------------------------
    def _parse_padding(self, padding):
        if isinstance(padding, str):
            key = padding.lower()
            if key == "valid":
                return "valid", (0, 0, 0, 0)
            if key == "same":
                if self.stride == (1, 1):  # input-independent at stride 1
                    (t, b), (l, r) = (same_padding(1, k, 1) for k in self.kernel_size)
                    return "same", (t, b, l, r)
                return "same", None
            raise ShapeError(
                f"Conv2D: unknown padding {padding!r} (use an int, (ph, pw), 'valid' or 'same')")
        if isinstance(padding, (tuple, list)) and len(padding) == 4:
            pads = tuple(int(p) for p in padding)
            spec = pads
        else:
            ph, pw = pair(padding, "padding", "Conv2D")
            pads, spec = (ph, ph, pw, pw), (ph, pw)
        if min(pads) < 0:
            raise ShapeError(f"Conv2D: padding must be non-negative, got {padding!r}")
        return spec, pads

    def resolve_padding(self, h: int, w: int) -> tuple[int, int, int, int]:
        """(top, bottom, left, right) zero padding applied to an h x w input."""
        if self.padding == "same":
            (t, b), (l, r) = (same_padding(i, k, s) for i, k, s in
                              zip((h, w), self.kernel_size, self.stride))
            return t, b, l, r
        return self.pads

    def pad_input(self, x: np.ndarray) -> np.ndarray:
        """x zero-padded as the forward pass sees it, (N, C, H + pt + pb, W + pl + pr)."""
        x = np.asarray(x, dtype=self.dtype)
        t, b, l, r = self.resolve_padding(x.shape[-2], x.shape[-1])
        if t == b == l == r == 0:
            return x
        # zeros + slice assignment: cheaper than np.pad
        xp = np.zeros(x.shape[:-2] + (x.shape[-2] + t + b, x.shape[-1] + l + r),
                      dtype=x.dtype)
        xp[..., t:t + x.shape[-2], l:l + x.shape[-1]] = x
        return xp

    def output_size(self, h: int, w: int) -> tuple[int, int]:
        """(OH, OW) for an h x w input; ShapeError if the kernel does not fit."""
        t, b, l, r = self.resolve_padding(h, w)
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        if kh > h + t + b or kw > w + l + r:
            raise ShapeError(f"Conv2D: kernel {kh}x{kw} is larger than the padded input "
                             f"{h + t + b}x{w + l + r}")
        return conv_output_size(h, kh, sh, (t, b)), conv_output_size(w, kw, sw, (l, r))

    # -- forward / backward ------------------------------------------------
    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ShapeError(f"Conv2D: expected input (N, C, H, W), got shape {tuple(x.shape)}")
        n, c, h, w = x.shape
        if c != self.in_channels:
            raise ShapeError(
                f"Conv2D: input has {c} channels, layer expects {self.in_channels}")
        oh, ow = self.output_size(h, w)
        self.pads = self.resolve_padding(h, w)
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        xp = self.pad_input(x)
        # (N, C, OH, OW, kh, kw) strided view of every window, no copy yet
        win = sliding_window_view(xp, (kh, kw), axis=(2, 3))[
            :, :, :(oh - 1) * sh + 1:sh, :(ow - 1) * sw + 1:sw]
        # the one copy of the layer: im2col, rows ordered (c, i, j) like W, plus a
        # row of ones so the GEMM also adds b (and backward gets db from it)
        k = c * kh * kw
        cols = np.empty((n, k + 1, oh * ow), dtype=self.dtype)
        np.copyto(cols[:, :k].reshape(n, c, kh, kw, oh, ow), win.transpose(0, 1, 4, 5, 2, 3))
        cols[:, k] = 1
        self._cols, self._xp_shape = cols, xp.shape
        w_ext = np.concatenate([self.params["W"].reshape(self.out_channels, k),
                                self.params["b"][:, None]], axis=1)
        y = w_ext @ cols  # (N, O, OH·OW), one GEMM per sample
        return y.reshape(n, self.out_channels, oh, ow)

    def backward(self, grad_out: np.ndarray) -> np.ndarray | None:
        n, o, oh, ow = grad_out.shape
        g = np.asarray(grad_out, dtype=self.dtype).reshape(n, o, oh * ow)
        # per-sample GEMMs then a contiguous sum (faster here than one einsum); the
        # ones row of cols turns the last column into Σ g = dL/db
        grad_ext = np.sum(g @ self._cols.transpose(0, 2, 1), axis=0)
        k = grad_ext.shape[1] - 1
        self.grads["W"][...] = grad_ext[:, :k].reshape(self.grads["W"].shape)
        self.grads["b"][...] = grad_ext[:, k]
        if not self.needs_input_grad:
            return None

        c = self.in_channels
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        if self.input_grad_rows is not None:
            g = g[:self.input_grad_rows]
            n = len(g)
        dcols = (self.params["W"].reshape(o, k).T @ g).reshape(n, c, kh, kw, oh, ow)
        dxp = np.zeros((n,) + self._xp_shape[1:], dtype=self.dtype)
        for i in range(kh):  # col2im: one strided add per kernel offset
            for j in range(kw):
                dxp[:, :, i:i + (oh - 1) * sh + 1:sh, j:j + (ow - 1) * sw + 1:sw] += \
                    dcols[:, :, i, j]
        t, b, l, r = self.pads
        return dxp[:, :, t:self._xp_shape[2] - b, l:self._xp_shape[3] - r]

    def describe(self) -> str:
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        s = f"{sh}" if sh == sw else f"{sh}x{sw}"
        if isinstance(self.padding, str):
            p = self.padding
        elif len(self.padding) == 2:
            p = f"{self.padding[0]}" if self.padding[0] == self.padding[1] else \
                f"{self.padding[0]}x{self.padding[1]}"
        else:
            p = ",".join(str(v) for v in self.padding)
        return (f"Conv2D({self.in_channels} -> {self.out_channels}, "
                f"k={kh}x{kw}, s={s}, p={p})")

    def settings(self) -> dict:
        """Sizes as [h, w]; ``padding`` the zeros added, [top, bottom, left, right] (None
        for "same" at stride > 1 before the first forward: it depends on the input);
        ``padding_rule`` "same", "valid" or "explicit" (numbers given)."""
        return {"in_channels": self.in_channels, "out_channels": self.out_channels,
                "kernel_size": list(self.kernel_size), "stride": list(self.stride),
                "padding": None if self.pads is None else list(self.pads),
                "padding_rule": self.padding if isinstance(self.padding, str) else "explicit"}
