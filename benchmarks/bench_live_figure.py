"""Speed of the explorer's live SVG figure under Voila in headless Chromium, against a floor.

    .venv/bin/python benchmarks/bench_live_figure.py [--presses N] [--loads N] [--before DIR]

Three pages, served by Voila with the course's kernel connection and measured in the same
run so that they see the same machine load:

- **floor**: one SVG ``<path>`` in a minimal anywidget moved by one slider (traits synced
  with ``hold_sync``): the fastest a slider can redraw anything on this machine;
- **live**: the pose explorer (notebooks/10-pose-explorer.ipynb) with its live figure;
- **before** (first figure only, with ``--before DIR``): the explorer of another checkout,
  e.g. the previous plotly version, for the time to the first figure.

Printed:

1. key press to redraw: the Hip handle is focused and ArrowRight/ArrowLeft pressed; the
   time from the page's keydown event to the change of the watched path's ``d`` is
   measured inside the page (a MutationObserver). Median and p90, and the ratio of the
   medians live / floor. Targets: median <= 1.2 x floor, p90 <= 25 ms. The explorer
   redraws from frames its kernel sent ahead (:mod:`hinge_lib.widgets.frames_ahead`,
   worked out once the handle has focus); the floor waits for its kernel every time.
2. redraws per second while the Hip handle is dragged continuously for 2 s: pointer
   events sent from inside the page at 125 a second (a common mouse's rate, and not
   limited by this script's round trips to the browser), counting the animation frames in
   which the figure differs from the frame before. Target: >= 50 per second.
3. time to first figure: navigation to the first drawn body path. Target: at least 2 s
   sooner than the plotly explorer (6.0-6.7 s when measured for issue 13).
4. Python side of one explorer update (analysis, frame, readout and the JSON of the
   messages a kernel would send), wall time and this thread's CPU time (on a shared
   machine the CPU time is the cost of the update itself). Target: < 2 ms. Also the cost of
   working ahead for one slider (every Hip value): frames, CPU time and bytes sent.

Timings depend on the machine and on what else runs on it; the ratio to the floor of the
same run is the figure to compare. Needs /usr/bin/chromium; uses tests/browser.py.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from browser import (  # noqa: E402
    CHROMIUM,
    INSTALL_HINT,
    LIVE_BODY,
    launch_chromium,
    start_voila,
    stop_process,
)

EXPLORER_NB = ROOT / "notebooks" / "10-pose-explorer.ipynb"

FLOOR_CODE = '''\
import math

import anywidget
import ipywidgets as widgets
import traitlets


class OnePath(anywidget.AnyWidget):
    _esm = """
export default { render({ model, el }) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", "420"); svg.setAttribute("height", "450");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("class", "floor-path"); path.setAttribute("fill", "none");
  path.setAttribute("stroke", "#0072B2"); path.setAttribute("stroke-width", "5");
  svg.appendChild(path); el.appendChild(svg);
  const draw = () => {
    const xs = model.get("x"), ys = model.get("y");
    let d = "";
    for (let i = 0; i < xs.length; i++) d += (i ? "L" : "M") + xs[i] + "," + ys[i];
    path.setAttribute("d", d);
  };
  draw();
  model.on("change:x", draw);
  model.on("change:y", draw);
} };
"""
    x = traitlets.List().tag(sync=True)
    y = traitlets.List().tag(sync=True)


def line(deg):
    a = math.radians(deg)
    return [200, 200 + 150 * math.sin(a)], [400, 400 - 150 * math.cos(a)]


fig = OnePath(x=line(0)[0], y=line(0)[1])
slider = widgets.IntSlider(value=0, min=-30, max=140, step=1, description="Hip",
                           continuous_update=True)


def redraw(change):
    xs, ys = line(change["new"])
    with fig.hold_sync():
        fig.x, fig.y = xs, ys


slider.observe(redraw, names="value")
widgets.VBox([slider, fig])
'''

# Records keydown times and every change of one path's `d`.
INSTRUMENT_JS = """(selector) => {
  const state = {key: 0, changes: [], selector};
  window.__bench = state;
  const target = document.querySelector(selector);
  let last = target.getAttribute('d');
  document.addEventListener('keydown', () => { state.key = performance.now(); }, true);
  new MutationObserver(() => {
    const d = target.getAttribute('d');
    if (d !== last) { last = d; state.changes.push(performance.now()); }
  }).observe(target, {attributes: true, attributeFilter: ['d']});
}"""

# A drag made of mouse events (in Chromium noUiSlider follows mousedown on the handle's
# grip, then mousemove/mouseup bubbling to the document), sweeping 10%..90% of the track once a
# second each way; a requestAnimationFrame loop counts the frames whose path differs from
# the frame before.
DRAG_JS = """(handle, {seconds, hz}) => new Promise((resolve) => {
  const track = handle.closest('.noUi-target').getBoundingClientRect();
  const box = handle.getBoundingClientRect();
  const y = box.y + box.height / 2;
  const lo = track.x + 0.1 * track.width, hi = track.x + 0.9 * track.width;
  const path = document.querySelector(window.__bench.selector);
  const event = (type, x, buttons) => new MouseEvent(type, {clientX: x, clientY: y,
    bubbles: true, cancelable: true, button: 0, buttons, view: window});
  const grip = handle.querySelector('.noUi-touch-area') || handle;
  grip.dispatchEvent(event('mousedown', box.x + box.width / 2, 1));
  const start = performance.now();
  let moves = 0, frames = 0, shown = 0, last = path.getAttribute('d'), done = false;
  const frame = () => {
    const d = path.getAttribute('d');
    frames++;
    if (d !== last) { shown++; last = d; }
    if (!done) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const timer = setInterval(() => {
    const t = (performance.now() - start) / 1000;
    const phase = t % 2, frac = phase <= 1 ? phase : 2 - phase;
    const x = lo + (hi - lo) * frac;
    if (t >= seconds) {
      clearInterval(timer);
      grip.dispatchEvent(event('mouseup', x, 0));
      done = true;
      resolve([shown / t, moves / t]);
      return;
    }
    grip.dispatchEvent(event('mousemove', x, 1));
    moves++;
  }, 1000 / hz);
})"""

FIRST_FIGURE_JS = """(selector) => { const p = document.querySelector(selector);
  return p && (p.getAttribute('d') || '').length > 0; }"""

PLOTLY_BODY = ".js-plotly-plot .scatterlayer path.js-line"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def slider_handle(page, label: str):
    box = page.locator(".widget-slider").filter(
        has=page.locator(".widget-label", has_text=label)
    ).first
    return box.locator(".noUi-handle").first


class Target:
    """One open page with the Hip slider to press and one path to watch."""

    def __init__(self, name: str, page, selector: str) -> None:
        self.name = name
        self.page = page
        self.handle = slider_handle(page, "Hip")
        page.evaluate(INSTRUMENT_JS, selector)
        self.latencies: list[float] = []
        self.rates: list[float] = []
        self.direction = "ArrowRight"
        self.steps = 0

    def press_once(self) -> float:
        page = self.page
        n = page.evaluate("window.__bench.changes.length")
        self.handle.focus()
        if self.steps and self.steps % 10 == 0:  # stay inside the range: 10 up, 10 down
            self.direction = "ArrowLeft" if self.direction == "ArrowRight" else "ArrowRight"
        self.steps += 1
        page.keyboard.press(self.direction)
        page.wait_for_function(f"window.__bench.changes.length > {n}", timeout=10_000)
        ms = page.evaluate(f"window.__bench.changes[{n}] - window.__bench.key")
        page.wait_for_timeout(80)  # let the readout and any trailing redraw finish
        return float(ms)

    def drag(self, seconds: float = 2.0, hz: float = 125.0) -> tuple[float, float]:
        """Drag the handle to and fro for ``seconds``: mouse events from inside the page at
        ``hz`` (a common mouse reports 125 times a second), so the driver of this script
        does not set the pace. Returns (frames per second in which the watched path had
        changed since the frame before: the redraws a person sees; mouse moves per
        second)."""
        shown, moves = self.handle.evaluate(DRAG_JS, {"seconds": seconds, "hz": hz})
        self.page.wait_for_timeout(500)
        return float(shown), float(moves)


def first_figure(browser, url: str, selector: str, timeout_s: float = 180.0) -> float:
    """Seconds from navigation to the first drawn figure, in a fresh browser context
    (infinity when nothing is drawn within ``timeout_s``)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        started = time.monotonic()
        page.goto(url, wait_until="domcontentloaded", timeout=timeout_s * 1000)
        page.wait_for_function(FIRST_FIGURE_JS, arg=selector, timeout=timeout_s * 1000,
                               polling=20)
        return time.monotonic() - started
    except PlaywrightTimeout:
        return float("inf")
    finally:
        context.close()


def python_update_ms(n: int) -> list[float]:
    """Python side of one explorer update, with the widgets' messages turned into JSON as
    the kernel would (no front end attached)."""
    from hinge_lib.widgets.explorer import explore

    ex = explore(load_kg=16)
    sizes: list[int] = []

    def send(msg, buffers=None):
        sizes.append(len(json.dumps(msg)))

    for w in (ex.figure, ex.readout, ex.message, *ex.sliders.values()):
        w._send = send  # what a kernel would serialise and send
    ex.sliders["knee"].value = 20
    for i in range(20):  # warm up
        ex.sliders["hip"].value = 1 + i
    times, cpu = [], []
    for i in range(n):
        started, started_cpu = time.perf_counter(), time.thread_time()
        ex.sliders["hip"].value = 20 + (i % 90)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        times.append((time.perf_counter() - started) * 1000)
    frame_bytes = len(json.dumps({"state": {"frame": ex.figure.frame}}))
    print(f"  one figure message: {frame_bytes} bytes of JSON (coordinates and words)")
    values = dict(ex.figure.frame["controls"])
    lo, hi = ex.sliders["hip"].min, ex.sliders["hip"].max
    started_cpu = time.thread_time()
    frames = ex.ahead.frames_for(values, "hip", list(range(lo, hi + 1)))
    ahead_ms = (time.thread_time() - started_cpu) * 1000
    ahead_kb = len(json.dumps({str(v): f for v, f in frames.items()})) / 1000
    print(f"  working ahead for the Hip slider: {len(frames)} frames, {ahead_ms:.0f} ms CPU "
          f"({ahead_ms / len(frames):.2f} ms a frame, in batches of ~6 ms), {ahead_kb:.0f} kB")
    print(f"  CPU time of this thread: median {statistics.median(cpu):5.2f} ms   "
          f"p90 {percentile(cpu, 90):5.2f} ms (what the update costs, without waiting "
          "for a shared CPU)")
    return times


def _with_pythonpath(path: str | None, start):
    old = os.environ.get("PYTHONPATH")
    if path is not None:
        os.environ["PYTHONPATH"] = path
    try:
        return start()
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=40, help="measured presses per page")
    parser.add_argument("--drags", type=int, default=3, help="drags of 2 s per page")
    parser.add_argument("--hz", type=float, default=125.0, help="mouse moves a second")
    parser.add_argument("--loads", type=int, default=3, help="page loads for first figure")
    parser.add_argument("--warmup", type=int, default=6)
    parser.add_argument("--updates", type=int, default=300, help="Python-side updates")
    parser.add_argument("--before", type=Path, default=None,
                        help="a checkout whose explorer (plotly) to time to first figure")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(INSTALL_HINT)
        return 2

    import nbformat
    from playwright.sync_api import sync_playwright

    print(f"machine: {os.cpu_count()} cores, load average "
          f"{' '.join(f'{v:.1f}' for v in os.getloadavg())} (1, 5, 15 min)")
    print("Python side of one explorer update")
    py = python_update_ms(args.updates)
    py_med, py_p90 = statistics.median(py), percentile(py, 90)
    print(f"  wall time: median {py_med:5.2f} ms   p90 {py_p90:5.2f} ms   (n={len(py)}; "
          "target < 2 ms)")

    servers = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nb.cells = [nbformat.v4.new_code_cell(FLOOR_CODE)]
        floor_nb = Path(tmp) / "floor.ipynb"
        nbformat.write(nb, floor_nb)
        browser = launch_chromium(pw)
        try:
            floor_url, proc = start_voila(floor_nb, log_path=Path(tmp) / "floor.log")
            servers.append(proc)
            live_url, proc = start_voila(EXPLORER_NB, log_path=Path(tmp) / "live.log")
            servers.append(proc)
            pages = {"floor": (floor_url, ".floor-path"), "live": (live_url, LIVE_BODY)}
            if args.before is not None:
                before = args.before.resolve()
                before_nb = before / "notebooks" / "10-pose-explorer.ipynb"
                url, proc = _with_pythonpath(str(before), lambda: start_voila(
                    before_nb, log_path=Path(tmp) / "before.log"))
                servers.append(proc)
                pages["before"] = (url, PLOTLY_BODY)

            print("Time to first figure (navigation -> first drawn path), fresh tab each")
            firsts: dict[str, list[float]] = {name: [] for name in pages}
            for _ in range(args.loads):  # interleaved, so each page sees the same load
                for name, (url, selector) in pages.items():
                    firsts[name].append(first_figure(browser, url, selector))
            for name, values in firsts.items():
                print(f"  {name:<7} median {statistics.median(values):5.2f} s   "
                      f"values {', '.join(f'{v:.2f}' for v in values)}")
            if "before" in firsts:
                gain = statistics.median(firsts["before"]) - statistics.median(firsts["live"])
                print(f"  live is {gain:.2f} s sooner than before (target >= 2 s)")

            targets = []
            for name in ("floor", "live"):
                url, selector = pages[name]
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.goto(url, wait_until="domcontentloaded", timeout=180_000)
                page.wait_for_function(FIRST_FIGURE_JS, arg=selector, timeout=180_000)
                slider_handle(page, "Hip").wait_for(timeout=60_000)
                targets.append(Target(name, page, selector))
            for t in targets:
                for _ in range(args.warmup):
                    t.press_once()
            for _ in range(args.presses):  # alternate, so both see the same machine load
                for t in targets:
                    t.latencies.append(t.press_once())

            print("Key press on the Hip slider -> path `d` changed (in-page timing)")
            medians = {}
            for t in targets:
                med, p90 = statistics.median(t.latencies), percentile(t.latencies, 90)
                medians[t.name] = med
                print(f"  {t.name:<7} median {med:6.1f} ms   p90 {p90:6.1f} ms   "
                      f"(n={len(t.latencies)})")
            ratio = medians["live"] / medians["floor"]
            print(f"  live / floor median: {ratio:.2f} (target <= 1.2; p90 target <= 25 ms)")

            print(f"Continuous drag of the Hip handle ({args.hz:g} mouse moves a second, "
                  "2 s): frames a second showing a changed figure")
            moves: list[float] = []
            for _ in range(args.drags):
                for t in targets:
                    shown, rate = t.drag(hz=args.hz)
                    t.rates.append(shown)
                    moves.append(rate)
            for t in targets:
                print(f"  {t.name:<7} redraws per second: median "
                      f"{statistics.median(t.rates):5.1f}   values "
                      f"{', '.join(f'{r:.0f}' for r in t.rates)}   (target >= 50)")
            print(f"  mouse moves delivered: median {statistics.median(moves):.0f} a second "
                  "(the screen shows at most one redraw per frame, 60 a second)")
        finally:
            browser.close()
            for proc in servers:
                stop_process(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
