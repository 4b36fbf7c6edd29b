"""Matplotlib figures of a trace (``nnanim trace plot``) and of two runs (``trace diff``)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..atomic import atomic_path
from ..trace import Trace
from .compare import loss_parting_step, param_distance
from .events import grad_norm_series


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, out: Path) -> Path:
    """Write ``fig`` to ``out`` atomically (the format follows the suffix) and close it."""
    plt = _pyplot()
    try:
        with atomic_path(out) as tmp:
            fig.savefig(tmp, dpi=110)
    finally:
        plt.close(fig)
    return Path(out)


def plot_trace(trace: Trace, out: Path, hist_steps: list[int] | None = None) -> Path:
    """Loss and accuracy (train and validation), per-layer gradient norms over steps,
    weight histograms at chosen steps, and the learning rate, in one PNG."""
    plt = _pyplot()
    fig, axes = plt.subplots(2, 3, figsize=(15, 8.5))
    (ax_loss, ax_acc, ax_lr), (ax_grad, ax_hist, ax_extra) = axes
    steps = np.array(trace.all_steps)
    loss = trace.scalars("loss")
    ax_loss.plot(steps, loss, lw=0.8, alpha=0.6, label="batch loss")
    if trace.epochs:
        e_steps = [e["steps"] - 1 for e in trace.epochs]
        ax_loss.plot(e_steps, trace.epoch_metric("loss"), "o-", label="train (epoch)")
        if "val_loss" in trace.epochs[0]:
            ax_loss.plot(e_steps, trace.epoch_metric("val_loss"), "s-", label="validation")
        if "accuracy" in trace.epochs[0]:
            ax_acc.plot(e_steps, trace.epoch_metric("accuracy"), "o-", label="train")
            if "val_accuracy" in trace.epochs[0]:
                ax_acc.plot(e_steps, trace.epoch_metric("val_accuracy"), "s-", label="validation")
            ax_acc.legend()
    if not ax_acc.lines:
        ax_acc.text(0.5, 0.5, "no accuracy (not a classification run)", ha="center",
                    va="center", transform=ax_acc.transAxes)
    if np.all(loss[np.isfinite(loss)] > 0):
        ax_loss.set_yscale("log")
    ax_loss.set(title="loss", xlabel="step")
    ax_loss.legend()
    ax_acc.set(title="accuracy", xlabel="step", ylim=(0, 1.02))
    ax_lr.plot(steps, trace.scalars("lr"))
    ax_lr.set(title="learning rate", xlabel="step")
    for key, (s, norms) in grad_norm_series(trace).items():
        ax_grad.plot(s, np.where(norms > 0, norms, np.nan), label=key, lw=1)
    ax_grad.set(title="gradient norm per parameter", xlabel="step", yscale="log")
    if ax_grad.lines:
        ax_grad.legend(fontsize=7)
    weights = [(i["name"], p) for i in trace.layer_info for p in i["params"] if p in ("W", "theta")]
    recorded = trace.steps
    if hist_steps is None and recorded:
        hist_steps = sorted({recorded[0], recorded[len(recorded) // 2], recorded[-1]})
    for s in hist_steps or []:
        vals = [trace.get(s, l, p).ravel() for l, p in weights if trace.has(s, l, p)]
        if vals:
            ax_hist.hist(np.concatenate(vals).astype(np.float64), bins=50, histtype="step",
                         label=f"step {s}")
    ax_hist.set(title="weights (all W) at chosen steps", xlabel="value")
    if ax_hist.patches:
        ax_hist.legend()
    ax_extra.axis("off")
    summary = trace.summary
    lines = [f"run: {trace.config['run']['name']} ({trace.kind})", f"seed: {trace.seed}",
             f"steps: {len(steps)} ({len(recorded)} recorded)"]
    lines += [f"{k}: {v:.4g}" for k, v in summary.items() if isinstance(v, float)]
    ax_extra.text(0.02, 0.98, "\n".join(lines), va="top", family="monospace",
                  transform=ax_extra.transAxes)
    fig.suptitle(str(trace.path))
    fig.tight_layout()
    return _save(fig, out)


def plot_diff(a: Trace, b: Trace, out: Path) -> Path:
    """Both losses over steps (with the step where they part) and per-parameter distance."""
    plt = _pyplot()
    fig, (ax_loss, ax_dist) = plt.subplots(1, 2, figsize=(13, 4.8))
    for t, name in ((a, "A"), (b, "B")):
        ax_loss.plot(t.all_steps, t.scalars("loss"), lw=1, label=f"{name}: {t.path.name}")
    part = loss_parting_step(a, b)
    if part is not None:
        ax_loss.axvline(part, color="gray", ls="--", lw=1)
        ax_loss.text(part, ax_loss.get_ylim()[1], f" part at step {part}", va="top", color="gray")
    ax_loss.set(title="loss", xlabel="step", yscale="log")
    ax_loss.legend()
    for key, (s, d) in param_distance(a, b).items():
        ax_dist.plot(s, d, label=key, lw=1)
    ax_dist.set(title="‖θ_A − θ_B‖ per parameter (after each step)", xlabel="step")
    if ax_dist.lines:
        ax_dist.legend(fontsize=7)
    fig.tight_layout()
    return _save(fig, out)
