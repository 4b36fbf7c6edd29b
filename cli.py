"""nnanim: train and record networks, inspect traces, render lecture scenes.

Heavy modules (numpy-based engine, manim) are imported inside commands, so
``nnanim --help`` answers fast.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

__version__ = "0.1.0"

ASSETS = Path(__file__).resolve().parent / "assets"
CONFIGS = ASSETS / "configs"


def resolve_config(name: str) -> Path:
    """A config path, or the name of a bundled config (``xor_mlp`` -> assets/configs/xor_mlp.toml)."""
    p = Path(name)
    if p.exists() or p.suffix == ".toml":
        return p
    bundled = CONFIGS / f"{name}.toml"
    return bundled if bundled.exists() else p


def default_trace_path(config: Path) -> Path:
    return Path("runs") / f"{config.stem}.trace"


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"nnanim: error: {message}", err=True)
    sys.exit(code)


class NnanimGroup(click.Group):
    """Turns user errors (bad options, bad configs, corrupt traces) into one line, exit 2."""

    def main(self, args=None, prog_name=None, **kwargs):
        from engine.errors import NnanimError

        try:
            return super().main(args=args, prog_name=prog_name or "nnanim",
                                standalone_mode=False, **kwargs)
        except click.exceptions.Exit as e:
            sys.exit(e.exit_code)
        except click.exceptions.Abort:
            click.echo("nnanim: interrupted", err=True)
            sys.exit(130)
        except click.UsageError as e:
            hint = f" (see 'nnanim {e.ctx.command_path.split(' ', 1)[1] + ' ' if e.ctx and ' ' in e.ctx.command_path else ''}--help')"
            _fail(e.format_message() + hint)
        except click.ClickException as e:
            _fail(e.format_message())
        except NnanimError as e:
            _fail(str(e))
        except KeyboardInterrupt:
            click.echo("nnanim: interrupted", err=True)
            sys.exit(130)


@click.group(cls=NnanimGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="nnanim")
def main() -> None:
    """Train small neural networks in NumPy, record every number, animate them."""


# -- train ------------------------------------------------------------------------------
@main.command()
@click.argument("config")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Trace folder to write (default: runs/<config>.trace).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def train(config: str, output: Path | None, quiet: bool) -> None:
    """Train the run CONFIG describes (a TOML path or a bundled name like xor_mlp)."""
    from engine import config as cfgmod
    from engine.run import run

    path = resolve_config(config)
    cfg = cfgmod.load(path)
    out = output or default_trace_path(path)
    bar = {"bar": None, "done": 0}

    def total(n: int) -> None:
        if not quiet and sys.stderr.isatty():
            bar["bar"] = click.progressbar(length=n, label=f"training {cfg['run']['name']}",
                                           file=sys.stderr, show_pos=True)
            bar["bar"].__enter__()

    def step(i: int, loss: float) -> None:
        if bar["bar"] is not None:
            bar["bar"].update(1)

    def epoch(m: dict) -> None:
        if bar["bar"] is None and not quiet:
            acc = f"  acc {m['accuracy']:.4f}" if "accuracy" in m else ""
            val = f"  val_loss {m['val_loss']:.4f}" if "val_loss" in m else ""
            vacc = f"  val_acc {m['val_accuracy']:.4f}" if "val_accuracy" in m else ""
            click.echo(f"epoch {m['epoch'] + 1}: loss {m['loss']:.4f}{acc}{val}{vacc}", err=True)

    def checkpoint(n: int) -> None:
        if not quiet and bar["bar"] is None:
            click.echo(f"checkpoint: {n} steps saved", err=True)

    try:
        summary = run(cfg, out, on_step=step, on_epoch=epoch, on_checkpoint=checkpoint,
                      total_steps=total)
    finally:
        if bar["bar"] is not None:
            bar["bar"].__exit__(None, None, None)
    _print_summary(summary)
    if summary.status == "interrupted":
        click.echo("nnanim: interrupted; the trace keeps every step done", err=True)
        sys.exit(130)


def _print_summary(s) -> None:
    f = s.final
    parts = [f"{s.status}: {s.steps} steps"]
    if s.epochs:
        parts.append(f"{s.epochs} epochs")
    if "loss" in f:
        parts.append(f"loss {f['loss']:.6g}")
    if "accuracy" in f:
        parts.append(f"accuracy {100 * f['accuracy']:.2f}%")
    if "val_loss" in f:
        parts.append(f"val_loss {f['val_loss']:.6g}")
    if "val_accuracy" in f:
        parts.append(f"val_accuracy {100 * f['val_accuracy']:.2f}%")
    if "theta" in f:
        parts.append("θ = (" + ", ".join(f"{v:.6g}" for v in f["theta"]) + ")")
    click.echo(", ".join(parts))
    click.echo(f"trace: {s.trace} ({s.size_bytes / 1e6:.2f} MB)")


# -- trace ------------------------------------------------------------------------------
@main.group()
def trace() -> None:
    """Inspect a recorded trace."""


@trace.command("info")
@click.argument("path", type=click.Path(path_type=Path))
def trace_info(path: Path) -> None:
    """Config, layers, steps, quantities, sizes, final loss and accuracy."""
    from engine.trace import Trace

    t = Trace(path)
    cfg = t.config
    click.echo(f"trace:   {t.path}  ({t.size_bytes() / 1e6:.2f} MB, status {t.status})")
    click.echo(f"run:     {cfg['run']['name']}  kind={t.kind}  seed={t.seed}  "
               f"dtype={cfg['run']['dtype']}")
    if t.kind == "network":
        data = cfg["data"]
        click.echo(f"data:    {data['name']}  " + "  ".join(
            f"{k}={v}" for k, v in data.items() if k != "name"))
        click.echo(f"loss:    {cfg['loss']['name']}")
    else:
        click.echo(f"objective: {cfg['objective']['name']}")
    opt = cfg["optimizer"]
    click.echo("optim:   " + "  ".join(f"{k}={v}" for k, v in opt.items()))
    steps = t.all_steps
    click.echo(f"steps:   {len(steps)} run, {len(t.steps)} recorded, "
               f"{len(t.epochs)} epochs")
    click.echo("layers:")
    first = t.steps[0] if t.steps else None
    for info in t.layer_info:
        qs = t.quantities(info["name"], first) if first is not None else []
        shapes = ", ".join(f"{k}{tuple(v)}" for k, v in info["params"].items())
        click.echo(f"  {info['name']:<14} {info['describe']:<36} {shapes}")
        if qs:
            click.echo(f"  {'':<14} quantities: {', '.join(qs)}")
    if first is not None and t.quantities("batch", first):
        click.echo(f"  {'batch':<14} quantities: {', '.join(t.quantities('batch', first))}")
    loss = t.scalars("loss")
    if len(loss):
        click.echo(f"loss:    first {loss[0]:.6g}  last {loss[-1]:.6g}")
    s = t.summary
    final = {k: v for k, v in s.items() if k in ("loss", "accuracy", "val_loss", "val_accuracy")}
    if final:
        click.echo("final:   " + "  ".join(
            f"{k} {100 * v:.2f}%" if "accuracy" in k else f"{k} {v:.6g}" for k, v in final.items()))


if __name__ == "__main__":
    main()
