"""What rendering needs from the system (ffmpeg, LaTeX, cairo, pango, a font, manim), each
with the Debian package that brings it; ``nnanim doctor`` prints these."""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

TEX_PACKAGES = "texlive-latex-base texlive-latex-extra texlive-fonts-recommended"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    fix: str  # what to install when it is missing


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True)


def _has(program: str) -> bool:
    return shutil.which(program) is not None


def _latex_class(name: str) -> bool:
    return _has("kpsewhich") and bool(_run("kpsewhich", name).stdout.strip())


def _pkg_config(lib: str) -> bool:
    return _has("pkg-config") and _run("pkg-config", "--exists", lib).returncode == 0


def _font(family: str) -> bool:
    return _has("fc-list") and family in _run("fc-list", ":", "family").stdout


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def checks() -> list[Check]:
    """Every check, in the order a render needs them."""
    return [
        Check("ffmpeg", _has("ffmpeg"), "apt-get install ffmpeg"),
        Check("latex", _has("latex"), f"apt-get install {TEX_PACKAGES}"),
        Check("dvisvgm", _has("dvisvgm"), "apt-get install dvisvgm"),
        Check("LaTeX standalone class", _latex_class("standalone.cls"),
              "apt-get install texlive-latex-extra"),
        Check("cairo (pkg-config)", _pkg_config("cairo"), "apt-get install pkg-config libcairo2-dev"),
        Check("pango (pkg-config)", _pkg_config("pango"),
              "apt-get install pkg-config libpango1.0-dev"),
        Check("font DejaVu Sans", _font("DejaVu Sans"), "apt-get install fonts-dejavu-core"),
        Check("manim", _importable("manim"), "make install (builds .venv)"),
    ]
