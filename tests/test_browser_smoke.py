"""The browser stack works end to end: Voila serves a notebook whose slider redraws a plotly
FigureWidget, and a key press in headless Chromium changes the drawn line."""

from __future__ import annotations

import time

import nbformat
import pytest

from browser import READOUT, open_voila_page, path_d, press_slider, wait_for_path_change

SMOKE_CODE = """\
import ipywidgets as widgets
import plotly.graph_objects as go

xs = list(range(21))
fig = go.FigureWidget(
    data=[go.Scatter(x=xs, y=[0.0] * len(xs), mode="lines")],
    layout=dict(
        width=480, height=320, margin=dict(l=40, r=10, t=10, b=40),
        xaxis=dict(range=[0, 20]), yaxis=dict(range=[-10, 10]),
    ),
)
slope = widgets.IntSlider(value=0, min=-5, max=5, description="slope")


def redraw(change):
    with fig.batch_update():
        fig.data[0].y = [change["new"] * (x - 10) / 10 for x in xs]


slope.observe(redraw, names="value")
widgets.VBox([slope, fig])
"""


@pytest.mark.browser
@pytest.mark.slow
def test_slider_redraws_plot_in_voila(tmp_path, voila_server, page):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.cells = [nbformat.v4.new_code_cell(SMOKE_CODE)]
    notebook = tmp_path / "smoke.ipynb"
    nbformat.write(nb, notebook)

    url, _ = voila_server(notebook)
    open_voila_page(page, url)
    assert page.locator(READOUT).first.inner_text().strip() == "0"
    before = path_d(page)
    assert before

    started = time.perf_counter()
    press_slider(page, "ArrowRight")
    after = wait_for_path_change(page, before)
    elapsed_ms = (time.perf_counter() - started) * 1000

    assert after != before
    assert page.locator(READOUT).first.inner_text().strip() == "1"
    print(f"key press to redrawn path: {elapsed_ms:.0f} ms")
