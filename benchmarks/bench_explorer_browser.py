"""Browser-side speed of the pose explorer under Voila, in headless Chromium.

    .venv/bin/python benchmarks/bench_explorer_browser.py [--presses N] [--drags N]

1. Key press to redrawn figure: the Hip slider handle is focused and ArrowRight / ArrowLeft
   pressed; the time from the page's keydown event to the moment the body trace's SVG path
   `d` changes is measured inside the page (a MutationObserver, so Playwright's own round
   trips are not counted). The same is measured, in the same run and interleaved, for a
   baseline page: one plotly FigureWidget with one trace and one slider.
   Targets: median <= 50 ms, p90 <= 80 ms, median <= 1.25 x the baseline median.
2. Drag settle: the Hip handle is dragged across the track in many small mouse moves
   (many value changes in quick succession), then released; reported is the time from
   release until the figure's last change, and it is checked that the figure then shows
   the released value. Target: <= 100 ms.

Needs /usr/bin/chromium; uses the Voila helpers in tests/browser.py.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import (  # noqa: E402
    CHROMIUM,
    INSTALL_HINT,
    launch_chromium,
    open_voila_page,
    start_voila,
    stop_process,
)

EXPLORER_NB = ROOT / "notebooks" / "10-pose-explorer.ipynb"

BASELINE_CODE = """\
import ipywidgets as widgets
import plotly.graph_objects as go

xs = list(range(21))
fig = go.FigureWidget(
    data=[go.Scatter(x=xs, y=[0.0] * len(xs), mode="lines")],
    layout=dict(width=460, height=500, xaxis=dict(range=[0, 20]), yaxis=dict(range=[-60, 60])),
)
slider = widgets.FloatSlider(value=0, min=-45, max=45, step=1, description="Hip",
                             continuous_update=True)


def redraw(change):
    with fig.batch_update():
        fig.data[0].y = [change["new"] * (x - 10) / 10 for x in xs]


slider.observe(redraw, names="value")
widgets.VBox([slider, fig])
"""

# Records keydown / pointerup times and every change of one trace's path `d`.
INSTRUMENT_JS = """([traceIndex]) => {
  const state = {key: 0, up: 0, changes: []};
  window.__bench = state;
  // plotly gives a trace's SVG group the class "trace" + uid; empty traces draw no group
  const target = () => {
    const gd = document.querySelector('.js-plotly-plot');
    if (!gd || !gd.data || !gd.data[traceIndex]) return null;
    return gd.querySelector('.scatterlayer .trace' + gd.data[traceIndex].uid + ' path.js-line');
  };
  let last = (target() || {getAttribute: () => ''}).getAttribute('d');
  document.addEventListener('keydown', () => { state.key = performance.now(); }, true);
  document.addEventListener('pointerup', () => { state.up = performance.now(); }, true);
  document.addEventListener('mouseup', () => { state.up = performance.now(); }, true);
  const layer = document.querySelector('.js-plotly-plot');
  new MutationObserver(() => {
    const p = target();
    const d = p ? p.getAttribute('d') : '';
    if (d !== last) { last = d; state.changes.push({t: performance.now(), d: d}); }
  }).observe(layer, {attributes: true, childList: true, subtree: true,
                     attributeFilter: ['d']});
}"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def slider_handle(page, label: str):
    """The noUi handle of the ipywidgets slider whose description is ``label``."""
    box = page.locator(".widget-slider").filter(
        has=page.locator(".widget-label", has_text=label)
    ).first
    return box.locator(".noUi-handle").first


class Target:
    """One Voila page with one slider to press and one trace to watch."""

    def __init__(self, name: str, page, trace_index: int) -> None:
        self.name = name
        self.page = page
        self.handle = slider_handle(page, "Hip")
        page.evaluate(INSTRUMENT_JS, [trace_index])
        self.latencies: list[float] = []
        self.direction = "ArrowRight"
        self.steps = 0

    def press_once(self) -> float:
        page = self.page
        n = page.evaluate("window.__bench.changes.length")
        self.handle.focus()
        # stay inside the slider range: 10 steps one way, 10 back
        if self.steps and self.steps % 10 == 0:
            self.direction = "ArrowLeft" if self.direction == "ArrowRight" else "ArrowRight"
        self.steps += 1
        page.keyboard.press(self.direction)
        page.wait_for_function(f"window.__bench.changes.length > {n}", timeout=10_000)
        ms = page.evaluate(f"window.__bench.changes[{n}].t - window.__bench.key")
        # let any trailing redraw finish before the next press
        page.wait_for_timeout(60)
        return float(ms)

    def drag_settle(self, forward: bool) -> tuple[float, bool]:
        """Drag across the track; return (ms from release to last change, final value ok)."""
        page = self.page
        track = self.handle.locator("xpath=ancestor::*[contains(@class,'noUi-target')][1]")
        box = track.bounding_box()
        handle_box = self.handle.bounding_box()
        assert box and handle_box
        y = handle_box["y"] + handle_box["height"] / 2
        x0 = handle_box["x"] + handle_box["width"] / 2
        x1 = box["x"] + box["width"] * (0.8 if forward else 0.25)
        page.mouse.move(x0, y)
        page.mouse.down()
        page.mouse.move(x1, y, steps=60)
        page.mouse.up()
        # quiet period: no path change for 600 ms (ample; measured figure is the last change)
        page.wait_for_function(
            "() => { const s = window.__bench; const last = s.changes.length ?"
            " s.changes[s.changes.length - 1].t : 0;"
            " return performance.now() - Math.max(last, s.up) > 600; }",
            timeout=20_000,
        )
        settle = page.evaluate(
            "() => { const s = window.__bench; const last = s.changes.length ?"
            " s.changes[s.changes.length - 1].t : 0; return Math.max(0, last - s.up); }"
        )
        final_d = page.evaluate("window.__bench.changes.at(-1).d")
        # the figure shows the released value if one step away and back redraws the same path
        self.handle.focus()
        n = page.evaluate("window.__bench.changes.length")
        page.keyboard.press("ArrowLeft")
        page.wait_for_function(f"window.__bench.changes.length > {n}", timeout=10_000)
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "(d) => window.__bench.changes.at(-1).d === d", arg=final_d, timeout=10_000
        )
        return float(settle), True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=40, help="measured presses per page")
    parser.add_argument("--drags", type=int, default=6)
    parser.add_argument("--warmup", type=int, default=6)
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(INSTALL_HINT)
        return 2

    import nbformat
    from playwright.sync_api import sync_playwright

    from hinge_lib.view import figures as drawing

    body_trace = drawing.TRACE_INDEX["body"]
    servers = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nb.cells = [nbformat.v4.new_code_cell(BASELINE_CODE)]
        baseline_nb = Path(tmp) / "baseline.ipynb"
        nbformat.write(nb, baseline_nb)
        browser = launch_chromium(pw)
        try:
            base_url, proc = start_voila(baseline_nb, log_path=Path(tmp) / "baseline.log")
            servers.append(proc)
            app_url, proc = start_voila(EXPLORER_NB, log_path=Path(tmp) / "explorer.log")
            servers.append(proc)
            pages = {}
            for name, url in (("baseline", base_url), ("explorer", app_url)):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                open_voila_page(page, url)
                slider_handle(page, "Hip").wait_for(timeout=60_000)
                pages[name] = page
            targets = [Target("baseline", pages["baseline"], 0),
                       Target("explorer", pages["explorer"], body_trace)]
            for t in targets:
                for _ in range(args.warmup):
                    t.press_once()
            # interleave blocks so both pages see the same machine load
            block = 10
            done = 0
            while done < args.presses:
                for t in targets:
                    for _ in range(min(block, args.presses - done)):
                        t.latencies.append(t.press_once())
                done += block

            print("Key press on the Hip slider -> figure path `d` changed (Chromium, Voila)")
            medians = {}
            for t in targets:
                med, p90 = statistics.median(t.latencies), percentile(t.latencies, 90)
                medians[t.name] = med
                print(f"  {t.name:<9} median {med:6.1f} ms   p90 {p90:6.1f} ms   "
                      f"(n={len(t.latencies)})")
            ratio = medians["explorer"] / medians["baseline"]
            print(f"  explorer / baseline median: {ratio:.2f} (target <= 1.25)")

            print("Drag the Hip handle in 60 small moves, release -> figure settles")
            for t in targets:
                settles = []
                for i in range(args.drags):
                    ms, ok = t.drag_settle(forward=i % 2 == 0)
                    assert ok
                    settles.append(ms)
                print(f"  {t.name:<9} settle after release: median "
                      f"{statistics.median(settles):6.1f} ms   max {max(settles):6.1f} ms   "
                      f"(n={len(settles)}; final figure = released value)")
        finally:
            browser.close()
            for proc in servers:
                stop_process(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
