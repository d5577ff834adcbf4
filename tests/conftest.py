"""Shared test set-up: a clean Jupyter environment, a real browser and Voila servers."""

from __future__ import annotations

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


def pytest_collection_modifyitems(config, items):
    """Run the browser tests last, so the rest reports first and no browser idles meanwhile."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    if sys.version_info[:2] >= (3, 13):
        reason = (f"needs the video extra: MediaPipe 0.10.21 has no wheels for Python "
                  f"{sys.version_info[0]}.{sys.version_info[1]} (only 3.9 to 3.12)")
        for item in items:
            if item.path.name in VIDEO_NOTEBOOKS:
                item.add_marker(pytest.mark.skip(reason=reason))


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


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of data/ that a test may break; every cached table is cleared before
    and after (see data_copies.py)."""
    from data_copies import copied_data

    yield from copied_data(tmp_path, monkeypatch)
