"""The muscle layer in a real browser: Voila serves an explorer started with the muscles
shown; the drawn muscle paths are the model's, they follow a key press, and the Muscles
button takes them away again."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

import hinge_lib
from browser import drawn_transform, live_state, open_live_page, path_points
from hinge_lib.model.analysis import analyze
from hinge_lib.view import anatomy
from hinge_lib.view import figures as drawing

CODE = ('from hinge_lib import explore\n'
        'explore("romanian_deadlift", load_kg=30, hold="close", anatomy=True)')


def _notebook(tmp_path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.cells = [nbformat.v4.new_code_cell(CODE)]
    path = tmp_path / "muscles.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.browser
@pytest.mark.slow
def test_muscle_layer_is_drawn_where_the_model_puts_it_and_switches_off(
        voila_server, page, tmp_path):
    url, _ = voila_server(_notebook(tmp_path))
    open_live_page(page, url)
    page.locator(".hinge-anatomy").wait_for(timeout=60_000)
    assert "Traceback" not in page.content()

    a = analyze(hinge_lib.reference_pose("romanian_deadlift"), load_kg=30, hold="close")
    state = live_state(page)
    ox, oy, k = drawn_transform(state, drawing.live_scene(title="Pose explorer"))
    hamstrings = next(m for m in anatomy.anatomy_drawing(a)["muscles"]
                      if m["name"] == "hamstrings")
    drawn = path_points(state["paths"]["muscle_hamstrings"]["d"])
    assert len(drawn) == 3  # the three hamstrings
    for got_line, want_line in zip(drawn, hamstrings["lines"], strict=True):
        for got, (x, y) in zip(got_line, want_line, strict=True):
            assert got == pytest.approx((ox + k * x, oy - k * y), abs=0.1)
    assert state["paths"]["muscle_hamstrings"]["stroke"] == hamstrings["colour"]
    assert state["paths"]["muscles_stretched"]["d"]  # the hamstrings are stretched
    assert page.locator(".hinge-anatomy-key").first.is_visible()

    # a key press on the Knee slider moves the muscles with the body
    before = state["paths"]["muscle_vasti"]["d"]
    handle = page.locator(".widget-slider").filter(
        has=page.locator(".widget-label", has_text="Knee")).first.locator(".noUi-handle").first
    handle.focus()
    handle.press("PageUp")
    page.wait_for_function(
        "(old) => document.querySelector(\".hinge-live-svg path[data-name='muscle_vasti']\")"
        ".getAttribute('d') !== old", arg=before, timeout=15_000)

    # the Muscles button takes the layer, its key and its table away
    page.get_by_role("button", name="Muscles").click()
    page.wait_for_function(
        "() => !document.querySelector(\".hinge-live-svg path[data-name='muscle_vasti']\")"
        ".getAttribute('d')", timeout=15_000)
    page.locator(".hinge-anatomy-key").first.wait_for(state="hidden", timeout=15_000)
    page.locator(".hinge-anatomy").first.wait_for(state="hidden", timeout=15_000)
