"""The built wheel, installed into a fresh venv, runs from any folder: one import namespace
(nnanim), assets inside the package, caches in the user's cache folder, nothing shadowed by
a lecturer's own cli.py or engine/ in the working folder."""
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory):
    """(venv bin folder, wheel path): the wheel built from this checkout and installed with
    --no-deps into a new venv that borrows this environment's dependencies through a .pth
    line (so no download), without its editable nnanim."""
    tmp = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                            "--no-build-isolation", "-q", "-w", str(tmp / "dist"), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    wheel = next((tmp / "dist").glob("nnanim-*.whl"))
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp / "venv")],
                   check=True, timeout=120)
    bin_dir = tmp / "venv" / "bin"
    site = Path(subprocess.run([str(bin_dir / "python"), "-c",
                                "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "borrowed_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(bin_dir / "python"),
                              "install", "--no-deps", "--no-index", "-q", str(wheel)],
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr
    return bin_dir, wheel


def test_wheel_holds_one_namespace_with_assets(wheel_venv):
    _, wheel = wheel_venv
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"nnanim"}
    for path in ("nnanim/__init__.py", "nnanim/cli.py", "nnanim/api.py", "nnanim/py.typed",
                 "nnanim/engine/dense.py", "nnanim/scenes/base.py",
                 "nnanim/scenes/mobjects/value_grid.py", "nnanim/scenes/render/scene.py",
                 "nnanim/assets/mnist_5k.npz", "nnanim/assets/configs/xor_mlp.toml",
                 "nnanim/assets/configs/mnist_cnn.toml"):
        assert path in names, path
    assert not any(n.startswith(("nnanim/tests/", "nnanim/benchmarks/")) for n in names)


def test_installed_wheel_runs_every_command_from_any_folder(wheel_venv, tmp_path):
    bin_dir, _ = wheel_venv
    work = tmp_path / "lecturer"
    work.mkdir()
    # a lecturer's own modules with nnanim's old top-level names must not shadow it
    (work / "cli.py").write_text("raise SystemExit('the wrong cli')\n")
    (work / "engine").mkdir()
    (work / "engine" / "__init__.py").write_text("raise SystemExit('the wrong engine')\n")
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path / "home"),
           "XDG_CACHE_HOME": str(tmp_path / "xdg-cache")}

    def nnanim(*args):
        p = subprocess.run([str(bin_dir / "nnanim"), *args], capture_output=True, text=True,
                           cwd=work, env=env, timeout=600)
        assert p.returncode == 0, (args, p.stderr)
        return p.stdout

    where = subprocess.run([str(bin_dir / "python"), "-c", "import nnanim; print(nnanim.__file__)"],
                           capture_output=True, text=True, cwd=work, env=env).stdout
    assert where.startswith(str(bin_dir.parent)), where
    assert "GradientDescent1D" in nnanim("list")
    assert "complete: 1500 steps" in nnanim("train", "xor_mlp", "-q")
    assert (work / "runs" / "xor_mlp.trace" / "manifest.json").is_file()
    assert "xor-mlp" in nnanim("trace", "info", "runs/xor_mlp.trace")
    nnanim("render", "MaxPooling", "--format", "png", "-q", "l", "-o", "pool.png")
    assert (work / "pool.png").stat().st_size > 1000
    cached = list((tmp_path / "xdg-cache" / "nnanim" / "runs").glob("maxpool_deck-*.trace"))
    assert len(cached) == 1  # the default run trained into the user's cache, not the package
    assert not list(Path(where).parent.rglob("*.trace"))
