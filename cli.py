"""nnanim: train and record networks, inspect traces, render lecture scenes.

The command line only parses arguments and calls the library (``nnanim.api``,
``nnanim.engine``, ``nnanim.scenes.render``); nothing imports it. Heavy modules (numpy,
manim) are imported inside commands, so ``nnanim --help`` answers fast.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from nnanim import __version__

def _fail(message: str, code: int = 2) -> None:
    click.echo(f"nnanim: error: {message}", err=True)
    sys.exit(code)


class NnanimGroup(click.Group):
    """Turns user errors (bad options, bad configs, corrupt traces) into one line, exit 2."""

    def main(self, args=None, prog_name=None, **kwargs):
        from nnanim.engine.errors import NnanimError

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
        except OSError as e:  # an output the library did not check: still one line
            where = f"{e.filename}: " if e.filename else ""
            _fail(f"{where}{e.strerror or e}")
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
    from nnanim.api import default_trace_path
    from nnanim.engine import config as configs
    from nnanim.engine.assets import resolve_config
    from nnanim.engine.atomic import check_output
    from nnanim.engine.progress import Progress
    from nnanim.engine.run import run

    path = resolve_config(config)
    cfg = configs.load(path)
    out = check_output(output or default_trace_path(path), folder=True)
    progress = Progress(sys.stderr, cfg["run"]["name"], epochs=cfg["run"]["kind"] == "network")
    try:
        summary = run(cfg, out, **({} if quiet else progress.callbacks()))
    finally:
        progress.close()
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
    from nnanim.engine.trace import Trace

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




@trace.command("show")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--step", type=int, required=True, help="Step number.")
@click.option("--layer", required=True, help="Layer name (or batch, objective, eval, watch).")
@click.option("--quantity", "-Q", required=True, help="e.g. W, W.grad, output, grad_input.")
def trace_show(path: Path, step: int, layer: str, quantity: str) -> None:
    """One recorded array, pretty-printed, with its shape and statistics."""
    import numpy as np

    from nnanim.engine.trace import Trace

    a = Trace(path).get(step, layer, quantity)
    click.echo(f"{layer}/{quantity} at step {step}: shape {a.shape}, dtype {a.dtype}")
    with np.printoptions(precision=6, suppress=True, linewidth=100, threshold=400, edgeitems=4):
        click.echo(a)
    if a.size and np.issubdtype(a.dtype, np.number):
        f = a.astype(np.float64)
        click.echo(f"min {f.min():.6g}  max {f.max():.6g}  mean {f.mean():.6g}  "
                   f"std {f.std():.6g}  norm {np.linalg.norm(f):.6g}  "
                   f"zeros {np.mean(f == 0) * 100:.1f}%")


@trace.command("plot")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="PNG file to write.")
@click.option("--steps", help="Steps for weight histograms, e.g. 0,50,100 (default: first, "
                              "middle, last recorded).")
def trace_plot(path: Path, output: Path, steps: str | None) -> None:
    """Loss and accuracy, gradient norms per layer, weight histograms, learning rate."""
    from nnanim.engine.inspection.plots import plot_trace
    from nnanim.engine.trace import Trace

    t = Trace(path)
    hist = None
    if steps:
        try:
            hist = [int(s) for s in steps.split(",")]
        except ValueError:
            raise click.BadParameter("--steps takes integers like 0,50,100") from None
        missing = [s for s in hist if s not in t.steps]
        if missing:
            raise click.BadParameter(f"step {missing[0]} has no recorded arrays")
    click.echo(f"wrote {plot_trace(t, output, hist)}")


@trace.command("diff")
@click.argument("a", type=click.Path(path_type=Path))
@click.argument("b", type=click.Path(path_type=Path))
@click.option("--plot", "plot_path", type=click.Path(path_type=Path),
              help="Also write a PNG with both losses and the parameter distances.")
def trace_diff(a: Path, b: Path, plot_path: Path | None) -> None:
    """Two runs side by side: config differences, where losses part, parameter distance."""
    from nnanim.engine.inspection.compare import config_diff, loss_parting_step, param_distance
    from nnanim.engine.trace import Trace

    ta, tb = Trace(a), Trace(b)
    diffs = config_diff(ta.config, tb.config)
    click.echo(f"A: {a}\nB: {b}")
    click.echo("config differences:" if diffs else "config: identical")
    for key, va, vb in diffs:
        click.echo(f"  {key:<28} A={va!r:<16} B={vb!r}")
    part = loss_parting_step(ta, tb)
    la, lb = ta.scalars("loss"), tb.scalars("loss")
    click.echo(f"losses: identical over {min(len(la), len(lb))} common steps" if part is None
               else f"losses part at step {part}: A {la[ta.step_position(part)]:.6g}  "
                    f"B {lb[tb.step_position(part)]:.6g}")
    click.echo(f"final loss: A {la[-1]:.6g}  B {lb[-1]:.6g}")
    dist = param_distance(ta, tb)
    if dist:
        click.echo("parameter distance ‖θ_A − θ_B‖ (first / last common recorded step):")
        for key, (s, d) in dist.items():
            click.echo(f"  {key:<20} step {s[0]}: {d[0]:.4g}   step {s[-1]}: {d[-1]:.4g}")
    if plot_path is not None:
        from nnanim.engine.inspection.plots import plot_diff

        click.echo(f"wrote {plot_diff(ta, tb, plot_path)}")


@trace.command("gradcheck")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--step", type=int, default=0, show_default=True)
@click.option("--entries", type=click.IntRange(1, 10_000), default=32, show_default=True,
              help="Entries checked per parameter (all when it has fewer).")
def trace_gradcheck(path: Path, step: int, entries: int) -> None:
    """Recompute a step's recorded gradients by finite differences; largest relative
    error per layer. Exits 1 when an error exceeds the tolerance."""
    from nnanim.engine.trace import Trace
    from nnanim.engine.inspection.gradcheck import gradcheck_step

    t = Trace(path)
    rows = gradcheck_step(t, step, max_entries=entries)
    # float32 gradients agree with float64 differences to ~1e-4 at best
    tol = 1e-2 if t.config["run"].get("dtype") == "float32" else 1e-6
    worst: dict[str, float] = {}
    for r in rows:
        click.echo(f"{r.layer:<14} {r.param:<6} {r.checked:>5}/{r.total:<7} entries  "
                   f"max rel error {r.max_rel_error:.2e}")
        worst[r.layer] = max(worst.get(r.layer, 0.0), r.max_rel_error)
    bad = [l for l, e in worst.items() if not e <= tol]
    click.echo(f"step {step}: " + (f"MISMATCH in {', '.join(bad)} (tolerance {tol:g})" if bad
                                   else f"all gradients match (tolerance {tol:g})"))
    if bad:
        sys.exit(1)


@trace.command("events")
@click.argument("path", type=click.Path(path_type=Path))
def trace_events(path: Path) -> None:
    """First NaN/inf, exploding or vanishing gradient norms, dying ReLU layers."""
    from nnanim.engine.inspection.events import dead_relu_fraction, find_events
    from nnanim.engine.trace import Trace

    t = Trace(path)
    events = find_events(t)
    for e in events:
        click.echo(str(e))
    if not events:
        click.echo("no events: finite values, no exploding or vanishing gradients, "
                   "no dying ReLU layer")
    for layer, (s, f) in dead_relu_fraction(t).items():
        if len(s):
            click.echo(f"dead-ReLU fraction {layer}: first {100 * f[0]:.0f}%  "
                       f"last {100 * f[-1]:.0f}%  max {100 * f.max():.0f}%")


@trace.command("export")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--csv", "as_csv", is_flag=True, help="Per-step scalars as CSV.")
@click.option("--json", "as_json", is_flag=True, help="Per-step and per-epoch scalars as JSON.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File (default: stdout).")
def trace_export(path: Path, as_csv: bool, as_json: bool, output: Path | None) -> None:
    """The scalar series (loss, lr, gradient norms, epoch metrics) for use elsewhere."""
    import csv
    import io
    import json
    import os

    from nnanim.engine.trace import Trace

    if as_csv == as_json:
        raise click.UsageError("choose one of --csv or --json")
    t = Trace(path)
    steps = [{k: v for k, v in e.items() if k not in ("chunk",)} for e in t.manifest["steps"]]
    if as_json:
        text = json.dumps({"run": t.config["run"]["name"], "steps": steps, "epochs": t.epochs},
                          indent=1) + "\n"
    else:
        cols = list(dict.fromkeys(k for e in steps for k in e))
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(steps)
        text = buf.getvalue()
    if output is None:
        click.echo(text, nl=False)
    else:
        tmp = output.with_name(f".{output.name}.tmp")
        tmp.write_text(text)
        os.replace(tmp, output)
        click.echo(f"wrote {output}")


@main.command()
def doctor() -> None:
    """Check ffmpeg, LaTeX, dvisvgm, cairo, pango and fonts; say what to install."""
    import shutil
    import subprocess

    checks = []

    def check(name, ok, fix):
        checks.append((name, ok, fix))
        click.echo(f"{'ok ' if ok else 'MISSING'}  {name}" + ("" if ok else f"  -> {fix}"))

    check("ffmpeg", shutil.which("ffmpeg") is not None, "apt-get install ffmpeg")
    check("latex", shutil.which("latex") is not None,
          "apt-get install texlive-latex-base texlive-latex-extra texlive-fonts-recommended")
    check("dvisvgm", shutil.which("dvisvgm") is not None, "apt-get install dvisvgm")
    have_standalone = False
    if shutil.which("kpsewhich"):
        r = subprocess.run(["kpsewhich", "standalone.cls"], capture_output=True, text=True)
        have_standalone = bool(r.stdout.strip())
    check("LaTeX standalone class", have_standalone, "apt-get install texlive-latex-extra")
    pc = shutil.which("pkg-config")
    for lib, pkg in (("cairo", "libcairo2-dev"), ("pango", "libpango1.0-dev")):
        ok = pc is not None and subprocess.run([pc, "--exists", lib]).returncode == 0
        check(f"{lib} (pkg-config)", ok, f"apt-get install pkg-config {pkg}")
    fonts = ""
    if shutil.which("fc-list"):
        fonts = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    check("font DejaVu Sans", "DejaVu Sans" in fonts, "apt-get install fonts-dejavu-core")
    try:
        import manim  # noqa: F401

        check("manim", True, "")
    except ImportError:
        check("manim", False, "make install (builds .venv)")
    missing = [n for n, ok, _ in checks if not ok]
    click.echo("all set" if not missing else f"{len(missing)} missing; 'make install' "
               "installs them all on Debian")
    sys.exit(0 if not missing else 1)

# -- scenes -----------------------------------------------------------------------------
QUALITY_LETTERS = ["l", "m", "h", "k"]  # manim's: 480p15, 720p30, 1080p60, 2160p60


class Speed(click.ParamType):
    """A playback speed factor: a finite number from 0.05 to 20."""

    name = "speed"

    def convert(self, value, param, ctx):
        import math

        try:
            speed = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not (math.isfinite(speed) and 0.05 <= speed <= 20):
            self.fail(f"{value} is not a number from 0.05 to 20", param, ctx)
        return speed


def scene_options(command):
    """The options every scene-rendering command shares: which run, where to cache,
    stills, events, speed."""
    for option in reversed([
        click.option("--trace", "trace_path", type=click.Path(path_type=Path),
                     help="Trace to animate (default: the scene's bundled run, trained once)."),
        click.option("--config", "config", help="Train this config (cached) and animate it."),
        click.option("--run", "runs", multiple=True, metavar="ROLE=TRACE",
                     help="The trace of another run the scene follows, by its role (see "
                          "'nnanim list'), e.g. --run relu=runs/deep_relu.trace."),
        click.option("--stills", "stills_dir", type=click.Path(path_type=Path),
                     help="Also write a PNG at the end of every section into this folder."),
        click.option("--events", is_flag=True,
                     help="Mark the run's events (see 'nnanim trace events') as the scene "
                          "reaches their steps, and end on a card listing them."),
        click.option("--speed", type=Speed(), default=1.0, show_default=True,
                     help="Playback speed factor: 2 halves the length."),
        click.option("--cache-dir", "cache_dir", type=click.Path(path_type=Path),
                     envvar="NNANIM_CACHE", show_envvar=True,
                     help="Cache of trained default runs and TeX (default: "
                          "$XDG_CACHE_HOME/nnanim or ~/.cache/nnanim)."),
    ]):
        command = option(command)
    return command


def build_options(theme, speed, trace_path, config, runs, stills_dir, events, cache_dir):
    """SceneOptions from the shared scene options (a --config is trained here, cached)."""
    from nnanim.api import scene_options as api_scene_options
    from nnanim.scenes.options import SceneOptions

    traces = {}
    for spec in runs:
        role, eq, path = spec.partition("=")
        if not (eq and role and path):
            raise click.BadParameter(f"--run takes ROLE=TRACE, got {spec!r}")
        traces[role] = Path(path)
    fields = api_scene_options(trace_path, config, {"cache": cache_dir, "traces": traces})
    return SceneOptions(theme=theme, speed=speed, events=events,
                        stills=stills_dir.resolve() if stills_dir else None, **fields)


@main.command()
@click.argument("scene")
@scene_options
@click.option("-q", "--quality", type=click.Choice(QUALITY_LETTERS), default="m",
              show_default=True, help="l=480p15, m=720p30, h=1080p60, k=2160p60.")
@click.option("--format", "fmt", type=click.Choice(["mp4", "png", "gif"]), default="mp4",
              show_default=True, help="png writes the last frame.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Output file (default: out/<SCENE>.<format>).")
@click.option("--theme", type=click.Choice(["dark", "light"]), default="dark", show_default=True)
def render(scene, trace_path, config, runs, stills_dir, events, speed, cache_dir, quality,
           fmt, output, theme) -> None:
    """Render SCENE (see 'nnanim list') from a trace."""
    from nnanim.scenes.catalog import scene_info
    from nnanim.scenes.render import render_scene

    scene_info(scene)
    options = build_options(theme, speed, trace_path, config, runs, stills_dir, events,
                            cache_dir)
    out, _ = render_scene(scene, options, quality=quality, fmt=fmt, output=output)
    click.echo(f"wrote {out}")


@main.command()
@click.argument("scene")
@scene_options
@click.option("--width", type=click.IntRange(160, 1920), default=640, show_default=True)
@click.option("--fps", type=click.IntRange(5, 30), default=12, show_default=True)
@click.option("--theme", type=click.Choice(["light", "dark"]), default="light",
              show_default=True, help="light for white slides.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="GIF file (default: out/<SCENE>.gif).")
def gif(scene, trace_path, config, runs, stills_dir, events, speed, cache_dir, width, fps,
        theme, output) -> None:
    """A slide GIF of SCENE: one palette, no dithering, loops forever."""
    from nnanim.scenes.catalog import scene_info
    from nnanim.scenes.render import render_gif

    scene_info(scene)
    options = build_options(theme, speed, trace_path, config, runs, stills_dir, events,
                            cache_dir)
    out = render_gif(scene, options, width=width, fps=fps, output=output)
    click.echo(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB)")
    if stills_dir:
        click.echo(f"stills in {stills_dir}")


@main.command()
@click.argument("scenes", nargs=-1)
@click.option("-q", "--quality", type=click.Choice(QUALITY_LETTERS), default="m",
              show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path),
              default=Path("out/lecture.mp4"), show_default=True)
@click.option("--theme", type=click.Choice(["dark", "light"]), default="dark", show_default=True)
@click.option("--speed", type=Speed(), default=1.0, show_default=True)
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Parallel render processes (default: the number of cores).")
@click.option("--slides", "slides_dir", type=click.Path(path_type=Path),
              help="Also write a slide player (index.html + video) that pauses at every "
                   "section end.")
@click.option("--cache-dir", "cache_dir", type=click.Path(path_type=Path), envvar="NNANIM_CACHE",
              show_envvar=True, help="Cache of trained default runs and TeX.")
def lecture(scenes, quality, output, theme, speed, jobs, slides_dir, cache_dir) -> None:
    """Render SCENES (default: the whole course, in teaching order) into one video with a
    title card and a chapter per part."""
    import os

    from nnanim.scenes.catalog import scenes as all_scenes
    from nnanim.scenes.options import SceneOptions
    from nnanim.scenes.render import build_lecture

    names = list(scenes) or list(all_scenes())
    options = SceneOptions(theme=theme, speed=speed, cache=cache_dir)
    out = build_lecture(names, output, options, quality=quality,
                        jobs=jobs or os.cpu_count() or 1, slides=slides_dir,
                        echo=lambda m: click.echo(m, err=True))
    click.echo(f"wrote {out} ({len(names)} parts)")
    if slides_dir:
        click.echo(f"slides: {slides_dir / 'index.html'}")


@main.command("list")
@click.option("--names", is_flag=True, help="Only the scene names, in lecture order.")
def list_scenes(names: bool) -> None:
    """Every scene with its title, a one-line description and its default runs."""
    from nnanim.scenes.catalog import scenes

    known = scenes()
    if names:
        click.echo("\n".join(known))
        return
    width = max(len(n) for n in known)
    for name, info in known.items():
        runs = ", ".join(dict.fromkeys(info.runs.values()))
        click.echo(f"{name:<{width}}  {info.title}")
        click.echo(f"{'':<{width}}  {info.description}")
        click.echo(f"{'':<{width}}  default run: {runs}")


if __name__ == "__main__":
    main()
