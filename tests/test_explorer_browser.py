"""The classroom app in a real browser: Voila serves notebooks/10-pose-explorer.ipynb, the Hip
slider is moved with the keyboard, and the stick figure and the pattern readout follow."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import open_voila_page
from hinge_lib.view import figures as drawing

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "10-pose-explorer.ipynb"
PATTERN = ".hinge-readout .hinge-pattern"
BODY = drawing.TRACE_INDEX["body"]
# The SVG path of one trace of the explorer's plot: plotly gives the trace's group the class
# "trace" + the trace's uid (empty traces draw no group, so DOM order is not trace order).
TRACE_D_JS = """(i) => { const gd = document.querySelector('.hinge-explorer .js-plotly-plot');
  if (!gd || !gd.data || !gd.data[i]) return null;
  const p = gd.querySelector('.scatterlayer .trace' + gd.data[i].uid + ' path.js-line');
  return p ? p.getAttribute('d') : null; }"""


def _slider_handle(page, label: str):
    box = page.locator(".widget-slider").filter(
        has=page.locator(".widget-label", has_text=label)
    ).first
    return box.locator(".noUi-handle").first


def _slider_readout(page, label: str):
    box = page.locator(".widget-slider").filter(
        has=page.locator(".widget-label", has_text=label)
    ).first
    return box.locator(".widget-readout").first


@pytest.mark.browser
@pytest.mark.slow
def test_hip_slider_moves_figure_and_pattern_in_voila(voila_server, page):
    url, _ = voila_server(NOTEBOOK)
    open_voila_page(page, url)
    page.locator(PATTERN).wait_for(timeout=60_000)
    page.wait_for_function(f"() => ({TRACE_D_JS})({BODY})", timeout=60_000)

    # no traceback or error output anywhere on the page
    assert page.locator(".jp-OutputArea-output[data-mime-type*='error']").count() == 0
    assert page.locator(PATTERN).inner_text().strip() == "upright"
    assert _slider_readout(page, "Hip").inner_text().strip() == "0"
    before = page.evaluate(TRACE_D_JS, BODY)
    assert before

    handle = _slider_handle(page, "Hip")
    handle.focus()
    handle.press("ArrowRight")
    page.wait_for_function(
        f"(old) => {{ const d = ({TRACE_D_JS})({BODY}); return d && d !== old; }}",
        arg=before,
        timeout=15_000,
    )
    assert _slider_readout(page, "Hip").inner_text().strip() == "1"

    # PageUp takes big steps: enough of them turns standing into a hinge
    for _ in range(12):
        handle.press("PageUp")
        if page.locator(PATTERN).inner_text().strip() == "hinge":
            break
        page.wait_for_timeout(150)  # give the kernel a moment between big steps
    page.wait_for_function(
        "(sel) => { const s = document.querySelector(sel);"
        " return s && s.textContent.trim() === 'hinge'; }",
        arg=PATTERN,
        timeout=15_000,
    )
    hip = float(_slider_readout(page, "Hip").inner_text())
    assert hip > 1
    assert page.evaluate(TRACE_D_JS, BODY) != before
    assert "Traceback" not in page.content()
