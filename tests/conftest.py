"""Shared test set-up: a clean Jupyter environment, a real browser and Voila servers."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / ".jupyter-scratch"

# Kernels started by nbval and Voila inherit these, so no test reads or writes the home folder.
# tasks.py sets the same values; a plain `pytest` run gets them here.
for _var, _sub in {
    "JUPYTER_CONFIG_DIR": "jupyter-config",
    "JUPYTER_DATA_DIR": "jupyter-data",
    "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
    "IPYTHONDIR": "ipython",
    "XDG_CONFIG_HOME": "xdg-config",
    "XDG_CACHE_HOME": "xdg-cache",
    "MPLCONFIGDIR": "matplotlib",
}.items():
    if _var not in os.environ:
        os.environ[_var] = str(SCRATCH / _sub)
    Path(os.environ[_var]).mkdir(parents=True, exist_ok=True)
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")


# Notebooks that need the optional video extra: MediaPipe 0.10.21 has wheels for Python
# 3.9-3.12 only, so on newer Pythons they are skipped with that reason. On supported Pythons they
# always run, and a missing extra fails with the install command.
VIDEO_NOTEBOOKS = ("14-film-your-hinge.ipynb",)


# What each kind of test needs, as markers (registered in pyproject.toml): a test that uses one
# of these fixtures must carry the marker, so `pytest -m "not browser"` and the quick run
# (`python3 tasks.py test --quick`) leave out exactly what they should. tests/test_markers.py
# checks it.
FIXTURE_MARKERS = {
    "browser": "browser",          # launches Chromium (so does every fixture built on it)
    "learner_site": "book",        # builds the course website
    "instructor_site": "book",
    "hub": "hub",                  # starts the one-machine JupyterHub
    "cv2": "video",                # OpenCV and MediaPipe from the video extra
    "class_app": "slow",           # a class app server with its kernels
    "laptop": "slow",
}
# every marker the quick run leaves out
HEAVY_MARKERS = ("browser", "book", "hub", "video", "slow", "notebook")
ALL_ITEMS = pytest.StashKey[list]()


def collected(item) -> dict:
    """What tests/test_markers.py needs to know of a collected test."""
    return {"nodeid": item.nodeid, "file": item.path.name,
            "fixtures": sorted(getattr(item, "fixturenames", ())),
            "markers": sorted({mark.name for mark in item.iter_markers()})}


def mark_notebooks(items, version: tuple = tuple(sys.version_info)) -> None:
    """Mark every notebook `notebook` (and the video notebook `video`); on Pythons without
    MediaPipe wheels, skip the video notebook with that reason."""
    for item in items:
        if item.path.suffix != ".ipynb":
            continue
        item.add_marker(pytest.mark.notebook)
        if item.path.name in VIDEO_NOTEBOOKS:
            item.add_marker(pytest.mark.video)
            if version[:2] >= (3, 13):
                item.add_marker(pytest.mark.skip(reason=(
                    f"needs the video extra: MediaPipe 0.10.21 has no wheels for Python "
                    f"{version[0]}.{version[1]} (only 3.9 to 3.12)")))


def slow_files_first(items) -> None:
    """Order ``items`` file by file, the files with most `slow` tests first (otherwise in
    the order collected), and each file's browser tests after its others.

    The parallel run (tasks.py: ``--dist loadfile --no-loadscope-reorder``) hands whole
    files to its workers in this order: the long files start at once and the many short
    ones fill in at the end, instead of one long file starting last and running alone."""
    files = list(dict.fromkeys(item.path for item in items))
    slow = {path: 0 for path in files}
    for item in items:
        slow[item.path] += item.get_closest_marker("slow") is not None
    rank = {path: (-slow[path], i) for i, path in enumerate(files)}
    items.sort(key=lambda item: (rank[item.path],
                                 item.get_closest_marker("browser") is not None))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark notebooks, keep every collected test for tests/test_markers.py (before ``-m``
    deselects any), and order the files for the parallel run (`slow_files_first`)."""
    mark_notebooks(items)
    config.stash[ALL_ITEMS] = list(items)
    report = os.environ.get("HINGE_COLLECTION_REPORT")
    if report:  # tests/test_markers.py collecting the whole folder in a subprocess
        Path(report).write_text(json.dumps([collected(item) for item in items]))
    slow_files_first(items)


@pytest.fixture(autouse=True)
def no_event_loop_left_running(request):
    """Run every test that does not drive the session's browser with no event loop marked
    as running in this thread, as in a notebook cell run by hand or a fresh worker.

    Playwright's synchronous API leaves its loop marked as running in the main thread once
    the session's browser has started; the explorer would then defer its throttled
    updates to that loop, which no one runs until the next browser call, so a test's
    result would depend on whether a browser test ran before it on the same worker.
    """
    import asyncio

    if "browser" in request.fixturenames:
        yield
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(loop)


@pytest.fixture(autouse=True)
def widgets_talk_to_no_kernel(monkeypatch):
    """Every widget a test makes gets the plain comm of a Python with no kernel, which
    sends its state changes (to nowhere, or to a test's stand-in).

    Importing ``ipykernel.ipkernel`` (a test that starts or inspects a kernel does) swaps in
    ipykernel's comm for the rest of the process; outside a running kernel that comm has
    no kernel, and a widget then sends nothing, so a test counting messages would depend
    on which tests ran before it on the same worker."""
    import comm

    monkeypatch.setattr(comm, "create_comm", comm._create_comm)
    monkeypatch.setattr(comm, "get_comm_manager", comm._get_comm_manager)


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by Playwright, shared by the whole session."""
    from browser import CHROMIUM, INSTALL_HINT, launch_chromium

    if not CHROMIUM.exists():
        pytest.fail(INSTALL_HINT, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab (own context) with a desktop-sized viewport."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def voila_server(tmp_path_factory):
    """Factory: `url, process = voila_server(notebook_path)`; servers stop after the test."""
    from browser import start_voila, stop_process

    started = []

    def start(notebook_path, **kwargs):
        kwargs.setdefault("log_path", tmp_path_factory.mktemp("voila") / "voila.log")
        url, proc = start_voila(notebook_path, **kwargs)
        started.append(proc)
        return url, proc

    yield start
    for proc in started:
        stop_process(proc)


@pytest.fixture(scope="module")
def laptop(tmp_path_factory):
    """The instructor's laptop running the class app, one per test file (class_laptop.py)."""
    from class_laptop import start_laptop

    yield from start_laptop(tmp_path_factory.mktemp("laptop"))


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of data/ that a test may break; every cached table is cleared before
    and after (see data_copies.py)."""
    from data_copies import copied_data

    yield from copied_data(tmp_path, monkeypatch)
