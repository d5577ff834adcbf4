"""The course in a real room: the class app's explorer on a phone (390 x 844, touch), a
1024 x 768 projector and a 1920 x 1080 screen; the presenter page; the join page; and no
request to any other host (headless Chromium, 127.0.0.1 only).

At each size the figure and the slider being moved are both in view, nothing is cut off,
touch targets are at least 44 px on the phone, the figure's labels are at least 16 px, and
the pose drawn is the model's: to 0.05 px in the figure's own units, and to 0.05 of the
figure's size on the screen."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import hinge_lib
from browser import live_state
from hinge_lib import reference_pose, serving
from hinge_lib.model.analysis import analyze
from hinge_lib.model.body import Body
from hinge_lib.model.pose import Pose
from hinge_lib.view import figures as drawing
from test_classroom import NOTEBOOKS, TEMPLATES, start_class_app
from test_explorer_browser import _assert_drawn_like

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZES = [pytest.param(390, 844, True, id="phone-390x844"),
         pytest.param(1024, 768, False, id="projector-1024x768"),
         pytest.param(1920, 1080, False, id="screen-1920x1080")]
SCENE = drawing.live_scene(title="Pose explorer")
BODY_D = ".hinge-explorer .hinge-live-svg path.hinge-layer[data-name='body']"

# Where things are on the screen (CSS px): the explorer's figure, its plot area and marks,
# one slider's handle, the page's width, the figure's texts against its own box, and the
# size of every control a finger can touch.
GEOMETRY_JS = """(label) => {
  const box = (e) => { const r = e.getBoundingClientRect();
    return {x: r.x, y: r.y, w: r.width, h: r.height}; };
  const root = document.querySelector('.hinge-explorer') || document;
  const svg = root.querySelector('.hinge-live-svg');
  const marks = {};
  for (const g of svg.querySelectorAll('g.hinge-mark')) {
    if (g.getAttribute('visibility') === 'hidden') continue;
    const r = g.getBoundingClientRect();
    marks[g.dataset.name] = [r.x + r.width / 2, r.y + r.height / 2];
  }
  const width = parseFloat(svg.getAttribute('width'));
  const cut = [];
  const frame = svg.getBoundingClientRect();
  for (const t of svg.querySelectorAll('text')) {
    if (t.getAttribute('visibility') === 'hidden' || !t.textContent) continue;
    const b = t.getBoundingClientRect();  // on the screen, rotation included
    if (b.x < frame.x - 0.5 || b.y < frame.y - 0.5 || b.right > frame.right + 0.5
        || b.bottom > frame.bottom + 0.5) cut.push(t.textContent);
  }
  let handle = null;
  for (const s of root.querySelectorAll('.widget-slider')) {
    const l = s.querySelector('.widget-label');
    if (l && l.textContent.trim().startsWith(label)) handle = box(s.querySelector('.noUi-handle'));
  }
  const targets = [];
  for (const e of root.querySelectorAll('.noUi-handle, button, select')) {
    const r = e.getBoundingClientRect();
    if (r.width && r.height && getComputedStyle(e).visibility !== 'hidden')
      targets.push([e.getAttribute('aria-label') || e.textContent.trim() || e.tagName,
                    r.width, r.height]);
  }
  const wide = [];
  for (const e of root.querySelectorAll('.widget-slider, .hinge-readout, .hinge-key-area,'
                                        + ' button, select, .hinge-live-svg')) {
    const r = e.getBoundingClientRect();
    if (r.width && (r.x < -0.5 || r.right > innerWidth + 0.5)) wide.push(e.className.toString());
  }
  const bar = document.querySelector('#hinge-bar');
  return {top: bar ? bar.getBoundingClientRect().bottom : 0, svg: box(svg),
          plot: box(svg.querySelector('rect.hinge-plot-area')), marks, cut,
          handle, targets, wide, font: parseFloat(svg.getAttribute('font-size')) *
          svg.getBoundingClientRect().width / width,
          viewport: [innerWidth, innerHeight],
          pageWidth: document.scrollingElement.scrollWidth};
}"""


def offline_context(browser, width: int, height: int, touch: bool = False):
    """A browser context whose every request to another host is refused and noted."""
    context = browser.new_context(viewport={"width": width, "height": height},
                                  has_touch=touch, is_mobile=touch)
    outside: list[str] = []

    def route(r):
        host = urlsplit(r.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return context, outside


def _in_view(box: dict, viewport: list[float], top: float = 0.0) -> bool:
    """Inside the viewport and below the page's fixed bar (``top``, px)."""
    return (box["x"] >= -0.5 and box["y"] >= top - 0.5
            and box["x"] + box["w"] <= viewport[0] + 0.5
            and box["y"] + box["h"] <= viewport[1] + 0.5)


#: Scrolls the explorer to the top of the page; true once its place held since the last call
#: (the page has stopped growing above it: styles, fonts and outputs laid out).
SCROLL_TO_EXPLORER_JS = """() => {
  const e = document.querySelector('.hinge-explorer');
  e.scrollIntoView({block: 'start'});
  const top = e.getBoundingClientRect().top + document.scrollingElement.scrollTop;
  const still = window.hingeExplorerTop === top;
  window.hingeExplorerTop = top;
  return still;
}"""


def _scroll_explorer_to_the_top(page) -> None:
    page.wait_for_function(SCROLL_TO_EXPLORER_JS, polling=250, timeout=30_000)


def _assert_figure_and_slider_in_view(page, label: str, touch: bool) -> dict:
    g = page.evaluate(GEOMETRY_JS, label)
    assert _in_view(g["svg"], g["viewport"], g["top"]), ("figure", g["svg"], g["top"])
    assert _in_view(g["handle"], g["viewport"], g["top"]), (label, g["handle"], g["top"])
    if touch:  # the figure held at the top must not cover the slider
        assert g["handle"]["y"] >= g["svg"]["y"] + g["svg"]["h"] - 1, (g["handle"], g["svg"])
    return g


def _assert_screen_pose_is_the_models(g: dict, a) -> None:
    """Each joint dot and the centre of mass on the screen, against the model's point
    placed in the plot area drawn on the screen: within 0.05 of the figure's width."""
    (x0, x1), (y0, y1) = SCENE["x_range"], SCENE["y_range"]
    plot = g["plot"]
    assert plot["w"] / (x1 - x0) == pytest.approx(plot["h"] / (y1 - y0), rel=0.02)

    def screen(point):
        return (plot["x"] + (point[0] - x0) / (x1 - x0) * plot["w"],
                plot["y"] + (y1 - point[1]) / (y1 - y0) * plot["h"])

    tolerance = 0.05 * g["svg"]["w"]
    for name in drawing.JOINT_MARKERS:
        assert g["marks"][name] == pytest.approx(screen(a.joints[name]), abs=tolerance), name
    assert g["marks"]["com"] == pytest.approx(screen((a.com_x_m, a.com_y_m)), abs=tolerance)


def _move(page, label: str, touch: bool) -> None:
    """One step up on a slider: a tap on its + button on a phone, a key on a computer."""
    row = page.locator(".hinge-slider-row").filter(
        has=page.locator(".widget-label", has_text=label)).first
    if touch:
        row.locator("button.hinge-step", has_text="+").tap()
    else:
        row.locator(".noUi-handle").first.press("ArrowRight")


def _wait_for_pose(page, a, before: str | None = None) -> None:
    """Wait until the figure's description is the model's for ``a`` and, given the body
    line's ``d`` from before a move, until the body has been redrawn: a change of height
    leaves the words as they were."""
    page.wait_for_function(
        "(t) => document.querySelector('.hinge-explorer .hinge-live-svg > desc')"
        ".textContent === t", arg=drawing.pose_words(a)["desc"], timeout=30_000)
    if before is not None:
        page.wait_for_function(
            "([s, d]) => document.querySelector(s).getAttribute('d') !== d",
            arg=[BODY_D, before], timeout=30_000)


@pytest.fixture(scope="module")
def class_app(tmp_path_factory):
    from browser import stop_process

    app = start_class_app(tmp_path_factory.mktemp("room"), "--pool", "1",
                          "--cull-after", "600", "--max-kernels", "10")
    yield app
    stop_process(app.proc)


@pytest.mark.parametrize("width, height, touch", SIZES)
def test_the_class_explorer_fits_the_screen_and_draws_the_models_pose(class_app, browser,
                                                                     width, height, touch):
    context, outside = offline_context(browser, width, height, touch)
    page = context.new_page()
    try:
        page.goto(class_app.url, wait_until="domcontentloaded", timeout=120_000)
        page.wait_for_function(
            "(s) => { const p = document.querySelector(s); return p && p.getAttribute('d'); }",
            arg=BODY_D, timeout=120_000)
        page.locator(".hinge-readout .hinge-pattern").wait_for(timeout=60_000)
        _scroll_explorer_to_the_top(page)

        # a joint slider near the top: moved, with the figure in view, drawn as the model
        g = _assert_figure_and_slider_in_view(page, "Hip", touch)
        for hip in (1, 2):
            _move(page, "Hip", touch)
            _wait_for_pose(page, analyze(Pose(hip=hip), Body()))
        a = analyze(Pose(hip=2), Body())
        g = _assert_figure_and_slider_in_view(page, "Hip", touch)
        _assert_screen_pose_is_the_models(g, a)
        _assert_drawn_like(live_state(page), a, SCENE)

        # a slider far down the controls: scrolled to, it and the figure are both in view
        page.locator(".hinge-slider-row").filter(
            has=page.locator(".widget-label", has_text="Height")).first.locator(
            ".noUi-handle").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        before = page.get_attribute(BODY_D, "d")
        _move(page, "Height", touch)
        a = analyze(Pose(hip=2), Body(height_m=1.76))
        _wait_for_pose(page, a, before)
        g = _assert_figure_and_slider_in_view(page, "Height", touch)
        _assert_screen_pose_is_the_models(g, a)
        _assert_drawn_like(live_state(page), a, SCENE)

        # nothing cut off: no sideways scrolling, no text outside the figure
        assert g["pageWidth"] <= width, g["pageWidth"]
        assert g["wide"] == [] and g["cut"] == [], (g["wide"], g["cut"])
        assert g["font"] >= 16 - 0.01, g["font"]
        if touch:
            small = [t for t in g["targets"] if t[1] < 44 - 0.5 or t[2] < 44 - 0.5]
            assert small == [], small
        else:
            assert g["svg"]["w"] >= 420 or width < 1280
        assert outside == []
    finally:
        context.close()


def test_a_phone_shows_the_two_panel_animation_within_its_width(class_app, browser):
    context, outside = offline_context(browser, 390, 844, touch=True)
    page = context.new_page()
    try:
        base = class_app.url.split("?")[0]
        page.goto(class_app.url, wait_until="domcontentloaded", timeout=120_000)
        page.goto(f"{base}voila/render/02-hinge-vs-squat.ipynb",
                  wait_until="domcontentloaded", timeout=120_000)
        page.wait_for_function(
            "() => { const f = [...document.querySelectorAll('.hinge-animation "
            ".hinge-live-svg path.hinge-layer[data-name=\"body\"]')];"
            " return f.length === 2 && f.every(p => p.getAttribute('d')); }", timeout=120_000)
        page.wait_for_function(  # laid out at the width the phone gives them
            "() => [...document.querySelectorAll('.hinge-live-svg')]"
            ".every(s => s.getBoundingClientRect().width > 0)", timeout=30_000)
        boxes = page.eval_on_selector_all(
            ".hinge-live-svg", "ss => ss.map(s => { const r = s.getBoundingClientRect();"
            " return [r.x, r.right, r.width]; })")
        assert boxes and all(x >= 0 and right <= 390 and w >= 300 for x, right, w in boxes)
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 390
        # the top bar does not cover the page's title
        title = page.locator("h1").first.bounding_box()
        bar = page.locator("#hinge-bar").bounding_box()
        assert bar["y"] + bar["height"] <= title["y"] + 1
        assert outside == []
    finally:
        context.close()


def test_the_join_page_is_on_the_instructors_screen_only_and_loads_nothing_from_outside(
        class_app, browser):
    context, outside = offline_context(browser, 1024, 768)
    page = context.new_page()
    try:
        base = class_app.url.split("?")[0]
        token = class_app.url.split("token=")[1]
        response = page.goto(f"{base}join", wait_until="load", timeout=60_000)
        assert response.status == 200
        qr = page.locator(".qr svg").bounding_box()
        assert qr["width"] >= 300 and qr["y"] + qr["height"] <= 768
        assert page.locator(".address").inner_text().strip() == base
        assert token in page.locator(".code").inner_text()
        assert "No other device" in page.locator("#reach").inner_text()
        status = page.evaluate("async () => (await fetch('hinge/api/join')).json()")
        assert status == {"devices": 0}  # only this machine has asked so far
        for path in ("course", "voila/render/10-pose-explorer.ipynb"):
            page.goto(class_app.url if "10-" in path else f"{base}{path}?token={token}",
                      wait_until="load", timeout=120_000)
        assert outside == []
    finally:
        context.close()


def test_the_join_page_refuses_a_request_from_another_device(tmp_path):
    """The app on the laptop's network address: a request to it from this machine comes
    from that address (as a phone's would from its own), not from loopback."""
    import urllib.error
    import urllib.request

    from browser import stop_process
    from hinge_lib.class_join import is_local_address

    lan = serving.lan_address()
    if is_local_address(lan):
        pytest.skip("this machine has no network address to send from")
    app = start_class_app(tmp_path, "--pool", "0", "--ip", lan)
    try:
        base = app.url.split("?")[0]
        for path in ("join", "hinge/api/join"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(f"{base}{path}", timeout=30)
            assert refused.value.code == 403
            assert b"json" not in refused.value.read()
    finally:
        stop_process(app.proc)


@pytest.mark.parametrize("width, height", [(1024, 768), (1920, 1080)])
def test_the_presenter_page_fits_the_projector_with_muscles_on(tmp_path, voila_server,
                                                              browser, monkeypatch,
                                                              width, height):
    notebook = serving.presenter_notebook(NOTEBOOKS / serving.EXPLORER_NOTEBOOK,
                                          tmp_path / "10-pose-explorer.ipynb")
    monkeypatch.setenv("JUPYTER_PATH", os.pathsep.join(
        p for p in (str(TEMPLATES), os.environ.get("JUPYTER_PATH")) if p))
    url, _ = voila_server(notebook, extra_args=["--template=hinge-offline"])
    context, outside = offline_context(browser, width, height)
    page = context.new_page()
    try:
        page.goto(url, wait_until="domcontentloaded", timeout=120_000)
        page.locator(".hinge-readout .hinge-pattern").wait_for(timeout=120_000)
        assert page.get_by_text("Move the joint sliders").count() == 0  # no prose
        row = hinge_lib.reference_positions().loc["romanian_deadlift"]
        page.locator(".hinge-explorer select").first.select_option(label=str(row["name"]))
        page.locator(".hinge-explorer button", has_text="Muscles").click()
        page.locator(".hinge-anatomy").wait_for(timeout=30_000)
        page.wait_for_timeout(800)
        for selector in (".hinge-readout", ".hinge-anatomy", ".hinge-anatomy-key-area",
                         ".hinge-key-area", ".hinge-live-svg", ".hinge-explorer .noUi-handle",
                         ".hinge-explorer button", ".hinge-explorer select"):
            for box in (el.bounding_box() for el in page.locator(selector).all()
                        if el.is_visible()):
                assert box is not None, selector
                assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, selector
                assert box["y"] >= 0 and box["y"] + box["height"] <= height + 0.5, selector
        assert page.evaluate("() => document.scrollingElement.scrollHeight") <= height
        state = live_state(page)
        a = analyze(reference_pose("romanian_deadlift"), Body(),
                    load_kg=round(row["demo_load_kg"]), hold=row["hold"])
        _assert_drawn_like(state, a, SCENE)
        figure = page.locator(".hinge-live-svg").bounding_box()
        if width >= 1920:  # big enough for the back of a room
            assert figure["height"] >= 600 and state["font"] >= 28
        assert outside == []
    finally:
        context.close()


def test_offline_template_drops_only_links_to_other_hosts():
    template = Path(TEMPLATES) / "voila" / "templates" / "hinge-offline" / "index.html.j2"
    assert "extends 'lab/index.html.j2'" in template.read_text()
    conf = Path(TEMPLATES) / "voila" / "templates" / "hinge-class" / "conf.json"
    assert "hinge-offline" in conf.read_text()
