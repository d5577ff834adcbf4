"""Promises the repository makes to a newcomer: the documented commands, clean notebooks and
consistent dependency lists."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

COURSE_COMMAND = "python3 tasks.py course"
TEST_COMMAND = "python3 tasks.py test"
APP_COMMAND = "python3 tasks.py app"


def readme_text() -> str:
    return README.read_text(encoding="utf-8")


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def requirement_name(spec: str) -> str:
    """'pandas>=2.2' -> 'pandas' (normalised as in PEP 503)."""
    name = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec).group(1)
    return re.sub(r"[-_.]+", "-", name).lower()


def test_readme_quick_start_has_both_commands():
    text = readme_text()
    assert "## Quick start" in text
    quick_start = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert COURSE_COMMAND in quick_start
    assert TEST_COMMAND in quick_start


def test_readme_names_the_classroom_app_and_first_notebook():
    text = readme_text()
    assert APP_COMMAND in text
    assert "notebooks/00-start-here.ipynb" in text


def test_ci_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert script.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in script
    commands = [
        line.strip()
        for line in script.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert TEST_COMMAND in commands
    assert TEST_COMMAND in readme_text()


def test_tasks_uses_only_the_standard_library():
    tree = ast.parse((ROOT / "tasks.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported, "tasks.py imports nothing?"
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


def test_plain_pytest_collects_what_the_test_command_runs():
    """The nbval and doctest options live in pyproject.toml, not only in tasks.py, so a
    contributor's plain `pytest` runs the tests, the docstring examples and the notebooks."""
    config = pyproject()["tool"]["pytest"]["ini_options"]
    assert config["testpaths"] == ["tests", "hinge_lib", "notebooks"]
    for option in ("--doctest-modules", "--nbval-lax", "--nbval-current-env"):
        assert option in config["addopts"]
    source = (ROOT / "tasks.py").read_text(encoding="utf-8")
    assert "--nbval" not in source, "tasks.py restates pytest options kept in pyproject.toml"


def test_readme_code_example_runs():
    """The model example in the README runs and gives what its text says."""
    text = readme_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    example = next(b for b in blocks if "analyze(" in b)
    namespace: dict = {}
    exec(compile(example, "README.md", "exec"), namespace)
    assert namespace["a"].pose.hip == 84


def test_pyproject_lists_anywidget_for_plotly_figure_widget():
    deps = {requirement_name(d) for d in pyproject()["project"]["dependencies"]}
    assert {"plotly", "ipywidgets", "anywidget", "voila", "jupyterlab"} <= deps


def test_environment_yml_matches_pyproject_dependencies():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "conda-forge" in env["channels"]
    conda = {
        requirement_name(dep)
        for dep in env["dependencies"]
        if isinstance(dep, str) and requirement_name(dep) not in {"python", "pip"}
    }
    deps = {requirement_name(d) for d in pyproject()["project"]["dependencies"]}
    # plus what a hub's image needs: the course link and each student's server
    assert conda == deps | {"nbgitpuller", "jupyterhub-singleuser"}


def test_binder_post_build_installs_the_package():
    script = (ROOT / "postBuild").read_text(encoding="utf-8")
    assert "pip install" in script and "-e ." in script


def test_binder_post_build_serves_without_delay_and_compressed():
    from hinge_lib.serving import CONNECTION_CLASS

    script = (ROOT / "postBuild").read_text(encoding="utf-8")
    text = script.split("<<'CONFIG'\n", 1)[1].split("\nCONFIG", 1)[0]
    config = json.loads(text)
    assert config["ServerApp"]["kernel_websocket_connection_class"] == CONNECTION_CLASS
    assert config["NoDelayKernelConnection"]["compress"] is True


def test_gitignore_keeps_generated_folders_out():
    ignored = {line.strip().rstrip("/") for line in (ROOT / ".gitignore").read_text().splitlines()}
    assert {".venv", ".jupyter-scratch", "__pycache__", ".ipynb_checkpoints"} <= ignored


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_clean(path):
    """Notebooks are stored without widget state, outputs or execution counts, except the
    expected text of cells tagged ``nbval-check-output`` (what nbval compares)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb.get("nbformat") == 4
    assert "widgets" not in nb.get("metadata", {}), "widget state stored in metadata"
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    assert kernel == "python3", "set metadata.kernelspec.name to python3 (else Jupyter asks)"
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        if "nbval-check-output" not in cell.get("metadata", {}).get("tags", []):
            assert cell.get("outputs") == [], f"cell {i} has stored outputs"
            assert cell.get("execution_count") is None, f"cell {i} has an execution count"
            continue
        outputs = cell.get("outputs", [])
        assert outputs, f"checked cell {i} stores no expected output (python3 tasks.py outputs)"
        for out in outputs:
            assert out["output_type"] in ("stream", "execute_result", "display_data")
            if out["output_type"] != "stream":
                assert set(out["data"]) <= {"text/plain", "text/html"}, f"cell {i}: widget output"


def test_licences_are_named_in_the_readme_and_pyproject():
    meta = pyproject()["project"]
    assert meta["license"] == "MIT AND CC-BY-4.0"
    for name in meta["license-files"]:
        assert (ROOT / name).is_file(), name
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    course = (ROOT / "LICENSE-COURSE.txt").read_text(encoding="utf-8")
    assert "Attribution 4.0 International Public License" in course
    licence_section = readme_text().split("## Licence", 1)[1].split("\n## ", 1)[0]
    assert "MIT" in licence_section and "CC BY 4.0" in licence_section


def test_version_is_in_the_changelog_and_the_package():
    import hinge_lib

    version = pyproject()["project"]["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    assert f"## {version}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert hinge_lib.__version__ == version


def test_bundled_third_party_data_keep_their_licence_beside_them():
    samples = ROOT / "data" / "samples"
    assert list(samples.glob("LICENSE*")), "third-party recordings need their licence beside them"


def _tasks():
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    return tasks


def _test_options(args: list[str]):
    return _tasks().test_options(args)


def test_the_full_run_has_one_worker_more_than_the_quick_run(monkeypatch):
    import os

    tasks = _tasks()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert tasks.workers(full=False) == ["-n", "2"]
    assert tasks.workers(full=True) == ["-n", "3"]


def test_tasks_py_test_options_for_the_quick_loop_and_the_full_run():
    assert _test_options([]) == (False, True, [], [])
    assert _test_options(["--no-browser-tests", "--", "-k", "dowel"]) == (
        False, False, [], ["-k", "dowel"])
    quick, browser, paths, extra = _test_options(
        ["--quick", "notebooks/00-start-here.ipynb", "--", "-x"])
    assert quick and not browser and paths == ["notebooks/00-start-here.ipynb"]
    assert extra == ["-x"]
    with pytest.raises(SystemExit, match="--colour"):
        _test_options(["--colour"])
    with pytest.raises(SystemExit, match="go with --quick"):
        _test_options(["tests/test_model.py"])
    with pytest.raises(SystemExit, match="no such test file"):
        _test_options(["--quick", "tests/test_nothing_here.py"])
