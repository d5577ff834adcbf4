"""The classroom app in a real browser: Voila serves notebooks/10-pose-explorer.ipynb and
headless Chromium draws the live SVG figure. The drawn joints are read back from the SVG
and compared with the model; keys move the figure; the page is accessible and fits a
projector; a figure whose code cannot run says so."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

import hinge_lib
from browser import LIVE_BODY, drawn_transform, live_state, open_live_page, path_points
from hinge_lib.model.analysis import analyze
from hinge_lib.model.body import Body
from hinge_lib.model.pose import Pose
from hinge_lib.view import figures as drawing
from hinge_lib.widgets.explorer import interpolate

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "10-pose-explorer.ipynb"
PATTERN = ".hinge-readout .hinge-pattern"


def _slider_box(page, label: str):
    return page.locator(".widget-slider").filter(
        has=page.locator(".widget-label", has_text=label)
    ).first


def _notebook(tmp_path: Path, code: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.cells = [nbformat.v4.new_code_cell(code)]
    path = tmp_path / "page.ipynb"
    nbformat.write(nb, path)
    return path


def _assert_drawn_like(state: dict, a, scene: dict) -> None:
    """Every joint dot, the centre of mass and the body line sit where the model puts them
    (to 0.3 mm of the body, whatever width the page drew the figure at: 0.05-0.2 px, the
    SVG's own rounding to 0.01 px magnified by the fitted scale)."""
    ox, oy, k = drawn_transform(state, scene)
    tolerance = max(0.05, 0.0003 * k)  # k: pixels per metre
    assert state["font"] >= drawing.LIVE_MIN_FONT_PX

    def px(point):
        return (ox + k * point[0], oy - k * point[1])

    for name in drawing.JOINT_MARKERS:
        drawn = state["marks"][name]["xy"]
        assert drawn == pytest.approx(px(a.joints[name]), abs=tolerance), name
    assert state["marks"]["com"]["xy"] == pytest.approx(px((a.com_x_m, a.com_y_m)),
                                                        abs=tolerance)
    (body,) = path_points(state["paths"]["body"]["d"])
    want = [px(a.joints[name]) for name in drawing.BODY_CHAINS[0]]
    assert len(body) == len(want)
    for got, expected in zip(body, want, strict=True):
        assert got == pytest.approx(expected, abs=tolerance)
    for key, held in a.dowel.items():
        kind = state["marks"][f"contact_{key}"]["kind"]
        assert kind == ("contact_held" if held else "contact_lost"), key
    assert state["title"] == drawing.pose_words(a)["title"]


@pytest.mark.browser
@pytest.mark.slow
def test_drawn_joints_are_the_models_and_keys_move_the_figure(voila_server, page):
    url, _ = voila_server(NOTEBOOK)
    open_live_page(page, url)
    page.locator(PATTERN).wait_for(timeout=60_000)
    scene = drawing.live_scene(title="Pose explorer")

    # no traceback, no error output, and the loading note is gone
    assert page.locator(".jp-OutputArea-output[data-mime-type*='error']").count() == 0
    assert "Traceback" not in page.content()
    assert not page.locator(".hinge-live-fallback").first.is_visible()

    # standing, as drawn
    _assert_drawn_like(live_state(page), analyze(Pose(), Body()), scene)
    assert page.locator(PATTERN).inner_text().strip() == "upright"

    # two presets chosen from the dropdown: the drawn joints follow the model
    table = hinge_lib.reference_positions()
    preset = page.locator(".hinge-explorer select").first
    for key in ("romanian_deadlift", "back_squat"):
        row = table.loc[key]
        a = analyze(hinge_lib.reference_pose(key), Body(), load_kg=round(row["demo_load_kg"]),
                    hold=row["hold"])
        preset.select_option(label=str(row["name"]))
        page.wait_for_function(
            "(t) => document.querySelector('.hinge-live-svg > title').textContent === t",
            arg=drawing.pose_words(a)["title"], timeout=20_000)
        _assert_drawn_like(live_state(page), a, scene)

    # a key press on the Hip slider redraws the body and retitles the figure
    before = live_state(page)
    box = _slider_box(page, "Hip")
    hip = int(box.locator(".widget-readout").inner_text())
    handle = box.locator(".noUi-handle").first
    handle.focus()
    handle.press("ArrowRight")
    page.wait_for_function(
        "([sel, old]) => document.querySelector(sel).getAttribute('d') !== old",
        arg=[LIVE_BODY, before["paths"]["body"]["d"]], timeout=15_000)
    page.wait_for_function(
        "(t) => document.querySelector('.hinge-live-svg > title').textContent.includes(t)",
        arg=f"hip {hip + 1}°", timeout=15_000)
    after = live_state(page)
    assert after["desc"] != before["desc"] and f"hip {hip + 1}°" in after["desc"]


# A key press sent to a slider handle from inside the page; returns whether the body path
# had already changed when the press was handled, i.e. before any reply from the kernel.
PRESS_NOW_JS = """([handle, key, selector]) => {
  const body = document.querySelector(selector);
  const before = body.getAttribute('d');
  handle.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true, cancelable: true}));
  return body.getAttribute('d') !== before;
}"""


@pytest.mark.browser
@pytest.mark.slow
def test_frames_sent_ahead_redraw_at_once_and_are_the_models(voila_server, page):
    url, _ = voila_server(NOTEBOOK)
    open_live_page(page, url)
    scene = drawing.live_scene(title="Pose explorer")
    lo, hi = hinge_lib.joint_limits()["hip"]
    handle = _slider_box(page, "Hip").locator(".noUi-handle").first
    handle.focus()  # taking hold of the Hip slider: the kernel works ahead for it
    page.wait_for_function(
        "(n) => document.querySelector('.hinge-live-svg').dataset.framesAhead === n",
        arg=f"hip:{round(hi) - round(lo)}", timeout=60_000)
    element = handle.element_handle()
    for hip, key in ((1, "ArrowRight"), (2, "ArrowRight"), (3, "ArrowRight"), (2, "ArrowLeft")):
        redrawn_at_once = page.evaluate(PRESS_NOW_JS, [element, key, LIVE_BODY])
        assert redrawn_at_once, "the figure waited for the kernel"
        a = analyze(Pose(hip=hip), Body())
        _assert_drawn_like(live_state(page), a, scene)
    # the kernel's replies (to values the slider has left or is at) change nothing drawn
    page.wait_for_function(
        "() => document.querySelector('.hinge-readout .hinge-pattern') !== null")
    page.wait_for_timeout(500)
    _assert_drawn_like(live_state(page), analyze(Pose(hip=2), Body()), scene)
    # another control changes the context: frames for the old load are not used
    load = _slider_box(page, "Load").locator(".noUi-handle").first
    load.focus()
    load.press("ArrowRight")
    _wait_for_description(page, analyze(Pose(hip=2), Body(), load_kg=1))
    handle.focus()
    handle.press("ArrowRight")
    a = analyze(Pose(hip=3), Body(), load_kg=1)
    _wait_for_description(page, a)
    _assert_drawn_like(live_state(page), a, scene)


# what the page shows of the pose: the live figure's description and the readout's text
SHOWN_JS = ("() => [document.querySelector('.hinge-live-svg > desc').textContent, "
            "document.querySelector('.hinge-readout').innerText]")


def _wait_for_description(page, a) -> None:
    """Wait until the live figure describes the pose of analysis ``a`` in words."""
    page.wait_for_function(
        "(t) => document.querySelector('.hinge-live-svg > desc').textContent === t",
        arg=drawing.pose_words(a)["desc"], timeout=15_000)


@pytest.mark.browser
@pytest.mark.slow
def test_explorer_page_names_every_control_and_speaks_when_settled(voila_server, page):
    url, _ = voila_server(NOTEBOOK)
    open_live_page(page, url)
    page.locator(PATTERN).wait_for(timeout=60_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.hinge-explorer .noUi-handle')]"
        ".every(h => h.getAttribute('aria-label'))", timeout=15_000)
    labels = page.eval_on_selector_all(
        ".hinge-explorer .noUi-handle", "hs => hs.map(h => h.getAttribute('aria-label'))")
    assert labels[:6] == ["Ankle", "Knee", "Hip", "Lumbar", "Thoracic", "Neck"]
    # buttons are named by their text, dropdowns by their label element
    names = page.eval_on_selector_all(
        ".hinge-explorer button",
        "bs => bs.map(b => (b.getAttribute('aria-label') || b.textContent).trim())")
    assert names and all(names)
    for select in page.locator(".hinge-explorer select").all():
        sid = select.get_attribute("id")
        assert sid and page.locator(f"label[for='{sid}']").count() == 1
    # the figure is an image with a title and a description
    svg = page.locator(".hinge-live-svg").first
    assert svg.get_attribute("role") == "img"
    assert page.locator(f"#{svg.get_attribute('aria-labelledby')}").count() == 1
    # a polite live region speaks the readout once the slider has settled
    region = page.locator(".hinge-live-say").first
    assert region.get_attribute("aria-live") == "polite"
    handle = _slider_box(page, "Hip").locator(".noUi-handle").first
    handle.focus()
    for _ in range(3):
        handle.press("PageUp")
    page.wait_for_function(
        "() => (document.querySelector('.hinge-live-say').textContent || '')"
        ".includes('hinge score')",
        timeout=15_000)
    assert "balanced" in region.text_content()


@pytest.mark.browser
@pytest.mark.slow
def test_presenter_mode_fits_a_1024_by_768_projector(tmp_path, voila_server, browser):
    notebook = _notebook(tmp_path, "import hinge_lib\n"
                                   "hinge_lib.explore('romanian_deadlift', presenter=True)")
    url, _ = voila_server(notebook)
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    try:
        open_live_page(page, url)
        page.locator(PATTERN).wait_for(timeout=60_000)
        page.wait_for_timeout(300)
        for selector in (".hinge-readout", ".hinge-live-svg", ".hinge-explorer .noUi-handle"):
            for box in (el.bounding_box() for el in page.locator(selector).all()):
                assert box is not None, selector
                assert box["x"] >= 0 and box["x"] + box["width"] <= 1024, selector
                assert box["y"] >= 0 and box["y"] + box["height"] <= 768, selector
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_figure_whose_code_cannot_run_says_so(tmp_path, voila_server, page):
    notebook = _notebook(tmp_path, (
        "import hinge_lib\n"
        "ex = hinge_lib.explore()\n"
        "ex.figure._esm = 'export default { render() { throw new Error(\"no drawing\"); } };'\n"
        "ex"
    ))
    url, _ = voila_server(notebook)
    page.goto(url, wait_until="domcontentloaded", timeout=120_000)
    page.locator(PATTERN).wait_for(timeout=120_000)
    note = page.locator(".hinge-live-fallback").first
    note.wait_for(state="visible", timeout=15_000)
    assert "could not run the figure's drawing code" in note.inner_text()
    assert page.locator(".hinge-live-svg").count() == 0


@pytest.mark.browser
@pytest.mark.slow
def test_animation_and_comparison_draw_live_figures(tmp_path, voila_server, page):
    notebook = _notebook(tmp_path, (
        "import ipywidgets\nimport hinge_lib\n"
        "ipywidgets.VBox([hinge_lib.animate(None, ['romanian_deadlift'], frames=5),\n"
        "                 hinge_lib.compare('romanian_deadlift', 'back_squat')])"
    ))
    url, _ = voila_server(notebook)
    open_live_page(page, url)
    page.wait_for_function("() => document.querySelectorAll('.hinge-live-svg').length === 3",
                           timeout=60_000)
    scene = drawing.live_scene(title="x")
    ids = page.eval_on_selector_all(".hinge-live-svg", "ss => ss.map(s => s.getAttribute("
                                    "'aria-labelledby'))")
    assert len(set(ids)) == 3  # each figure names its own title
    # the comparison's panels are the two poses, drawn where the model puts them
    for n, key in ((1, "romanian_deadlift"), (2, "back_squat")):
        _assert_drawn_like(live_state(page, n), analyze(hinge_lib.reference_pose(key), Body()),
                           scene)
    # the animation's icon buttons and its slider are named; a key press shows frame 1
    page.wait_for_function(
        "() => [...document.querySelectorAll('.hinge-animation button')]"
        ".every(b => b.getAttribute('aria-label') || b.textContent.trim())", timeout=15_000)
    labels = page.eval_on_selector_all(
        ".hinge-animation button", "bs => bs.map(b => b.getAttribute('aria-label'))")
    assert "Play" in labels
    handle = page.locator(".hinge-animation .noUi-handle").first
    assert handle.get_attribute("aria-label") == "Frame"
    start = Pose()
    end = hinge_lib.reference_pose("romanian_deadlift")
    handle.focus()
    handle.press("ArrowRight")
    a = analyze(interpolate(start, end, 0.25), Body())
    page.wait_for_function(
        "(t) => document.querySelector('.hinge-live-svg > title').textContent === t",
        arg=drawing.pose_words(a)["title"], timeout=15_000)
    _assert_drawn_like(live_state(page, 0), a, scene)


def _axe_violations(page) -> list[dict]:
    import axe_playwright_python

    axe = Path(axe_playwright_python.__file__).parent / "axe.min.js"
    page.add_script_tag(path=str(axe))
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, n: v.nodes.length,"
        " where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))")


@pytest.mark.browser
@pytest.mark.slow
def test_classroom_app_has_no_serious_or_critical_accessibility_violations(voila_server, page):
    """axe-core (offline, from the book extra) over the explorer page, before and after a
    slider moves."""
    url, _ = voila_server(NOTEBOOK)
    open_live_page(page, url)
    page.locator(PATTERN).wait_for(timeout=60_000)
    found = [v for v in _axe_violations(page) if v["impact"] in ("serious", "critical")]
    handle = _slider_box(page, "Hip").locator(".noUi-handle").first
    before = page.evaluate(SHOWN_JS)
    handle.focus()
    handle.press("PageUp")
    # both the figure and the readout show the new pose before axe looks again
    page.wait_for_function(f"(before) => {{ const now = ({SHOWN_JS})(); "
                           "return now[0] !== before[0] && now[1] !== before[1]; }",
                           arg=before, timeout=15_000)
    found += [v for v in _axe_violations(page) if v["impact"] in ("serious", "critical")]
    assert found == [], found
