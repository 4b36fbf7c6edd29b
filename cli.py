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
    elif t.kind == "objective":
        click.echo(f"objective: {cfg['objective']['name']}")
    else:
        summary = t.summary
        click.echo(f"probe:   input {tuple(summary.get('input_shape', ()))} -> "
                   f"output {tuple(summary.get('output_shape', ()))}")
    if "optimizer" in cfg:
        click.echo("optim:   " + "  ".join(f"{k}={v}" for k, v in cfg["optimizer"].items()))
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
    if len(loss) and loss[0] == loss[0]:  # probes have no loss (nan)
        click.echo(f"loss:    first {loss[0]:.6g}  last {loss[-1]:.6g}")
    s = t.summary
    final = {k: v for k, v in s.items() if k in ("loss", "accuracy", "val_loss", "val_accuracy")}
    if final:
        click.echo("final:   " + "  ".join(
            f"{k} {100 * v:.2f}%" if "accuracy" in k else f"{k} {v:.6g}" for k, v in final.items()))



# -- scenes -----------------------------------------------------------------------------
QUALITIES = {"l": "low_quality", "m": "medium_quality", "h": "high_quality", "k": "fourk_quality"}


def _scene_info(name: str):
    from scenes.catalog import SCENES

    info = SCENES.get(name)
    if info is None:
        close = [s for s in SCENES if s.lower() == name.lower()]
        hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(SCENES)}"
        raise click.UsageError(f"unknown scene '{name}' ({hint})")
    return info


def _atomic_copy(src: Path, dst: Path) -> None:
    import os
    import shutil

    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.tmp")
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)


def render_scene(name: str, *, trace: Path | None = None, config: str | None = None,
                 quality: str = "m", fmt: str = "mp4", output: Path | None = None,
                 theme: str = "dark", speed: float = 1.0, extra_env: dict | None = None,
                 upto_animation: int | None = None):
    """Render one scene to ``output``; returns (output path, the scene object)."""
    import importlib
    import os
    import tempfile

    info = _scene_info(name)
    env = {"NNANIM_THEME": theme, "NNANIM_SPEED": str(speed)}
    if config is not None:
        from engine import config as cfgmod
        from scenes.runs import cached_trace

        path = resolve_config(config)
        cfgmod.load(path)  # validate before training
        trace = cached_trace(path)
    if trace is not None:
        from engine.trace import Trace

        t = Trace(trace)
        kinds = (info.kind,) if isinstance(info.kind, str) else info.kind
        if t.kind not in kinds:
            from engine.errors import TraceError

            raise TraceError(f"{name} needs a trace of kind '{' or '.join(kinds)}', "
                             f"but {trace} is a '{t.kind}' trace")
        env["NNANIM_TRACE"] = str(Path(trace).resolve())
    env.update(extra_env or {})
    ext = {"mp4": ".mp4", "png": ".png", "gif": ".gif"}[fmt]
    output = output or Path("out") / f"{name}{ext}"
    old_env = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        from manim import config as mconfig
        from manim import tempconfig

        module = importlib.import_module(info.module)
        cls = getattr(module, name)
        with tempfile.TemporaryDirectory(prefix="nnanim-render-") as tmp:
            opts = {"quality": QUALITIES[quality], "media_dir": tmp, "disable_caching": True,
                    "verbosity": "WARNING", "progress_bar": "none",
                    "save_last_frame": fmt == "png", "write_to_movie": fmt != "png",
                    "format": "gif" if fmt == "gif" else "mp4"}
            if upto_animation is not None:
                opts["upto_animation_number"] = upto_animation
            with tempconfig(opts):
                scene = cls()
                scene.render()
                fw = scene.renderer.file_writer
                produced = Path(fw.image_file_path if fmt == "png" else fw.movie_file_path)
                if fmt == "gif":
                    produced = produced.with_suffix(".gif")
                _atomic_copy(produced, output)
        del mconfig
    finally:
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return output, scene


@main.command()
@click.argument("scene")
@click.option("--trace", "trace_path", type=click.Path(path_type=Path),
              help="Trace to animate (default: the scene's bundled run, trained once).")
@click.option("--config", "config", help="Train this config (cached) and animate it.")
@click.option("-q", "--quality", type=click.Choice(list(QUALITIES)), default="m",
              show_default=True, help="l=480p15, m=720p30, h=1080p60, k=2160p60.")
@click.option("--format", "fmt", type=click.Choice(["mp4", "png", "gif"]), default="mp4",
              show_default=True, help="png writes the last frame.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Output file (default: out/<SCENE>.<format>).")
@click.option("--theme", type=click.Choice(["dark", "light"]), default="dark", show_default=True)
@click.option("--speed", type=click.FloatRange(min=0.05, max=20), default=1.0,
              show_default=True, help="Playback speed factor: 2 halves the length.")
def render(scene, trace_path, config, quality, fmt, output, theme, speed) -> None:
    """Render SCENE (see 'nnanim list') from a trace."""
    if trace_path is not None and config is not None:
        raise click.UsageError("give --trace or --config, not both")
    out, _ = render_scene(scene, trace=trace_path, config=config, quality=quality, fmt=fmt,
                          output=output, theme=theme, speed=speed)
    click.echo(f"wrote {out}")


@main.command("list")
@click.option("--names", is_flag=True, help="Only the scene names, in lecture order.")
def list_scenes(names: bool) -> None:
    """Every scene with a one-line description and its default run."""
    from scenes.catalog import LECTURE_ORDER, SCENES

    if names:
        click.echo("\n".join(LECTURE_ORDER))
        return

    width = max(len(n) for n in SCENES)
    for name, info in SCENES.items():
        runs = ", ".join(dict.fromkeys(info.runs.values()))
        click.echo(f"{name:<{width}}  {info.description}")
        click.echo(f"{'':<{width}}  default run: {runs}")


if __name__ == "__main__":
    main()
