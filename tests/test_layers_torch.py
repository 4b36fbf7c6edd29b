"""Every layer against PyTorch (torch.float64): forward, input grad and param grads.

Shapes, channels, kernels, strides and paddings are drawn from fixed seeds, so a
failure names its seed and replays exactly.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from nnanim.engine.activations import (ELU, ArcTan, BinaryStep, Identity, LeakyReLU, PReLU, ReLU,
                                       Sigmoid, Softmax, Softplus, Tanh, _Activation)
from nnanim.engine.conv2d import Conv2D, conv_output_size, same_padding
from nnanim.engine.dense import Dense
from nnanim.engine.dropout import Dropout
from nnanim.engine.errors import ConfigError, ShapeError
from nnanim.engine.flatten import Flatten
from nnanim.engine.init import get_initializer, glorot, he, small_uniform
from nnanim.engine.pooling import AvgPool2D, MaxPool2D
from nnanim.engine.registry import LAYERS

torch.set_num_threads(1)
TOL = 1e-9


def _t(a, grad: bool = False) -> torch.Tensor:
    return torch.tensor(np.asarray(a), dtype=torch.float64, requires_grad=grad)


def assert_close(ours, ref, tol: float = TOL, what: str = "") -> None:
    """max |ours − ref| ≤ tol · max(1, max |ref|): absolute for O(1) values,
    relative for the large sums a convolution can produce."""
    ref = ref.detach().numpy() if isinstance(ref, torch.Tensor) else np.asarray(ref)
    ours = np.asarray(ours)
    assert ours.shape == ref.shape, f"{what}: shape {ours.shape} != {ref.shape}"
    scale = max(1.0, float(np.max(np.abs(ref), initial=0.0)))
    err = float(np.max(np.abs(ours - ref), initial=0.0))
    assert err <= tol * scale, f"{what}: max abs diff {err:.3g} (scale {scale:.3g})"


# -- Dense ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(12))
def test_dense_matches_torch(seed):
    rng = np.random.default_rng(seed)
    n, fin, fout = rng.integers(1, 9), rng.integers(1, 30), rng.integers(1, 30)
    layer = Dense(fin, fout, init=["glorot", "he", "small_uniform"][seed % 3], rng=rng)
    layer.params["b"][...] = rng.standard_normal(fout)
    x = rng.standard_normal((n, fin))
    g = rng.standard_normal((n, fout))
    y = layer.forward(x)
    dx = layer.backward(g)

    xt, wt, bt = _t(x, True), _t(layer.params["W"], True), _t(layer.params["b"], True)
    yt = F.linear(xt, wt, bt)
    yt.backward(_t(g))
    assert_close(y, yt, what="y")
    assert_close(dx, xt.grad, what="dx")
    assert_close(layer.grads["W"], wt.grad, what="dW")
    assert_close(layer.grads["b"], bt.grad, what="db")


# -- Conv2D --------------------------------------------------------------------------

PADDINGS = [0, 1, 2, "valid", "same", "pair"]


def _conv_case(seed):
    rng = np.random.default_rng(1000 + seed)
    kh, kw = (int(v) for v in rng.integers(1, 6, 2))
    if seed % 4 == 0:
        kw = kh  # square kernels too, given as an int
    sh, sw = (int(v) for v in rng.integers(1, 4, 2))
    padding = PADDINGS[seed % len(PADDINGS)]
    if padding == "pair":
        padding = (int(rng.integers(0, 3)), int(rng.integers(0, 3)))
    kernel = kh if kh == kw else (kh, kw)
    stride = sh if seed % 3 == 0 else (sh, sw)
    if stride == sh:
        sw = sh
    n, c, o = (int(v) for v in rng.integers(1, 4, 3))
    h = int(rng.integers(kh, kh + 8))
    w = int(rng.integers(kw, kw + 8))
    return rng, dict(n=n, c=c, o=o, kernel=kernel, stride=stride, padding=padding, h=h, w=w,
                     kh=kh, kw=kw, sh=sh, sw=sw)


def _torch_conv(layer, x, g, padding_mode):
    """torch's result for our layer's W, b; 'explicit' pads with F.pad as the layer does."""
    xt = _t(x, True)
    wt, bt = _t(layer.params["W"], True), _t(layer.params["b"], True)
    if padding_mode == "explicit":
        t, b, l, r = layer.pads
        yt = F.conv2d(F.pad(xt, (l, r, t, b)), wt, bt, stride=layer.stride)
    else:
        yt = F.conv2d(xt, wt, bt, stride=layer.stride, padding=padding_mode)
    yt.backward(_t(g))
    return yt, xt.grad, wt.grad, bt.grad


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@pytest.mark.parametrize("seed", range(72))
def test_conv2d_matches_torch(seed):
    rng, cfg = _conv_case(seed)
    layer = Conv2D(cfg["c"], cfg["o"], cfg["kernel"], stride=cfg["stride"],
                   padding=cfg["padding"], init=["he", "glorot"][seed % 2], rng=rng)
    layer.params["b"][...] = rng.standard_normal(cfg["o"])
    x = rng.standard_normal((cfg["n"], cfg["c"], cfg["h"], cfg["w"]))
    y = layer.forward(x)
    g = rng.standard_normal(y.shape)
    dx = layer.backward(g)

    pad = cfg["padding"]
    if pad == "same":
        # output size = ceil(in / stride), whatever the stride
        assert y.shape[2:] == (math.ceil(cfg["h"] / cfg["sh"]), math.ceil(cfg["w"] / cfg["sw"]))
        modes = ["explicit"] + (["same"] if (cfg["sh"], cfg["sw"]) == (1, 1) else [])
    else:
        modes = ["explicit", pad]  # torch's own padding argument too
    for mode in modes:
        yt, dxt, dwt, dbt = _torch_conv(layer, x, g, mode)
        msg = f"{cfg} vs torch padding={mode!r}"
        assert_close(y, yt, what="y " + msg)
        assert_close(dx, dxt, what="dx " + msg)
        assert_close(layer.grads["W"], dwt, what="dW " + msg)
        assert_close(layer.grads["b"], dbt, what="db " + msg)


@pytest.mark.parametrize("k,s,h,w", [(3, 2, 7, 8), (3, 2, 6, 6), (2, 2, 5, 5), (4, 3, 10, 7),
                                     ((1, 4), (2, 3), 9, 11), (5, 2, 4, 4), (3, 3, 1, 2)])
def test_conv2d_same_with_stride(k, s, h, w):
    """stride > 1 'same': torch forbids padding='same', so compare with F.pad + conv;
    an odd total padding puts the extra row/column at the bottom/right."""
    rng = np.random.default_rng(h * 31 + w)
    layer = Conv2D(2, 3, k, stride=s, padding="same", rng=rng)
    layer.params["b"][...] = rng.standard_normal(3)
    x = rng.standard_normal((2, 2, h, w))
    y = layer.forward(x)
    sh, sw = (s, s) if isinstance(s, int) else s
    assert y.shape[2:] == (math.ceil(h / sh), math.ceil(w / sw))
    t, b, l, r = layer.pads
    assert 0 <= b - t <= 1 and 0 <= r - l <= 1
    g = rng.standard_normal(y.shape)
    dx = layer.backward(g)
    yt, dxt, dwt, dbt = _torch_conv(layer, x, g, "explicit")
    assert_close(y, yt, what="y")
    assert_close(dx, dxt, what="dx")
    assert_close(layer.grads["W"], dwt, what="dW")
    assert_close(layer.grads["b"], dbt, what="db")


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
def test_conv2d_same_stride1_asymmetric_matches_torch_same():
    """Even kernel, stride 1: torch's padding='same' puts the extra column right."""
    rng = np.random.default_rng(5)
    layer = Conv2D(1, 2, (2, 4), padding="same", rng=rng)
    assert layer.pads == (0, 1, 1, 2)
    x = rng.standard_normal((1, 1, 5, 6))
    g = rng.standard_normal((1, 2, 5, 6))
    y, dx = layer.forward(x), layer.backward(g)
    yt, dxt, dwt, _ = _torch_conv(layer, x, g, "same")
    assert_close(y, yt)
    assert_close(dx, dxt)
    assert_close(layer.grads["W"], dwt)


@pytest.mark.parametrize("i,k,s,p", [(28, 3, 1, 0), (28, 3, 1, 1), (7, 3, 2, 1), (8, 5, 3, 2),
                                     (5, 5, 1, 0), (10, 4, 3, (1, 2))])
def test_conv_output_size_formula(i, k, s, p):
    o = conv_output_size(i, k, s, p)
    total = 2 * p if isinstance(p, int) else sum(p)
    assert o == (i + total - k) // s + 1
    x = torch.zeros(1, 1, i + total, 1)
    assert F.conv2d(x, torch.zeros(1, 1, k, 1), stride=(s, 1)).shape[2] == o


@pytest.mark.parametrize("i", range(1, 12))
@pytest.mark.parametrize("k,s", [(1, 1), (2, 1), (3, 1), (3, 2), (4, 2), (5, 3)])
def test_same_padding_gives_ceil(i, k, s):
    before, after = same_padding(i, k, s)
    assert after - before in (0, 1)
    assert conv_output_size(i, k, s, (before, after)) == math.ceil(i / s)


# -- Pooling -------------------------------------------------------------------------

POOLS = [(k, s) for k in (2, 3) for s in (1, 2, 3)] + [((2, 3), (1, 2)), ((3, 2), None), (2, None)]


@pytest.mark.parametrize("k,s", POOLS)
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("ties", [False, True])
def test_maxpool_matches_torch(k, s, seed, ties):
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(3, 10)),
             int(rng.integers(3, 10)))
    # ties: few distinct values (and zeros, as after a ReLU), so windows share maxima
    x = (np.maximum(rng.integers(-2, 3, shape), 0).astype(float) if ties
         else rng.standard_normal(shape))
    layer = MaxPool2D(k, s)
    y = layer.forward(x)
    g = rng.standard_normal(y.shape)
    dx = layer.backward(g)

    xt = _t(x, True)
    yt, idx = F.max_pool2d(xt, k, s, return_indices=True)
    yt.backward(_t(g))
    assert_close(y, yt, what="y")
    assert_close(dx, xt.grad, what="dx")  # the first max in row-major order, like torch
    assert np.array_equal(layer.argmax, idx.numpy())
    assert layer.argmax.shape == y.shape


@pytest.mark.parametrize("k,s", POOLS)
@pytest.mark.parametrize("seed", range(3))
def test_avgpool_matches_torch(k, s, seed):
    rng = np.random.default_rng(seed + 10)
    shape = (int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(3, 10)),
             int(rng.integers(3, 10)))
    x = rng.standard_normal(shape)
    layer = AvgPool2D(k, s)
    y = layer.forward(x)
    g = rng.standard_normal(y.shape)
    dx = layer.backward(g)
    xt = _t(x, True)
    yt = F.avg_pool2d(xt, k, s)
    yt.backward(_t(g))
    assert_close(y, yt, what="y")
    assert_close(dx, xt.grad, what="dx")


def test_flatten_matches_torch():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4, 5, 2))
    layer = Flatten()
    y = layer.forward(x)
    g = rng.standard_normal(y.shape)
    xt = _t(x, True)
    yt = torch.flatten(xt, 1)
    yt.backward(_t(g))
    assert_close(y, yt)
    assert_close(layer.backward(g), xt.grad)


# -- Activations ---------------------------------------------------------------------

TORCH_ACT = {
    "Identity": (Identity, lambda t: t * 1),
    "BinaryStep": (BinaryStep, None),
    "Sigmoid": (Sigmoid, torch.sigmoid),
    "Tanh": (Tanh, torch.tanh),
    "ArcTan": (ArcTan, torch.atan),
    "ReLU": (ReLU, F.relu),
    "LeakyReLU": (LeakyReLU, lambda t: F.leaky_relu(t, 0.01)),
    "LeakyReLU(0.2)": (lambda: LeakyReLU(0.2), lambda t: F.leaky_relu(t, 0.2)),
    "ELU": (ELU, F.elu),
    "ELU(0.7)": (lambda: ELU(0.7), lambda t: F.elu(t, 0.7)),
    "Softplus": (Softplus, F.softplus),
    "Softmax": (Softmax, lambda t: F.softmax(t, dim=-1)),
}


def _act_input(rng, shape):
    """Normal values in [-15, 15] with exact zeros sprinkled in (the kinks)."""
    x = np.clip(3 * rng.standard_normal(shape), -15, 15)
    x[rng.random(shape) < 0.15] = 0.0
    return x


def test_every_activation_is_covered():
    registered = {LAYERS.get(n, "test") for n in LAYERS.names()}
    names = {c.__name__ for c in registered if issubclass(c, _Activation)}
    assert len(names) == 11 and names <= {k.split("(")[0] for k in TORCH_ACT} | {"PReLU"}


@pytest.mark.parametrize("name", list(TORCH_ACT))
@pytest.mark.parametrize("shape", [(7, 5), (2, 3, 4, 4)])
def test_activation_matches_torch(name, shape):
    make, tfn = TORCH_ACT[name]
    rng = np.random.default_rng(len(name) * 7 + len(shape))
    x = _act_input(rng, shape)
    layer = make()
    y = layer.forward(x)
    g = rng.standard_normal(y.shape)
    dx = layer.backward(g)
    assert y.dtype == np.float64
    if tfn is None:  # BinaryStep: heaviside forward, no gradient at all
        assert_close(y, torch.heaviside(_t(x), _t(1.0)))
        assert not np.any(dx)
        return
    xt = _t(x, True)
    yt = tfn(xt)
    yt.backward(_t(g))
    assert_close(y, yt, what="y")
    assert_close(dx, xt.grad, what="dx")
    if name != "Softmax":  # the pure f' equals torch's elementwise derivative
        xt2 = _t(x, True)
        tfn(xt2).sum().backward()
        assert_close(layer.derivative(x), xt2.grad, what="derivative")


@pytest.mark.parametrize("init", [0.25, -0.3, 1.7])
def test_prelu_matches_torch_including_alpha_grad(init):
    rng = np.random.default_rng(3)
    x = _act_input(rng, (4, 3, 5))
    layer = PReLU(init)
    assert layer.params["alpha"].shape == (1,)
    y = layer.forward(x)
    g = rng.standard_normal(y.shape)
    dx = layer.backward(g)
    xt, at = _t(x, True), _t([init], True)
    yt = F.prelu(xt, at)
    yt.backward(_t(g))
    assert_close(y, yt, what="y")
    assert_close(dx, xt.grad, what="dx")
    assert_close(layer.grads["alpha"], at.grad, what="dalpha")
    xt2 = _t(x, True)
    F.prelu(xt2, _t([init])).sum().backward()
    assert_close(layer.derivative(x), xt2.grad, what="derivative")


def test_softmax_jacobian_and_derivative():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 5))
    layer = Softmax()
    jac = layer.jacobian(x)
    tjac = torch.func.vmap(torch.func.jacrev(lambda v: F.softmax(v, dim=-1)))(_t(x))
    assert_close(jac, tjac)
    with pytest.raises(NotImplementedError):
        layer.derivative(x)


def test_extreme_inputs_stay_finite():
    x = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    for cls in (Sigmoid, Softplus, ELU, Tanh, ArcTan):
        layer = cls()
        assert np.all(np.isfinite(layer.forward(x))), cls.__name__
        assert np.all(np.isfinite(layer.derivative(x))), cls.__name__
    assert np.all(np.isfinite(Softmax().forward(np.array([[1000.0, -1000.0, 0.0]]))))
    assert Sigmoid().forward(np.array([-700.0]))[0] > 0  # no underflow to 0 before e^-700


# -- float32 -------------------------------------------------------------------------

def test_float32_end_to_end():
    """Params take the dtype given at construction; forward and backward keep it."""
    rng = np.random.default_rng(0)
    f32 = np.float32
    conv = Conv2D(2, 3, 3, stride=2, padding="same", rng=rng, dtype=f32)
    layers = [conv, ReLU(), MaxPool2D(2), AvgPool2D(1), Flatten(), Dropout(0.3, rng=rng),
              Dense(3 * 2 * 2, 4, rng=rng, dtype=f32), PReLU(dtype=f32), ELU(), Softplus(),
              Sigmoid(), Tanh(), LeakyReLU(), ArcTan(), Softmax()]
    x = rng.standard_normal((5, 2, 7, 8)).astype(f32)
    h = x
    for layer in layers:
        h = layer.forward(h)
        assert h.dtype == f32, layer.describe()
    g = rng.standard_normal(h.shape).astype(f32)
    for layer in reversed(layers):
        g = layer.backward(g)
        assert g.dtype == f32, layer.describe()
        for k, v in layer.grads.items():
            assert v.dtype == f32 and layer.params[k].dtype == f32, layer.describe()
    assert g.shape == x.shape


@pytest.mark.parametrize("make,torch_fn", [
    (lambda rng: Dense(6, 4, rng=rng, dtype=np.float32), "linear"),
    (lambda rng: Conv2D(2, 3, 3, padding=1, rng=rng, dtype=np.float32), "conv"),
])
def test_float32_matches_torch_float32(make, torch_fn):
    rng = np.random.default_rng(1)
    layer = make(rng)
    shape = (4, 6) if torch_fn == "linear" else (3, 2, 6, 5)
    x = rng.standard_normal(shape).astype(np.float32)
    y = layer.forward(x)
    g = rng.standard_normal(y.shape).astype(np.float32)
    dx = layer.backward(g)
    xt = torch.tensor(x, requires_grad=True)
    wt = torch.tensor(layer.params["W"], requires_grad=True)
    bt = torch.tensor(layer.params["b"], requires_grad=True)
    yt = F.linear(xt, wt, bt) if torch_fn == "linear" else F.conv2d(xt, wt, bt, padding=1)
    yt.backward(torch.tensor(g))
    for ours, ref in [(y, yt), (dx, xt.grad), (layer.grads["W"], wt.grad)]:
        assert ours.dtype == np.float32
        assert_close(ours, ref, tol=1e-5)


def test_float64_input_to_float32_layer_is_cast():
    layer = Dense(3, 2, dtype=np.float32)
    assert layer.forward(np.ones((1, 3))).dtype == np.float32


# -- initializers --------------------------------------------------------------------

def test_initializers_match_torch_fans_and_scales():
    rng = np.random.default_rng(0)
    conv = Conv2D(4, 6, 5, init="glorot", rng=rng)
    fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(6, 4, 5, 5))
    bound = math.sqrt(6 / (fan_in + fan_out))  # torch.nn.init.xavier_uniform_
    assert np.abs(conv.params["W"]).max() <= bound
    assert np.abs(conv.params["W"]).max() > 0.9 * bound
    w = he((400, 500), fan_in=500, rng=rng)  # torch.nn.init.kaiming_normal_ std
    assert abs(w.std() / math.sqrt(2 / 500) - 1) < 0.01
    assert abs(glorot((300, 300), 300, 300, rng).std() / math.sqrt(2 / 600) - 1) < 0.02
    assert np.abs(small_uniform((50, 50), rng, scale=0.05)).max() <= 0.05
    assert np.array_equal(he((3, 3), 3, None), he((3, 3), 3, None))  # rng=None is seed 0
    assert np.array_equal(Dense(3, 2).params["W"], Dense(3, 2).params["W"])
    with pytest.raises(ConfigError, match="unknown initializer"):
        get_initializer("orthogonal")


# -- errors --------------------------------------------------------------------------

@pytest.mark.parametrize("build,use,match", [
    (lambda: Conv2D(1, 1, 3, stride=0), None, "stride must be positive"),
    (lambda: Conv2D(1, 1, 3, stride=(1, -2)), None, "stride must be positive"),
    (lambda: Conv2D(1, 1, 0), None, "kernel_size must be positive"),
    (lambda: Conv2D(1, 1, (3, 3, 3)), None, "kernel_size must be an int"),
    (lambda: Conv2D(1, 1, 3, padding="full"), None, "unknown padding 'full'"),
    (lambda: Conv2D(1, 1, 3, padding=-1), None, "padding must be non-negative"),
    (lambda: Conv2D(0, 1, 3), None, "channels must be positive"),
    (lambda: Conv2D(1, 1, 3), (1, 1, 2, 2),
     r"^Conv2D: kernel 3x3 is larger than the padded input 2x2$"),
    (lambda: Conv2D(1, 1, (5, 2), padding=1), (1, 1, 2, 2),
     r"^Conv2D: kernel 5x2 is larger than the padded input 4x4$"),
    (lambda: Conv2D(3, 1, 3), (1, 2, 5, 5), "input has 2 channels, layer expects 3"),
    (lambda: Conv2D(1, 1, 3), (5, 5), r"expected input \(N, C, H, W\)"),
    (lambda: MaxPool2D(0), None, "kernel_size must be positive"),
    (lambda: MaxPool2D(2, stride=0), None, "stride must be positive"),
    (lambda: MaxPool2D(3), (1, 1, 2, 4), "MaxPool2D: kernel 3x3 is larger than the input 2x4"),
    (lambda: AvgPool2D(2, stride=-1), None, "stride must be positive"),
    (lambda: AvgPool2D((1, 5)), (1, 1, 4, 4), "AvgPool2D: kernel 1x5 is larger"),
    (lambda: Dense(3, 2), (4, 4), r"Dense: expected input \(N, 3\)"),
    (lambda: Dropout(1.0), None, r"Dropout: p must be in \[0, 1\)"),
    (lambda: Dropout(-0.1), None, r"Dropout: p must be in \[0, 1\)"),
    (lambda: Flatten(), (3,), "Flatten: expected input"),
])
def test_shape_errors_are_one_line(build, use, match):
    with pytest.raises(ShapeError, match=match) as info:
        layer = build()
        layer.forward(np.zeros(use))
    assert "\n" not in str(info.value)


def test_describe_one_liners():
    assert Dense(784, 128).describe() == "Dense(784 -> 128)"
    assert Conv2D(1, 8, 3, padding="same").describe() == "Conv2D(1 -> 8, k=3x3, s=1, p=same)"
    assert Conv2D(3, 4, (2, 3), stride=(2, 1), padding=(1, 0)).describe() == \
        "Conv2D(3 -> 4, k=2x3, s=2x1, p=1x0)"
    assert MaxPool2D(2).describe() == "MaxPool2D(k=2x2, s=2)"
    assert AvgPool2D(3, stride=1).describe() == "AvgPool2D(k=3x3, s=1)"
    assert Flatten().describe() == "Flatten()"
    assert Dropout(0.5).describe() == "Dropout(p=0.5)"
    assert PReLU().describe() == "PReLU(alpha=0.25)"
    assert ReLU().describe() == "ReLU"
