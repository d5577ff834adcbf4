"""The library works anywhere it is installed, not only from this checkout: its data tables
ship inside the wheel and are found with importlib.resources."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

CHECK = """
import sys
from pathlib import Path
import hinge_lib
from hinge_lib import Body, Pose, analyze, reference_positions
from hinge_lib.model import tables

here = Path(hinge_lib.__file__).resolve()
assert str(here).startswith(sys.prefix), here
assert Path(tables.DATA_DIR).resolve().is_relative_to(here.parent), tables.DATA_DIR
a = analyze(Pose(ankle=2, knee=21, hip=84), Body(1.75, 75, "male"), load_kg=30, hold="hands")
print(a.pattern, round(a.hip_moment_nm, 1), len(reference_positions()))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # build from a copy, so the build leaves nothing behind in the checkout
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE", "LICENSE-COURSE.txt"):
        shutil.copy2(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("hinge_lib", "data"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
         "--quiet", "--wheel-dir", str(out)],
        check=True, cwd=out,
    )
    (found,) = out.glob("hinge_lib-*.whl")
    return found


def test_wheel_carries_the_data_tables_and_widget_front_end(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for table in ("segments.csv", "joint_limits.csv", "sources.yaml", "faults.yaml"):
        assert f"hinge_lib/data/{table}" in names
    assert any(n.startswith("hinge_lib/data/samples/") and n.endswith(".mot") for n in names)
    assert "hinge_lib/course/handouts.typ" in names  # the layout of the printable handouts
    assert not any(n.startswith(("tests/", "notebooks/", "benchmarks/")) for n in names)


def test_wheel_installed_in_a_fresh_environment_analyses_a_pose(wheel, tmp_path):
    """A new virtual environment outside the repository, the wheel installed into it, and a
    pose analysed from a folder that is not the checkout. The project's dependencies are
    borrowed from the test environment through a .pth file, so no network is needed."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    subprocess.run(
        [python, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
        check=True,
    )
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    # dependencies only: a plain path entry, so the editable install's finder is not loaded
    (Path(site) / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [python, "-c", CHECK], cwd=elsewhere, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    pattern, moment, n_refs = result.stdout.split()
    assert pattern == "hinge"
    assert float(moment) > 0
    assert int(n_refs) > 5
