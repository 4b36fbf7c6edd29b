"""The layout's rules, read from the source: data flows config → engine → trace → scene →
file; the engine never imports manim, click or the scenes; nothing imports the CLI; no
module imports one that imports it back (lazy imports inside functions count too); the
environment is read only where SceneOptions and the cache folder bridge to it."""
import ast
from pathlib import Path

import pytest
from conftest import ROOT

SOURCES = ["__init__.py", "api.py", "cli.py", "engine", "scenes"]


def modules() -> dict[str, Path]:
    """{dotted name: file} of every module of the nnanim package in this checkout."""
    found = {}
    for entry in SOURCES:
        path = ROOT / entry
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            parts = list(file.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(["nnanim", *parts])] = file
    return found


def imports(name: str, file: Path) -> set[str]:
    """Every module ``file`` imports, at module level or inside functions (absolute names;
    ``from package import module`` counts as importing that module)."""
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(file.read_text())
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and getattr(block.test, "id", "") == "TYPE_CHECKING"
                   for n in ast.walk(block)}  # for annotations only: never run
    out = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            out.add(base)
            out |= {f"{base}.{alias.name}" for alias in node.names}
    return out


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: {m for m in imports(name, file) if m in mods and m != name}
            | {m for m in imports(name, file) if m.split(".")[0] in ("manim", "click")}
            for name, file in mods.items()}


def test_engine_imports_neither_manim_nor_click_nor_scenes(graph):
    for name, deps in graph.items():
        if name.startswith("nnanim.engine"):
            bad = {d for d in deps if d.startswith(("manim", "click", "nnanim.scenes",
                                                    "nnanim.cli", "nnanim.api"))}
            assert not bad, f"{name} imports {bad}"


def test_nothing_imports_the_cli(graph):
    users = [name for name, deps in graph.items() if "nnanim.cli" in deps]
    assert users == []


def test_no_import_circles(graph):
    """No module reaches itself again through the modules it imports."""
    internal = {n: {d for d in deps if d in graph} for n, deps in graph.items()}

    def reaches(start):
        seen, todo = set(), list(internal[start])
        while todo:
            m = todo.pop()
            if m not in seen:
                seen.add(m)
                todo += internal[m]
        return seen

    # a package's __init__ re-exporting its own modules is not a circle between modules
    circles = sorted(n for n in internal if n in reaches(n) and not any(
        d.startswith(n + ".") for d in internal[n]))
    assert circles == [], circles


def test_environment_is_read_only_at_the_bridges():
    readers = sorted(str(f.relative_to(ROOT)) for f in modules().values()
                     if "environ" in f.read_text())
    assert readers == ["scenes/options.py", "scenes/runs.py"], readers
