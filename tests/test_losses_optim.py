"""Losses, regularizers, optimizers, schedules, clipping and objectives against torch
and finite differences."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from nnanim.engine import clipping, losses, objectives, optimizers, regularizers, schedules
from nnanim.engine.errors import ConfigError, ShapeError
from nnanim.engine.gradcheck import numerical_grad, relative_error
from nnanim.engine.registry import LOSSES, OPTIMIZERS, SCHEDULES

TOL = 1e-9  # loss values and gradients against torch, float64


def tt(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def away_from(a, points, gap=1e-3):
    """a nudged so that no entry lies within ``gap`` of any kink in ``points``."""
    a = a.copy()
    for p in points:
        near = np.abs(a - p) < gap
        a[near] = p + np.where(a[near] >= p, 1, -1) * 2 * gap
    return a


# ----------------------------------------------------------------------------- losses
def _cases():
    """(id, loss, pred, target, torch loss of (pred tensor, target tensor), fd-safe)."""
    r = np.random.default_rng(0)
    N, C = 7, 4
    x, t = r.normal(size=(N, C)), r.normal(size=(N, C))
    x_mae = x.copy()
    x_mae[0, :2] = t[0, :2]  # d = 0 exactly: subgradient 0, as torch's sign
    d_hub = away_from(x - t, [-1.0, 1.0, -0.5, 0.5]) * 1.5
    p_bce = r.uniform(0.05, 0.95, size=(N, 1))
    y_bce = r.integers(0, 2, size=(N, 1)).astype(float)
    p_edge = np.array([[1e-7], [1 - 1e-7], [1e-30], [1 - 1e-12], [0.5], [1e-3]])
    y_edge = np.array([[1.0], [0.0], [1.0], [1.0], [0.3], [0.0]])  # soft target included
    z = r.normal(scale=3, size=(N, 3))
    z[0] = [40.0, -40.0, 0.0]
    y_soft = r.uniform(size=(N, 3))
    logits = r.normal(scale=2, size=(N, C))
    logits[1] = [1000.0, -1000.0, 999.0, 0.0]  # overflows a naive softmax
    onehot = np.eye(C)[r.integers(0, C, size=N)]
    soft = r.dirichlet(np.ones(C), size=N)
    labels = r.integers(0, C, size=N)
    y_pm = np.where(r.uniform(size=(N, 2)) < 0.5, -1.0, 1.0)
    s_hinge = y_pm * away_from(r.normal(scale=1.5, size=(N, 2)), [1.0])  # margins ≠ 1
    q = r.dirichlet(np.ones(C), size=N)
    p = r.dirichlet(np.ones(C), size=N)
    p[0] = [0.0, 0.5, 0.5, 0.0]  # 0·log 0 = 0
    hinge = lambda a, b: torch.clamp(1 - b * a, min=0).mean()  # noqa: E731
    return [
        ("mse", losses.MSE(), x, t, F.mse_loss, True),
        ("mae", losses.MAE(), x_mae, t, F.l1_loss, False),
        ("mae_fd", losses.MAE(), away_from(x - t, [0.0]) + t, t, F.l1_loss, True),
        ("huber", losses.Huber(), t + d_hub, t, lambda a, b: F.huber_loss(a, b, delta=1.0), True),
        ("huber_0.5", losses.Huber(0.5), t + d_hub, t,
         lambda a, b: F.huber_loss(a, b, delta=0.5), True),
        ("bce", losses.BinaryCrossEntropy(), p_bce, y_bce, F.binary_cross_entropy, True),
        ("bce_soft", losses.BinaryCrossEntropy(), p_bce, r.uniform(size=(N, 1)),
         F.binary_cross_entropy, True),
        ("bce_edge", losses.BinaryCrossEntropy(), p_edge, y_edge, F.binary_cross_entropy, False),
        ("bce_clamped", losses.BinaryCrossEntropy(), np.array([[0.0], [1.0], [0.0]]),
         np.array([[1.0], [0.0], [0.0]]), F.binary_cross_entropy, False),
        ("bce_logits", losses.BinaryCrossEntropy(from_logits=True), z, y_soft,
         F.binary_cross_entropy_with_logits, True),
        ("cce_onehot", losses.CategoricalCrossEntropy(), logits, onehot, F.cross_entropy, False),
        ("cce_soft", losses.CategoricalCrossEntropy(), logits * 0.01, soft, F.cross_entropy, True),
        ("cce_unnormalized", losses.CategoricalCrossEntropy(), logits * 0.01, soft * 2.5,
         F.cross_entropy, True),
        ("sparse_cce", losses.SparseCategoricalCrossEntropy(), logits, labels,
         lambda a, b: F.cross_entropy(a, b.long()), False),
        ("sparse_cce_fd", losses.SparseCategoricalCrossEntropy(), logits * 0.01, labels,
         lambda a, b: F.cross_entropy(a, b.long()), True),
        ("hinge", losses.Hinge(), s_hinge, y_pm, hinge, True),
        ("hinge_kink", losses.Hinge(), np.array([[1.0], [-1.0], [0.2]]),
         np.array([[1.0], [-1.0], [1.0]]), hinge, False),
        ("kl", losses.KLDivergence(), q, p,
         lambda a, b: F.kl_div(a.log(), b, reduction="batchmean"), True),
    ]


CASES = _cases()


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_loss_matches_torch(case):
    _, loss, pred, target, torch_fn, _ = case
    value = loss.forward(pred, target)
    grad = loss.backward()
    tp = tt(pred, grad=True)
    target_t = torch.tensor(target) if np.issubdtype(np.asarray(target).dtype, np.integer) \
        else tt(target)
    ref = torch_fn(tp, target_t)
    ref.backward()
    assert isinstance(value, float)
    assert grad.shape == np.shape(pred) and grad.dtype == np.float64
    assert abs(value - ref.item()) <= TOL * max(1.0, abs(ref.item()))
    ref_grad = tp.grad.numpy()
    assert np.max(np.abs(grad - ref_grad)) <= TOL * max(1.0, np.max(np.abs(ref_grad)))


@pytest.mark.parametrize("case", [c for c in CASES if c[5]], ids=[c[0] for c in CASES if c[5]])
def test_loss_gradient_finite_differences(case):
    _, loss, pred, target, _, _ = case
    pred = np.array(pred, dtype=np.float64)
    loss.forward(pred, target)
    analytic = loss.backward()
    numeric = numerical_grad(lambda: loss.forward(pred, target), pred)
    assert relative_error(analytic, numeric) <= 1e-6


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_loss_float32(case):
    _, loss, pred, target, _, _ = case
    v64 = loss.forward(pred, target)
    g64 = loss.backward()
    tgt = np.asarray(target)
    tgt32 = tgt if np.issubdtype(tgt.dtype, np.integer) else tgt.astype(np.float32)
    v32 = loss.forward(np.asarray(pred, dtype=np.float32), tgt32)
    g32 = loss.backward()
    assert g32.dtype == np.float32 and g32.shape == g64.shape
    if case[0] not in ("bce_edge", "bce_clamped"):  # 1 − 1e-12 is 1 in float32
        assert v32 == pytest.approx(v64, rel=1e-4, abs=1e-6)
        assert np.allclose(g32, g64, rtol=1e-3, atol=1e-5 * np.max(np.abs(g64)))


def test_loss_column_target_and_shape_errors():
    loss = losses.MSE()
    pred = np.arange(4.0).reshape(4, 1)
    assert loss.forward(pred, np.zeros(4)) == pytest.approx(np.mean(pred ** 2))
    assert loss.backward().shape == (4, 1)
    with pytest.raises(ShapeError):
        loss.forward(np.zeros((4, 2)), np.zeros(4))
    with pytest.raises(ShapeError):
        losses.SparseCategoricalCrossEntropy().forward(np.zeros((3, 2)), np.array([0, 1, 2]))
    with pytest.raises(ShapeError):
        losses.CategoricalCrossEntropy().forward(np.zeros(3), np.zeros(3))
    with pytest.raises(ConfigError):
        losses.Hinge().forward(np.zeros((2, 1)), np.array([[0.0], [1.0]]))
    with pytest.raises(ConfigError):
        losses.BinaryCrossEntropy().forward(np.array([[1.5]]), np.array([[1.0]]))
    with pytest.raises(RuntimeError):
        losses.MAE().backward()


def test_kl_is_zero_for_equal_distributions_and_nonnegative():
    r = np.random.default_rng(1)
    p = r.dirichlet(np.ones(5), size=3)
    kl = losses.KLDivergence()
    assert kl.forward(p, p) == pytest.approx(0.0, abs=1e-15)
    assert kl.forward(r.dirichlet(np.ones(5), size=3), p) > 0


LOSS_NAMES = {  # ours, the class name, Keras' names; any case, "_", "-" or spaces
    losses.MSE: ["mse", "MSE", "mean_squared_error", "Mean Squared Error"],
    losses.MAE: ["mae", "MAE", "mean_absolute_error"],
    losses.Huber: ["huber", "Huber"],
    losses.BinaryCrossEntropy: ["bce", "BinaryCrossEntropy", "binary_crossentropy"],
    losses.CategoricalCrossEntropy: ["cce", "categorical_crossentropy", "categorical-crossentropy"],
    losses.SparseCategoricalCrossEntropy: ["sparse_cce", "sparse_categorical_crossentropy",
                                           "SparseCategoricalCrossEntropy"],
    losses.Hinge: ["hinge"],
    losses.KLDivergence: ["kl", "KL", "kl_divergence", "kullback_leibler_divergence",
                          "KLDivergence", "kld"],
}


@pytest.mark.parametrize("cls, name", [(c, n) for c, names in LOSS_NAMES.items() for n in names])
def test_every_loss_name_builds_its_class(cls, name):
    assert type(LOSSES.build(name, "loss")) is cls
    assert type(losses.get_loss(name)) is cls


def test_loss_options_and_kinds():
    assert LOSSES.build("huber", "loss", {"delta": 2.0}).delta == 2.0
    assert losses.get_loss("binary_crossentropy", from_logits=True).from_logits
    classes = {LOSSES.get(n, "loss") for n in LOSSES.names()}
    assert classes == set(LOSS_NAMES)
    assert {c.name for c in classes if c.classification} == {"bce", "cce", "sparse_cce", "hinge"}
    assert {c.name: c.targets for c in classes} == {
        "mse": "column", "mae": "column", "huber": "column", "bce": "column",
        "hinge": "signed", "cce": "onehot", "kl": "onehot", "sparse_cce": "labels"}
    assert {c.name for c in classes if c.softmax} == {"cce", "sparse_cce"}


@pytest.mark.parametrize("name,kw", [("nope", {}), ("huber", {"delta": 0}),
                                     ("huber", {"delta": -1.0}), ("mse", {"delta": 1.0}),
                                     ("bce", {"from_logits": "yes"})])
def test_loss_errors(name, kw):
    with pytest.raises(ConfigError) as e:
        LOSSES.build(name, "loss", kw)
    assert "\n" not in str(e.value)
    if name == "nope":
        assert str(e.value) == ("loss.name: unknown loss 'nope' (valid: bce, cce, hinge, huber, "
                                "kl, mae, mse, sparse_cce)")
    if name == "mse":
        assert str(e.value) == "loss (MSE): unknown field 'delta' (valid: none)"


def test_accuracy():
    logits = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [0.0, 0.0, 1.0], [5.0, 0.0, 0.0]])
    labels = np.array([0, 1, 1, 0])
    assert losses.accuracy(logits, labels) == 0.75
    assert losses.accuracy(logits, np.eye(3)[labels]) == 0.75
    probs = np.array([[0.9], [0.2], [0.6], [0.4]])
    assert losses.accuracy(probs, np.array([[1.0], [0.0], [0.0], [0.0]])) == 0.75
    assert losses.accuracy(probs.ravel(), np.array([1, 0, 1, 0])) == 1.0
    scores = np.array([[0.3], [-2.0], [-0.1]])  # hinge scores, ±1 labels: threshold 0
    assert losses.accuracy(scores, np.array([[1.0], [-1.0], [1.0]])) == pytest.approx(2 / 3)
    bce_logits = losses.BinaryCrossEntropy(from_logits=True)
    assert bce_logits.accuracy(np.array([[0.3], [-0.2]]), np.array([[1.0], [0.0]])) == 1.0


# ------------------------------------------------------------------------ regularizers
def _named(rng, dtype=np.float64):
    return {"dense_0.W": away_from(rng.normal(size=(3, 2)), [0.0]).astype(dtype),
            "dense_0.b": away_from(rng.normal(size=(3,)), [0.0]).astype(dtype),
            "conv_1.W": away_from(rng.normal(size=(2, 1, 2, 2)), [0.0]).astype(dtype),
            "prelu_2.alpha": np.array([0.25], dtype=dtype)}


@pytest.mark.parametrize("cls", [regularizers.L1, regularizers.L2])
@pytest.mark.parametrize("on", [("W",), ("b",), ("dense_0.W",), ("W", "b")])
def test_regularizer_penalty_and_gradient(cls, on):
    params = _named(np.random.default_rng(2))
    reg = cls(0.3, on=on)
    chosen = [k for k in params if any(k == n or k.endswith("." + n) for n in on)]
    f = (np.abs if cls is regularizers.L1 else np.square)
    assert reg.penalty(params) == pytest.approx(0.3 * sum(np.sum(f(params[k])) for k in chosen),
                                                rel=1e-14)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    before = {k: id(v) for k, v in grads.items()}
    reg.add_grad(params, grads)
    for k, p in params.items():
        assert id(grads[k]) == before[k]  # in place
        numeric = numerical_grad(lambda: reg.penalty(params), p)
        assert relative_error(grads[k], numeric) <= 1e-6
        if k in chosen:
            formula = 0.3 * (np.sign(p) if cls is regularizers.L1 else 2 * p)
            assert np.array_equal(grads[k], formula)
        else:
            assert not grads[k].any() and not numeric.any()


def test_regularizer_float32_and_errors():
    params = _named(np.random.default_rng(3), np.float32)
    grads = {k: np.ones_like(v) for k, v in params.items()}
    regularizers.L2(0.1).add_grad(params, grads)
    assert all(g.dtype == np.float32 for g in grads.values())
    for bad in (-1.0, float("nan"), "0.1"):
        with pytest.raises(ConfigError):
            regularizers.L1(bad)
    with pytest.raises(ConfigError):
        regularizers.L2(0.1, on=())
    with pytest.raises(ConfigError):
        regularizers.L2(0.1, on=("w",)).validate(params)
    regularizers.L2(0.1, on="W").validate(params)
    assert isinstance(regularizers.get_regularizer("L1", 0.1), regularizers.L1)
    with pytest.raises(ConfigError):
        regularizers.get_regularizer("l3", 0.1)


# -------------------------------------------------------------------------- optimizers
TORCH_STATE = {"velocity": "momentum_buffer", "square_avg": "square_avg",
               "momentum_buffer": "momentum_buffer", "m": "exp_avg", "v": "exp_avg_sq"}

OPTIMIZER_CASES = [
    ("sgd", dict(lr=0.1), torch.optim.SGD, dict(lr=0.1)),
    ("momentum", dict(lr=0.05, momentum=0.9), torch.optim.SGD, dict(lr=0.05, momentum=0.9)),
    ("nesterov", dict(lr=0.05, momentum=0.9, nesterov=True), torch.optim.SGD,
     dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("sgd_wd", dict(lr=0.1, weight_decay=0.01), torch.optim.SGD, dict(lr=0.1, weight_decay=0.01)),
    ("nesterov_wd", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.05),
     torch.optim.SGD, dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.05)),
    ("rmsprop", dict(lr=0.01), torch.optim.RMSprop, dict(lr=0.01)),
    ("rmsprop_momentum", dict(lr=0.01, alpha=0.9, eps=1e-6, momentum=0.9), torch.optim.RMSprop,
     dict(lr=0.01, alpha=0.9, eps=1e-6, momentum=0.9)),
    ("adam", dict(lr=0.01), torch.optim.Adam, dict(lr=0.01)),
    ("adam_custom", dict(lr=0.1, betas=(0.8, 0.99), eps=1e-6), torch.optim.Adam,
     dict(lr=0.1, betas=(0.8, 0.99), eps=1e-6)),
]


@pytest.mark.parametrize("case", OPTIMIZER_CASES, ids=[c[0] for c in OPTIMIZER_CASES])
def test_optimizer_matches_torch(case):
    name, kw, torch_cls, torch_kw = case
    r = np.random.default_rng(4)
    params = {"dense_0.W": r.normal(size=(3, 4)), "dense_0.b": r.normal(size=(3,))}
    ids = {k: id(v) for k, v in params.items()}
    tparams = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in params.items()}
    cls = optimizers.Adam if torch_cls is torch.optim.Adam else (
        optimizers.RMSprop if torch_cls is torch.optim.RMSprop else optimizers.SGD)
    opt = cls(**kw)
    topt = torch_cls(list(tparams.values()), foreach=False, **torch_kw)
    for step in range(25):
        if step == 12:  # a schedule changing lr between steps
            opt.lr = kw["lr"] * 0.5
            for g in topt.param_groups:
                g["lr"] = kw["lr"] * 0.5
        grads = {k: r.normal(size=v.shape) for k, v in params.items()}
        grads_copy = {k: g.copy() for k, g in grads.items()}
        for k, tp in tparams.items():
            tp.grad = torch.tensor(grads[k])
        topt.step()
        opt.step(params, grads)
        for k, tp in tparams.items():
            assert np.max(np.abs(params[k] - tp.detach().numpy())) <= 1e-12, (name, step, k)
            assert id(params[k]) == ids[k]  # updated in place
            assert np.array_equal(grads[k], grads_copy[k])  # grads untouched
            ours = opt.state_arrays(k)
            assert set(ours) == set(opt.state_names)
            for sname, arr in ours.items():
                ref = topt.state[tp][TORCH_STATE[sname]].numpy()
                assert np.max(np.abs(arr - ref)) <= 1e-12, (name, step, k, sname)
        if isinstance(opt, optimizers.Adam):
            assert opt.t == step + 1 == int(topt.state[tparams["dense_0.W"]]["step"])


def test_optimizer_state_copies_float32_and_names():
    p = {"theta": np.array([1.0, -2.0], dtype=np.float32)}
    for name in ("sgd", "momentum", "nesterov", "rmsprop", "adam"):
        opt = OPTIMIZERS.build(name, "optimizer", {"lr": 0.1})
        assert opt.name == name and opt.state_arrays("theta") == {}
        opt.step(p, {"theta": np.array([0.5, 0.5], dtype=np.float32)})
        assert p["theta"].dtype == np.float32
        for arr in opt.state_arrays("theta").values():
            assert arr.dtype == np.float32
            arr[...] = 99  # a copy: the optimizer's buffer is unaffected
        assert all((a != 99).all() for a in opt.state_arrays("theta").values())
    assert OPTIMIZERS.build("momentum", "optimizer", {"lr": 0.1}).momentum == 0.9
    nest = OPTIMIZERS.build("Nesterov", "optimizer", {"lr": 0.1, "momentum": 0.5})
    assert nest.nesterov and nest.momentum == 0.5
    assert type(nest) is type(OPTIMIZERS.build("SGD", "optimizer", {"lr": 1})) is optimizers.SGD
    assert OPTIMIZERS.build("adam", "optimizer").lr == 0.001
    assert type(OPTIMIZERS.build("RMSProp", "optimizer")) is optimizers.RMSprop
    with pytest.raises(ShapeError):
        optimizers.SGD(0.1).step(p, {"theta": np.zeros(3)})


@pytest.mark.parametrize("name,kw", [
    ("nope", {"lr": 0.1}), ("sgd", {}), ("sgd", {"lr": 0}), ("sgd", {"lr": -0.1}),
    ("sgd", {"lr": float("nan")}), ("momentum", {"lr": 0.1, "momentum": 1.0}),
    ("sgd", {"lr": 0.1, "momentum": -0.1}), ("sgd", {"lr": 0.1, "nesterov": True}),
    ("sgd", {"lr": 0.1, "weight_decay": -1}), ("rmsprop", {"alpha": 1.0}),
    ("rmsprop", {"eps": 0}), ("adam", {"betas": (0.9,)}), ("adam", {"betas": (0.9, 1.0)}),
    ("adam", {"lr": "0.1"}), ("adam", {"momentum": 0.9})])
def test_optimizer_errors(name, kw):
    with pytest.raises(ConfigError) as e:
        OPTIMIZERS.build(name, "optimizer", kw)
    assert "\n" not in str(e.value)
    if kw == {}:
        assert str(e.value) == "optimizer (SGD): missing field 'lr'"


# ------------------------------------------------------------------ clipping, schedules
@pytest.mark.parametrize("max_norm", [0.5, 3.0, 100.0])
def test_clip_by_norm_matches_torch(max_norm):
    r = np.random.default_rng(5)
    grads = {"a.W": r.normal(size=(3, 4)), "a.b": r.normal(size=(3,)), "c.W": r.normal(size=5)}
    tg = [torch.tensor(g.copy(), requires_grad=True) for g in grads.values()]
    for t, g in zip(tg, grads.values()):
        t.grad = torch.tensor(g.copy())
    ref = torch.nn.utils.clip_grad_norm_(tg, max_norm)
    total = clipping.clip_by_norm(grads, max_norm)
    assert total == pytest.approx(ref.item(), rel=1e-14)
    for g, t in zip(grads.values(), tg):
        assert np.max(np.abs(g - t.grad.numpy())) <= 1e-14


@pytest.mark.parametrize("clip_value", [0.1, 1.0])
def test_clip_by_value_matches_torch(clip_value):
    r = np.random.default_rng(6)
    grads = {"a.W": r.normal(size=(3, 4)), "a.b": r.normal(size=3).astype(np.float32)}
    tg = [torch.tensor(g.copy(), requires_grad=True) for g in grads.values()]
    for t, g in zip(tg, grads.values()):
        t.grad = torch.tensor(g.copy())
    torch.nn.utils.clip_grad_value_(tg, clip_value)
    ids = [id(g) for g in grads.values()]
    clipping.clip_by_value(grads, clip_value)
    assert [id(g) for g in grads.values()] == ids and grads["a.b"].dtype == np.float32
    for g, t in zip(grads.values(), tg):
        assert np.array_equal(g, t.grad.numpy())
    with pytest.raises(ConfigError):
        clipping.clip_by_value(grads, 0)
    with pytest.raises(ConfigError):
        clipping.clip_by_norm(grads, -1.0)


def _torch_lrs(make_scheduler, base_lr, n):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base_lr)
    sched = make_scheduler(opt)
    lrs = []
    for _ in range(n):
        lrs.append(sched.get_last_lr()[0])
        opt.step()
        sched.step()
    return np.array(lrs)


@pytest.mark.parametrize("ours,theirs", [
    (schedules.StepDecay(3, 0.5), lambda o: torch.optim.lr_scheduler.StepLR(o, 3, 0.5)),
    (schedules.StepDecay(1, 0.9), lambda o: torch.optim.lr_scheduler.StepLR(o, 1, 0.9)),
    (schedules.ExponentialDecay(0.9), lambda o: torch.optim.lr_scheduler.ExponentialLR(o, 0.9)),
    (schedules.Constant(), lambda o: torch.optim.lr_scheduler.ConstantLR(o, 1.0, 1)),
])
def test_schedules_match_torch(ours, theirs):
    ref = _torch_lrs(theirs, 0.3, 40)
    got = np.array([ours.lr_at(t, 0.3) for t in range(40)])
    assert np.allclose(got, ref, rtol=1e-12, atol=0)


def test_schedule_names():
    s = SCHEDULES.build("step", "schedule", {"step_size": 10, "gamma": 0.5})
    assert isinstance(s, schedules.StepDecay) and s.lr_at(25, 1.0) == 0.25
    for name in ("Exponential", "exponential_decay", "exp", "ExponentialDecay"):
        assert type(SCHEDULES.build(name, "schedule", {"gamma": 0.5})) is schedules.ExponentialDecay
    assert SCHEDULES.build("constant", "schedule").lr_at(7, 0.1) == 0.1
    assert type(SCHEDULES.build("none", "schedule")) is schedules.Constant
    assert SCHEDULES.build("step", "schedule", {"step_size": 2, "per": "step"}).per == "step"
    for name, kw in [("cosine", {}), ("step", {}), ("step", {"step_size": 0}),
                     ("step", {"step_size": 2, "gamma": 0}), ("exponential", {"gamma": 1.5}),
                     ("exponential", {"gamma": 0.5, "per": "batch"}), ("constant", {"gamma": 1})]:
        with pytest.raises(ConfigError) as e:
            SCHEDULES.build(name, "schedule", kw)
        assert "\n" not in str(e.value)


# -------------------------------------------------------------------------- objectives
def _regression_data():
    r = np.random.default_rng(7)
    x = r.uniform(-2, 3, size=30)
    return x, 1.5 * x - 0.7 + r.normal(scale=0.4, size=30)


def _logistic_data():
    r = np.random.default_rng(8)
    x = r.normal(size=40) * 2 + 1
    return x, (r.uniform(size=40) < 1 / (1 + np.exp(-(1.2 * x - 0.5)))).astype(float)


OBJECTIVES = {
    "exp_quadratic": lambda: objectives.ExpQuadratic(),
    "bowl": lambda: objectives.QuadraticBowl(condition=10.0),
    "ravine_rotated_noisy": lambda: objectives.QuadraticBowl(condition=50.0, angle=0.6,
                                                             n_samples=64, noise=0.5, seed=3),
    "rosenbrock": lambda: objectives.Rosenbrock(),
    "linear_regression": lambda: objectives.LinearRegressionLoss(*_regression_data()),
    "logistic_regression": lambda: objectives.LogisticRegressionLoss(*_logistic_data()),
    "slope": lambda: objectives.SlopeLoss(*_regression_data()),
}


@pytest.mark.parametrize("name", OBJECTIVES)
def test_objective_gradient_finite_differences(name):
    obj = OBJECTIVES[name]()
    r = np.random.default_rng(9)
    batches = [None] + ([r.choice(obj.n_samples, 8, replace=False)] if obj.n_samples else [])
    thetas = [obj.default_start] + [obj.default_start + r.normal(size=obj.dim) for _ in range(3)]
    for batch in batches:
        for theta in thetas:
            theta = np.array(theta, dtype=np.float64)
            g = obj.grad(theta, batch)
            assert g.shape == (obj.dim,)
            numeric = numerical_grad(lambda: obj.value(theta, batch), theta)
            assert relative_error(g, numeric) <= 1e-6, (name, theta, batch)


@pytest.mark.parametrize("name", OBJECTIVES)
def test_objective_grid_minimizer_and_float32(name):
    obj = OBJECTIVES[name]()
    assert len(obj.bounds) == obj.dim == len(obj.coords) == obj.default_start.shape[0]
    if obj.dim == 2:
        xs, ys, Z = obj.surface(7, 5)
        assert xs.shape == (7,) and ys.shape == (5,) and Z.shape == (5, 7)
        direct = np.array([[obj.value(np.array([x, y])) for x in xs] for y in ys])
        assert np.allclose(Z, direct, rtol=1e-10, atol=1e-10)
    else:
        xs, fx = obj.curve(9)
        assert np.allclose(fx, [obj.value(np.array([x])) for x in xs], rtol=1e-14)
    if obj.minimizer is not None:
        assert np.linalg.norm(obj.grad(obj.minimizer)) <= 1e-8 * max(1.0, obj.n_samples)
    t32 = obj.default_start.astype(np.float32) + np.float32(0.25)
    g32 = obj.grad(t32)
    assert g32.dtype == np.float32
    assert np.allclose(g32, obj.grad(t32.astype(np.float64)), rtol=1e-4, atol=1e-4)
    assert isinstance(obj.value(t32), float)


@pytest.mark.parametrize("name", OBJECTIVES)
def test_objective_hessian_finite_differences(name):
    """∇²f against central differences of the gradient (itself checked above)."""
    obj = OBJECTIVES[name]()
    r = np.random.default_rng(10)
    batches = [None] + ([r.choice(obj.n_samples, 8, replace=False)] if obj.n_samples else [])
    for batch in batches:
        for theta in [obj.default_start, obj.default_start + r.normal(size=obj.dim)]:
            theta = np.array(theta, dtype=np.float64)
            # central differences of the (exact, tested) gradient give the Hessian's columns
            h = 1e-5
            numeric = np.stack([(obj.grad(theta + h * e, batch) - obj.grad(theta - h * e, batch))
                                / (2 * h) for e in np.eye(obj.dim)], axis=1)
            H = obj.hessian(theta, batch)
            assert H.shape == (obj.dim, obj.dim) and np.allclose(H, H.T)
            assert np.allclose(H, numeric, rtol=1e-5, atol=1e-5 * max(1, np.abs(H).max()))


def test_step_bound_at_the_minimum():
    """2/λ_max: GD with η just below converges, just above diverges (ExpQuadratic: 2/f''(x*))."""
    obj = objectives.ExpQuadratic()
    facts = obj.at_minimum()
    x_star = obj.minimizer[0]
    assert facts["hessian"][0, 0] == pytest.approx(np.exp(-x_star) + 2, rel=1e-12)
    assert facts["max_stable_lr"] == pytest.approx(2 / (np.exp(-x_star) + 2), rel=1e-12)
    assert facts["value"] == pytest.approx(obj.value(obj.minimizer), rel=1e-15)
    for factor, converges in [(0.95, True), (1.05, False)]:
        theta = {"x": obj.minimizer + 1e-3}
        opt = optimizers.SGD(lr=factor * facts["max_stable_lr"])
        with np.errstate(all="ignore"):  # the diverging run overflows on purpose
            for _ in range(400):
                opt.step(theta, {"x": obj.grad(theta["x"])})
        assert (abs(theta["x"][0] - x_star) < 1e-6) == converges, factor
    bowl = objectives.QuadraticBowl(condition=10.0)
    assert bowl.at_minimum()["max_stable_lr"] == pytest.approx(0.2)
    separable = objectives.LogisticRegressionLoss(np.array([-1.0, 1.0]), np.array([0, 1]))
    assert separable.at_minimum() is None


def test_exp_quadratic_gradient_descent_converges():
    obj = objectives.get_objective("exp_quadratic")
    theta = {"x": np.array([-0.5])}
    opt = optimizers.SGD(lr=0.1)
    for _ in range(200):
        opt.step(theta, {"x": obj.grad(theta["x"])})
    assert abs(theta["x"][0] - 0.3517) <= 1e-3
    assert obj.minimizer[0] == pytest.approx(0.351734, abs=1e-6)
    assert obj.value(np.array([0.0])) == 1.0 and obj.grad(np.array([0.0]))[0] == -1.0


def test_linear_regression_matches_deck_formula():
    x, y = _regression_data()
    obj = objectives.LinearRegressionLoss(x, y)
    a, b = 0.4, -1.2
    res = y - (a * x + b)
    assert obj.value(np.array([a, b])) == pytest.approx(np.sum(res ** 2), rel=1e-14)
    assert np.allclose(obj.grad(np.array([a, b])),
                       [np.sum(2 * res * -x), np.sum(2 * res * -1)], rtol=1e-13)
    assert np.allclose(obj.residuals(np.array([a, b])), res)
    batch = np.array([3, 7, 11])
    rb = res[batch]
    assert obj.value(np.array([a, b]), batch) == pytest.approx(np.sum(rb ** 2), rel=1e-14)
    assert np.allclose(obj.grad(np.array([a, b]), batch),
                       [np.sum(-2 * rb * x[batch]), np.sum(-2 * rb)], rtol=1e-13)
    assert np.allclose(obj.minimizer, np.polyfit(x, y, 1), rtol=1e-10)


def test_logistic_regression_matches_torch():
    x, y = _logistic_data()
    obj = objectives.LogisticRegressionLoss(x, y)
    theta = tt([0.7, -0.3], grad=True)
    ref = F.binary_cross_entropy_with_logits(theta[0] * tt(x) + theta[1], tt(y))
    ref.backward()
    assert obj.value(np.array([0.7, -0.3])) == pytest.approx(ref.item(), rel=1e-13)
    assert np.allclose(obj.grad(np.array([0.7, -0.3])), theta.grad.numpy(), rtol=1e-12)
    assert objectives.LogisticRegressionLoss(np.array([-1.0, 1.0]),
                                             np.array([0, 1])).minimizer is None  # separable


def test_noisy_bowl_is_an_average_of_sample_bowls():
    obj = objectives.QuadraticBowl(condition=5.0, angle=0.3, n_samples=20, noise=1.0, seed=1,
                                   center=(1.0, -2.0))
    theta = np.array([0.5, 0.5])
    per_sample = [0.5 * (theta - c) @ obj.A @ (theta - c) for c in obj.centers]
    assert obj.value(theta) == pytest.approx(np.mean(per_sample), rel=1e-13)
    batch = np.array([2, 5, 9])
    per_grad = np.array([obj.A @ (theta - c) for c in obj.centers[batch]])
    assert np.allclose(obj.grad(theta, batch), per_grad.mean(axis=0), rtol=1e-13)
    assert np.allclose(obj.grad(np.array([1.0, -2.0])), 0, atol=1e-13)  # full minimum at c
    assert np.allclose(np.linalg.eigvalsh(obj.A), [1.0, 5.0])
    again = objectives.QuadraticBowl(condition=5.0, angle=0.3, n_samples=20, noise=1.0, seed=1,
                                     center=(1.0, -2.0))
    assert np.array_equal(obj.centers, again.centers)  # seeded


def test_get_objective_names_and_errors():
    x, y = _regression_data()
    assert isinstance(objectives.get_objective("ravine", condition=20), objectives.QuadraticBowl)
    assert isinstance(objectives.get_objective("Rosenbrock"), objectives.Rosenbrock)
    assert isinstance(objectives.get_objective("linear_regression", x=x, y=y),
                      objectives.LinearRegressionLoss)
    assert objectives.get_objective("rosenbrock", start=[0, 0]).default_start.tolist() == [0, 0]
    bad = [("himmelblau", {}), ("quadratic_bowl", {"condition": 0}),
           ("quadratic_bowl", {"n_samples": -1}), ("quadratic_bowl", {"foo": 1}),
           ("rosenbrock", {"b": -1}), ("rosenbrock", {"start": [1, 2, 3]}),
           ("rosenbrock", {"bounds": [[1, 0], [0, 1]]}), ("linear_regression", {}),
           ("linear_regression", {"x": x, "y": y[:-1]}),
           ("logistic_regression", {"x": x, "y": y})]
    for name, kw in bad:
        with pytest.raises(ConfigError) as e:
            objectives.get_objective(name, **kw)
        assert "\n" not in str(e.value)
    with pytest.raises(ShapeError):
        objectives.Rosenbrock().grad(np.zeros(3))


# ---------------------------------------------------------------- input-blind baseline
@pytest.mark.parametrize("name,targets", [
    ("sparse_cce", lambda r: r.choice(3, 50, p=[0.5, 0.3, 0.2])),
    ("cce", lambda r: np.eye(3)[r.choice(3, 50, p=[0.5, 0.3, 0.2])]),
    ("bce", lambda r: (r.uniform(size=(50, 1)) < 0.3).astype(float)),
    ("mse", lambda r: r.normal(size=(50, 1))),
    ("mae", lambda r: r.standard_cauchy(size=(51, 1))),
])
def test_input_blind_baseline_is_the_best_constant(name, targets):
    """No other constant prediction scores a lower loss (checked by nudging each output)."""
    from nnanim.engine.baseline import constant_prediction, input_blind_baseline

    loss = losses.get_loss(name)
    y = targets(np.random.default_rng(11))
    pred = constant_prediction(loss, y, classes=3)
    best = input_blind_baseline(loss, y, loss.classification, classes=3)["loss"]
    assert best == pytest.approx(loss.forward(pred, y))
    for j in range(pred.shape[1]):
        for d in (-0.05, 0.05):
            nudged = pred.copy()
            nudged[:, j] += d
            assert loss.forward(nudged, y) >= best - 1e-12, (j, d)
