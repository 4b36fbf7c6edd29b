"""Max and average pooling over NCHW batches (no padding, floor mode, as torch's defaults)."""
from __future__ import annotations

import numpy as np

from nnanim.engine.errors import ShapeError
from nnanim.engine.layer import Layer, pair
from nnanim.engine.registry import LAYERS


def _running_max(values: list, offsets: list, itype) -> tuple[np.ndarray, np.ndarray]:
    """Elementwise max over ``values`` and the offset of the FIRST value reaching it.

    A strict ">" keeps an earlier equal max; offsets (scalars, or fresh arrays we
    may overwrite) increase along the list, so "the offset of the last
    improvement" is simply max(idx, improved · offset): no slow ``np.where``.
    """
    best, idx = values[0], offsets[0]
    if np.ndim(idx) == 0:
        idx = np.full(best.shape, idx, dtype=itype)
    for k, (v, off) in enumerate(zip(values[1:], offsets[1:])):
        upd = np.greater(v, best)
        if k == 0:
            best = np.maximum(best, v)  # fresh: values[0] may be a view of x
        else:
            np.maximum(best, v, out=best)
        np.maximum(idx, upd * off, out=idx)
    return best, idx


class _Pool2D(Layer):
    """Shared parameter checks and window geometry of the pooling layers."""

    def __init__(self, kernel_size, stride=None) -> None:
        super().__init__()
        name = type(self).__name__
        self.kernel_size = pair(kernel_size, "kernel_size", name)
        self.stride = self.kernel_size if stride is None else pair(stride, "stride", name)
        if min(self.kernel_size) <= 0:
            raise ShapeError(f"{name}: kernel_size must be positive, got {kernel_size!r}")
        if min(self.stride) <= 0:
            raise ShapeError(f"{name}: stride must be positive, got {stride!r}")
        self._x_shape: tuple | None = None

    def _check(self, x: np.ndarray) -> tuple[int, int]:
        """Validate x and return (OH, OW) = (⌊(H − kh)/sh⌋ + 1, ⌊(W − kw)/sw⌋ + 1)."""
        name = type(self).__name__
        if x.ndim != 4:
            raise ShapeError(f"{name}: expected input (N, C, H, W), got shape {tuple(x.shape)}")
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        h, w = x.shape[2:]
        if kh > h or kw > w:
            raise ShapeError(f"{name}: kernel {kh}x{kw} is larger than the input {h}x{w}")
        return (h - kh) // sh + 1, (w - kw) // sw + 1

    def _offset(self, i: int, j: int, oh: int, ow: int):
        """Index of the (oh, ow) input entries at kernel offset (i, j) of every window."""
        sh, sw = self.stride
        return (slice(None), slice(None),
                slice(i, i + (oh - 1) * sh + 1, sh), slice(j, j + (ow - 1) * sw + 1, sw))

    @property
    def overlapping(self) -> bool:
        return self.stride[0] < self.kernel_size[0] or self.stride[1] < self.kernel_size[1]

    def describe(self) -> str:
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        s = f"{sh}" if sh == sw else f"{sh}x{sw}"
        return f"{type(self).__name__}(k={kh}x{kw}, s={s})"

    def settings(self) -> dict:
        """Window and step as [h, w] (pooling adds no padding)."""
        return {"kernel_size": list(self.kernel_size), "stride": list(self.stride)}


@LAYERS.register("MaxPool2D", "MaxPooling2D")
class MaxPool2D(_Pool2D):
    """Max over each kh x kw window, windows stepped by ``stride`` (default: kernel_size).

    Shapes
    ------
    x : (N, C, H, W)  ->  y : (N, C, OH, OW),  OH = ⌊(H − kh)/sh⌋ + 1, likewise OW

    Forward
        y[n,c,p,q] = max_{i<kh, j<kw} x[n, c, p·sh + i, q·sw + j]
    Backward (g = dL/dy)
        dL/dx[n,c,p·sh + i*, q·sw + j*] += g[n,c,p,q]
    where (i*, j*) is the FIRST maximum of the window in row-major order (as
    PyTorch), so ties send the whole gradient to one entry; overlapping windows
    (stride < kernel) add up.

    The max is found separably (along W, then along H), one strided slice per
    kernel offset with a strict ">" so the earliest maximum wins; this needs no
    window-last copy and beats ``argmax`` over a (…, kh·kw) axis.

    Attributes
    ----------
    window_argmax : (N, C, OH, OW) int8/int16, i·kw + j of the max inside its window
    argmax : (N, C, OH, OW) int64, flat index into H·W of the max (computed on access)
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        oh, ow = self._check(x)
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        self._x_shape = x.shape
        itype = np.int8 if kh * kw <= 127 else np.int16
        # along W: best[..., h, q] = max_j x[..., h, q·sw + j], col = its first j
        cols = [x[..., j:j + (ow - 1) * sw + 1:sw] for j in range(kw)]
        best, col = _running_max(cols, [itype(j) for j in range(kw)], itype)
        # along H: the same over rows p·sh + i; the offset i·kw + col grows with i
        rows = [(best[:, :, i:i + (oh - 1) * sh + 1:sh], col[:, :, i:i + (oh - 1) * sh + 1:sh]
                 + itype(i * kw)) for i in range(kh)]
        y, self.window_argmax = _running_max([r for r, _ in rows], [c for _, c in rows], itype)
        return y.copy() if kh == kw == 1 else y  # 1x1: y would be a view of x

    @property
    def argmax(self) -> np.ndarray:
        """Flat index into H·W of each window's max, shape (N, C, OH, OW)."""
        (_, kw), (sh, sw) = self.kernel_size, self.stride
        w = self._x_shape[3]
        idx = self.window_argmax.astype(np.int64)
        oh, ow = idx.shape[2:]
        row = np.arange(oh)[:, None] * sh + idx // kw
        colm = np.arange(ow)[None, :] * sw + idx % kw
        return row * w + colm

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        g = np.asarray(grad_out)
        (kh, kw) = self.kernel_size
        oh, ow = g.shape[2:]
        idx = self.window_argmax
        h, w = self._x_shape[2:]
        tiled = self.stride == self.kernel_size and (h, w) == (oh * kh, ow * kw)
        # every entry is written when windows tile x exactly: skip the zero fill
        dx = (np.empty if tiled else np.zeros)(self._x_shape, dtype=g.dtype)
        for k in range(kh * kw):
            sl = self._offset(k // kw, k % kw, oh, ow)
            if self.overlapping:
                dx[sl] += g * (idx == k)
            else:  # each input entry is in one window at most: write, don't add
                np.multiply(g, idx == k, out=dx[sl])
        return dx


@LAYERS.register("AvgPool2D", "AveragePooling2D")
class AvgPool2D(_Pool2D):
    """Mean over each kh x kw window, windows stepped by ``stride`` (default: kernel_size).

    Shapes
    ------
    x : (N, C, H, W)  ->  y : (N, C, OH, OW),  OH = ⌊(H − kh)/sh⌋ + 1, likewise OW

    Forward
        y[n,c,p,q] = 1/(kh·kw) · Σ_{i,j} x[n, c, p·sh + i, q·sw + j]
    Backward (g = dL/dy)
        dL/dx[n,c,p·sh + i, q·sw + j] += g[n,c,p,q] / (kh·kw)   for every i, j
    (overlapping windows add up; entries in no window get 0).
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        if not np.issubdtype(x.dtype, np.floating):
            x = x.astype(np.float64)
        oh, ow = self._check(x)
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        self._x_shape = x.shape
        # separable sum: along W, then along H
        s = x[..., 0:(ow - 1) * sw + 1:sw].copy()
        for j in range(1, kw):
            s += x[..., j:j + (ow - 1) * sw + 1:sw]
        y = s[:, :, 0:(oh - 1) * sh + 1:sh].copy()
        for i in range(1, kh):
            y += s[:, :, i:i + (oh - 1) * sh + 1:sh]
        y *= 1.0 / (kh * kw)
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        (kh, kw) = self.kernel_size
        g = np.asarray(grad_out) * (1.0 / (kh * kw))
        oh, ow = g.shape[2:]
        dx = np.zeros(self._x_shape, dtype=g.dtype)
        for i in range(kh):
            for j in range(kw):
                dx[self._offset(i, j, oh, ow)] += g
        return dx
