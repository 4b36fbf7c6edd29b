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
    from nnanim.api import run_config

    summary = run_config(config, output, progress=not quiet)
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


def _echo_lines(lines: list[str]) -> None:
    click.echo("\n".join(lines))


@trace.command("info")
@click.argument("path", type=click.Path(path_type=Path))
def trace_info(path: Path) -> None:
    """Config, layers, steps, quantities, sizes, final loss and accuracy."""
    from nnanim.engine.inspection.report import info_lines
    from nnanim.engine.trace import Trace

    _echo_lines(info_lines(Trace(path)))


@trace.command("show")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--step", type=int, required=True, help="Step number.")
@click.option("--layer", required=True, help="Layer name (or batch, objective, eval, watch).")
@click.option("--quantity", "-Q", required=True, help="e.g. W, W.grad, output, grad_input.")
def trace_show(path: Path, step: int, layer: str, quantity: str) -> None:
    """One recorded array, pretty-printed, with its shape and statistics."""
    from nnanim.engine.inspection.report import show_lines
    from nnanim.engine.trace import Trace

    _echo_lines(show_lines(Trace(path), step, layer, quantity))


@trace.command("plot")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="PNG file to write.")
@click.option("--steps", help="Steps for weight histograms, e.g. 0,50,100 (default: first, "
                              "middle, last recorded).")
def trace_plot(path: Path, output: Path, steps: str | None) -> None:
    """Loss and accuracy, gradient norms per layer, weight histograms, learning rate."""
    from nnanim.engine.atomic import check_output
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
    click.echo(f"wrote {plot_trace(t, check_output(output), hist)}")


@trace.command("diff")
@click.argument("a", type=click.Path(path_type=Path))
@click.argument("b", type=click.Path(path_type=Path))
@click.option("--plot", "plot_path", type=click.Path(path_type=Path),
              help="Also write a PNG with both losses and the parameter distances.")
def trace_diff(a: Path, b: Path, plot_path: Path | None) -> None:
    """Two runs side by side: config differences, where losses part, parameter distance."""
    from nnanim.engine.atomic import check_output
    from nnanim.engine.inspection.report import diff_lines
    from nnanim.engine.trace import Trace

    if plot_path is not None:
        check_output(plot_path)  # before the comparison, not after
    ta, tb = Trace(a), Trace(b)
    _echo_lines(diff_lines(ta, tb))
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
    from nnanim.engine.inspection.report import gradcheck_report
    from nnanim.engine.trace import Trace

    lines, ok = gradcheck_report(Trace(path), step, entries)
    _echo_lines(lines)
    if not ok:
        sys.exit(1)


@trace.command("events")
@click.argument("path", type=click.Path(path_type=Path))
def trace_events(path: Path) -> None:
    """First NaN/inf, exploding or vanishing gradient norms, dying ReLU layers."""
    from nnanim.engine.inspection.report import events_lines
    from nnanim.engine.trace import Trace

    _echo_lines(events_lines(Trace(path)))


@trace.command("export")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--csv", "as_csv", is_flag=True,
              help="Per-step scalars as CSV, each epoch's metrics on its last step's row.")
@click.option("--json", "as_json", is_flag=True, help="Per-step and per-epoch scalars as JSON.")
@click.option("--tensorboard", "logdir", type=click.Path(path_type=Path), metavar="DIR",
              help="A TensorBoard run in the logdir DIR/<name>: scalars, histograms, filters, "
                   "feature maps, config (pip install 'nnanim[tensorboard]').")
@click.option("--name", help="The run's folder in DIR (default: the trace's name without "
                             ".trace); an earlier export of that name is replaced.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File for --csv/--json (default: stdout).")
def trace_export(path: Path, as_csv: bool, as_json: bool, logdir: Path | None,
                 name: str | None, output: Path | None) -> None:
    """The scalar series (loss, lr, gradient norms, epoch metrics) for use elsewhere, or
    the whole run for TensorBoard."""
    from nnanim.engine.inspection.export import EXPORTS, write_export
    from nnanim.engine.trace import Trace

    if [as_csv, as_json, logdir is not None].count(True) != 1:
        raise click.UsageError("choose one of --csv or --json, or --tensorboard DIR")
    if logdir is None and name is not None:
        raise click.UsageError("--name is for --tensorboard")
    if logdir is not None and output is not None:
        raise click.UsageError("-o is for --csv/--json; with --tensorboard DIR is the output")
    t = Trace(path)
    if logdir is not None:
        from nnanim.engine.inspection.tensorboard import write_tensorboard

        click.echo(f"wrote {write_tensorboard(t, logdir, name)} "
                   f"(view: tensorboard --logdir {logdir})")
        return
    fmt = "csv" if as_csv else "json"
    if output is None:
        click.echo(EXPORTS[fmt](t), nl=False)
    else:
        click.echo(f"wrote {write_export(t, output, fmt)}")


@main.command()
def doctor() -> None:
    """Check ffmpeg, LaTeX, dvisvgm, cairo, pango and fonts; say what to install."""
    from nnanim.scenes.render.doctor import checks

    results = checks()
    for c in results:
        click.echo(f"{'ok ' if c.ok else 'MISSING'}  {c.name}" + ("" if c.ok else f"  -> {c.fix}"))
    missing = [c for c in results if not c.ok]
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
                     help="Cache of trained default runs, TeX and kept renders (default: "
                          "$XDG_CACHE_HOME/nnanim or ~/.cache/nnanim)."),
    ]):
        command = option(command)
    return command


#: the kept-render switch of render, gif and lecture (scenes/render/reuse.py)
fresh_option = click.option(
    "--fresh", is_flag=True,
    help="Render again even if an identical render is kept in the cache (default: copy it).")


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


def jobs_option(help: str):
    return click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, help=help)


@main.command()
@click.argument("scene")
@scene_options
@click.option("-q", "--quality", type=click.Choice(QUALITY_LETTERS), default="m",
              show_default=True, help="l=480p15, m=720p30, h=1080p60, k=2160p60.")
@click.option("--format", "fmt", type=click.Choice(["mp4", "png", "gif"]), default="mp4",
              show_default=True, help="png writes the last frame.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Output file (default: out/<SCENE>.<format>); an mp4's captions go "
                   "beside it (.srt, .vtt).")
@click.option("--theme", type=click.Choice(["dark", "light"]), default="dark", show_default=True)
@jobs_option("Processes drawing the video, each a stretch of it (default: the number of "
             "cores; one for a png, a gif or with --stills).")
@fresh_option
def render(scene, trace_path, config, runs, stills_dir, events, speed, cache_dir, quality,
           fmt, output, theme, jobs, fresh) -> None:
    """Render SCENE (see 'nnanim list') from a trace."""
    from nnanim.scenes.catalog import scene_info
    from nnanim.scenes.render import render_scene

    scene_info(scene)
    options = build_options(theme, speed, trace_path, config, runs, stills_dir, events,
                            cache_dir)
    out, _ = render_scene(scene, options, quality=quality, fmt=fmt, output=output,
                          reuse=not fresh, jobs=_jobs(jobs))
    click.echo(f"wrote {out}" + (f" and its captions {out.with_suffix('.srt').name}, "
                                 f"{out.with_suffix('.vtt').name}" if fmt == "mp4" else ""))


@main.command()
@click.argument("scene")
@scene_options
@click.option("--width", type=click.IntRange(160, 1920), default=768, show_default=True,
              help="768 px keeps the smallest text 12 px high.")
@click.option("--fps", type=click.IntRange(5, 30), default=12, show_default=True)
@click.option("--theme", type=click.Choice(["light", "dark"]), default="light",
              show_default=True, help="light for white slides.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="GIF file (default: out/<SCENE>.gif).")
@fresh_option
def gif(scene, trace_path, config, runs, stills_dir, events, speed, cache_dir, width, fps,
        theme, output, fresh) -> None:
    """A slide GIF of SCENE: one palette, no dithering, loops forever."""
    from nnanim.scenes.catalog import scene_info
    from nnanim.scenes.render import render_gif

    scene_info(scene)
    options = build_options(theme, speed, trace_path, config, runs, stills_dir, events,
                            cache_dir)
    out = render_gif(scene, options, width=width, fps=fps, output=output, reuse=not fresh)
    click.echo(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB)")
    if stills_dir:
        click.echo(f"stills in {stills_dir}")


def course_command(command):
    """The arguments every command that renders a course shares (slides, lecture, handout):
    SCENES or --course FILE, quality, parallel jobs, the cache, --fresh."""
    for option in reversed([
        click.argument("scenes", nargs=-1),
        click.option("--course", "course_file", type=click.Path(path_type=Path),
                     help="A course file (TOML): the parts in order, each with its scene, "
                          "run, title, theme and speed (default: the bundled course)."),
        click.option("-q", "--quality", type=click.Choice(QUALITY_LETTERS), default="m",
                     show_default=True, help="l=480p15, m=720p30, h=1080p60, k=2160p60."),
        jobs_option("Parallel render processes (default: the number of cores)."),
        click.option("--cache-dir", "cache_dir", type=click.Path(path_type=Path),
                     envvar="NNANIM_CACHE", show_envvar=True,
                     help="Cache of trained default runs, TeX and kept renders."),
        fresh_option,
    ]):
        command = option(command)
    return command


def part_style_options(command):
    """--theme and --speed for the parts of a course that set none."""
    command = click.option("--speed", type=Speed(), default=None,
                           help="Speed of the parts that set none (default: the course's, "
                                "else 1).")(command)
    return click.option("--theme", type=click.Choice(["dark", "light"]), default=None,
                        help="Theme of the parts that set none (default: the course's, "
                             "else dark).")(command)


def _chosen_course(scenes, course_file, theme=None, speed=None):
    """The course a command's SCENES or --course FILE give (neither: the bundled one), with
    the command line's theme and speed in place of the course's own defaults (not a
    part's)."""
    from dataclasses import replace

    from nnanim.scenes.course import course_of, default_course, load_course

    if scenes and course_file:
        raise click.UsageError("give SCENES or --course FILE, not both")
    course = (load_course(course_file) if course_file else
              course_of(scenes) if scenes else default_course())
    return replace(course, theme=theme or course.theme, speed=speed or course.speed)


def _jobs(jobs: int | None) -> int:
    import os

    return jobs or os.cpu_count() or 1


def _progress(message: str) -> None:
    click.echo(message, err=True)


@main.command()
@course_command
@part_style_options
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              metavar="DIR",
              help="The presentation folder (new, empty, or an earlier presentation).")
@click.option("--to", "formats", type=click.Choice(["html", "pptx", "pdf"]), multiple=True,
              help="Also convert with manim-slides into DIR/presentation.<format> (HTML "
                   "works offline); repeat for several. Needs pip install 'nnanim[slides]'.")
def slides(scenes, course_file, output, formats, quality, theme, speed, jobs, cache_dir,
           fresh) -> None:
    """A manim-slides presentation, one slide per section, from nnanim's own renders (no
    manim-slides render step): SCENES in that order, or --course FILE, or the bundled course.
    Present it with 'manim-slides present' in DIR."""
    from nnanim.scenes.options import SceneOptions
    from nnanim.scenes.render.manim_slides import ORDER_FILE, build_presentation

    course = _chosen_course(scenes, course_file, theme, speed)
    out = build_presentation(course, output, SceneOptions(cache=cache_dir), quality=quality,
                             jobs=_jobs(jobs), reuse=not fresh,
                             to=tuple(dict.fromkeys(formats)), echo=_progress)
    names = (out / ORDER_FILE).read_text().split()
    plural = "s" if len(names) > 1 else ""
    click.echo(f"wrote {out} ({len(names)} presentation{plural}); present with: "
               f"cd {out} && manim-slides present {' '.join(names)}")
    for fmt in dict.fromkeys(formats):
        click.echo(f"wrote {out / f'presentation.{fmt}'}")


@main.command()
@course_command
@part_style_options
@click.option("-o", "--output", type=click.Path(path_type=Path),
              default=Path("out/lecture.mp4"), show_default=True,
              help="The video; its captions go beside it (.srt, .vtt).")
@click.option("--slides", "slides_dir", type=click.Path(path_type=Path),
              help="Also write a slide player (index.html + video + captions) that pauses at "
                   "every section end.")
def lecture(scenes, course_file, quality, output, theme, speed, jobs, slides_dir, cache_dir,
            fresh) -> None:
    """Render a course into one video with a title card and a chapter per part: SCENES in
    that order, or --course FILE, or (neither) the bundled course of every scene."""
    from nnanim.scenes.options import SceneOptions
    from nnanim.scenes.render import build_lecture

    course = _chosen_course(scenes, course_file, theme, speed)
    out = build_lecture(course, output, SceneOptions(cache=cache_dir), quality=quality,
                        jobs=_jobs(jobs), slides=slides_dir, reuse=not fresh, echo=_progress)
    click.echo(f"wrote {out} ({len(course.parts)} parts) and its captions "
               f"{out.with_suffix('.srt').name}, {out.with_suffix('.vtt').name}")
    if slides_dir:
        click.echo(f"slides: {slides_dir / 'index.html'}")


@main.command()
@course_command
@click.option("-o", "--output", type=click.Path(path_type=Path),
              default=Path("out/handout.pdf"), show_default=True, help="The PDF.")
@click.option("--theme", type=click.Choice(["light", "dark"]), default="light",
              show_default=True, help="Every part's theme (light prints on white paper).")
def handout(scenes, course_file, quality, output, theme, jobs, cache_dir, fresh) -> None:
    """A PDF to print: one A4 landscape page per section of every part, with its still,
    title and captions (-q: the stills' resolution). SCENES in that order, or --course FILE,
    or the bundled course."""
    from nnanim.scenes.options import SceneOptions
    from nnanim.scenes.render.handout import build_handout

    course = _chosen_course(scenes, course_file)
    out = build_handout(course, output, SceneOptions(cache=cache_dir), quality=quality,
                        theme=theme, jobs=_jobs(jobs), reuse=not fresh, echo=_progress)
    click.echo(f"wrote {out} ({len(course.parts)} parts)")


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
