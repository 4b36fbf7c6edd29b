"""Helpers for scene tests: render in-process, check shown numbers, compare snapshots and
layout findings with their references."""
from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter, OrderedDict
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT
from PIL import Image

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
SNAPSHOT_SIZE = (427, 240)  # half of 480p: enough to see layout changes, small in git
LAYOUT_BASELINE = Path(__file__).resolve().parent / "layout_baseline.json"


def render(scene: str, tmp_path: Path, fmt: str = "png", quality: str = "l", *,
           suffix: str = "", trace=None, config=None, upto_animation=None, **options):
    """Render ``scene`` into tmp_path; returns (output path, scene object). ``trace`` or
    ``config``: the main run; ``options``: SceneOptions fields (theme, events, ...)."""
    from nnanim.api import scene_options
    from nnanim.scenes.options import SceneOptions
    from nnanim.scenes.render import render_scene

    out = tmp_path / f"{scene}{suffix}.{fmt}"
    opts = SceneOptions(**scene_options(trace, config, options))
    return render_scene(scene, opts, quality=quality, fmt=fmt, output=out,
                        upto_animation=upto_animation)


def rendered(scene: str, **kw):
    """A module-scoped fixture: ``scene`` rendered once for the tests of a module, as
    render's (last frame PNG, scene object); ``kw`` go to render (``config=...``).
    In a test module: ``last = rendered(SCENE)``."""

    @pytest.fixture(scope="module")
    def fixture(tmp_path_factory):
        return shared_render(scene, tmp_path_factory, **kw)

    return fixture


_RECENT: OrderedDict = OrderedDict()  # {(scene, kw): render's result}, newest last
RECENT_RENDERS = 2  # MaxPooling's file renders two configs before the contract asks again


def shared_render(scene: str, tmp_path_factory, **kw):
    """render(scene, a new temporary folder, **kw), or its result if this process made that
    render among its last RECENT_RENDERS: a scene's test file and its part of the contract
    (test_scenes.py), run one after the other in one xdist group, render it once. The layout
    check (``check_layout``) rides along: it changes no pixel and costs about a second."""
    kw = {"check_layout": True, **kw}
    key = (scene, tuple(sorted(kw.items())))
    if key in _RECENT:
        _RECENT.move_to_end(key)
    else:
        _RECENT[key] = render(scene, tmp_path_factory.mktemp(scene), **kw)
        while len(_RECENT) > RECENT_RENDERS:
            _RECENT.popitem(last=False)
    return _RECENT[key]


def refusal(scene: str, tmp_path: Path, *args: str, env: dict | None = None) -> str:
    """``nnanim render scene *args`` (a PNG into tmp_path), which must refuse: exit code 2
    and exactly one line on stderr, returned without its newline."""
    p = subprocess.run([sys.executable, "-m", "nnanim.cli", "render", scene, *args,
                        "--format", "png", "-q", "l", "-o", str(tmp_path / "x.png")],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert p.returncode == 2, p.stderr
    assert p.stderr.count("\n") == 1 and p.stderr.endswith("\n"), p.stderr
    return p.stderr.strip()


def shown_text_sets(scene) -> dict:
    """{(step, layer, quantity, index): the set of texts it was shown as} (a number may be
    written more than once, in different precisions)."""
    out: dict = {}
    for s in scene.shown.items:
        out.setdefault((s.step, s.layer, s.quantity, s.index), set()).add(s.text)
    return out


def shown_texts(scene) -> dict:
    """{(role, step, layer, quantity, index): text} of every number the scene showed."""
    return {(s.role, s.step, s.layer, s.quantity, s.index): s.text for s in scene.shown.items}


def assert_shown_match_trace(scene, min_count: int = 1) -> None:
    """Every number the scene recorded equals the trace array entry it names, and its text
    is that number formatted (so the screen shows the trace, not a recomputation)."""
    from nnanim.scenes.base import config_value, summary_value

    shown = scene.shown.items
    assert len(shown) >= min_count, f"only {len(shown)} numbers recorded"
    for s in shown:
        t = scene.trace(s.role)
        if s.layer == "config":
            expected = config_value(t, s.quantity)
        elif s.layer == "summary":
            expected = summary_value(t, s.quantity)
        elif s.layer == "scalar":
            expected = t.scalars(s.quantity)[t.step_position(s.step)]
        elif s.layer == "epoch":
            expected = t.epochs[s.index[0]][s.quantity]
        elif s.layer == "static":
            expected = t.static(s.quantity)[s.index]
        else:
            expected = t.get(s.step, s.layer, s.quantity)[s.index]
        assert float(expected) == s.value, s
        assert s.text.replace("−", "-").lstrip("+") != "", s


def load_rgb(path: Path) -> np.ndarray:
    img = Image.open(path).convert("RGB").resize(SNAPSHOT_SIZE, Image.BILINEAR)
    return np.asarray(img, dtype=np.int16)


def assert_snapshot(png: Path, name: str) -> None:
    """Compare a rendered frame with tests/snapshots/<name>.png.

    Passes when the mean absolute difference is under 2 levels (of 255) and under 0.5 %
    of pixels differ by more than 40 levels. NNANIM_UPDATE_SNAPSHOTS=1 rewrites the
    reference (then look at it before committing).
    """
    ref = SNAPSHOTS / f"{name}.png"
    got = load_rgb(png)
    if os.environ.get("NNANIM_UPDATE_SNAPSHOTS") == "1" or not ref.exists():
        if os.environ.get("NNANIM_UPDATE_SNAPSHOTS") != "1":
            raise AssertionError(f"no snapshot {ref.name}; render with NNANIM_UPDATE_SNAPSHOTS=1")
        SNAPSHOTS.mkdir(exist_ok=True)
        Image.fromarray(got.astype(np.uint8)).save(ref, optimize=True)
        return
    want = np.asarray(Image.open(ref).convert("RGB"), dtype=np.int16)
    diff = np.abs(got - want)
    mean, frac = diff.mean(), (diff.max(axis=-1) > 40).mean()
    assert mean < 2.0 and frac < 0.005, (
        f"{name}: frame differs from snapshot (mean |diff| {mean:.2f}, "
        f"{100 * frac:.2f}% pixels changed)")


def assert_layout_baseline(scene: str, found: list[str]) -> None:
    """Compare a scene's layout violations (``LayoutCheck.strings()``) with its entry in
    tests/layout_baseline.json ({scene: [violation, ...]}, the ones not fixed yet): any
    violation not listed fails (a regression), and so does a listed one that no longer
    occurs (fixed: the baseline shrinks). NNANIM_UPDATE_LAYOUT_BASELINE=1 rewrites the
    scene's entry instead (read the difference before committing)."""
    if os.environ.get("NNANIM_UPDATE_LAYOUT_BASELINE") == "1":
        # xdist workers update one file: one at a time (the lock file stays, out of the repo)
        with open(Path(tempfile.gettempdir()) / "nnanim-layout-baseline.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            baseline = _layout_baseline()
            baseline.pop(scene, None)
            if found:
                baseline[scene] = found
            LAYOUT_BASELINE.write_text(json.dumps(dict(sorted(baseline.items())), indent=1,
                                                  ensure_ascii=False) + "\n")
        return
    known = _layout_baseline().get(scene, [])
    new, gone = Counter(found) - Counter(known), Counter(known) - Counter(found)
    lines = [f"{scene}: {sum(new.values())} layout violation(s) not in {LAYOUT_BASELINE.name} "
             f"(time, kind, text: measurement):", *(f"  {v}" for v in new.elements())]
    assert not new, "\n".join(lines)
    lines = [f"{scene}: {sum(gone.values())} violation(s) of {LAYOUT_BASELINE.name} no longer "
             "occur; rerun with NNANIM_UPDATE_LAYOUT_BASELINE=1 to drop them:",
             *(f"  {v}" for v in gone.elements())]
    assert not gone, "\n".join(lines)


def _layout_baseline() -> dict:
    return json.loads(LAYOUT_BASELINE.read_text()) if LAYOUT_BASELINE.exists() else {}


#: a number with decimals in a presenter note (say or answer)
NOTE_DECIMAL = re.compile(r"[−-]?\d+\.\d+(?:e[−-]?\d+)?")


def assert_notes_cover_sections(scene) -> None:
    """Every section of ``scene`` has presenter notes inside its times, each with a say, a
    question and an answer, and every decimal number in them is the text of a number the
    scene recorded as shown (so the shared check compares it with the trace)."""
    notes = scene.presenter_notes
    for sec in scene._sections:
        mine = [n for n in notes if n.section == sec.name]
        assert mine, f"{type(scene).__name__}: section {sec.name} has no presenter notes"
        for n in mine:
            assert (n.start, n.end) == (sec.start, sec.end)
            assert all(len(part.strip()) > 10 for part in (n.say, n.ask, n.answer)), n
            assert n.ask.rstrip().endswith("?"), n
    shown = {s.text.replace("−", "-") for s in scene.shown.items}
    for n in notes:
        for number in NOTE_DECIMAL.findall(n.say + " " + n.answer):
            assert number.replace("−", "-") in shown, (number, n)
