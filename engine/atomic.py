"""Writing a file so that it is never half-written: a temporary name beside it, then a
rename (atomic on one file system). A target that cannot be written raises one line
(``OutputError``), and whatever stood at the target before is left as it was.

    with atomic_path("out/plot.png") as tmp:   # write tmp any way you like
        fig.savefig(tmp)
    write_text("out/loss.csv", text)
    copy_file(video, "out/lecture.mp4")
"""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import NnanimError


class OutputError(NnanimError):
    """An output path cannot be written (no such folder, no permission, a folder, ...)."""


def output_error(path: Path, e: OSError) -> OutputError:
    """One line for an OSError met while writing ``path``."""
    why = e.strerror or type(e).__name__
    return OutputError(f"cannot write {path}: {why}")


def check_output(path: str | os.PathLike, folder: bool = False) -> Path:
    """Make sure ``path`` can be written as a file (``folder``: as a folder, like a trace):
    the folder it goes in is created if missing, and nothing of the other sort stands at
    ``path``. Returns ``path`` as a Path."""
    path = Path(path)
    if path.is_dir() and not folder:
        raise OutputError(f"cannot write {path}: it is a folder")
    if path.exists() and folder and not path.is_dir():
        raise OutputError(f"cannot write {path}: it is a file, not a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise output_error(path, e) from None
    if not os.access(path.parent, os.W_OK):
        raise OutputError(f"cannot write {path}: permission denied")
    return path


def temporary_beside(path: Path) -> Path:
    """The temporary name ``path`` is written under: hidden, same folder, same suffix (so
    tools that go by the suffix, like ffmpeg and matplotlib, still choose the format)."""
    return path.with_name(f".{path.stem}.tmp{path.suffix}")


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block ends without an error, rename
    it onto ``path``; otherwise remove it."""
    path = check_output(path)
    tmp = temporary_beside(path)
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as e:
        raise output_error(path, e) from None
    finally:
        tmp.unlink(missing_ok=True)


def write_text(path: str | os.PathLike, text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text)
    return Path(path)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def copy_file(src: str | os.PathLike, dst: str | os.PathLike) -> Path:
    """Copy ``src`` to ``dst`` atomically (``dst`` may be ``src`` itself: then nothing)."""
    src, dst = Path(src), Path(dst)
    if dst.exists() and dst.resolve() == src.resolve():
        return dst
    with atomic_path(dst) as tmp:
        shutil.copyfile(src, tmp)
    return dst
