"""Helpers for tests that drive a real Chromium against notebooks served by Voila.

Use them through the fixtures in conftest.py (`browser`, `page`, `voila_server`) and mark
such tests `@pytest.mark.browser`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from hinge_lib.serving import VOILA_OPTIONS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
INSTALL_HINT = (
    f"Debian's Chromium is needed at {CHROMIUM}: run `python3 tasks.py test` as root, "
    "or install it once with `sudo apt-get install -y chromium`"
)

# selectors that work on a Voila page with ipywidgets 8 and a plotly FigureWidget
PLOT_PATH = ".js-plotly-plot .scatterlayer path"
SLIDER_HANDLE = ".widget-slider .noUi-handle"
READOUT = ".widget-readout"


def launch_chromium(playwright):
    """Launch headless Debian Chromium through Playwright (its own browser download is not used)."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def voila_command() -> str:
    """The voila script of the environment running the tests."""
    beside = Path(sys.executable).parent / ("voila.exe" if os.name == "nt" else "voila")
    if beside.exists():
        return str(beside)
    found = shutil.which("voila")
    if not found:
        raise RuntimeError("voila is not installed in this environment")
    return found


def start_voila(
    notebook_path: str | os.PathLike,
    *,
    timeout: float = 60.0,
    log_path: str | os.PathLike | None = None,
    extra_args: list[str] | tuple[str, ...] = (),
) -> tuple[str, subprocess.Popen]:
    """Serve one notebook with Voila on 127.0.0.1; return (page url, server process).

    The server runs with the course's kernel connection (:mod:`hinge_lib.serving`), as
    ``python3 tasks.py app`` does. Waits until the server answers for its static files.
    Each load of the page url starts a kernel and runs the notebook. Stop the server with
    `stop_process`.
    """
    notebook = Path(notebook_path).resolve()
    if not notebook.is_file():
        raise FileNotFoundError(notebook)
    port = free_port()
    cmd = [
        voila_command(),
        str(notebook),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
        *VOILA_OPTIONS,
        *extra_args,
    ]
    log = Path(log_path) if log_path else notebook.with_suffix(".voila.log")
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=notebook.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # own process group, so stop_process reaches its helpers
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                f"voila exited with code {proc.returncode}:\n{log.read_text(errors='replace')}"
            )
        try:
            with urllib.request.urlopen(f"{base}/voila/static/voila.js", timeout=5) as resp:
                if resp.status == 200:
                    return base + "/", proc
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            stop_process(proc)
            raise TimeoutError(
                f"voila did not answer within {timeout:.0f} s:\n{log.read_text(errors='replace')}"
            )
        time.sleep(0.25)


def stop_process(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """Stop a server started by start_voila by its process id.

    SIGTERM lets Voila shut down the kernels it started; whatever is left of its process
    group is then killed.
    """
    if proc.poll() is None:
        _signal_group(proc, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
    # the group id is the server's pid (start_new_session)
    _signal_group(proc, getattr(signal, "SIGKILL", signal.SIGTERM))
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=grace)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
    except (ProcessLookupError, PermissionError):
        pass


def open_voila_page(page, url: str, timeout_ms: float = 120_000) -> None:
    """Load a Voila page and wait until a plotly plot has been drawn on it."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    page.wait_for_selector(PLOT_PATH, state="attached", timeout=timeout_ms)


def path_d(page, index: int = 0) -> str:
    """The `d` attribute of the index-th plotly trace path on the page."""
    return page.locator(PLOT_PATH).nth(index).get_attribute("d") or ""


def press_slider(page, key: str = "ArrowRight", index: int = 0) -> None:
    """Focus the index-th ipywidgets slider handle and press a key on it."""
    handle = page.locator(SLIDER_HANDLE).nth(index)
    handle.focus()
    handle.press(key)


def wait_for_path_change(page, old_d: str, index: int = 0, timeout_ms: float = 10_000) -> str:
    """Wait until the index-th trace path differs from old_d; return the new `d`."""
    page.wait_for_function(
        "([sel, i, old]) => { const p = document.querySelectorAll(sel)[i];"
        " return p && p.getAttribute('d') !== old; }",
        arg=[PLOT_PATH, index, old_d],
        timeout=timeout_ms,
        polling="raf",
    )
    return path_d(page, index)


# ---------------------------------------------------------------------------
# The live SVG pose figure (hinge_lib/widgets/live_figure.js)

LIVE_SVG = ".hinge-live-svg"
LIVE_BODY = ".hinge-live-svg path.hinge-layer[data-name='body']"

#: Everything drawn by the index-th live figure on the page, read from the SVG attributes:
#: each mark's translate(x, y) in px, each layer's `d`, the texts, title and description.
LIVE_STATE_JS = """(i) => {
  const svg = document.querySelectorAll('.hinge-live-svg')[i];
  if (!svg) return null;
  const marks = {};
  for (const g of svg.querySelectorAll('g.hinge-mark')) {
    const m = /translate\\(([-\\d.e]+),([-\\d.e]+)\\)/.exec(g.getAttribute('transform') || '');
    marks[g.dataset.name] = {
      xy: m ? [parseFloat(m[1]), parseFloat(m[2])] : null,
      hidden: g.getAttribute('visibility') === 'hidden', kind: g.dataset.kind};
  }
  const paths = {};
  for (const p of svg.querySelectorAll('path.hinge-layer')) {
    paths[p.dataset.name] = {d: p.getAttribute('d'), stroke: p.getAttribute('stroke')};
  }
  const texts = {};
  for (const t of svg.querySelectorAll('text.hinge-text')) {
    texts[t.dataset.name] = t.getAttribute('visibility') === 'hidden' ? '' : t.textContent;
  }
  const say = svg.parentElement.querySelector('.hinge-live-say');
  const area = svg.querySelector('rect.hinge-plot-area');
  const plot = ['x', 'y', 'width', 'height'].map((a) => parseFloat(area.getAttribute(a)));
  return {marks, paths, texts, plot, width: parseFloat(svg.getAttribute('width')),
          font: parseFloat(svg.getAttribute('font-size')),
          title: svg.querySelector(':scope > title').textContent,
          desc: svg.querySelector(':scope > desc').textContent,
          say: say ? say.textContent : null};
}"""


def open_live_page(page, url: str, timeout_ms: float = 120_000) -> float:
    """Load a Voila page and wait until a live figure has drawn its body; return the
    seconds from navigation to that moment."""
    import time as _time

    started = _time.monotonic()
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    page.wait_for_function(
        "(sel) => { const p = document.querySelector(sel);"
        " return p && (p.getAttribute('d') || '').length > 0; }",
        arg=LIVE_BODY, timeout=timeout_ms, polling=50,
    )
    return _time.monotonic() - started


def live_state(page, index: int = 0) -> dict:
    """What the index-th live figure has drawn (see LIVE_STATE_JS)."""
    return page.evaluate(LIVE_STATE_JS, index)


def path_points(d: str) -> list[list[tuple[float, float]]]:
    """The polylines of an SVG path `d` made of M and L commands, in px."""
    import re

    lines: list[list[tuple[float, float]]] = []
    for cmd, x, y in re.findall(r"([ML])([-\d.e]+),([-\d.e]+)", d):
        if cmd == "M":
            lines.append([])
        lines[-1].append((float(x), float(y)))
    return lines


def drawn_transform(state: dict, scene: dict) -> tuple[float, float, float]:
    """(origin x, origin y, px per metre) of a drawn live figure, worked out from where its
    plot area was drawn (``state["plot"]``) and the metres it spans (``scene``'s ranges),
    so a test compares the drawing with the model whatever width the page gave the figure.
    Fails unless both axes have the same px per metre."""
    x, y, w, h = state["plot"]
    (x0, x1), (y0, y1) = scene["x_range"], scene["y_range"]
    k = w / (x1 - x0)
    assert abs(h / (y1 - y0) - k) < 0.02 * k, "unequal metres on the two axes"
    return x - k * x0, y + k * y1, k
