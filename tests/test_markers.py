"""Every test says what it needs, so `pytest -m "not browser"` and the quick run leave out
exactly the tests that need Chromium, the book build, the hub, the video extra or minutes.

The markers are registered in pyproject.toml (``--strict-markers`` rejects any other); the
fixtures that imply one are listed in conftest.py's ``FIXTURE_MARKERS``. The checks read every
test of ``tests/`` as collected before ``-m`` deselects any: from this run when it collected
the whole folder, otherwise from a collection of the folder in a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ALL_ITEMS, FIXTURE_MARKERS, HEAVY_MARKERS, ROOT, collected

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

LAUNCHES = ("launch_chromium(", "sync_playwright(", "async_playwright(", "chromium.launch(")


def _every_file() -> dict[str, str]:
    """File name -> path from the repository root, of every test module and notebook."""
    paths = [*(ROOT / "tests").glob("test_*.py"), *(ROOT / "notebooks").glob("*.ipynb")]
    return {path.name: str(path.relative_to(ROOT)) for path in paths}


@pytest.fixture(scope="module")
def tests_folder(request, tmp_path_factory) -> list[dict]:
    """Every test of tests/ and notebooks/: nodeid, file, fixtures (however deep) and markers.

    Taken from this run where it collected a file, from a collection in a subprocess for the
    files it did not (the notebooks, in the quick run)."""
    items = [collected(item) for item in request.config.stash[ALL_ITEMS]]
    seen = {item["file"] for item in items}
    missing = sorted(path for name, path in _every_file().items() if name not in seen)
    if not missing:
        return items
    report = tmp_path_factory.mktemp("collection") / "items.json"
    env = dict(os.environ, HINGE_COLLECTION_REPORT=str(report))
    # this file is collected too, so that tests/conftest.py (which writes the report) loads
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                           "tests/test_markers.py", *missing],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return items + json.loads(report.read_text())


def test_the_markers_are_registered():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    registered = {line.split(":")[0].strip() for line in options["markers"]}
    assert set(HEAVY_MARKERS) | set(FIXTURE_MARKERS.values()) <= registered


def test_the_whole_folder_is_checked(tests_folder):
    assert set(_every_file()) <= {item["file"] for item in tests_folder}
    assert len(tests_folder) > 500


def test_every_test_that_launches_chromium_is_marked_browser(tests_folder):
    unmarked = [item["nodeid"] for item in tests_folder
                if "browser" in item["fixtures"] and "browser" not in item["markers"]]
    assert not unmarked, "tests that launch Chromium without @pytest.mark.browser:\n" + "\n".join(
        unmarked)


def test_every_test_carries_the_markers_its_fixtures_need(tests_folder):
    missing = [f"{item['nodeid']} uses {fixture!r} but is not marked {marker!r}"
               for item in tests_folder for fixture, marker in FIXTURE_MARKERS.items()
               if fixture in item["fixtures"] and marker not in item["markers"]]
    assert not missing, "\n".join(missing)


def test_chromium_is_launched_only_through_the_browser_fixture():
    """So the fixture check above sees every launch: no test module starts Playwright itself."""
    for path in sorted((ROOT / "tests").glob("*.py")):
        if path.name in ("conftest.py", "browser.py", "test_markers.py"):
            continue
        calls = [call for call in LAUNCHES if call in path.read_text()]
        assert not calls, f"{path.name} starts Chromium itself ({calls}): use the `browser` fixture"


def test_notebooks_are_marked_so_the_quick_run_can_leave_them_out(tests_folder):
    notebooks = [item for item in tests_folder if item["file"].endswith(".ipynb")]
    assert notebooks and all("notebook" in item["markers"] for item in notebooks)
    assert all("video" in item["markers"] for item in notebooks
               if item["file"] == "14-film-your-hinge.ipynb")
